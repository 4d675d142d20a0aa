"""What `check` says about ledgers as they arrive (issue 18, items 2 and 3): a firm entered twice
without a code, every kind of error in one check, sheets that were skipped, townships that did
not report (未报送)."""

import openpyxl
import pandas as pd
import pytest

from fuchan_lib.core import schema
from fuchan_lib.core.exceptions import LedgerProblems
from fuchan_lib.ingest.firms import one_row_per_firm
from fuchan_lib.ingest.inputs import load_inputs
from fuchan_lib.ingest.ledger import read_entries
from fuchan_lib.run import cli
from fuchan_lib.run.prepare import prepare
from fuchan_lib.stats import annex_tables
from workbooks import example_rows, write_book

IND = schema.INDUSTRY
HEADER = ["企业名称", "统一社会信用代码", "乡镇（园区）", "企业规模", "春节期间状态", "复工日期"]



def edit_example(county, edits, kind=IND):
    path = county.parent.parent / "data" / "example" / f"{kind}.xlsx"
    book = openpyxl.load_workbook(path)
    for cell, value in edits.items():
        book.active[cell] = value
    book.save(path)
    return book.active


def run_check(capsys, *args):
    code = cli.main(["check", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


# --- a firm entered twice without a code ------------------------------------------------------


@pytest.mark.parametrize("first, second", [
    ("青石建材有限公司", "青石建材有限公司"),
    ("ABC食品厂", "ABC 食品厂"),  # a stray space
    ("青石建材（集团）有限公司", "青石建材(集团)有限公司"),  # full-width against half-width brackets
    ("ＡＢＣ食品厂", "ABC食品厂"),  # full-width letters
])
def test_the_same_name_normalised_is_one_firm_whatever_the_spacing_or_width(tmp_path, first, second):
    path = write_book(tmp_path / "a.xlsx", {"城关镇": [HEADER, [first, None, None, "规上", "停产放假", None]],
                                            "东山镇": [HEADER, ["乙厂", None, None, "规下", "正常生产", None],
                                                      [second, None, None, "规上", "停产放假", None]]})
    read = read_entries([(path, None)], IND)
    assert read.frame[schema.NAME].tolist() == [first, "乙厂"]  # the first kept, counted once
    (issue,) = read.issues
    assert (issue.rule, issue.file, issue.sheet, issue.row, issue.enterprise) == (
        "企业名称重复", "a.xlsx", "东山镇", 3, second)
    assert "与文件“a.xlsx”工作表“城关镇”第2行" in issue.message and "只计第一处" in issue.message


def test_two_different_names_are_two_firms():
    frame = pd.DataFrame({schema.NAME: ["青石建材有限公司", "青石建材厂"], schema.CREDIT_CODE: [None, None],
                          schema.SOURCE_FILE: ["a.xlsx"] * 2, schema.SOURCE_SHEET: ["S"] * 2,
                          schema.SOURCE_ROW: [2, 3]})
    kept, issues = one_row_per_firm(frame, IND, [])
    assert len(kept) == 2 and issues == []


def test_a_firm_twice_across_files_is_counted_once_and_stops_the_run_naming_both_places(county, capsys):
    rows = example_rows(IND)
    twice = rows[5][:1] + (None,) + rows[5][2:]  # the 5th firm again, without its code
    folder = county.parent.parent / "data" / "工业"
    write_book(folder / "a.xlsx", {"Sheet1": rows})
    write_book(folder / "b.xlsx", {"补报": [rows[0], twice]})
    text = county.read_text(encoding="utf-8").replace(f"../data/example/{IND}.xlsx", "../data/工业")
    county.write_text(text, encoding="utf-8")
    inputs = load_inputs(county)
    assert len(inputs.industry) == 1200  # 1200 firms in a.xlsx, the repeat in b.xlsx not counted
    code, out, err = run_check(capsys, county)
    assert code == 2
    assert "工业企业台账：1200户" in out
    assert f"[错误·企业名称重复] 文件“b.xlsx”工作表“补报”第2行“企业名称”列（{rows[5][0]}）" in err
    assert "与文件“a.xlsx”工作表“Sheet1”第6行的企业名称相同" in err


# --- every kind of error in one check -------------------------------------------------------


def test_one_check_lists_an_unreadable_cell_a_duplicate_code_and_an_audit_error_together(county, capsys):
    sheet = edit_example(county, {"E12": None})  # a blank 春节期间状态 (unreadable)
    code_of_row_3 = sheet["B3"].value
    edit_example(county, {"B20": code_of_row_3,  # the code of row 3 again (a duplicate code)
                          "G30": 10, "H30": 99})  # more returned than staff (an audit error)
    code, out, err = run_check(capsys, county)
    assert code == 2
    assert "（E12单元格）。处理办法：请填写“春节期间状态”" in err
    assert "[错误·信用代码重复] 文件“工业企业台账.xlsx”工作表“工业企业台账”第20行" in err
    assert "与文件“工业企业台账.xlsx”工作表“工业企业台账”第3行" in err
    assert "[错误·返岗人数超过从业人员]" in err and "第30行" in err
    assert "读取的台账" in out  # what was read is said, as when the ledgers are clean
    listed = pd.read_excel(county.parent / "审核清单_示例县_截至20230215.xlsx", engine="calamine")
    assert {"台账无法读取", "信用代码重复", "返岗人数超过从业人员"} <= set(listed["规则"])
    assert "请删除" not in err + out


# --- skipped sheets and 未报送 ----------------------------------------------------------------


def test_check_lists_skipped_sheets_the_towns_from_sheet_names_and_the_towns_that_did_not_report(county, capsys):
    rows = example_rows(IND)
    j = rows[0].index(schema.TOWN)
    header = rows[0][:j] + rows[0][j + 1:]
    sheets = {"填报说明": [["请各乡镇按表头填写"]], "空白": []}
    for town in ("城关镇", "工业园区"):  # two townships send their sheets; the others do not
        sheets[town] = [header] + [r[:j] + r[j + 1:] for r in rows[1:] if r[j] == town]
    write_book(county.parent.parent / "data" / "分乡镇.xlsx", sheets)
    text = county.read_text(encoding="utf-8").replace(f"../data/example/{IND}.xlsx", "../data/分乡镇.xlsx")
    county.write_text(text + "乡镇: [城关镇, 工业园区, 东山镇, 西河镇, 青石镇]\n", encoding="utf-8")
    code, out, err = run_check(capsys, county)
    assert "文件“分乡镇.xlsx”工作表“填报说明”：表头不是工业企业台账的表头" in out
    assert "文件“分乡镇.xlsx”工作表“空白”：空表" in out
    assert ("工业企业台账：文件“分乡镇.xlsx”的2个工作表（“城关镇”183行、“工业园区”345行），"
            "表头都在第1行，共读入528行") in out
    assert "  城关镇：取自工作表名“城关镇”" in out and "  工业园区：取自工作表名“工业园区”" in out
    # 东山镇 and 西河镇 still have service firms; 青石镇 has none in either ledger
    assert "未报送的乡镇（园区）（参数“乡镇”中列出、本期台账中没有企业）：青石镇" in out
    listed = pd.read_excel(county.parent / "审核清单_示例县_截至20230215.xlsx", engine="calamine")
    assert listed[listed["规则"] == "乡镇未报送"]["企业名称"].tolist() == ["青石镇"]
    prepared = prepare(county)
    table = annex_tables.town_table(prepared.groupings, prepared.inputs.industry, prepared.inputs.service,
                                    prepared.inputs.params, prepared.inputs.unreported_towns)
    towns = table[(schema.TOWN, "")].tolist()
    assert towns[:5] == ["城关镇", "工业园区", "东山镇", "西河镇", "青石镇（未报送）"]
    assert table.iloc[4, 1:].isna().all() and towns[-1] == "合计"
    chart = annex_tables.town_chart_frame(table)
    assert "青石镇（未报送）" not in chart[schema.TOWN].tolist()


# --- a folder's problems at once; status ledgers by file name; hidden copies ------------------


def test_every_broken_file_of_a_folder_is_reported_at_once(tmp_path):
    folder = tmp_path / "工业"
    write_book(folder / "城关镇.xlsx", {"S": [HEADER, ["甲厂", None, None, "规上", "停产放假", None]]})
    write_book(folder / "东山镇.xlsx", {"S": [["企业名称", "企业规模"], ["乙厂", "规下"]]})  # no status
    write_book(folder / "西河镇.xlsx", {"S": [HEADER, ["丙厂", None, None, "中型", "停产放假", None]]})
    with pytest.raises(LedgerProblems) as err:
        read_entries([(folder, None)], IND)
    text = str(err.value)
    assert "文件“东山镇.xlsx”工作表“S”" in text and "缺少必需的列「春节期间状态」" in text
    assert "文件“西河镇.xlsx”工作表“S”" in text and "值“中型”不是允许的取值" in text


def test_status_ledgers_are_recognised_by_file_name_and_give_the_township_too(tmp_path):
    header = ["企业名称", "企业规模", "复工日期"]
    folder = tmp_path / "台账"
    write_book(folder / "城关镇春节期间正常生产企业台账.xlsx", {"Sheet1": [header, ["甲厂", "规上", None]]})
    write_book(folder / "城关镇不能复产企业台账.xlsx", {"Sheet1": [header, ["乙厂", "规下", None]]})
    read = read_entries([(folder, None)], IND, towns=("城关镇", "东山镇"))
    got = read.frame[[schema.NAME, schema.STATUS, schema.TOWN]].astype(object).values.tolist()
    assert sorted(got) == [["乙厂", "长期停产", "城关镇"], ["甲厂", "正常生产", "城关镇"]]


def test_a_hidden_copy_beside_a_visible_ledger_is_skipped_and_listed(tmp_path):
    path = write_book(tmp_path / "a.xlsx", {"本周": [HEADER, ["甲厂", None, "城关镇", "规上", "停产放假", None]],
                                            "旧": [HEADER, ["甲厂", None, "城关镇", "规上", "停产放假", None]]})
    book = openpyxl.load_workbook(path)
    book["旧"].sheet_state = "hidden"
    book.save(path)
    read = read_entries([(path, None)], IND)
    assert len(read.frame) == 1 and read.issues == ()
    assert [(s.sheet, s.reason) for s in read.skipped] == [("旧", "隐藏的工作表")]


@pytest.mark.parametrize("name, towns, town", [
    ("城关镇", ("城关镇",), "城关镇"),
    ("01_城关镇工业企业台账", (), "城关镇"),  # a number to sort by, then the ledger's own words
    ("示例县工业园区台账", ("园区", "工业园区"), "工业园区"),  # the longest listed one
    ("城 关 镇", ("城关镇",), "城关镇"),  # spaces do not count
    ("ＸＸ镇台账", ("XX镇",), "XX镇"),  # nor full-width forms
    ("3.东山镇", (), "东山镇"),
    ("汇总", (), None),
    ("东山镇服务业", ("", " ", "西河镇"), None),  # blank listed names match nothing
])
def test_the_township_a_sheet_or_file_name_stands_for(monkeypatch, name, towns, town):
    from fuchan_lib.ingest import names, values

    compacted = []
    original = values.compact
    monkeypatch.setattr(values, "compact", lambda text: compacted.append(text) or original(text))
    assert names.town_of_name(name, towns) == town
    assert compacted == [name, *towns]  # the name and each listed town compacted once
