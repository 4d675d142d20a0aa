"""One sheet's rows of cells -> the canonical ledger frame (DESIGN §2, §6).

Given the rows and their header (`header`), this reads each column with `values`, drops
合计/小计 rows, footnotes and blank rows, and collects every unreadable or missing required cell
as a `LedgerError` naming file, sheet, row, column and cell. A sheet's problems are returned
with its frame (rows with a bad cell kept, the cell blank), so the audit can still look at
everything that was read and one `check` lists every problem at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from fuchan_lib.core import schema
from fuchan_lib.core.exceptions import LedgerError, raise_together
from fuchan_lib.core.messages import quoted
from fuchan_lib.ingest import values
from fuchan_lib.ingest.header import (
    Header, check_ambiguous, find_header, missing_columns_error, normalize_label,
)

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
MAX_PROBLEMS = 50  # per sheet: enough to fix a batch, short enough to read


@dataclass(frozen=True)
class SheetMapping:
    """How a ledger sheet was read: sheet, header rows, which file column became which canonical
    column, and what the sheet's or file's name supplied (乡镇, 春节期间状态). `fuchan check`
    prints it, so a wrong sheet or a column taken by alias is visible."""

    kind: str
    file: str
    sheet: str  # "" for CSV
    header_rows: tuple[int, int]  # first and last Excel row of the header
    columns: tuple[tuple[str, str, str], ...]  # (canonical name, column letter, header as written)
    absent: tuple[str, ...]  # canonical columns the file does not have (read as blank)
    unused: tuple[str, ...]  # header labels matched to no canonical column
    rows: int  # data rows kept (totals, blank rows and notes dropped)
    named: tuple[tuple[str, str, str], ...] = ()  # (column, value, "工作表名"/"文件名") from names
    # (Excel row, canonical column, enterprise) of text cells whose direction marks were removed
    direction_marks: tuple[tuple[int, str, str], ...] = ()

    def describe(self) -> str:
        first, last = self.header_rows
        rows = f"第{first}行" if first == last else f"第{first}—{last}行"
        where = f"文件“{self.file}”" + (f"工作表“{self.sheet}”" if self.sheet else "")
        lines = [f"{self.kind}：{where}，表头在{rows}，读入{self.rows}行"]
        mapped = [f"{letter}列→{name}" if label == name else f"{letter}列“{label}”→{name}"
                  for name, letter, label in self.columns]
        lines.extend("  " + "　".join(mapped[i:i + 5]) for i in range(0, len(mapped), 5))
        for column, value, source in self.named:
            how = "空白处" if column in dict((c[0], c) for c in self.columns) else "全部行"
            lines.append(f"  {column}：{how}取自{source}，为“{value}”")
        if self.absent:
            lines.append(f"  文件中没有的列（按空白处理）：{quoted(self.absent)}")
        if self.unused:
            lines.append(f"  没有用到的列：{quoted(self.unused)}")
        return "\n".join(lines)


def describe_mappings(mappings) -> list[str]:
    """What `check` prints about the sheets read: consecutive sheets read the same way (a sheet
    or a file per township) as one entry listing each sheet's rows, every other sheet on its own."""
    def shape(m: SheetMapping):
        return m.kind, m.header_rows, m.columns, m.absent, m.unused

    groups: list[list[SheetMapping]] = []
    for m in mappings:
        if groups and shape(groups[-1][-1]) == shape(m):
            groups[-1].append(m)
        else:
            groups.append([m])
    lines = []
    for group in groups:
        if len(group) == 1:
            lines.append(group[0].describe())
            continue
        first, last = group[0].header_rows
        rows = f"第{first}行" if first == last else f"第{first}—{last}行"
        one_file = len({m.file for m in group}) == 1
        parts = "、".join((f"“{m.sheet}”" if one_file else f"“{m.file}”" + (f"“{m.sheet}”" if m.sheet else ""))
                          + f"{m.rows}行" for m in group)
        where = f"文件“{group[0].file}”的{len(group)}个工作表" if one_file else f"{len(group)}个文件（工作表）"
        lines.append(f"{group[0].kind}：{where}（{parts}），表头都在{rows}，共读入{sum(m.rows for m in group)}行")
        named = sorted({column for m in group for column, _, _ in m.named})
        lines.extend(line for line in group[0].describe().splitlines()[1:]
                     if not line.lstrip().startswith(tuple(f"{column}：" for column in named)))
        lines.extend(f"  {column}：取自各工作表名或文件名（见下）" for column in named)
    return lines


def _mapping(kind, header: Header, file, sheet, rows, named) -> SheetMapping:
    columns = schema.COLUMNS_BY_KIND[kind]
    mapped = tuple((c.name, get_column_letter(header.by_name[c.name] + 1),
                    header.labels.get(header.by_name[c.name], c.name))
                   for c in columns if c.name in header.by_name)
    used = set(header.by_name.values()) | {header.serial}
    unused = tuple(label for j, label in header.labels.items() if j not in used)
    supplied = {column for column, _, _ in named}
    absent = tuple(c.name for c in columns if c.name not in header.by_name and c.name not in supplied)
    return SheetMapping(kind, file, sheet, (header.first_row + 1, header.last_row + 1), mapped,
                        absent, unused, rows, tuple(named))


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
class SheetRead:
    """One sheet read: its canonical frame, how it was read, and its unreadable cells."""

    frame: pd.DataFrame
    mapping: SheetMapping
    problems: tuple[LedgerError, ...] = ()
    unlisted: int = 0  # problems past `MAX_PROBLEMS`, counted only


