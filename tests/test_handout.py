"""`fuchan 下发`: next week's ledgers per township, pre-filled from the latest good run, that
read back (unchanged) to the same report."""

import shutil
from datetime import datetime

import openpyxl
import pytest

from fuchan_lib.core import schema
from fuchan_lib.ingest.blank_ledgers import LISTS_SHEET, NOTES_SHEET
from fuchan_lib.ingest.inputs import run_params
from fuchan_lib.run.cli import main
from fuchan_lib.run.handout import write_handout
from fuchan_lib.run.prepare import prepare_from
from fuchan_lib.stats import audit
from kept_runs import finished_run

KINDS = (schema.INDUSTRY, schema.SERVICE)


def read_back(params_path, folder, as_of=None):
    """This county's params with both ledgers read from the handed-out folder, as the
    townships return it: read, audited and built as a run would be."""
    text = params_path.read_text(encoding="utf-8")
    for kind in KINDS:
        text = text.replace(f"{kind}: ../data/example/{kind}.xlsx", f"{kind}: ../{folder.name}")
    returned = params_path.with_name("交回.yaml")
    returned.write_text(text, encoding="utf-8")
    prepared = prepare_from(run_params(returned, as_of))
    return prepared, prepared.build()


def report_facts(built) -> dict[str, str | None]:
    """Every fact of the report but the week-over-week ones (those compare with another run)."""
    return {f.key: f.text for part in (built.industry, built.services, built.indicators, built.attachments)
            for f in part.facts}


@pytest.fixture(scope="module")
def handed_out_once(module_county):
    """The example county kept as a good 2月15日 run and handed out from it, made once for the
    module: the county folder, that week's build and the workbooks `write_handout` returned."""
    week = finished_run(module_county, "2023-02-15")
    return module_county.parent.parent, week, write_handout(module_county, module_county.parent.parent / "下发")


@pytest.fixture
def handed_out(handed_out_once, tmp_path):
    """A private copy of `handed_out_once` (tests read back, edit and write beside it): the
    params file, the kept week's build and the workbooks, in the copy's 下发 folder."""
    tree, week, files = handed_out_once
    copy = shutil.copytree(tree, tmp_path / tree.name)
    return copy / "params" / "示例县_2023Q1.yaml", week, [copy / "下发" / f.name for f in files]


def test_the_workbooks_returned_unchanged_give_the_same_report(handed_out):
    county, week, files = handed_out
    folder = files[0].parent
    # the example county's ten townships, in the order they first appear, one workbook each
    assert [f.name for f in files][:3] == ["01_工业园区.xlsx", "02_高坪乡.xlsx", "03_城关镇.xlsx"]
    assert len(files) == 10
    prepared, again = read_back(county, folder)
    inputs = prepared.inputs
    assert len(inputs.industry) == 1200 and len(inputs.service) == 600  # every firm of the ledgers, once
    before, after = report_facts(week), report_facts(again)
    assert len(before) > 250 and after == before
    # a week later, compared with the run they came from: nothing left, came or changed
    later, next_week = read_back(county, folder, "2023-02-22")
    assert later.history.previous.as_of.isoformat() == "2023-02-15"
    assert not [f for f in later.audit.findings if f.rule in audit.WEEK_RULES]
    facts = next_week.week_over_week.facts
    assert (facts["周比.工业.新增复工"].value, facts["周比.工业.不再计入"].value) == (0, None)


