"""附表 .xlsx: read back with openpyxl and check what Excel/WPS will show."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from fuchan_lib.core.text import excel_width
from fuchan_lib.report.xlsx_tables import _sheet_title, write_tables_xlsx

NAN = np.nan


def _rates() -> pd.DataFrame:
    return pd.DataFrame({
        "类别": ["规上工业", "规下工业", "规上服务业"],
        "需复工户数": [16, 0, np.int64(5)],
        "复工率": [81.25, NAN, 81.35],
    })


def _read(path: Path, sheet: str | int = 0):
    wb = load_workbook(path)
    return wb.worksheets[sheet] if isinstance(sheet, int) else wb[sheet]


def test_percent_values_are_stored_as_fractions_shown_with_one_decimal(tmp_path):
    path = write_tables_xlsx({"分类别": _rates()}, tmp_path / "附表.xlsx",
                             percent_columns=["复工率"])
    ws = _read(path)
    assert ws["C2"].value == 0.8125 and ws["C2"].number_format == "0.0%"
    assert ws["C4"].value == 0.8135  # the decimal 81.35, not the float 81.35/100 = 0.81349999…
    assert ws["B2"].value == 16 and ws["B4"].value == 5 and ws["B2"].data_type == "n"


def test_missing_values_are_a_dash_as_text(tmp_path):
    frame = pd.DataFrame({"企业名称": ["甲", None], "复工率": [NAN, pd.NA],
                          "复工日期": [pd.NaT, pd.Timestamp("2023-02-01")]})
    ws = _read(write_tables_xlsx({"表": frame}, tmp_path / "a.xlsx",
                                 percent_columns=["复工率"], date_columns=["复工日期"]))
    assert [ws["B2"].value, ws["B3"].value, ws["A3"].value, ws["C2"].value] == ["—"] * 4
    assert ws["B2"].data_type == "s"


@pytest.mark.parametrize("name", [
    '=HYPERLINK("http://evil.example","点我")', "=1+1", "+1+1", "@SUM(A1)", "=",
])
def test_ledger_text_starting_with_a_formula_sign_stays_text(tmp_path, name):
    frame = pd.DataFrame({"企业名称": [name], "未复工原因": ["=cmd|' /C calc'!A0"]})
    path = write_tables_xlsx({"清单": frame}, tmp_path / "a.xlsx")
    ws = _read(path)
    assert (ws["A2"].value, ws["A2"].data_type) == (name, "s")
    assert ws["A2"].quotePrefix  # what Excel sets for text typed as '=…
    with zipfile.ZipFile(path) as z:  # no formula element anywhere in the sheet XML
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()
    assert pd.read_excel(path, engine="calamine")["企业名称"].tolist() == [name]
    assert (ws["B2"].value, ws["B2"].data_type) == ("=cmd|' /C calc'!A0", "s")


def test_dates_are_real_dates_formatted_year_month_day(tmp_path):
    frame = pd.DataFrame({"企业名称": ["甲", "乙", "丙"],
                          "复工日期": [pd.Timestamp("2023-02-01"), date(2023, 2, 3),
                                   datetime(2023, 2, 5, 9, 30)],
                          "登记时间": pd.to_datetime(["2023-01-01", "2023-01-02", "2023-01-03"])})
    ws = _read(write_tables_xlsx({"表": frame}, tmp_path / "a.xlsx", date_columns=["复工日期"]))
    assert ws["B2"].value == datetime(2023, 2, 1) and ws["B2"].number_format == "yyyy-mm-dd"
    assert ws["B3"].value == datetime(2023, 2, 3)
    assert ws["B4"].number_format == "yyyy-mm-dd"
    assert ws["C2"].value == datetime(2023, 1, 1)  # datetime dtype is a date without asking
    assert ws["C2"].number_format == "yyyy-mm-dd"


def test_header_is_bold_filled_and_frozen_and_widths_fit_chinese(tmp_path):
    frame = pd.DataFrame({"企业名称": ["示例县某某新型建材有限责任公司"], "户数": [3]})
    ws = _read(write_tables_xlsx({"表": frame}, tmp_path / "a.xlsx"))
    assert ws["A1"].value == "企业名称" and ws["A1"].font.b
    assert ws["A1"].fill.fill_type == "solid"
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == 2 * 15 + 2  # 15 CJK characters count double
    assert ws.column_dimensions["B"].width == 6  # "户数" (4) + 2


@pytest.mark.parametrize("text, width", [("规上工业", 8), ("81.3%", 5), ("（含大个体）", 12), ("", 0)])
def test_display_width_counts_chinese_double(text, width):
    assert excel_width(text) == width


@pytest.mark.parametrize("name, title", [
    ("分类别/复工率[1]", "分类别_复工率_1_"),
    ("a:b*c?d\\e", "a_b_c_d_e"),
    ("x" * 40, "x" * 31),
    ("'引号'", "引号"),
    ("", "Sheet"),
])
def test_sheet_names_are_made_legal(name, title):
    assert _sheet_title(name, set()) == title


def test_sheet_names_that_clash_after_cleaning_get_a_number(tmp_path):
    frames = {"附表/1": _rates(), "附表:1": _rates(), "Y" * 40: _rates(), "y" * 35: _rates()}
    wb = load_workbook(write_tables_xlsx(frames, tmp_path / "a.xlsx"))
    assert wb.sheetnames == ["附表_1", "附表_1(2)", "Y" * 31, "y" * 28 + "(2)"]


def test_a_meaningful_index_is_kept_as_a_column(tmp_path):
    trend = pd.DataFrame({"规上工业": [40.0, 81.25]},
                         index=pd.Index(pd.to_datetime(["2023-02-08", "2023-02-15"]), name="截止日期"))
    ws = _read(write_tables_xlsx({"趋势": trend}, tmp_path / "a.xlsx",
                                 percent_columns=["规上工业"]))
    assert [c.value for c in ws[1]] == ["截止日期", "规上工业"]
    assert ws["A3"].value == datetime(2023, 2, 15) and ws["B3"].value == 0.8125


def test_excel_illegal_control_characters_are_dropped_not_fatal(tmp_path):
    frame = pd.DataFrame({"企业名称": ["甲\x0b公司\x01"]})
    ws = _read(write_tables_xlsx({"表": frame}, tmp_path / "a.xlsx"))
    assert ws["A2"].value == "甲公司"


def test_file_appears_atomically_and_replaces_an_older_one(tmp_path):
    path = tmp_path / "附表.xlsx"
    path.write_bytes(b"old")
    write_tables_xlsx({"表": _rates()}, path)
    assert load_workbook(path).sheetnames == ["表"]
    assert [p.name for p in tmp_path.iterdir()] == ["附表.xlsx"]


def test_failed_write_leaves_no_file_and_no_temp(tmp_path):
    class Boom:
        def __str__(self):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_tables_xlsx({"表": pd.DataFrame({"企业名称": [Boom()]})}, tmp_path / "a.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_no_sheets_is_refused():
    with pytest.raises(ValueError, match="没有要写入的表格"):
        write_tables_xlsx({}, Path("unused.xlsx"))


def test_ten_thousand_rows_are_written(tmp_path):
    n = 10_000
    frame = pd.DataFrame({"企业名称": [f"企业{i}" for i in range(n)],
                          "复工率": np.linspace(0, 100, n),
                          "复工日期": pd.date_range("2023-01-23", periods=n, freq="min")})
    path = write_tables_xlsx({"未复工企业清单": frame}, tmp_path / "big.xlsx",
                             percent_columns=["复工率"])
    back = pd.read_excel(path, sheet_name="未复工企业清单", engine="calamine")  # independent reader
    assert back.shape == (n, 3)
    assert back["企业名称"].iloc[-1] == "企业9999" and back["复工率"].iloc[-1] == 1.0
