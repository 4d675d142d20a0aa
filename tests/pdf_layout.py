"""A rendered PDF read back as rows of text with positions (poppler's pdftotext -bbox-layout),
and the GB/T 9704 page checks the layout tests share."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

MM = 72 / 25.4
LEFT, RIGHT = 28 * MM, (210 - 26) * MM  # the 版心's edges
BODY_BOTTOM = (297 - 35) * MM
PITCH = 28.95  # pt between grid lines
LINE_START_FORBIDDEN = set("，。、；：？！”’）》」』…")  # never opens a line (禁则)
_NS = "{http://www.w3.org/1999/xhtml}"


@dataclass
class Row:
    text: str
    x0: float
    x1: float
    y: float  # top


def pages(pdf: Path) -> list[list[Row]]:
    """Each page's text rows, top to bottom; words on one baseline joined without spaces."""
    html = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    root = ET.fromstring(html)
    result = []
    for page in root.iter(f"{_NS}page"):
        rows: list[Row] = []
        lines = sorted(page.iter(f"{_NS}line"), key=lambda ln: (float(ln.get("yMin")),
                                                                   float(ln.get("xMin"))))
        for line in lines:
            text = "".join(w.text or "" for w in line.iter(f"{_NS}word"))
            x0, x1, y = (float(line.get(k)) for k in ("xMin", "xMax", "yMin"))
            if rows and abs(rows[-1].y - y) < 3:  # same row, another flow (e.g. a table cell)
                last = rows[-1]
                rows[-1] = Row(last.text + text, min(last.x0, x0), max(last.x1, x1), last.y)
            else:
                rows.append(Row(text, x0, x1, y))
        result.append(rows)
    return result


def body(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r.y < BODY_BOTTOM]


def footer(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r.y >= BODY_BOTTOM]


def is_full_line(row: Row) -> bool:
    """A line that runs from the left to the right edge of the 版心 (not a paragraph's first
    or last line)."""
    return abs(row.x0 - LEFT) < 3 and row.x1 > RIGHT - 6


def plain_full_lines(all_pages: list[list[Row]]) -> list[str]:
    """Full lines of CJK text only, not followed by a number (a number that does not fit is
    carried whole to the next line, and the line before it is spread out); likewise a short
    line whose last character went on with the punctuation after it (禁则: punctuation never
    opens a line)."""
    result = []
    for page in all_pages:
        rows = body(page)
        for row, after in zip(rows, rows[1:]):
            carried = after.text[1:2] in LINE_START_FORBIDDEN and len(row.text) < 27
            if (is_full_line(row) and not any(ch.isascii() for ch in row.text)
                    and after.text and not after.text[0].isascii() and not carried):
                result.append(row.text)
    return result


def grid_rows(rows: list[Row]) -> list[int]:
    """Grid line numbers (0-based from the top of the 版心) of the rows."""
    top = 37 * MM
    return [round((r.y - top) / PITCH) for r in rows]


def split_numbers(all_pages: list[list[Row]]) -> list[str]:
    """Places where a number is broken across lines ("…107" then "7户…", "88." then "8%")."""
    lines = [r.text for page in all_pages for r in body(page)]
    return [f"{a} / {b}" for a, b in zip(lines, lines[1:])
            if re.search(r"[0-9.]$", a) and re.match(r"[0-9.%]", b)]
