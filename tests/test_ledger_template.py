"""Blank ledger templates: canonical columns, dropdowns, read back through ingest unchanged."""

from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from fuchan_lib.core import schema
from fuchan_lib.run.cli import main
from fuchan_lib.core.exceptions import LedgerError, OutputExistsError
from fuchan_lib.ingest.ledger import read_ledger
from fuchan_lib.ingest.blank_ledgers import LISTS_SHEET, NOTES_SHEET, write_templates

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PARAMS = ROOT / "params" / "示例县_2023Q1.yaml"

INDUSTRY_ROWS = [
    ["甲公司", "91360000MA35L8K2XF", "城关镇", "规上", "停产放假", date(2023, 2, 1), 120, 98, None, None],
    ["乙公司", None, "东山镇", "规下", "正常生产", None, 15, 15, None, None],
    ["丙公司", None, None, "规下", "停产放假", None, None, None, "订单不足", "3月上旬"],
]
SERVICE_ROWS = [
    ["丁超市", None, "城关镇", "限上批零住餐", "零售业", "停业放假", date(2023, 1, 28), 30, 20, None, None],
    ["戊物业", None, "西河镇", "规上服务业", "居民服务、修理和其他服务业", "正常营业", None, 8, 8, None, None],
]


@pytest.fixture()
def templates(tmp_path):
    return {p.stem: p for p in write_templates(tmp_path / "模板", None)}


def fill(path: Path, rows: list[list]) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    book.save(path)


@pytest.mark.parametrize(
    ("kind", "rows"), [(schema.INDUSTRY, INDUSTRY_ROWS), (schema.SERVICE, SERVICE_ROWS)]
)
def test_a_filled_template_reads_back_unchanged(templates, kind, rows):
    fill(templates[kind], rows)
    frame = read_ledger(templates[kind], kind)
    assert frame[schema.SOURCE_SHEET].unique().tolist() == [kind]
    assert frame[schema.SOURCE_ROW].tolist() == [2, 3, 4][: len(rows)]
    for j, column in enumerate(schema.COLUMNS_BY_KIND[kind]):
        got = frame[column.name].tolist()
        want = [row[j] for row in rows]
        if column.kind == "date":
            got = [None if pd.isna(v) else v.date() for v in got]
        else:
            got = [None if pd.isna(v) else v for v in got]
        assert got == want, column.name


def test_the_indicator_template_lists_the_seed_indicators_in_wan_yuan(templates):
    frame = read_ledger(templates[schema.INDICATORS], schema.INDICATORS)
    assert frame[schema.INDICATOR].tolist() == list(schema.SEED_INDICATORS)
    assert set(frame[schema.UNIT]) == {"万元"}
    assert frame[schema.CURRENT].isna().all()


def test_blank_templates_read_as_empty_ledgers(templates):
    assert len(read_ledger(templates[schema.INDUSTRY], schema.INDUSTRY)) == 0
    assert len(read_ledger(templates[schema.SERVICE], schema.SERVICE)) == 0


def validations(path: Path) -> dict[str, object]:
    """Header text -> the data validation covering its column."""
    sheet = openpyxl.load_workbook(path).worksheets[0]
    headers = {cell.column_letter: cell.value for cell in sheet[1]}
    found = {}
    for dv in sheet.data_validations.dataValidation:
        letter = str(dv.sqref)[0]
        assert str(dv.sqref) == f"{letter}2:{letter}5000"
        found[headers[letter]] = dv
    return found


def list_values(path: Path, formula: str) -> list[str]:
    book = openpyxl.load_workbook(path)
    sheet_name, cells = formula.split("!")
    cells = cells.replace("$", "")
    return [c.value for (c,) in book[sheet_name.strip("'")][cells]]


