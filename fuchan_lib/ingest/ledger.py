"""Ledger files (.xlsx, .xls, .csv) -> clean DataFrames in the canonical format (DESIGN §2, §6).

This module owns everything about a ledger *file*: opening it (python-calamine for Excel,
encoding detection for CSV), choosing the sheet, finding the header (title rows above it,
two-row merged headers), matching column names to `schema` (canonical names and aliases), and
dropping 合计/小计 rows, footnotes and blank rows. Reading single cells is `values`; the accepted
column aliases and value aliases are listed in `schema.py`, the accepted cell forms in the
docstring of `values.py`.

Whatever cannot be read raises `LedgerError` naming file, sheet, row and column, showing the bad
value, what was expected and how to fix it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import python_calamine

from fuchan_lib.core import schema
from fuchan_lib.ingest import values
from fuchan_lib.core.exceptions import LedgerError, LedgerProblems
from fuchan_lib.core.messages import quoted

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
HEADER_SEARCH_ROWS = 15  # the header starts within the first rows (title rows above it)
SERIAL_LABELS = ("序号", "编号", "序", "No.", "NO.", "No", "NO")

# 合计 rows: the 序号 cell mentions a total, or the name starts/ends with one
_TOTAL_WORDS = "合计|小计|总计|共计|其中"
_TOTAL_IN_SERIAL = re.compile(_TOTAL_WORDS)
_TOTAL_IN_NAME = re.compile(r"^(?:合计|小计|总计|共计|其中)|(?:合计|小计|总计|共计)$")
_TOTAL_IN_INDICATOR = re.compile(r"^(?:合计|小计|总计|共计)$")
# notes under the table: a row whose first filled cell reads "注：…", "填表人：…" and the like
_FOOTER = re.compile(
    r"^(?:注\d?|备注|说明|填表人?|填报人|填报单位|填报日期|制表人?|制表日期|审核人?|"
    r"(?:单位|统计)?负责人|联系人|联系电话|电话|数据来源|报送日期)[:：]"
)
_UNIT_PARENS = re.compile(r"\([^()]*\)$")
MAX_PROBLEMS = 50  # per file: enough to fix a batch, short enough to read
_SHEET_HINT = "在参数文件“数据”下把该台账写成“路径: 文件名”和“工作表: 工作表名”两行"


class _Header(NamedTuple):
    """Where the header is and which file column holds which canonical column."""

    first_row: int  # 0-based grid row of the (top) header row
    last_row: int  # 0-based grid row of the bottom header row; data starts below
    by_name: dict[str, int]  # canonical column name -> 0-based file column
    labels: dict[int, str]  # file column -> header text as the user wrote it
    serial: int | None  # file column of 序号, if any
    missing: tuple[str, ...]  # required canonical columns not found
    found: tuple[str, ...]  # all non-blank header labels, in file order
    ambiguous: dict[str, tuple[int, ...]]  # canonical name -> several alias columns, none exact


# --- header matching ---------------------------------------------------------------------------


def normalize_label(text) -> str:
    """A header cell as compared with names: NFKC, no spaces/line breaks, no '*' marks."""
    if text is None:
        return ""
    text = values.show(text) if not isinstance(text, str) else text
    text = re.sub(values.LABEL_NOISE, "", text)
    return unicodedata.normalize("NFKC", text).replace(" ", "").strip("*")


def _name_lookup(columns: tuple[schema.Column, ...]) -> dict[str, str]:
    """Normalised canonical names and aliases -> canonical name (first spelling wins)."""
    lookup: dict[str, str] = {}
    for column in columns:
        lookup.setdefault(normalize_label(column.name), column.name)
    for column in columns:
        for alias in column.aliases:
            lookup.setdefault(normalize_label(alias), column.name)
    return lookup


def _match(label: str, lookup: dict[str, str]) -> str | None:
    """Canonical name of a normalised label; retries without a trailing '(人)'-like part."""
    if not label:
        return None
    if label in lookup:
        return lookup[label]
    bare = _UNIT_PARENS.sub("", label)
    return lookup.get(bare) if bare and bare != label else None


def _header_labels(grid: list[list], top: int, bottom: int) -> list[tuple[str, list[str]]]:
    """For each file column: its display label and the normalised names to try, in order."""
    width = max(len(grid[top]), len(grid[bottom]))
    top_row = [grid[top][j] if j < len(grid[top]) else "" for j in range(width)]
    if top == bottom:
        return [(values.show(v).strip(), [normalize_label(v)]) for v in top_row]
    bottom_row = [grid[bottom][j] if j < len(grid[bottom]) else "" for j in range(width)]
    out, carried = [], ""
    for upper, lower in zip(top_row, bottom_row):
        up, low = normalize_label(upper), normalize_label(lower)
        carried = up or carried  # a merged top cell is filled only in its first column
        if low:
            shown = (values.show(upper).strip() + " " if up else "") + values.show(lower).strip()
            out.append((shown, [low, carried + low, up]))
        else:
            out.append((values.show(upper).strip(), [up]))
    return out


def _map_header(grid, top, bottom, columns, lookup) -> _Header:
    """Match one header candidate (one row, or two rows combined) against the columns."""
    labels = _header_labels(grid, top, bottom)
    hits: dict[str, list[int]] = {}
    exact: dict[str, int] = {}
    serial = None
    for j, (_, names) in enumerate(labels):
        if serial is None and names[0] in SERIAL_LABELS:
            serial = j
            continue
        for name in names:
            canonical = _match(name, lookup)
            if canonical:
                hits.setdefault(canonical, []).append(j)
                if name == normalize_label(canonical):
                    exact.setdefault(canonical, j)
                break
    by_name = {canonical: exact.get(canonical, js[0]) for canonical, js in hits.items()}
    ambiguous = {c: tuple(js) for c, js in hits.items() if len(js) > 1 and c not in exact}
    missing = tuple(c.name for c in columns if c.required and c.name not in by_name)
    return _Header(
        top, bottom, by_name, {j: shown for j, (shown, _) in enumerate(labels) if shown},
        serial, missing, tuple(shown for shown, _ in labels if shown), ambiguous,
    )


def _find_header(grid: list[list], columns: tuple[schema.Column, ...]) -> _Header | None:
    """Best header among the first rows: all required found, most columns, one row over two."""
    lookup = _name_lookup(columns)
    best, best_key = None, None
    for top in range(min(HEADER_SEARCH_ROWS, len(grid))):
        for bottom in (top, top + 1):
            if bottom >= len(grid):
                continue
            header = _map_header(grid, top, bottom, columns, lookup)
            key = (not header.missing, len(header.by_name), bottom == top, -top)
            if header.by_name and (best_key is None or key > best_key):
                best, best_key = header, key
    return best


def _check_ambiguous(header: _Header, file: str, sheet: str) -> None:
    """Two alias columns for one canonical column (neither spelt canonically) -> error."""
    for canonical, positions in header.ambiguous.items():
        shown = quoted(header.labels[j] for j in positions)
        raise LedgerError(
            f"{shown}这几列都可以当作“{canonical}”，无法确定用哪一列",
            file=file, sheet=sheet or None, row=header.last_row + 1,
            fix=f"请把要用的那一列的表头改为“{canonical}”，或删除、改名多余的列",
        )


# --- reading files -----------------------------------------------------------------------------


def _decode(data: bytes, file: str) -> str:
    """CSV bytes -> text: UTF-8 (with or without BOM), then GB18030 (covers GBK), then a guess."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes  # only for the rare file neither fits

    guess = from_bytes(data).best()
    if guess is None:
        raise LedgerError(
            "无法识别文件的文字编码", file=file,
            fix="请用 Excel 或 WPS 打开后另存为“CSV UTF-8（逗号分隔）”或 .xlsx 文件",
        )
    return str(guess)