def ledger_from_rows(grid: list[list], kind: str, *, file: str = "", sheet: str = "",
                     year: int | None = None) -> pd.DataFrame:
    """Rows of cells (row 0 = Excel row 1) -> the canonical ledger frame; raises the sheet's
    problems (see `read_rows`)."""
    return raise_problems(read_rows(grid, kind, file=file, sheet=sheet, year=year)).frame


def raise_problems(read: SheetRead) -> SheetRead:
    """The read itself when every cell was readable; else its problems raised together."""
    where = (read.mapping.file, read.mapping.sheet)
    raise_together(read.problems, {where: read.unlisted} if read.unlisted else None)
    return read


def read_rows(grid: list[list], kind: str, *, file: str = "", sheet: str = "", year: int | None = None,
              header: Header | None = None, names: dict[str, tuple[str, str]] | None = None) -> SheetRead:
    """One sheet's rows -> `SheetRead`. `names`: column -> (value, source) that the sheet's or
    file's name supplies, filling that column where the sheet leaves it blank or lacks it."""
    if kind not in schema.COLUMNS_BY_KIND:
        raise ValueError(f"kind must be one of {list(schema.COLUMNS_BY_KIND)}, got {kind!r}")
    columns = schema.COLUMNS_BY_KIND[kind]
    names = names or {}
    header = header or find_header(grid, columns, frozenset(names))
    if header is None or header.missing:
        raise missing_columns_error(header, grid, kind, file, sheet)
    check_ambiguous(header, file, sheet)

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

    for column, (value, _) in names.items():  # the name fills blanks, never a written value
        if column in parsed:
            p = parsed[column]
            fill = p.values.isna().to_numpy(dtype=bool) & ~p.bad
            parsed[column] = values.Parsed(p.values.where(~fill, value), p.bad)
    problems, unlisted = _bad_cells(parsed, columns, header, cells, keep, excel_rows, file, sheet, year)
    if label_name in parsed:  # a row without a name (a problem above) is no firm to count or audit
        keep &= parsed[label_name].values.notna().to_numpy(dtype=bool)

    frame = pd.DataFrame(index=pd.RangeIndex(int(keep.sum())))
    for c in columns:
        if c.name in parsed:
            frame[c.name] = parsed[c.name].values[keep].reset_index(drop=True)
        elif c.name in names:
            frame[c.name] = pd.Series([names[c.name][0]] * len(frame), dtype=object)
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
    named = [(column, value, source) for column, (value, source) in names.items()]
    mapping = replace(_mapping(kind, header, file, sheet, len(frame), named),
                      direction_marks=_direction_marks(columns, header, raw_of, keep, excel_rows, label_text))
    return SheetRead(frame, mapping, tuple(problems), unlisted)


def _direction_marks(columns, header, raw_of, keep, excel_rows, names) -> tuple:
    """Where a text cell held a direction mark (U+202E and the like), which reading removed."""
    found = []
    for c in columns:
        if c.name in header.by_name and c.kind in ("text", "code"):
            for pos in np.flatnonzero(values.direction_marks(raw_of(header.by_name[c.name])) & keep):
                found.append((int(excel_rows[pos]), c.name, str(names.iloc[pos])))
    return tuple(sorted(found))


def _bad_cells(parsed, columns, header, cells, keep, excel_rows, file, sheet, year):
    """Every unreadable or missing required cell, in reading order: the first `MAX_PROBLEMS`
    as LedgerErrors, and how many more there are."""
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
    found.sort(key=lambda t: (t[0], t[1]))
    names = parsed[schema.NAME].values if schema.NAME in parsed else None
    problems = []
    for pos, _, column, what in found[:MAX_PROBLEMS]:
        j = header.by_name[column.name]
        label = header.labels.get(j, column.name)
        if what == "bad":
            problem, fix = values.describe_problem(column, cells[j][pos], year=year)
        else:
            choices = f"（{quoted(column.choices)}之一）" if column.choices else ""
            problem, fix = "不能为空", f"请填写“{column.name}”{choices}"
        if label != column.name:
            problem = f"{problem}，该列按“{column.name}”读取"
        enterprise = names[pos] if names is not None and column.name != schema.NAME else None
        problems.append(LedgerError(
            problem, file=file, sheet=sheet or None, row=int(excel_rows[pos]), column=label,
            fix=fix, cell=f"{get_column_letter(j + 1)}{excel_rows[pos]}",
            enterprise=enterprise if isinstance(enterprise, str) else None,
        ))
    return problems, total - len(problems)
