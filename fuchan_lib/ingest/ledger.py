"""Ledgers as bureaus keep them -> one canonical frame per kind (DESIGN §6).

A `数据` entry in params is a file, a folder (every .xlsx/.xls/.csv inside, Office lock files
`~$…` ignored, in sorted order) or a list of files and folders; a workbook may hold one sheet
per township. Every sheet whose header fits the kind is read (`sheet`) and the frames are
concatenated, each row keeping its file, sheet and row. Sheets that are not this ledger (说明,
an empty sheet, another kind of ledger) are skipped and listed. A sheet's or file's name supplies
乡镇（园区） where the column is absent or blank (`names`), and the bureau's four status ledgers
supply 春节期间状态. A firm is one firm across all of them (`firms`).

Whatever cannot be read raises `LedgerError` naming file, sheet, row and column, showing the bad
value, what was expected and how to fix it; a folder's problems are all raised together.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.exceptions import LedgerError, ledger_problems, raise_together
from fuchan_lib.core.messages import quoted
from fuchan_lib.ingest import firms, names
from fuchan_lib.ingest.header import HEADER_SEARCH_ROWS, Header, find_header, missing_columns_error
from fuchan_lib.ingest.sheet import SheetMapping, SheetRead, ledger_from_rows, read_rows
from fuchan_lib.ingest.workbook import EXCEL_SUFFIXES, LEDGER_SUFFIXES, Workbook, read_csv

__all__ = ["LedgerRead", "SheetMapping", "Skipped", "ledger_from_rows", "read_entries", "read_ledger"]
_SHEET_HINT = "在参数文件“数据”下把该台账写成“路径: 文件名”和“工作表: 工作表名”两行"


@dataclass(frozen=True)
class Skipped:
    """A sheet or file of a ledger entry that was not read, and why (`check` lists them)."""

    file: str
    sheet: str
    reason: str

    def describe(self) -> str:
        return f"文件“{self.file}”" + (f"工作表“{self.sheet}”" if self.sheet else "") + f"：{self.reason}"


@dataclass(frozen=True)
class LedgerRead:
    """One kind of ledger read from all its files and sheets."""

    kind: str
    frame: pd.DataFrame  # canonical columns + source columns; each firm once
    mappings: tuple[SheetMapping, ...]  # every sheet read, in reading order
    skipped: tuple[Skipped, ...]  # sheets and files not read
    files: tuple[Path, ...]  # every file opened
    problems: tuple[LedgerError, ...] = ()  # unreadable cells (their rows kept, the cell blank)
    unlisted: dict[tuple[str, str], int] | None = None  # (file, sheet) -> problems past those listed
    issues: tuple[firms.RowIssue, ...] = ()  # firms entered twice, statuses against their ledger


def entry_files(path: Path, kind: str) -> tuple[list[Path], list[Skipped]]:
    """The ledger files of one entry: the file itself, or a folder's ledger files by name
    (lock files `~$…` and hidden files ignored, other files listed as skipped)."""
    if path.is_dir():
        found, skipped = [], []
        for item in sorted(path.iterdir(), key=lambda p: p.name):
            if item.name.startswith(("~$", ".")) or not item.is_file():
                continue
            if item.suffix.lower() in LEDGER_SUFFIXES:
                found.append(item)
            else:
                skipped.append(Skipped(item.name, "", "不是 .xlsx、.xls 或 .csv 文件"))
        if not found:
            raise LedgerError(
                f"文件夹“{path}”中没有 .xlsx、.xls 或 .csv 文件", file=path.name,
                fix="请把台账文件放进这个文件夹，或检查参数文件“数据”下的路径",
            )
        return found, skipped
    if not path.is_file():
        raise LedgerError(
            f"找不到{kind}文件或文件夹“{path}”", file=path.name,
            fix=f"请检查参数文件“数据·{kind}”的路径（相对于参数文件所在的文件夹）",
        )
    if path.suffix.lower() not in LEDGER_SUFFIXES:
        raise LedgerError(
            f"不支持“{path.suffix or '无扩展名'}”格式的文件", file=path.name,
            fix="请提供 .xlsx、.xls 或 .csv 文件",
        )
    return [path], []


@dataclass
class _Sheet:
    """A sheet being considered: its probe, header and what its names supply."""

    name: str
    grid: list[list]
    header: Header | None
    supplied: dict[str, tuple[str, str]]
    visible: bool = True


def _other_kind(grid, kind) -> str | None:
    """The other ledger kind a sheet's header fits, if any (a service sheet in a shared book)."""
    for other, columns in schema.COLUMNS_BY_KIND.items():
        header = find_header(grid, columns) if other != kind else None
        if header is not None and not header.missing:
            return other
    return None


