"""Test workbooks written from plain rows: one helper for every test that builds a ledger file."""

from functools import cache
from pathlib import Path

import openpyxl

EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "example"


def write_book(path: Path, sheets: dict[str, list]) -> Path:
    """A workbook with one sheet per entry of `sheets` (name -> rows), saved at `path`."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


@cache
def example_rows(kind: str) -> tuple[tuple, ...]:
    """Header and rows of the example county's ledger of `kind` exactly as its cells hold them,
    read once per session (every test's copy of the example holds the same file)."""
    book = openpyxl.load_workbook(EXAMPLE / f"{kind}.xlsx", read_only=True)
    rows = tuple(book.active.iter_rows(values_only=True))
    book.close()
    return rows
