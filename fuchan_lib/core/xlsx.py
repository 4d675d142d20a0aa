"""Saving openpyxl workbooks atomically and schema-valid.

openpyxl writes a font's children as name, family, b, color, sz; the Open XML SDK (what Office's
own validation follows) reads `<font>` as a sequence b, i, ..., sz, color, name, family,
charset, scheme and reports anything else as a schema error. The saved styles.xml is put in
that order; nothing else in the file changes.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

FORMULA_SIGNS = ("=", "+", "-", "@")  # a text cell starting so would be taken for a formula


def keep_text(cell) -> None:
    """A text cell that starts like a formula stays text: data_type 's', and quotePrefix so Excel
    keeps it text even after the user edits the cell (a firm named "=HYPERLINK(…)" runs nothing)."""
    if isinstance(cell.value, str) and cell.value[:1] in FORMULA_SIGNS:
        cell.data_type = "s"
        cell.quotePrefix = True

from fuchan_lib.core.text import atomic_write

FONT_CHILDREN = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign",
                 "sz", "color", "name", "family", "charset", "scheme")
_FONT = re.compile(r"<font>(.*?)</font>", re.S)
_CHILD = re.compile(r"<(\w+)\b[^>]*/>|<(\w+)\b[^>]*>.*?</\2>", re.S)


def _ordered_font(match: re.Match) -> str:
    children = [(m.group(1) or m.group(2), m.group(0)) for m in _CHILD.finditer(match.group(1))]
    rank = {name: i for i, name in enumerate(FONT_CHILDREN)}
    children.sort(key=lambda c: rank.get(c[0], len(rank)))
    return "<font>" + "".join(xml for _, xml in children) + "</font>"


def order_font_children(styles_xml: str) -> str:
    """styles.xml with every `<font>`'s children in the schema's sequence."""
    return _FONT.sub(_ordered_font, styles_xml)


def save_workbook(workbook, path: str | Path) -> Path:
    """Save an openpyxl workbook at path atomically, with styles.xml in schema order."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    with atomic_write(path) as tmp, zipfile.ZipFile(buffer) as zin, \
            zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/styles.xml":
                data = order_font_children(data.decode("utf-8")).encode("utf-8")
            zout.writestr(item, data)
    return Path(path)
