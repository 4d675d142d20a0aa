"""Tables: full 版心 width, columns sized to content, numbers right-aligned and never wrapped,
long names wrapped at good points, headers broken only where they may break, one or two
header rows repeated on every page, a category column merged beside its trades.

Built as one XML string and spliced into document.xml when the file is saved: parsing 10^4
rows into lxml and moving them into the document costs ~1.3 s; splicing the (escaped,
control-character-free) string costs ~0.1 s.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
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
from fuchan_lib.report.gongwen.text import break_pieces, estimated_width, split_title

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


def one_line(text: str) -> str:
    """A cell as printed on one line (its break marks dropped)."""
    return text.replace("\n", "")


def header_min_width(header: str) -> float:
    """The narrowest width in 字 at which a header fits on at most two lines broken only where
    it may break (text.break_pieces); a header of up to 4 字 stays on one line unless marked."""
    whole = cell_width(one_line(header))
    pieces = break_pieces(header)
    if (whole <= 4 and "\n" not in header) or len(pieces) < 2:
        return whole
    return min(max(cell_width("".join(pieces[:k])), cell_width("".join(pieces[k:])))
               for k in range(1, len(pieces)))


def lines_at_breaks(text: str, capacity: float) -> str:
    """The text in the fewest, then most even, lines of at most `capacity` 字, broken only
    where it may break (a piece wider than that stays whole); "\n" between the lines."""
    pieces = break_pieces(text)
    if not 1 < len(pieces) <= 12:  # one piece, or not a header or a trade name: no search over 2^n ways
        return one_line(text)
    best, best_key = pieces, None
    for mask in range(2 ** (len(pieces) - 1)):
        lines, line = [], pieces[0]
        for k, piece in enumerate(pieces[1:]):
            if mask >> k & 1:
                lines.append(line)
                line = piece
            else:
                line += piece
        lines.append(line)
        widest = max(cell_width(x) for x in lines)
        key = (widest > capacity, len(lines), widest)
        if best_key is None or key < best_key:
            best, best_key = lines, key
    return "\n".join(best)


def column_widths(block: Table, header: list[str], rows: list[list[str]],
                  levels: list[list[int]] | None = None) -> list[int]:
    """Widths in twips: the caller's (scaled down to 156 mm if wider), else from content.

    From content, in order of what gives way first: headers wrap (to two lines, where they
    may), then the longest tenth of a text column's values (so that a few long 行业 names do
    not take the width every enterprise name needs), then long names down to 4 字; numbers
    never wrap, nor does a merged first column (a category). `levels`: the `_width_levels` at
    the table's font when `table_font` worked them out already."""
    n_cols = len(header)
    total = TEXT_WIDTH.twips
    if block.col_widths_mm is not None:
        if len(block.col_widths_mm) != n_cols:
            raise FuchanError(f"表格列宽个数（{len(block.col_widths_mm)}）与列数（{n_cols}）不一致")
        widths = [Mm(w).twips for w in block.col_widths_mm]
        if sum(widths) > total:
            widths = [round(w * total / sum(widths)) for w in widths]
        return widths
    levels = _width_levels(block, header, rows, block.font_pt) if levels is None else levels
    for natural, floor in zip(levels, levels[1:]):  # give way one step at a time
        if sum(floor) <= total:
            return fit_widths(natural, floor, total)
    return fit_widths(levels[-2], levels[-1], total)


def _width_levels(block: Table, header: list[str], rows: list[list[str]], font_pt: float) -> list[list[int]]:
    """Column widths in twips at four levels of giving way (see column_widths)."""
    char = _char_width(font_pt).twips
    padding = 2 * CELL_MARGIN.twips + char // 2  # margins and font slack
    sample = rows[:SAMPLE_ROWS]
    full, values_only, typical, minimum = [], [], [], []
    for j in range(len(header)):
        values = sorted(cell_width(one_line(r[j])) for r in sample) or [0]
        widest_value = values[-1]
        head, short_head = cell_width(one_line(header[j])), header_min_width(header[j])
        whole = all(is_numeric(r[j]) for r in sample) or (j == 0 and block.merge_first_column)
        full.append(max(widest_value, head, 2))
        values_only.append(max(widest_value, short_head, 2))  # long headers on two lines
        most = widest_value if whole else values[int(0.9 * (len(values) - 1))]
        typical.append(max(most, short_head, 2))
        minimum.append(max(widest_value if whole else min(widest_value, 4), short_head, 2))
    return [[round(w * char) + padding for w in ws] for ws in (full, values_only, typical, minimum)]


def table_font(block: Table, header: list[str], rows: list[list[str]]) -> tuple[float, list[list[int]] | None]:
    """block.font_pt, or a smaller size down to block.smallest_font_pt (by 小四 12 -> 五号 10.5
    -> 小五 9) when the numbers, the headers at their breaks and the text at its usual width do
    not fit the 版心 side by side; with the `_width_levels` at that size (for column_widths;
    None for given widths)."""
    if block.col_widths_mm is not None:
        return block.font_pt, None
    sizes = [block.font_pt] + [s for s in (10.5, 9) if block.smallest_font_pt and
                               block.smallest_font_pt <= s < block.font_pt]
    for size in sizes:
        levels = _width_levels(block, header, rows, size)
        if sum(levels[2]) <= TEXT_WIDTH.twips:
            return size, levels
    return sizes[-1], levels


