"""Finding a ledger's header: which row holds it (title rows above, two-row merged headers)
and which file column is which canonical column of `schema` (canonical names and aliases).

A sheet's header decides everything else: whether the sheet is a ledger at all, which columns
are read, and what a missing-column message lists.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from fuchan_lib.core import schema
from fuchan_lib.core.exceptions import LedgerError
from fuchan_lib.core.messages import quoted
from fuchan_lib.ingest import values

HEADER_SEARCH_ROWS = 15  # the header starts within the first rows (title rows above it)
SERIAL_LABELS = ("序号", "编号", "序", "No.", "NO.", "No", "NO")
_UNIT_PARENS = re.compile(r"\([^()]*\)$")


class Header(NamedTuple):
    """Where the header is and which file column holds which canonical column."""

    first_row: int  # 0-based grid row of the (top) header row
    last_row: int  # 0-based grid row of the bottom header row; data starts below
    by_name: dict[str, int]  # canonical column name -> 0-based file column
    labels: dict[int, str]  # file column -> header text as the user wrote it
    serial: int | None  # file column of 序号, if any
    missing: tuple[str, ...]  # required canonical columns not found
    found: tuple[str, ...]  # all non-blank header labels, in file order
    ambiguous: dict[str, tuple[int, ...]]  # canonical name -> several alias columns, none exact


def normalize_label(text) -> str:
    """A header cell as compared with names: NFKC, no spaces/line breaks, no '*' marks."""
    return _label(text)[1]


@lru_cache(maxsize=8192, typed=True)  # typed: 1, 1.0 and True are different cells
def _label(text) -> tuple[str, str]:
    """(as shown, normalised) of one header cell; worked out once per distinct cell text, as
    the header search tries each of the first rows several ways, on every sheet of every file."""
    if text is None:
        return "", ""
    shown = values.show(text)
    return shown.strip(), values.compact(text if isinstance(text, str) else shown).strip("*")


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
        return [(shown, [name]) for shown, name in map(_label, top_row)]
    bottom_row = [grid[bottom][j] if j < len(grid[bottom]) else "" for j in range(width)]
    out, carried = [], ""
    for upper, lower in zip(top_row, bottom_row):
        (shown_up, up), (shown_low, low) = _label(upper), _label(lower)
        carried = up or carried  # a merged top cell is filled only in its first column
        if low:
            out.append(((shown_up + " " if up else "") + shown_low, [low, carried + low, up]))
        else:
            out.append((shown_up, [up]))
    return out


def _map_header(grid, top, bottom, columns, lookup, optional) -> Header:
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
    missing = tuple(c.name for c in columns
                    if c.required and c.name not in by_name and c.name not in optional)
    return Header(
        top, bottom, by_name, {j: shown for j, (shown, _) in enumerate(labels) if shown},
        serial, missing, tuple(shown for shown, _ in labels if shown), ambiguous,
    )


def find_header(grid: list[list], columns: tuple[schema.Column, ...],
                optional: frozenset[str] = frozenset()) -> Header | None:
    """Best header among the first rows: all required found, most columns, one row over two.
    `optional`: required columns this sheet may lack (a status ledger's 春节期间状态)."""
    lookup = _name_lookup(columns)
    best, best_key = None, None
    for top in range(min(HEADER_SEARCH_ROWS, len(grid))):
        for bottom in (top, top + 1):
            if bottom >= len(grid):
                continue
            header = _map_header(grid, top, bottom, columns, lookup, optional)
            key = (not header.missing, len(header.by_name), bottom == top, -top)
            if header.by_name and (best_key is None or key > best_key):
                best, best_key = header, key
    return best


def check_ambiguous(header: Header, file: str, sheet: str) -> None:
    """Two alias columns for one canonical column (neither spelt canonically) -> error."""
    for canonical, positions in header.ambiguous.items():
        shown = quoted(header.labels[j] for j in positions)
        raise LedgerError(
            f"{shown}这几列都可以当作“{canonical}”，无法确定用哪一列",
            file=file, sheet=sheet or None, row=header.last_row + 1,
            fix=f"请把要用的那一列的表头改为“{canonical}”，或把另一列的表头改成别的名称（如加上“（旧）”）",
        )


def missing_columns_error(header: Header | None, grid, kind, file, sheet) -> LedgerError:
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
