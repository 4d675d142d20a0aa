"""附表 workbooks (DESIGN §4 tables/*.xlsx): DataFrames -> one formatted .xlsx sheet each.

Owns how a table looks in Excel/WPS: bold filled Chinese header, frozen header row, column
widths that fit Chinese text, percentages as real percent numbers, dates as dates, "—" for no
value. Ledger text is always written as text, so an enterprise name such as "=HYPERLINK(…)"
can never become a formula. The file appears atomically: a crash leaves no half-written .xlsx.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from numbers import Number
from pathlib import Path

import pandas as pd

from fuchan_lib.core.text import clean_text, excel_width
from fuchan_lib.core.xlsx import FORMULA_SIGNS, save_workbook

MISSING = "—"
MAX_SHEET_TITLE = 31
_BAD_TITLE_CHARS = re.compile(r"[\[\]:*?/\\]")
_MIN_WIDTH, _MAX_WIDTH = 6, 60
_HEADER_FILL = "DDEBF7"


@dataclass(frozen=True)
class PrintSetup:
    """How a sheet prints: a centred header line, A4 portrait or landscape, and either the whole
    sheet on one page or the width on one page with the header row repeated on every page."""

    header: str = ""
    landscape: bool = False
    one_page: bool = False


def write_tables_xlsx(sheets: dict[str, pd.DataFrame], path: Path, *,
                      percent_columns: Iterable[str] = (), date_columns: Iterable[str] = (),
                      percent_decimals: int = 1,
                      printing: dict[str, PrintSetup] | None = None) -> Path:
    """Write each DataFrame to its own sheet of a new .xlsx at `path`; return the path.

    `percent_columns` hold percent values (81.25 means 81.25 %); they are stored as the
    fraction 0.8125 formatted '0.0%', so Excel shows 81.3 % and still computes with the number.
    `date_columns` (and any datetime column) are written as dates 'yyyy-mm-dd'. A frame with a
    meaningful index (named, or not a plain 0..n-1 range) keeps it as its first column(s).
    Two-level columns (a MultiIndex: group, name) give two header rows, each group's cell
    merged across its columns, and a column without a second-level name merged down both rows.
    `printing` sets the print layout of the sheets it names.
    """
    from openpyxl import Workbook

    if not sheets:
        raise ValueError("没有要写入的表格：sheets 为空")
    percent_columns, date_columns = set(percent_columns), set(date_columns)
    percent_format = "0" + ("." + "0" * percent_decimals if percent_decimals > 0 else "") + "%"

    wb = Workbook(write_only=True)
    used: set[str] = set()
    for name, frame in sheets.items():
        frame = _with_index(frame)
        ws = wb.create_sheet(_sheet_title(name, used))
        header_rows = _header_rows(frame.columns)
        headers = header_rows[-1]
        kinds = [_column_kind(frame[c], h, percent_columns, date_columns)
                 for c, h in zip(frame.columns, headers)]
        _set_widths(ws, frame, headers, kinds)
        ws.freeze_panes = f"A{len(header_rows) + 1}"
        if printing and name in printing:
            _set_print_layout(ws, printing[name], len(header_rows))
        for row in header_rows:
            ws.append([_header_cell(ws, h) for h in row])
        for merged in _header_merges(header_rows):
            ws.merged_cells.add(merged)
        for row in frame.itertuples(index=False, name=None):
            ws.append([_data_cell(ws, v, k, percent_format) for v, k in zip(row, kinds)])
    return save_workbook(wb, path)


# --- sheet names and headers -------------------------------------------------------------

def _sheet_title(name, used: set[str]) -> str:
    """An Excel-legal, unique sheet title: ≤ 31 chars, none of []:*?/\\, not quoted at ends."""
    title = _BAD_TITLE_CHARS.sub("_", str(name)).strip().strip("'") or "Sheet"
    title = title[:MAX_SHEET_TITLE]
    candidate, n = title, 1
    while candidate.casefold() in used:  # Excel compares titles case-insensitively
        n += 1
        suffix = f"({n})"
        candidate = title[: MAX_SHEET_TITLE - len(suffix)] + suffix
    used.add(candidate.casefold())
    return candidate


def _header_text(column) -> str:
    if isinstance(column, tuple):  # MultiIndex columns of more than two levels: "一级_二级_三级"
        return "_".join(str(part) for part in column if str(part) and not _missing(part))
    return clean_text(str(column))


def _header_rows(columns: pd.Index) -> list[list[str]]:
    """One header row, or two for two-level columns (group, name); the last row names each
    column (its group where it has no name of its own)."""
    if columns.nlevels != 2:
        return [[_header_text(c) for c in columns]]
    groups = [clean_text(str(g)) for g, _n in columns]
    names = [clean_text(str(n)) if str(n) and not _missing(n) else groups[i]
             for i, (_g, n) in enumerate(columns)]
    return [groups, names]


def _header_merges(rows: list[list[str]]) -> list[str]:
    """Merged ranges of a two-row header: a group across its columns, a column named by its
    group alone down both rows."""
    from openpyxl.utils import get_column_letter

    if len(rows) != 2:
        return []
    groups, names = rows
    merges, start = [], 0
    for end in range(1, len(groups) + 1):
        if end < len(groups) and groups[end] == groups[start] and names[end] != groups[end]:
            continue
        first, last = get_column_letter(start + 1), get_column_letter(end)
        if end - start > 1:
            merges.append(f"{first}1:{last}1")
        elif names[start] == groups[start]:
            merges.append(f"{first}1:{first}2")
        start = end
    return merges


def _with_index(frame: pd.DataFrame) -> pd.DataFrame:
    default = isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 \
        and frame.index.step == 1 and all(n is None for n in frame.index.names)
    return frame if default else frame.reset_index()


# --- cells ---------------------------------------------------------------------------------

def _column_kind(series: pd.Series, header: str, percent_columns: set, date_columns: set) -> str:
    if header in percent_columns or series.name in percent_columns:
        return "percent"
    if header in date_columns or series.name in date_columns \
            or pd.api.types.is_datetime64_any_dtype(series.dtype):
        return "date"
    return "plain"


def _header_cell(ws, text: str):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    cell.font = Font(bold=True)
    cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell


def _data_cell(ws, value, kind: str, percent_format: str):
    from openpyxl.cell import WriteOnlyCell

    if _missing(value):
        return _text_cell(ws, MISSING, center=True)
    if isinstance(value, str):
        text = clean_text(value)
        # plain text as a bare value (openpyxl stores it as text; 1.5x faster than a styled
        # cell on large sheets); text that could read as a formula keeps its guarded cell
        return text if text[:1] not in FORMULA_SIGNS else _text_cell(ws, value)
    if hasattr(value, "item") and not isinstance(value, (pd.Timestamp, datetime, date)):
        value = value.item()  # numpy scalar -> Python
    if kind == "percent" and isinstance(value, Number) and not isinstance(value, bool):
        cell = WriteOnlyCell(ws, value=_fraction_of_percent(value))
        cell.number_format = percent_format
        return cell
    if isinstance(value, (pd.Timestamp, datetime, date)):
        cell = WriteOnlyCell(ws, value=_naive(value))
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, (Decimal, Fraction)):
        value = float(value)
    if isinstance(value, (bool, int, float)):
        return value
    return _text_cell(ws, str(value))


def _text_cell(ws, text: str, *, center: bool = False):
    """Text stays text: data_type 's' even when it starts with '=' (no formula injection)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    cell = WriteOnlyCell(ws, value=clean_text(text))
    cell.data_type = "s"
    if text[:1] in FORMULA_SIGNS:
        cell.quotePrefix = True  # Excel keeps it text even after the user edits the cell
    if center:
        cell.alignment = Alignment(horizontal="center")
    return cell