def _read_csv(path: Path) -> list[list]:
    """All rows of a CSV file as lists of strings (ragged rows padded)."""
    text = _decode(path.read_bytes(), path.name)
    head = text[:4096]
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


class _Workbook:
    """An open Excel workbook; sheets are read on demand (header probe, then in full)."""

    def __init__(self, path: Path):
        self.file = path.name
        with path.open("rb") as handle:
            magic = handle.read(8)
            handle.seek(0)
            if magic.lstrip().lower().startswith((b"<", b"\xef\xbb\xbf<")):
                raise LedgerError(
                    "这个文件实际上是网页（HTML）格式，只是扩展名为 Excel", file=self.file,
                    fix="请用 Excel 或 WPS 打开后“另存为” .xlsx 文件",
                )
            try:
                self.book = python_calamine.CalamineWorkbook.from_filelike(handle)
            except python_calamine.PasswordError:
                raise LedgerError(
                    "文件设置了打开密码，无法读取", file=self.file,
                    fix="请取消密码后另存一份再使用",
                ) from None
            except python_calamine.CalamineError as err:
                raise LedgerError(
                    f"文件无法作为 Excel 表格打开（{err}）", file=self.file,
                    fix="请确认文件没有损坏：用 Excel 或 WPS 打开后另存为 .xlsx 文件",
                ) from None
        self.names = list(self.book.sheet_names)
        self._sheets: dict[str, python_calamine.CalamineSheet] = {}
        self.visible = [
            m.name for m in self.book.sheets_metadata
            if m.visible == python_calamine.SheetVisibleEnum.Visible
        ]

    def rows(self, name: str, nrows: int | None = None) -> list[list]:
        """Cells of a sheet from A1 (so list positions are Excel positions)."""
        try:
            if name not in self._sheets:  # loading parses the whole sheet: do it once
                self._sheets[name] = self.book.get_sheet_by_name(name)
            return self._sheets[name].to_python(skip_empty_area=False, nrows=nrows)
        except python_calamine.CalamineError as err:
            raise LedgerError(
                f"工作表无法读取（{err}）", file=self.file, sheet=name,
                fix="请用 Excel 或 WPS 打开后另存为 .xlsx 文件",
            ) from None


