"""督办 workbooks: the lists a county sends its townships (and a city its counties).

A county run writes `督办/汇总.xlsx` (firms not resumed per township, printable on one page) and
one workbook per township, numbered in the county's order. A city run writes one workbook per
county: its 汇总 sheet, then one list of all its firms not resumed, township by township (two
sheets, not one per township: at 100 counties the sheets, not the rows, dominate the time).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

from fuchan_lib.core.output_folder import inside
from fuchan_lib.core.wording import format_date
from fuchan_lib.report.xlsx_tables import PrintSetup, write_tables_xlsx
from fuchan_lib.stats.follow_up import follow_up_summary

FOLDER = "督办"
SUMMARY_FILE = "汇总.xlsx"
SUMMARY_SHEET = "汇总"
LIST_SHEET = "未复工企业"
TOWN = "乡镇（园区）"
_NOT_IN_FILENAMES = re.compile(r'[\\/:*?"<>|\s]+')


def file_part(name: str) -> str:
    """A township or county name usable in a file name on Windows too."""
    return _NOT_IN_FILENAMES.sub("_", name).strip("._") or "未命名"


def _summary_layout(place: str, as_of: date) -> PrintSetup:
    return PrintSetup(f"{place}未复工企业督办汇总（截至{format_date(as_of)}）", one_page=True)


def _list_layout(place: str, town: str, as_of: date) -> PrintSetup:
    return PrintSetup(f"{place}{town}未复工企业督办清单（截至{format_date(as_of)}）", landscape=True)


def write_county_books(folder: Path, lists: dict[str, pd.DataFrame], *, county: str,
                       as_of: date) -> list[Path]:
    """汇总.xlsx and one workbook per township into `folder`; returns the paths written."""
    written = [write_tables_xlsx(
        {SUMMARY_SHEET: follow_up_summary(lists)}, folder / SUMMARY_FILE,
        printing={SUMMARY_SHEET: _summary_layout(county, as_of)})]
    for number, (town, rows) in enumerate(lists.items(), start=1):
        path = inside(folder, folder / f"{number:02d}_{file_part(town)}.xlsx")
        written.append(write_tables_xlsx(
            {LIST_SHEET: rows}, path, printing={LIST_SHEET: _list_layout(county, town, as_of)}))
    return written


def write_city_book(folder: Path, number: int, county: str, lists: dict[str, pd.DataFrame],
                    as_of: date) -> Path:
    """One county's workbook of a city run: 汇总, then every township's list one after the
    other (with the township as a column)."""
    rows = pd.concat([df.drop(columns="序号").assign(**{TOWN: town}) for town, df in lists.items()],
                     ignore_index=True) if lists else pd.DataFrame()
    if len(rows):
        rows = rows[[TOWN] + [c for c in rows.columns if c != TOWN]]
        rows.insert(0, "序号", range(1, len(rows) + 1))
    sheets = {SUMMARY_SHEET: follow_up_summary(lists), LIST_SHEET: rows}
    printing = {SUMMARY_SHEET: _summary_layout(county, as_of),
                LIST_SHEET: _list_layout(county, "", as_of)}
    return write_tables_xlsx(sheets, inside(folder, folder / f"{number:02d}_{file_part(county)}.xlsx"),
                             printing=printing)