def test_a_township_workbook_holds_its_firms_with_dates_only_where_resumed(handed_out_once):
    _, _, files = handed_out_once  # handed out from the 2月15日 run (read only here)
    book = openpyxl.load_workbook(files[0])
    assert book.sheetnames == [schema.INDUSTRY, schema.SERVICE, NOTES_SHEET, LISTS_SHEET]
    assert book[LISTS_SHEET].sheet_state == "hidden"
    sheet = book[schema.INDUSTRY]
    header = [c.value for c in sheet[1]]
    assert header == [c.name for c in schema.INDUSTRY_COLUMNS]
    rows = {r[0]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert all(r[schema.TOWN] == "工业园区" for r in rows.values())
    # the first firm of the example ledger: 停产放假, 复工日期 2023-03-05, after the run's 2月15日
    late = rows["示例县瑞元金属制品有限公司"]
    assert late[schema.STATUS] == "停产放假" and late[schema.RESUMED_ON] is None
    assert (late[schema.STAFF], late[schema.RETURNED], late[schema.REASON]) == (24, 2, "订单不足")
    resumed = [r for r in rows.values() if r[schema.RESUMED_ON] is not None]
    assert resumed and all(r[schema.RESUMED_ON] <= datetime(2023, 2, 15) for r in resumed)
    assert any(r[schema.RESUMED_ON] > datetime(2023, 2, 8) for r in resumed)  # this run's, not an older one's
    validated = {str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation}
    assert {"C2", "D2", "E2", "F2"} <= validated  # 乡镇, 规模 and 状态 dropdowns, the date check


def test_without_a_run_there_is_nothing_to_hand_out(county, tmp_path, capsys):
    assert main(["下发", str(county), "--输出", str(tmp_path / "下发")]) == 2
    assert "没有示例县（春节2023年）成功的运行" in capsys.readouterr().err
    assert not (tmp_path / "下发").exists()


def test_handed_out_workbooks_are_never_overwritten(handed_out, tmp_path, capsys):
    county = handed_out[0]  # kept as a good 2月15日 run
    assert main(["下发", str(county), "--输出", str(tmp_path / "下发")]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 10 and printed[0].endswith("01_工业园区.xlsx")
    (tmp_path / "下发" / "01_工业园区.xlsx").write_bytes(b"filled in by the township")
    assert main(["下发", str(county), "--输出", str(tmp_path / "下发")]) == 2
    assert "已存在" in capsys.readouterr().err
    assert (tmp_path / "下发" / "01_工业园区.xlsx").read_bytes() == b"filled in by the township"


def test_a_firm_added_without_a_township_takes_its_workbooks(handed_out):
    """The workbooks are numbered to keep the county's order ("01_工业园区.xlsx"); a firm a
    township adds with 乡镇 left blank belongs to that township, not to "01_工业园区"."""
    county, _, files = handed_out  # handed out from the 2月15日 run
    folder, first = files[0].parent, files[0]
    book = openpyxl.load_workbook(first)
    book[schema.INDUSTRY].append(["示例县新开厂", None, None, "规下", "停产放假", datetime(2023, 2, 14)])
    book.save(first)
    prepared, again = read_back(county, folder, "2023-02-22")
    industry = prepared.inputs.industry
    assert industry.loc[industry[schema.NAME] == "示例县新开厂", schema.TOWN].tolist() == ["工业园区"]
    assert again.week_over_week.facts["周比.工业.新增复工"].value == 1  # compared with 2月15日's run
    [new] = [f for f in prepared.audit.findings if f.rule == audit.NEW_FIRM]
    assert (new.enterprise, new.file, new.sheet) == ("示例县新开厂", "01_工业园区.xlsx", schema.INDUSTRY)


def test_a_firm_name_that_looks_like_a_formula_stays_text_in_the_handed_out_workbook(county):
    ledger = county.parent.parent / "data" / "example" / f"{schema.INDUSTRY}.xlsx"
    book = openpyxl.load_workbook(ledger)
    book.active["A2"] = '=HYPERLINK("http://example.invalid","点我")'
    book.active["A2"].data_type = "s"  # entered as text, as the ledger's reader sees it
    book.save(ledger)
    finished_run(county, "2023-02-15")
    first = write_handout(county, county.parent.parent / "下发")[0]
    cells = [row[0] for row in openpyxl.load_workbook(first)[schema.INDUSTRY].iter_rows(min_row=2)]
    [cell] = [c for c in cells if str(c.value).startswith("=HYPERLINK")]
    assert cell.data_type == "s" and cell.quotePrefix