def _has_content(grid) -> bool:
    return any(any(v not in ("", None) for v in row) for row in grid)


class _Reader:
    """Reads the sheets of every file of one kind; collects what it read, skipped and found wrong."""

    def __init__(self, kind: str, year: int | None, towns: tuple[str, ...]):
        self.kind, self.year, self.towns = kind, year, towns
        self.columns = schema.COLUMNS_BY_KIND[kind]
        self.reads: list[SheetRead] = []
        self.skipped: list[Skipped] = []
        self.errors: list[LedgerError] = []
        self.rejected: list[tuple[str, _Sheet]] = []  # (file, sheet) whose header does not fit
        self.unlisted: dict[tuple[str, str], int] = {}

    def supplied(self, file: Path, sheet: str) -> dict[str, tuple[str, str]]:
        return names.supplied_columns(self.kind, file.name, sheet, self.towns)

    def read_file(self, path: Path, sheet: str | None) -> None:
        try:
            if path.suffix.lower() not in EXCEL_SUFFIXES:
                self._read(path.name, _Sheet("", read_csv(path), None, self.supplied(path, "")))
                return
            book = Workbook(path)
            if sheet is not None:
                if sheet not in book.names:
                    raise LedgerError(
                        f"没有名为“{sheet}”的工作表", file=book.file,
                        fix=f"现有工作表：{quoted(book.names)}；请改用其中之一",
                    )
                self._read(path.name, _Sheet(sheet, book.rows(sheet), None, self.supplied(path, sheet)))
                return
            self._read_book(path, book)
        except LedgerError as exc:
            self.errors.extend(ledger_problems(exc))

    def _read_book(self, path: Path, book: Workbook) -> None:
        fitting: list[_Sheet] = []
        for name in book.names:
            probe = book.rows(name, nrows=HEADER_SEARCH_ROWS + 2)
            supplied = self.supplied(path, name)
            header = find_header(probe, self.columns, frozenset(supplied))
            candidate = _Sheet(name, probe, header, supplied, name in book.visible)
            if header is not None and not header.missing:
                fitting.append(candidate)
            elif not _has_content(probe):
                self.skipped.append(Skipped(path.name, name, "空表"))
            elif other := _other_kind(probe, self.kind):
                self.skipped.append(Skipped(path.name, name, f"是{other}"))
            else:
                self.rejected.append((path.name, candidate))
        if any(s.visible for s in fitting):  # a hidden copy beside visible ledgers is not read
            for hidden in [s for s in fitting if not s.visible]:
                self.skipped.append(Skipped(path.name, hidden.name, "隐藏的工作表"))
            fitting = [s for s in fitting if s.visible]
        for found in fitting:
            self._read(path.name, _Sheet(found.name, book.rows(found.name), found.header, found.supplied))

    def _read(self, file: str, sheet: _Sheet) -> None:
        read = read_rows(sheet.grid, self.kind, file=file, sheet=sheet.name, year=self.year,
                         header=sheet.header, names=sheet.supplied)
        self.reads.append(read)
        self.errors.extend(read.problems)
        if read.unlisted:
            self.unlisted[(file, sheet.name)] = read.unlisted

    def rejected_problems(self) -> list[LedgerError]:
        """Sheets whose header does not fit: skipped when the entry has ledgers, unless they look
        like a broken ledger (a 企业名称 column beside another ledger column in one header row);
        the whole entry explained when none fits."""
        if not self.reads:
            return [] if not self.rejected else [self._nothing_fits()]
        problems = []
        for file, sheet in self.rejected:
            header = sheet.header
            if header is not None and self.columns[0].name in header.by_name and len(header.by_name) > 1:
                problems.append(missing_columns_error(header, sheet.grid, self.kind, file, sheet.name))
            else:
                self.skipped.append(Skipped(file, sheet.name, f"表头不是{self.kind}的表头"))
        return problems

    def _nothing_fits(self) -> LedgerError:
        others = [s for s in self.skipped if s.reason.startswith("是")]
        if len(self.rejected) == 1 and not others:
            file, sheet = self.rejected[0]
            return missing_columns_error(sheet.header, sheet.grid, self.kind, file, sheet.name)
        files = {file for file, _ in self.rejected}
        details = "；".join(
            (f"“{s.name}”" if len(files) == 1 else f"“{file}”“{s.name}”")
            + f"缺少{quoted(s.header.missing) if s.header else '全部必需列'}" for file, s in self.rejected)
        details += "".join(f"；“{s.sheet}”{s.reason}" for s in others)
        required = quoted(c.name for c in self.columns if c.required)
        return LedgerError(
            f"没有一个工作表像是{self.kind}（需要{required}等列）：{details}",
            file=self.rejected[0][0] if len(files) == 1 else None,
            fix="请检查表头名称" + (f"，或{_SHEET_HINT}" if len(files) == 1 else ""),
        )


