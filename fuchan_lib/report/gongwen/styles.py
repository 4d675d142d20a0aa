"""Styles, document defaults and settings: the python-docx template's traps fixed once.

The template carries theme fonts (which override font names), Japanese East Asian defaults,
11 pt text and a stale stylesWithEffects.xml; this module replaces all of them.

How 28 characters fill a line in every suite: the section grid is lines-only (22 × 28.95 pt)
and every run is condensed by 0.25 pt (`w:spacing w:val="-5"` in the document defaults), so a
3号 character advances 15.75 pt and 28 of them take 441 pt of the 442.2 pt 版心; justification
spreads the rest. Word's own way, a `linesAndChars` grid with a negative `w:charSpace`, is
read by LibreOffice as two grid cells per character (15–17 characters a line), so it is not
used. Language: `w:val="en-US"` with `w:eastAsia="zh-CN"`; with zh-CN as the Latin language
LibreOffice breaks digit runs across lines ("107 / 7户").
Punctuation at a line's end: LibreOffice hangs it into the margin and then does not draw it
(the example lost four 、，。 in LibreOffice 7.4). Its import reads `w:overflowPunct` inverted
(writerfilter's DomainMapper: hanging = `nIntValue == 0`), so `w:val="1"` turns its hanging
off, while for Word and WPS it is their default (punctuation may overflow), i.e. no change.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

from fuchan_lib.core.params import Fonts
from fuchan_lib.report.gongwen.geometry import (
    BODY_SIZE, CHARS_PER_LINE, LINE_PITCH, PAGE_NUMBER_SIZE, TEXT_WIDTH, TITLE_SIZE,
)

# python-docx names no constant for it (Word 2010's copy of styles.xml with effects)
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
LANG_XML = '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
# the run spacing that fits 28 characters in 156 mm, in whole quarter points (Word's step):
# 16 pt - 156 mm / 28 = 0.207 pt -> 0.25 pt, written in twentieths of a point: -5
CONDENSE_TWENTIETHS = -5 * math.ceil(4 * (BODY_SIZE.pt - TEXT_WIDTH.pt / CHARS_PER_LINE))
TABLE_FONT_PT = 12  # 小四
# punctuation drawn, not hung and lost, in LibreOffice (see the module docstring)
OVERFLOW_PUNCT_XML = '<w:overflowPunct w:val="1"/>'

# style ids (ASCII, stable) -> names shown in Word's style pane (Chinese)
S_TITLE, S_BODY, S_PLAIN = "GWTitle", "GWBody", "GWPlain"
S_HEADING = {1: "GWHeading1", 2: "GWHeading2", 3: "GWHeading3", 4: "GWHeading4"}
S_TABLE, S_FIGURE, S_CAPTION = "GWTable", "GWFigure", "GWCaption"
S_ATTACH_LABEL, S_ATTACH_TITLE, S_PAGE_NUMBER = "GWAttachLabel", "GWAttachTitle", "GWPageNumber"


def rfonts_xml(font: str) -> str:
    f = escape(font, {'"': "&quot;"})
    return f'<w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}" w:cs="{f}"/>'


def size_xml(size_pt: float) -> str:
    hp = round(size_pt * 2)
    return f'<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/>'


def set_run_fonts(rPr, font: str) -> None:
    """Set all four font slots and drop theme references (they override the names)."""
    rfonts = rPr.get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme", "hint"):
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{attr}"), font)


def _style_xml(
    style_id: str,
    name: str,
    font: str,
    size_pt: float,
    *,
    jc: str = "both",
    first_line_chars: int = 0,
    exact: bool = True,
    keep_next: bool = False,
    outline: int | None = None,
    after_twips: int = 0,
    snap: bool | None = None,
) -> str:
    """One paragraph style, children in schema order, based on Normal.

    snap=False takes the paragraph off the document grid: needed for single spacing (which
    would snap to 28.95 pt) and for characters larger than the 3号 grid line (a 2号 title)."""
    ppr = []
    if keep_next:
        ppr.append("<w:keepNext/>")
    ppr.append('<w:widowControl w:val="0"/>')  # keep every page at 22 lines
    if not (exact if snap is None else snap):
        ppr.append('<w:snapToGrid w:val="0"/>')
    if exact:
        ppr.append(f'<w:spacing w:before="0" w:after="{after_twips}" '
                   f'w:line="{LINE_PITCH.twips}" w:lineRule="exact"/>')
    else:
        ppr.append(f'<w:spacing w:before="0" w:after="{after_twips}" w:line="240" '
                   'w:lineRule="auto"/>')
    if first_line_chars:
        ppr.append(f'<w:ind w:firstLineChars="{first_line_chars}" '
                   f'w:firstLine="{first_line_chars * Pt(size_pt).twips // 100}"/>')
    else:
        ppr.append('<w:ind w:firstLineChars="0" w:firstLine="0"/>')
    ppr.append(f'<w:jc w:val="{jc}"/>')
    if outline is not None:
        ppr.append(f'<w:outlineLvl w:val="{outline}"/>')
    rpr = rfonts_xml(font) + size_xml(size_pt) + LANG_XML
    return (
        f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:qFormat/>'
        f'<w:pPr>{"".join(ppr)}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>'
    )


def install_styles(doc, fonts: Fonts) -> None:
    """Fix the template's defaults (theme fonts, ja-JP, 11pt, spacing) and add our styles."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    body_size = size_xml(BODY_SIZE.pt)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr_default.getparent().replace(rpr_default, parse_xml(
        f'<w:rPrDefault {nsdecls("w")}><w:rPr>{rfonts_xml(fonts.body)}'
        f'<w:spacing w:val="{CONDENSE_TWENTIETHS}"/><w:kern w:val="2"/>{body_size}'
        f'{LANG_XML}</w:rPr></w:rPrDefault>'))
    ppr_default = defaults.find(qn("w:pPrDefault"))
    ppr_default.getparent().replace(ppr_default, parse_xml(
        f'<w:pPrDefault {nsdecls("w")}><w:pPr>{OVERFLOW_PUNCT_XML}'
        f'<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>'))

    normal = doc.styles["Normal"].element
    for child in normal.findall(qn("w:pPr")) + normal.findall(qn("w:rPr")):
        normal.remove(child)
    normal.append(parse_xml(
        f'<w:pPr {nsdecls("w")}><w:widowControl w:val="0"/><w:spacing w:before="0" w:after="0" '
        f'w:line="{LINE_PITCH.twips}" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr>'))
    normal.append(parse_xml(
        f'<w:rPr {nsdecls("w")}>{rfonts_xml(fonts.body)}<w:spacing w:val="{CONDENSE_TWENTIETHS}"/>'
        f'{body_size}{LANG_XML}</w:rPr>'))

    body, title, page = BODY_SIZE.pt, TITLE_SIZE.pt, PAGE_NUMBER_SIZE.pt
    heading_fonts = {1: fonts.heading1, 2: fonts.heading2, 3: fonts.body, 4: fonts.body}
    heading_names = {1: "公文一级标题", 2: "公文二级标题", 3: "公文三级标题", 4: "公文四级标题"}
    specs = [
        _style_xml(S_TITLE, "公文标题", fonts.title, title, jc="center", snap=False),
        _style_xml(S_BODY, "公文正文", fonts.body, body, first_line_chars=200),
        _style_xml(S_PLAIN, "公文无缩进", fonts.body, body, jc="left"),
        _style_xml(S_TABLE, "公文表格", fonts.body, TABLE_FONT_PT, jc="center", exact=False),
        _style_xml(S_FIGURE, "公文图片", fonts.body, body, jc="center", exact=False,
                   keep_next=True),
        _style_xml(S_CAPTION, "公文图题", fonts.body, 14, jc="center", exact=False,
                   after_twips=240),
        _style_xml(S_ATTACH_LABEL, "公文附件标识", fonts.heading1, body, jc="left"),
        _style_xml(S_ATTACH_TITLE, "公文附件标题", fonts.title, title, jc="center", snap=False),
        _style_xml(S_PAGE_NUMBER, "公文页码", fonts.page_number, page, jc="right", exact=False),
    ]
    for level in range(1, 5):
        specs.append(_style_xml(S_HEADING[level], heading_names[level], heading_fonts[level],
                                body, first_line_chars=200, keep_next=True, outline=level - 1))
    for spec in specs:
        styles.append(parse_xml(spec))