def _missing_columns_error(header: _Header | None, grid, kind, file, sheet) -> LedgerError:
    """Required columns absent: list them, their accepted spellings, and what the file has."""
    columns = schema.COLUMNS_BY_KIND[kind]
    if header is None:
        first = next((r for r in grid[:HEADER_SEARCH_ROWS] if any(values.show(v) for v in r)), [])
        found, missing, row = [values.show(v) for v in first if values.show(v)], None, None
    else:
        found, missing, row = list(header.found), header.missing, header.first_row + 1
    missing = missing or tuple(c.name for c in columns if c.required)
    spellings = "；".join(
        f"「{c.name}」（也可写作：{quoted(c.aliases)}）" if c.aliases else f"「{c.name}」"
        for c in columns if c.name in missing
    )
    return LedgerError(
        f"不像是{kind}：缺少必需的列{quoted(missing)}。"
        f"表中找到的列：{quoted(found) if found else '（空）'}",
        file=file, sheet=sheet or None, row=row,
        fix=f"请在表头加上这些列，或把已有列的名称改为：{spellings}",
    )


def _pick_sheet(book: _Workbook, kind: str, sheet: str | None):
    """(sheet name, grid, header): the named sheet, else the one sheet whose header fits."""
    columns = schema.COLUMNS_BY_KIND[kind]
    if sheet is not None:
        if sheet not in book.names:
            raise LedgerError(
                f"没有名为“{sheet}”的工作表", file=book.file,
                fix=f"现有工作表：{quoted(book.names)}；请改用其中之一",
            )
        grid = book.rows(sheet)
        header = _find_header(grid, columns)
        if header is None or header.missing:
            raise _missing_columns_error(header, grid, kind, book.file, sheet)
        return sheet, grid, header
    probes = {}
    for name in book.names:
        grid = book.rows(name, nrows=HEADER_SEARCH_ROWS + 2)
        probes[name] = (grid, _find_header(grid, columns))
    fitting = [n for n, (_, h) in probes.items() if h is not None and not h.missing]
    if len(fitting) > 1:
        fitting_visible = [n for n in fitting if n in book.visible]
        fitting = fitting_visible if len(fitting_visible) == 1 else fitting
    if len(fitting) > 1:
        raise LedgerError(
            f"有多个工作表都像是{kind}：{quoted(fitting)}，无法确定用哪一个",
            file=book.file,
            fix=f"请删除多余的工作表（只保留本期的），或{_SHEET_HINT}",
        )
    if len(fitting) == 1:
        name = fitting[0]
        grid = book.rows(name)
        return name, grid, _find_header(grid, columns)
    with_content = [n for n, (g, _) in probes.items() if any(any(v != "" for v in r) for r in g)]
    if len(with_content) <= 1:
        name = with_content[0] if with_content else book.names[0]
        grid, header = probes[name]
        raise _missing_columns_error(header, grid, kind, book.file, name)
    details = "；".join(
        f"“{n}”缺少{quoted(h.missing) if h else '全部必需列'}" for n, (_, h) in probes.items()
        if n in with_content
    )
    required = quoted(c.name for c in columns if c.required)
    raise LedgerError(
        f"没有一个工作表像是{kind}（需要{required}等列）：{details}",
        file=book.file,
        fix=f"现有工作表：{quoted(book.names)}；请检查表头名称，或{_SHEET_HINT}",
    )


