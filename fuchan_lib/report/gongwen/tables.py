"""Tables: full 版心 width, columns sized to content, numbers right-aligned and never wrapped,
long names wrapped at good points, header repeated on every page.

Built as one XML string and spliced into document.xml when the file is saved: parsing 10^4
rows into lxml and moving them into the document costs ~1.3 s; splicing the (escaped,
control-character-free) string costs ~0.1 s.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from docx.shared import Mm, Pt, Twips

from fuchan_lib.core.exceptions import FuchanError
from fuchan_lib.core.params import Fonts
from fuchan_lib.report.gongwen.blocks import Table
from fuchan_lib.report.gongwen.geometry import TEXT_WIDTH
from fuchan_lib.report.gongwen.styles import (
    CONDENSE_TWENTIETHS, S_TABLE, rfonts_xml, size_xml,
)
from fuchan_lib.core.text import clean_text
from fuchan_lib.report.gongwen.text import estimated_width, split_title, two_line_width

CELL_MARGIN = Twips(57)  # 1 mm left and right
SAMPLE_ROWS = 2000  # widths and alignment are judged on the first rows
_NUMBER = re.compile(r"[-+]?[\d,，.]+%?|—|-")


def is_numeric(s: str) -> bool:
    """A number, percentage or "—": right-aligned and never wrapped. Empty counts as numeric."""
    return bool(_NUMBER.fullmatch(s.strip())) if s.strip() else True


def _char_width(font_pt: float) -> Pt:
    """Advance of one full-width character with the document's condensed run spacing."""
    return Pt(font_pt + CONDENSE_TWENTIETHS / 20)


def fit_widths(natural: list[int], minimum: list[int], total: int) -> list[int]:
    """Column widths summing to total: natural widths when they fit (a narrower table is
    widened in proportion); otherwise the widest columns are capped at one level, never below
    their minimum (water-filling). Minimums that alone exceed total are scaled down."""
    if sum(natural) <= total:
        scale = total / sum(natural)
        return [round(w * scale) for w in natural]
    if sum(minimum) >= total:
        scale = total / sum(minimum)
        return [round(w * scale) for w in minimum]
    low, high = 0.0, float(max(natural))
    for _ in range(60):  # bisection on the cap level
        level = (low + high) / 2
        if sum(max(m, min(n, level)) for n, m in zip(natural, minimum)) > total:
            high = level
        else:
            low = level
    return [round(max(m, min(n, low))) for n, m in zip(natural, minimum)]


def cell_width(text: str) -> float:
    """Width in 字 of a cell's text; digits and Latin letters of CJK fonts run wider than half
    a 字, so they count 0.6 here (a number that wraps is worse than a column too wide)."""
    return estimated_width(text) + 0.1 * sum(ch.isascii() for ch in text)


def column_widths(block: Table, header: list[str], rows: list[list[str]]) -> list[int]:
    """Widths in twips: the caller's (scaled down to 156 mm if wider), else from content.

    From content, in order of what gives way first: headers wrap (to two lines), then the
    longest tenth of a text column's values (so that a few long 行业 names do not take the
    width every enterprise name needs), then long names down to 4 字; numbers never wrap."""
    n_cols = len(header)
    total = TEXT_WIDTH.twips
    if block.col_widths_mm is not None:
        if len(block.col_widths_mm) != n_cols:
            raise FuchanError(f"表格列宽个数（{len(block.col_widths_mm)}）与列数（{n_cols}）不一致")
        widths = [Mm(w).twips for w in block.col_widths_mm]
        if sum(widths) > total:
            widths = [round(w * total / sum(widths)) for w in widths]
        return widths
    char = _char_width(block.font_pt).twips
    padding = 2 * CELL_MARGIN.twips + char // 2  # margins and font slack
    sample = rows[:SAMPLE_ROWS]
    full, values_only, typical, minimum = [], [], [], []
    for j in range(n_cols):
        values = sorted(cell_width(r[j]) for r in sample) or [0]
        widest_value = values[-1]
        head = cell_width(header[j])
        numeric = all(is_numeric(r[j]) for r in sample)
        short_head = head if head <= 4 else two_line_width(header[j], cell_width)
        full.append(max(widest_value, head, 2))
        values_only.append(max(widest_value, short_head, 2))  # long headers on two lines
        most = widest_value if numeric else values[int(0.9 * (len(values) - 1))]
        typical.append(max(most, short_head, 2))
        minimum.append(max(widest_value if numeric else min(widest_value, 4), 2))
    widths = [[round(w * char) + padding for w in ws] for ws in (full, values_only, typical, minimum)]
    for natural, floor in zip(widths, widths[1:]):  # give way one step at a time
        if sum(floor) <= total:
            return fit_widths(natural, floor, total)
    return fit_widths(widths[-2], widths[-1], total)