def _wrapped(text: str, width_twips: int, font_pt: float) -> str:
    """Text longer than its cell, broken at good points into balanced lines (“水利、环境和 /
    公共设施管理业”) instead of wherever the cell edge falls; text with break marks ("\n")
    only there (and at punctuation)."""
    capacity = _capacity(width_twips, font_pt)
    if "\n" in text:
        return lines_at_breaks(text, capacity)
    if cell_width(text) <= capacity or capacity < 2:
        return text
    return "\n".join(split_title(text, max_width=capacity))



def _capacity(width_twips: int, font_pt: float) -> float:
    """字 that fit in a cell: the column's half 字 of slack, less a little for the rounding."""
    return (width_twips - 2 * CELL_MARGIN.twips) / _char_width(font_pt).twips - 0.45


def _header_cells(block: Table, header: list[str], widths: list[int]) -> list[list[tuple[str, int, str]]]:
    """The header rows as (text, columns spanned, vertical merge: "", "restart" or "continue")."""
    names = [(lines_at_breaks(h, _capacity(w, block.font_pt)), 1, "") for h, w in zip(header, widths)]
    if not block.header_groups:
        return [names]
    spans = [span for _label, span in block.header_groups]
    if sum(spans) != len(header) or min(spans) < 1:
        raise FuchanError(f"表头分组共{sum(spans)}列，表头有{len(header)}列")
    top, bottom, j = [], [], 0
    for label, span in block.header_groups:
        width = sum(widths[j:j + span])
        if span == 1 and not header[j]:  # the column's name, down both header rows
            top.append((lines_at_breaks(label, _capacity(width, block.font_pt)), 1, "restart"))
            bottom.append(("", 1, "continue"))
        else:
            top.append((lines_at_breaks(label, _capacity(width, block.font_pt)), span, ""))
            bottom.extend(names[j:j + span])
        j += span
    return [top, bottom]


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
    named = [h or g for h, g in zip(header, _group_names(block, n_cols))]  # a blank name: its group's
    font_pt, levels = table_font(block, named, rows)
    block = replace(block, font_pt=font_pt)
    widths = column_widths(block, named, rows, levels)
    size = size_xml(font_pt)
    body_rpr = f"<w:rPr>{rfonts_xml(fonts.body)}{size}</w:rPr>"
    head_rpr = f"<w:rPr>{rfonts_xml(fonts.heading1)}<w:b/><w:bCs/>{size}</w:rPr>"
    sample = rows[:SAMPLE_ROWS]
    numeric = [all(is_numeric(r[j]) for r in sample) for j in range(n_cols)]

    def cell_open(width: int, jc: str, span: int = 1, merge: str = "") -> str:
        extra = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + (
            f'<w:vMerge w:val="{merge}"/>' if merge == "restart" else "<w:vMerge/>" if merge else "")
        return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{extra}<w:vAlign w:val="center"/>'
                f'</w:tcPr><w:p><w:pPr><w:pStyle w:val="{S_TABLE}"/><w:jc w:val="{jc}"/></w:pPr>')

    def text_xml(text: str, rpr: str) -> str:
        if not text:
            return ""
        inner = escape(text).replace("\t", '</w:t><w:tab/><w:t xml:space="preserve">')
        inner = inner.replace("\n", '</w:t><w:br/><w:t xml:space="preserve">')
        return f'<w:r>{rpr}<w:t xml:space="preserve">{inner}</w:t></w:r>'

    def cell_text(j: int, text: str) -> str:
        return text if numeric[j] else _wrapped(text, widths[j], font_pt)

    body_open = [cell_open(widths[j], "right" if numeric[j] else "left") for j in range(n_cols)]
    first_open = {m: cell_open(widths[0], "left", merge=m) for m in ("restart", "continue")}
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
    ]
    for cells in _header_cells(block, header, widths):
        parts.append('<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>')
        j = 0
        for text, span, merge in cells:
            parts.append(cell_open(sum(widths[j:j + span]), "center", span, merge)
                         + text_xml(text, head_rpr) + close)
            j += span
        parts.append("</w:tr>")
    row_open = "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
    above = None
    for row in rows:
        cells = [body_open[j] + text_xml(cell_text(j, v), body_rpr) + close for j, v in enumerate(row)]
        if block.merge_first_column:  # a category once, beside all its trades
            same = bool(row[0]) and row[0] == above
            cells[0] = first_open["continue"] + close if same else \
                first_open["restart"] + text_xml(cell_text(0, row[0]), body_rpr) + close
            above = row[0]
        parts.append(row_open + "".join(cells) + "</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def _group_names(block: Table, n_cols: int) -> list[str]:
    """Each column's group label (from header_groups), "" where there is none."""
    names = [label for label, span in block.header_groups for _ in range(span)]
    return (names + [""] * n_cols)[:n_cols]


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