# --- building the frame ------------------------------------------------------------------------


def _column_letter(j: int) -> str:
    letters = ""
    j += 1
    while j:
        j, rem = divmod(j - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _empty(column: schema.Column, n: int) -> pd.Series:
    """An all-NA column of the right dtype for an optional column absent from the file."""
    if column.kind == "date":
        return pd.Series(np.full(n, np.datetime64("NaT", "ns")), dtype="datetime64[ns]")
    if column.kind == "int":
        return pd.Series(pd.array([pd.NA] * n, dtype="Int64"))
    if column.kind == "number":
        return pd.Series(pd.array([pd.NA] * n, dtype="Float64"))
    return pd.Series([None] * n, dtype=object)


@dataclass(frozen=True)
class SheetMapping:
    """How a ledger was read: sheet, header rows and which file column became which canonical
    column. `fuchan check` prints it, so a wrong sheet or a column taken by alias is visible."""

    kind: str
    file: str
    sheet: str  # "" for CSV
    header_rows: tuple[int, int]  # first and last Excel row of the header
    columns: tuple[tuple[str, str, str], ...]  # (canonical name, column letter, header as written)
    absent: tuple[str, ...]  # canonical columns the file does not have (read as blank)
    unused: tuple[str, ...]  # header labels matched to no canonical column
    rows: int  # data rows kept (totals, blank rows and notes dropped)

    def describe(self) -> str:
        first, last = self.header_rows
        rows = f"第{first}行" if first == last else f"第{first}—{last}行"
        where = f"文件“{self.file}”" + (f"工作表“{self.sheet}”" if self.sheet else "")
        lines = [f"{self.kind}：{where}，表头在{rows}，读入{self.rows}行"]
        mapped = [f"{letter}列→{name}" if label == name else f"{letter}列“{label}”→{name}"
                  for name, letter, label in self.columns]
        lines.extend("  " + "　".join(mapped[i:i + 5]) for i in range(0, len(mapped), 5))
        if self.absent:
            lines.append(f"  文件中没有的列（按空白处理）：{quoted(self.absent)}")
        if self.unused:
            lines.append(f"  没有用到的列：{quoted(self.unused)}")
        return "\n".join(lines)


def _layout(kind: str, header: _Header, file: str, sheet: str, rows: int) -> SheetMapping:
    columns = schema.COLUMNS_BY_KIND[kind]
    mapped = tuple((c.name, _column_letter(header.by_name[c.name]),
                    header.labels.get(header.by_name[c.name], c.name))
                   for c in columns if c.name in header.by_name)
    used = set(header.by_name.values()) | {header.serial}
    unused = tuple(label for j, label in header.labels.items() if j not in used)
    return SheetMapping(kind, file, sheet, (header.first_row + 1, header.last_row + 1), mapped,
                  tuple(c.name for c in columns if c.name not in header.by_name), unused, rows)


def ledger_from_rows(
    grid: list[list],
    kind: str,
    *,
    file: str = "",
    sheet: str = "",
    year: int | None = None,
    header: _Header | None = None,
) -> pd.DataFrame:
    """Rows of cells (row 0 = Excel row 1) -> the canonical ledger frame; see `read_ledger`."""
    return _frame_and_layout(grid, kind, file=file, sheet=sheet, year=year, header=header)[0]


def _frame_and_layout(grid, kind, *, file, sheet, year, header) -> tuple[pd.DataFrame, SheetMapping]:
    if kind not in schema.COLUMNS_BY_KIND:
        raise ValueError(f"kind must be one of {list(schema.COLUMNS_BY_KIND)}, got {kind!r}")
    columns = schema.COLUMNS_BY_KIND[kind]
    header = header or _find_header(grid, columns)
    if header is None or header.missing:
        raise _missing_columns_error(header, grid, kind, file, sheet)
    _check_ambiguous(header, file, sheet)

    data = grid[header.last_row + 1:]
    width = max((len(r) for r in data), default=0)
    if any(len(r) != width for r in data):
        data = [list(r) + [""] * (width - len(r)) for r in data]
    cells = list(zip(*data)) if data else []
    n = len(data)
    excel_rows = np.arange(header.last_row + 2, header.last_row + 2 + n)

    def raw_of(j: int | None) -> pd.Series:
        if j is None or j >= len(cells):
            return pd.Series([None] * n, dtype=object)
        return pd.Series(cells[j], dtype=object)

    parsed = {
        c.name: values.parse_column(raw_of(header.by_name[c.name]), c, year=year)
        for c in columns if c.name in header.by_name
    }

    # rows to drop: totals, blank rows, footnotes
    blank = np.ones(n, dtype=bool)
    for name, p in parsed.items():
        blank &= p.values.isna().to_numpy(dtype=bool) & ~p.bad
    serial_text = values.parse_text(raw_of(header.serial)).fillna("").str.replace(" ", "")
    label_name = schema.NAME if schema.NAME in parsed else schema.INDICATOR
    label_text = parsed[label_name].values.fillna("").str.replace(" ", "") if label_name in parsed \
        else pd.Series([""] * n, dtype=object)
    name_pattern = _TOTAL_IN_NAME if label_name == schema.NAME else _TOTAL_IN_INDICATOR
    totals = (
        serial_text.str.contains(_TOTAL_IN_SERIAL, regex=True).to_numpy(dtype=bool)
        | label_text.str.contains(name_pattern, regex=True).to_numpy(dtype=bool)
    )
    footer = np.zeros(n, dtype=bool)
    suspects = (label_text == "").to_numpy(dtype=bool) | label_text.str.contains(_FOOTER).to_numpy(
        dtype=bool
    )
    for pos in np.flatnonzero(suspects & ~blank & ~totals):
        first = next((v for v in data[pos] if values.show(v).strip()), "")
        footer[pos] = bool(_FOOTER.match(normalize_label(first)))
    keep = ~(blank | totals | footer)

    _raise_for_bad_cells(parsed, columns, header, cells, keep, excel_rows, file, sheet, year)

    frame = pd.DataFrame(index=pd.RangeIndex(int(keep.sum())))
    for c in columns:
        if c.name in parsed:
            frame[c.name] = parsed[c.name].values[keep].reset_index(drop=True)
        else:
            frame[c.name] = _empty(c, len(frame))
    frame[schema.SOURCE_FILE] = file
    frame[schema.SOURCE_SHEET] = sheet
    frame[schema.SOURCE_ROW] = excel_rows[keep].astype("int64")
    for c in columns:
        if c.kind == "choice":  # a fixed set of canonical values: categorical, so grouping is cheap
            frame[c.name] = pd.Categorical(frame[c.name].astype(object), categories=list(c.choices))
        elif c.name in schema.GROUPING_TEXT:  # free text with few distinct values, grouped often
            frame[c.name] = pd.Categorical(frame[c.name].astype(object))
        elif c.kind in ("text", "code"):
            frame[c.name] = frame[c.name].astype(object)
    frame[schema.SOURCE_FILE] = frame[schema.SOURCE_FILE].astype(object)
    frame[schema.SOURCE_SHEET] = frame[schema.SOURCE_SHEET].astype(object)
    return frame, _layout(kind, header, file, sheet, len(frame))


def _raise_for_bad_cells(parsed, columns, header, cells, keep, excel_rows, file, sheet, year):
    """Every unreadable or missing required cell, in reading order (the first `MAX_PROBLEMS`
    listed, the rest counted) -> one LedgerError, or LedgerProblems when there are several."""
    found = []  # (row position, column order, column, kind of problem)
    total = 0
    for order, c in enumerate(columns):
        if c.name not in parsed:
            continue
        p = parsed[c.name]
        bad = p.bad & keep
        masks = [("bad", bad)]
        if c.required and c.kind in ("text", "choice"):
            masks.append(("empty", p.values.isna().to_numpy(dtype=bool) & ~p.bad & keep))
        for what, mask in masks:
            positions = np.flatnonzero(mask)
            total += len(positions)
            found.extend((int(pos), order, c, what) for pos in positions[:MAX_PROBLEMS])
    if not found:
        return
    found.sort(key=lambda t: (t[0], t[1]))
    names = parsed[schema.NAME].values if schema.NAME in parsed else None
    problems = []
    for pos, _, column, what in found[:MAX_PROBLEMS]:
        j = header.by_name[column.name]
        label = header.labels.get(j, column.name)
        if what == "bad":
            problem, fix = values.describe_problem(column, cells[j][pos], year=year)
        else:
            problem, fix = "不能为空", f"请填写“{column.name}”，或删除这一行"
        if label != column.name:
            problem = f"{problem}，该列按“{column.name}”读取"
        enterprise = names[pos] if names is not None and column.name != schema.NAME else None
        problems.append(LedgerError(
            problem, file=file, sheet=sheet or None, row=int(excel_rows[pos]), column=label,
            fix=fix, cell=f"{_column_letter(j)}{excel_rows[pos]}",
            enterprise=enterprise if isinstance(enterprise, str) else None,
        ))
    if len(problems) == 1:
        raise problems[0]
    raise LedgerProblems(problems, {(file, sheet or ""): total - len(problems)} if total > len(problems) else None)


def read_ledger(
    path: Path, kind: str, *, sheet: str | None = None, year: int | None = None
) -> pd.DataFrame:
    """The canonical frame of one ledger file; see `read_ledger_and_layout`."""
    return read_ledger_and_layout(path, kind, sheet=sheet, year=year)[0]


def read_ledger_and_layout(
    path: Path, kind: str, *, sheet: str | None = None, year: int | None = None
) -> tuple[pd.DataFrame, SheetMapping]:
    """Read one ledger file into the canonical frame of `kind` (a `schema.COLUMNS_BY_KIND` key).

    Returns every canonical column in schema order (optional ones absent from the file are NA;
    choice columns are categorical over their allowed values),
    plus `SOURCE_FILE`, `SOURCE_SHEET` ("" for CSV) and `SOURCE_ROW` (the Excel row number).
    `sheet` picks a sheet by name; otherwise the one sheet whose header fits is used. `year`
    completes dates written without one ("2月1日"). Raises `LedgerError` for anything unreadable.
    The `SheetMapping` says which sheet, header rows and columns were used.
    """
    if kind not in schema.COLUMNS_BY_KIND:
        raise ValueError(f"kind must be one of {list(schema.COLUMNS_BY_KIND)}, got {kind!r}")
    path = Path(path)
    if not path.is_file():
        raise LedgerError(
            f"找不到文件（{path}）", file=path.name,
            fix="请检查参数文件中“数据”下的路径（相对于参数文件所在的文件夹）",
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        grid = _read_csv(path)
        return _frame_and_layout(grid, kind, file=path.name, sheet="", year=year, header=None)
    if suffix not in EXCEL_SUFFIXES:
        raise LedgerError(
            f"不支持“{path.suffix or '无扩展名'}”格式的文件", file=path.name,
            fix="请提供 .xlsx、.xls 或 .csv 文件",
        )
    book = _Workbook(path)
    name, grid, header = _pick_sheet(book, kind, sheet)
    return _frame_and_layout(grid, kind, file=path.name, sheet=name, year=year, header=header)