def _wrapped(text: str, width_twips: int, font_pt: float) -> str:
    """Text longer than its cell, broken at good points into balanced lines (“水利、环境和 /
    公共设施管理业”) instead of wherever the cell edge falls."""
    char = _char_width(font_pt).twips
    # the column's half 字 of slack, less a little for the rounding to twips
    capacity = (width_twips - 2 * CELL_MARGIN.twips) / char - 0.45
    if "\n" in text or cell_width(text) <= capacity or capacity < 2:
        return text
    return "\n".join(split_title(text, max_width=capacity))


def table_xml(block: Table, fonts: Fonts) -> str:
    """The whole <w:tbl> as one XML string, row by row from per-column templates (O(rows),
    no cell()); the w: prefix is the one declared on the document root."""
    header = [clean_text(h) for h in block.header]
    n_cols = len(header)
    if n_cols == 0:
        raise FuchanError("表格没有表头")
    rows = [[clean_text(v) for v in row] for row in block.rows]
    for i, row in enumerate(rows, start=1):
        if len(row) != n_cols:
            raise FuchanError(f"表格第{i}行有{len(row)}列，表头有{n_cols}列")
    widths = column_widths(block, header, rows)
    size = size_xml(block.font_pt)
    body_rpr = f"<w:rPr>{rfonts_xml(fonts.body)}{size}</w:rPr>"
    head_rpr = f"<w:rPr>{rfonts_xml(fonts.heading1)}<w:b/><w:bCs/>{size}</w:rPr>"
    sample = rows[:SAMPLE_ROWS]
    numeric = [all(is_numeric(r[j]) for r in sample) for j in range(n_cols)]

    def cell_open(j: int, jc: str) -> str:
        return (f'<w:tc><w:tcPr><w:tcW w:w="{widths[j]}" w:type="dxa"/><w:vAlign w:val="center"/>'
                f'</w:tcPr><w:p><w:pPr><w:pStyle w:val="{S_TABLE}"/><w:jc w:val="{jc}"/></w:pPr>')

    def text_xml(text: str, rpr: str) -> str:
        if not text:
            return ""
        inner = escape(text).replace("\t", '</w:t><w:tab/><w:t xml:space="preserve">')
        inner = inner.replace("\n", '</w:t><w:br/><w:t xml:space="preserve">')
        return f'<w:r>{rpr}<w:t xml:space="preserve">{inner}</w:t></w:r>'

    def cell_text(j: int, text: str) -> str:
        return text if numeric[j] else _wrapped(text, widths[j], block.font_pt)

    body_open = [cell_open(j, "right" if numeric[j] else "left") for j in range(n_cols)]
    head_open = [cell_open(j, "center") for j in range(n_cols)]
    close = "</w:p></w:tc>"
    border = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
    margin = CELL_MARGIN.twips
    parts = [
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f'<w:jc w:val="center"/><w:tblBorders>'
        + "".join(f"<w:{side} {border}/>" for side in
                  ("top", "left", "bottom", "right", "insideH", "insideV"))
        + f'</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar>'
        f'<w:left w:w="{margin}" w:type="dxa"/><w:right w:w="{margin}" w:type="dxa"/>'
        '</w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>",
        '<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>',
        "".join(head_open[j] + text_xml(_wrapped(h, widths[j], block.font_pt), head_rpr) + close
                for j, h in enumerate(header)),
        "</w:tr>",
    ]
    row_open = "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
    for row in rows:
        parts.append(row_open + "".join(body_open[j] + text_xml(cell_text(j, v), body_rpr) + close
                                        for j, v in enumerate(row)) + "</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def save_with_tables(doc, tables: dict[str, str], target: Path) -> None:
    """Save doc to target, splicing each table's XML in place of its placeholder paragraph."""
    if not tables:
        doc.save(str(target))
        return
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                xml = data.decode("utf-8")
                for key, table in tables.items():
                    placeholder = f'<w:p><w:pPr><w:pStyle w:val="{key}"/></w:pPr></w:p>'
                    if xml.count(placeholder) != 1:
                        raise RuntimeError(f"table placeholder {key} not found once in document.xml")
                    xml = xml.replace(placeholder, table)
                data = xml.encode("utf-8")
            zout.writestr(item, data)