def test_sheets_are_data_first_then_notes_then_hidden_lists(templates):
    book = openpyxl.load_workbook(templates[schema.SERVICE])
    assert book.sheetnames == [schema.SERVICE, NOTES_SHEET, LISTS_SHEET]
    assert book[LISTS_SHEET].sheet_state == "hidden"
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == [c.name for c in schema.SERVICE_COLUMNS]
    assert sheet.freeze_panes == "A2"
    assert all(c.font.b for c in sheet[1])
    assert sheet.column_dimensions["G"].number_format == "yyyy-mm-dd"  # 复工日期


def test_dropdowns_offer_exactly_the_canonical_values(templates):
    path = templates[schema.SERVICE]
    found = validations(path)
    assert set(found) == {"类别", "行业", "春节期间状态", "复工日期", "从业人员", "已返岗人数"}
    assert list_values(path, found["类别"].formula1) == list(schema.CATEGORIES)
    assert list_values(path, found["行业"].formula1) == list(
        schema.RETAIL_TRADES + schema.SERVICE_SECTORS
    )
    assert list_values(path, found["春节期间状态"].formula1) == ["正常营业", "停业放假", "长期停业"]
    assert (found["复工日期"].type, found["复工日期"].formula1) == ("date", "36526")  # 2000-01-01
    assert (found["从业人员"].type, found["从业人员"].formula1) == ("whole", "0")
    industry = validations(templates[schema.INDUSTRY])
    assert list_values(templates[schema.INDUSTRY], industry["企业规模"].formula1) == ["规上", "规下"]
    assert "乡镇（园区）" not in industry  # no params: free text


def test_the_notes_sheet_explains_every_column_and_the_as_of_rule(templates):
    sheet = openpyxl.load_workbook(templates[schema.INDUSTRY])[NOTES_SHEET]
    text = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    for column in schema.INDUSTRY_COLUMNS:
        assert column.name in text
    assert any("不晚于截止日期" in str(t) for t in text)
    assert "必填" in text and "选填" in text


def test_the_town_dropdown_lists_the_countys_towns(tmp_path):
    written = write_templates(tmp_path, EXAMPLE_PARAMS)
    industry = validations(written[0])
    towns = list_values(written[0], industry["乡镇（园区）"].formula1)
    existing = read_ledger(ROOT / "data" / "example" / "工业企业台账.xlsx", schema.INDUSTRY)
    assert set(existing[schema.TOWN].dropna()) <= set(towns)
    assert len(towns) == len(set(towns)) and "" not in towns
    assert industry["乡镇（园区）"].errorStyle == "warning"  # a new town can still be entered


def test_params_whose_ledgers_name_no_town_are_refused(tmp_path):
    ledger = tmp_path / "工业.csv"
    ledger.write_text("企业名称,企业规模,春节期间状态\n甲,规上,正常生产\n", encoding="utf-8")
    params = tmp_path / "p.yaml"
    params.write_text(
        "县名: 测试县\n报告单位: 测试局\n名录截止日期: 2022-12-31\n春节: 2023-01-22\n"
        "截止日期: 2023-02-15\n报告日期: 2023-02-16\n数据:\n  工业企业台账: 工业.csv\n"
        "  服务业企业台账: 服务业.csv\n",
        encoding="utf-8",
    )
    with pytest.raises(LedgerError, match="没有找到任何乡镇"):
        write_templates(tmp_path / "out", params)
    assert not (tmp_path / "out").exists()


def test_an_existing_file_is_never_overwritten(tmp_path):
    (tmp_path / "服务业企业台账.xlsx").write_bytes(b"filled in")
    with pytest.raises(OutputExistsError, match="服务业企业台账.xlsx.*已存在"):
        write_templates(tmp_path, None)
    assert (tmp_path / "服务业企业台账.xlsx").read_bytes() == b"filled in"
    assert not (tmp_path / "工业企业台账.xlsx").exists()  # nothing half-written


def test_the_cli_writes_templates_and_refuses_a_second_time(tmp_path, capsys):
    assert main(["template", str(tmp_path / "t")]) == 0
    assert len(list((tmp_path / "t").glob("*.xlsx"))) == 3
    assert main(["template", str(tmp_path / "t")]) == 2
    assert "已存在" in capsys.readouterr().err