def read_entries(entries: list[tuple[Path, str | None]], kind: str, *, year: int | None = None,
                 towns: tuple[str, ...] = ()) -> LedgerRead:
    """Read every file, folder and sheet of one ledger kind (see the module docstring).

    `entries`: (path, sheet or None) as params list them. `year` completes dates written
    without one ("2月1日"); `towns` (params 乡镇) are matched in sheet and file names.
    A file, folder or sheet that cannot be read at all raises (every such problem of the kind
    at once, with the unreadable cells found elsewhere); unreadable cells alone are returned in
    `problems`, their rows kept, so the audit still sees everything (`raise_for_problems`).
    """
    if kind not in schema.COLUMNS_BY_KIND:
        raise ValueError(f"kind must be one of {list(schema.COLUMNS_BY_KIND)}, got {kind!r}")
    reader = _Reader(kind, year, towns)
    seen, files = set(), []
    for path, sheet in entries:
        try:
            found, skipped = entry_files(Path(path), kind)
        except LedgerError as exc:
            reader.errors.append(exc)
            continue
        reader.skipped.extend(skipped)
        for file in found:
            if (file.resolve(), sheet) not in seen:
                seen.add((file.resolve(), sheet))
                files.append(file)
                reader.read_file(file, sheet)
    structural = reader.rejected_problems()
    if not reader.reads and not structural and not reader.errors:
        structural = [LedgerError(
            f"没有找到{kind}：" + "；".join(s.describe() for s in reader.skipped),
            file=files[0].name if len(files) == 1 else None,
            fix=f"请检查参数文件“数据·{kind}”写的文件或文件夹是不是{kind}",
        )]
    cell_problems = tuple(reader.errors)
    if structural or not reader.reads or any(p.cell is None for p in cell_problems):
        raise_together(structural + list(cell_problems), reader.unlisted)
    frame = pd.concat([r.frame for r in reader.reads], ignore_index=True) if len(reader.reads) > 1 \
        else reader.reads[0].frame
    frame = _categories_kept(frame, reader.reads[0].frame)
    frame, issues = firms.one_row_per_firm(frame, kind, [r.mapping for r in reader.reads])
    return LedgerRead(kind, frame, tuple(r.mapping for r in reader.reads), tuple(reader.skipped),
                      tuple(files), cell_problems, reader.unlisted or None, tuple(issues))


def raise_for_problems(read: LedgerRead) -> LedgerRead:
    """The read itself when every cell was readable; else all its problems raised together."""
    raise_together(read.problems, read.unlisted)
    return read


def _categories_kept(frame: pd.DataFrame, like: pd.DataFrame) -> pd.DataFrame:
    """pd.concat turns categoricals with different categories into object: restore them."""
    for column in like.columns:
        if isinstance(like[column].dtype, pd.CategoricalDtype) and not isinstance(
                frame[column].dtype, pd.CategoricalDtype):
            choices = like[column].cat.categories if column != schema.TOWN else None
            frame[column] = pd.Categorical(frame[column].astype(object), categories=choices)
    return frame


def read_ledger(path: Path, kind: str, *, sheet: str | None = None, year: int | None = None,
                towns: tuple[str, ...] = ()) -> pd.DataFrame:
    """The canonical frame of one ledger file or folder; every problem raised (see `read_entries`).

    Returns every canonical column in schema order (optional ones absent from the file are NA;
    choice columns are categorical over their allowed values), plus `SOURCE_FILE`,
    `SOURCE_SHEET` ("" for CSV) and `SOURCE_ROW` (the Excel row number).
    """
    return raise_for_problems(read_entries([(Path(path), sheet)], kind, year=year, towns=towns)).frame
