"""`fuchan 下发`: next week's ledgers per township, pre-filled from the latest good run, that
read back (unchanged) to the same report."""

from datetime import datetime

import openpyxl
import pandas as pd
import pytest

from fuchan_lib.core import schema
from fuchan_lib.ingest.blank_ledgers import LISTS_SHEET, NOTES_SHEET
from fuchan_lib.ingest.inputs import Inputs, read_inputs, run_params, with_states
from fuchan_lib.ingest.ledger import read_ledger
from fuchan_lib.run.cli import main
from fuchan_lib.run.handout import write_handout
from fuchan_lib.run.prepare import audit_inputs
from fuchan_lib.stats import build
from fuchan_lib.stats.weekly import History
from kept_runs import finished_run

KINDS = (schema.INDUSTRY, schema.SERVICE)


def read_back(files, params_path, as_of):
    """The handed-out workbooks read through ingest, every township's rows of each ledger."""
    frames = {kind: with_states(pd.concat([read_ledger(f, kind, sheet=kind) for f in files], ignore_index=True))
              for kind in KINDS}
    original = read_inputs(run_params(params_path, as_of))
    return Inputs(original.params, frames[schema.INDUSTRY], frames[schema.SERVICE], original.indicators,
                  original.enterprise_indicators)


def report_facts(built) -> dict[str, str | None]:
    """Every fact of the report but the week-over-week ones (those compare with another run)."""
    return {f.key: f.text for part in (built.industry, built.services, built.indicators, built.attachments)
            for f in part.facts}


def test_the_workbooks_returned_unchanged_give_the_same_report(county, tmp_path):
    week = finished_run(county, "2023-02-15")
    files = write_handout(county, tmp_path / "下发")
    # the example county's ten townships, in the order they first appear, one workbook each
    assert [f.name for f in files][:3] == ["01_工业园区.xlsx", "02_高坪乡.xlsx", "03_城关镇.xlsx"]
    assert len(files) == 10
    inputs = read_back(files, county, "2023-02-15")
    assert len(inputs.industry) == 1200 and len(inputs.service) == 600  # every firm of the ledgers, once
    again = build.build_all(inputs, audit_inputs(inputs), History())
    before, after = report_facts(week), report_facts(again)
    assert len(before) > 250 and after == before


def test_a_township_workbook_holds_its_firms_with_dates_only_where_resumed(county, tmp_path):
    finished_run(county, "2023-02-08")
    files = write_handout(county, tmp_path / "下发")
    book = openpyxl.load_workbook(files[0])
    assert book.sheetnames == [schema.INDUSTRY, schema.SERVICE, NOTES_SHEET, LISTS_SHEET]
    assert book[LISTS_SHEET].sheet_state == "hidden"
    sheet = book[schema.INDUSTRY]
    header = [c.value for c in sheet[1]]
    assert header == [c.name for c in schema.INDUSTRY_COLUMNS]
    rows = {r[0]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert all(r[schema.TOWN] == "工业园区" for r in rows.values())
    # the first firm of the example ledger: 停产放假, 复工日期 2023-03-05, after the run's 2月8日
    late = rows["示例县瑞元金属制品有限公司"]
    assert late[schema.STATUS] == "停产放假" and late[schema.RESUMED_ON] is None
    assert (late[schema.STAFF], late[schema.RETURNED], late[schema.REASON]) == (24, 2, "订单不足")
    resumed = [r for r in rows.values() if r[schema.RESUMED_ON] is not None]
    assert resumed and all(r[schema.RESUMED_ON] <= datetime(2023, 2, 8) for r in resumed)
    validated = {str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation}
    assert {"C2", "D2", "E2", "F2"} <= validated  # 乡镇, 规模 and 状态 dropdowns, the date check


def test_without_a_run_there_is_nothing_to_hand_out(county, tmp_path, capsys):
    assert main(["下发", str(county), "--输出", str(tmp_path / "下发")]) == 2
    assert "没有示例县（春节2023年）成功的运行" in capsys.readouterr().err
    assert not (tmp_path / "下发").exists()


def test_handed_out_workbooks_are_never_overwritten(county, tmp_path, capsys):
    finished_run(county, "2023-02-15")
    assert main(["下发", str(county), "--输出", str(tmp_path / "下发")]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 10 and printed[0].endswith("01_工业园区.xlsx")
    (tmp_path / "下发" / "01_工业园区.xlsx").write_bytes(b"filled in by the township")
    assert main(["下发", str(county), "--输出", str(tmp_path / "下发")]) == 2
    assert "已存在" in capsys.readouterr().err
    assert (tmp_path / "下发" / "01_工业园区.xlsx").read_bytes() == b"filled in by the township"
