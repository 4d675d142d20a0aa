"""The page: A4 with GB/T 9704 margins, a lines-only grid, mirrored page numbers."""

from __future__ import annotations

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from fuchan_lib.report.gongwen import geometry as g
from fuchan_lib.core.params import Fonts
from fuchan_lib.report.gongwen.styles import S_PAGE_NUMBER, rfonts_xml


def setup_page(doc) -> None:
    """A4, GB/T margins, 22 lines of 28.95 pt (the 28 characters come from the run spacing,
    see styles)."""
    section = doc.sections[0]
    section.page_width, section.page_height = g.PAGE_WIDTH, g.PAGE_HEIGHT
    section.top_margin, section.bottom_margin = g.MARGIN_TOP, g.MARGIN_BOTTOM
    section.left_margin, section.right_margin = g.MARGIN_LEFT, g.MARGIN_RIGHT
    section.footer_distance = g.FOOTER_DISTANCE
    section.different_first_page_header_footer = False
    sect_pr = section._sectPr
    for grid in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(grid)
    sect_pr.append(parse_xml(
        f'<w:docGrid {nsdecls("w")} w:type="lines" w:linePitch="{g.LINE_PITCH.twips}"/>'))


def _page_number_runs(fonts: Fonts) -> list:
    rpr = f'<w:rPr>{rfonts_xml(fonts.page_number)}</w:rPr>'
    parts = [
        f'<w:r>{rpr}<w:t xml:space="preserve">— </w:t></w:r>',
        f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
        f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>',
        f'<w:r>{rpr}<w:t>1</w:t></w:r>',
        f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>',
        f'<w:r>{rpr}<w:t xml:space="preserve"> —</w:t></w:r>',
    ]
    return [parse_xml(p.replace("<w:r>", f'<w:r {nsdecls("w")}>', 1)) for p in parts]


def setup_page_numbers(doc, fonts: Fonts) -> None:
    """Odd pages right with 1字 right indent, even pages left with 1字 left indent."""
    section = doc.sections[0]
    style = next(s for s in doc.styles if s.style_id == S_PAGE_NUMBER)
    one_char = g.PAGE_NUMBER_SIZE
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = style
        ind = p._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn(f"w:{side}"), str(one_char.twips))
        p._p.get_or_add_pPr().get_or_add_jc().set(qn("w:val"), side)
        for run in _page_number_runs(fonts):
            p._p.append(run)
