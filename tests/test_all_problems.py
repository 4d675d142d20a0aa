"""Every problem of every ledger at once, each with its cell and fix (issue 12)."""

import openpyxl
import pytest

from fuchan_lib.core.exceptions import LedgerProblems
from fuchan_lib.ingest.inputs import load_inputs


def break_cells(path, edits):
    book = openpyxl.load_workbook(path)
    sheet = book.active
    for cell, value in edits.items():
        sheet[cell] = value
    book.save(path)


def test_four_bad_cells_in_one_ledger_and_one_in_another_are_all_reported(county):
    data = county.parent.parent / "data" / "example"
    break_cells(data / "工业企业台账.xlsx",
                {"F4": "2023-13-01", "D7": "中型", "G9": "三十", "E12": None})
    break_cells(data / "服务业企业台账.xlsx", {"D5": "批零"})
    with pytest.raises(LedgerProblems) as err:
        load_inputs(county)
    problems = err.value.problems
    assert [(p.file, p.cell) for p in problems] == [
        ("工业企业台账.xlsx", "F4"), ("工业企业台账.xlsx", "D7"), ("工业企业台账.xlsx", "G9"),
        ("工业企业台账.xlsx", "E12"), ("服务业企业台账.xlsx", "D5")]
    assert all(p.fix and p.row and p.column and p.enterprise for p in problems)
    text = str(err.value)
    assert text.startswith("台账有5处问题，请全部改正后重新运行：")
    assert "文件“工业企业台账.xlsx”工作表“工业企业台账”（4处）：" in text
    for fragment in ("值“2023-13-01”不是有效日期（F4单元格）。处理办法：请改为 2023年2月1日",
                     "值“中型”不是允许的取值（D7单元格）。处理办法：请改为以下之一：「规上」「规下」",
                     "值“三十”不是整数（G9单元格）。处理办法：请只填写人数",
                     "“春节期间状态”列：不能为空（E12单元格）。处理办法：请填写“春节期间状态”",
                     "值“批零”不是允许的取值（D5单元格）。处理办法：请改为以下之一：「限上批零住餐」"):
        assert fragment in text
