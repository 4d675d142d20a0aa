"""Test workbooks written from plain rows: one helper for every test that builds a ledger file."""

from pathlib import Path

import openpyxl


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