def _fraction_of_percent(value) -> float:
    """81.25 -> 0.8125, via the decimal text so Excel's 四舍五入 display sees 0.8135, not …4999."""
    if isinstance(value, Fraction):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    elif isinstance(value, float):
        exact = Decimal(repr(value))
    else:
        exact = Decimal(value)
    return float(exact / 100)


def _naive(value):
    """openpyxl cannot store time zones; pure dates stay dates."""
    if isinstance(value, pd.Timestamp):
        value = value.tz_localize(None) if value.tzinfo else value
        return value.to_pydatetime()
    if isinstance(value, datetime) and value.tzinfo:
        return value.replace(tzinfo=None)
    return value


def _missing(value) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value) or math.isinf(value)
    try:
        return bool(pd.isna(value)) if not isinstance(value, (str, bytes)) else False
    except (TypeError, ValueError):  # array-like values are not "missing"
        return False


# --- layout --------------------------------------------------------------------------------

def _set_widths(ws, frame: pd.DataFrame, headers: list[str], kinds: list[str]) -> None:
    from openpyxl.utils import get_column_letter

    for i, (column, header, kind) in enumerate(zip(frame.columns, headers, kinds), start=1):
        if kind == "percent":
            body = 8
        elif kind == "date":
            body = 10
        else:
            texts = frame[column].map(lambda v: MISSING if _missing(v) else str(v))
            body = max((excel_width(t) for t in texts.unique()), default=0)
        width = min(max(excel_width(header) + 2, body + 2, _MIN_WIDTH), _MAX_WIDTH)
        ws.column_dimensions[get_column_letter(i)].width = width


def _set_print_layout(ws, layout: PrintSetup, header_rows: int = 1) -> None:
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape" if layout.landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if layout.one_page else 0  # 0: as many pages as needed
    if not layout.one_page:
        ws.print_title_rows = f"1:{header_rows}"
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if layout.header:
        ws.oddHeader.center.text = layout.header.replace("&", "&&")
    ws.print_options.horizontalCentered = True