# (fragment of a 公文 face's name, the face an office without it should use, w:family): Word
# and WPS look for w:altName when the named face is missing (ECMA-376 §17.8.3.1); stock Windows
# has 仿宋, 楷体, 黑体 and 宋体 but not the _GB2312 faces or 方正小标宋
_ALTERNATES = (("仿宋", "仿宋", "modern"), ("楷体", "楷体", "modern"), ("小标宋", "宋体", "roman"),
               ("黑体", "SimHei", "modern"), ("宋体", "SimSun", "auto"))


def font_table_xml(fonts: Fonts) -> bytes:
    """fontTable.xml naming the 公文 faces as Chinese (GB2312 charset) with an alternate each;
    the template's table lists Japanese faces (ＭＳ 明朝) and none of ours."""
    entries = []
    for name in dict.fromkeys((fonts.title, fonts.body, fonts.heading1, fonts.heading2,
                               fonts.page_number)):
        alternate, family = next(((alt, fam) for part, alt, fam in _ALTERNATES if part in name),
                                 (None, "auto"))
        alt = (f'<w:altName w:val="{escape(alternate, {chr(34): "&quot;"})}"/>'
               if alternate and alternate != name else "")
        entries.append(f'<w:font w:name="{escape(name, {chr(34): "&quot;"})}">{alt}'
                       f'<w:charset w:val="86"/><w:family w:val="{family}"/>'
                       '<w:pitch w:val="variable"/></w:font>')
    entries.append('<w:font w:name="Times New Roman"><w:charset w:val="00"/>'
                   '<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>')
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            f'<w:fonts {nsdecls("w")}>{"".join(entries)}</w:fonts>').encode("utf-8")


APP_XML = ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<Properties xmlns="
           '"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           "<Application>fuchan</Application><DocSecurity>0</DocSecurity></Properties>")


def drop_template_leftovers(doc) -> None:
    """The template's thumbnail (a picture of another document, shown by file browsers) and
    its app.xml (\"Microsoft Macintosh Word\", 1 page, 0 words) describe a file that is not
    this one: the thumbnail goes, app.xml says only who wrote the file."""
    package = doc.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(r_id)
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = APP_XML.encode("utf-8")


def fix_settings(doc, fonts: Fonts) -> None:
    """evenAndOddHeaders for mirrored page numbers; zh-CN instead of the template's ja-JP;
    no stylesWithEffects.xml (the template's copy describes styles this file no longer has);
    a font table of our faces."""
    doc.settings.odd_and_even_pages_header_footer = True
    lang = doc.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
    for r_id, rel in list(doc.part.rels.items()):
        if rel.reltype == STYLES_WITH_EFFECTS:
            doc.part.drop_rel(r_id)
        elif rel.reltype == RT.FONT_TABLE:
            rel.target_part._blob = font_table_xml(fonts)

