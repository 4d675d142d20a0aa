"""A generic GB/T 9704-2012 公文 writer: blocks in, .docx out (DESIGN §5).

This module owns the page layout, the styles and the python-docx work-arounds (East Asian
fonts, theme fonts, Japanese template defaults, control characters, fast tables, picture
width). It knows nothing of 复工复产: the report module decides *what* to say and hands over
blocks (Title, Heading, Paragraph, Table, ...); this module decides *how it looks*.
"""

from __future__ import annotations

import datetime
import io
import math
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.image.exceptions import UnrecognizedImageError
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Mm

from fuchan_lib.core.exceptions import FuchanError
from fuchan_lib.core.params import Fonts
from fuchan_lib.core.text import atomic_write, clean_text, display_width
from fuchan_lib.core.wording import format_date

# --- page geometry (GB/T 9704-2012 §5.2) ---
PAGE_W_MM, PAGE_H_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
TEXT_W_MM = PAGE_W_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156 mm 版心宽
LINE_PITCH_TWIPS = 579  # 28.95 pt: 22 lines in the 225 mm 版心
CHARS_PER_LINE = 28
FOOTER_DISTANCE_MM = 25  # puts the 一字线 of "— 1 —" about 7 mm below the 版心
MAX_FIGURE_W_MM = TEXT_W_MM
MAX_FIGURE_H_MM = 200  # leaves room for the caption inside the 225 mm 版心

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
CHAR_TWIPS = BODY_PT * 20  # one 字 of body text
TITLE_MAX_WIDTH = 20  # 2号 characters that fit in 156 mm

# style ids (ASCII, stable) -> names shown in Word's style pane (Chinese)
S_TITLE, S_BODY, S_PLAIN = "GWTitle", "GWBody", "GWPlain"
S_HEADING = {1: "GWHeading1", 2: "GWHeading2", 3: "GWHeading3", 4: "GWHeading4"}
S_TABLE, S_FIGURE, S_CAPTION = "GWTable", "GWFigure", "GWCaption"
S_ATTACH_LABEL, S_ATTACH_TITLE, S_PAGE_NUMBER = "GWAttachLabel", "GWAttachTitle", "GWPageNumber"

LANG = "zh-CN"


@dataclass(frozen=True)
class Run:
    """A piece of text; missing=True marks a figure that could not be computed (【待补充】),
    rendered with a yellow highlight so the statistician sees it at once."""

    text: str
    missing: bool = False


@dataclass(frozen=True)
class Title:
    """2号 title, centred; long titles are split into balanced lines ("\\n" forces a split)."""

    text: str


@dataclass(frozen=True)
class Addressee:
    """主送机关: one blank line below the title, flush left, ends with "："."""

    text: str


@dataclass(frozen=True)
class Heading:
    """Numbered heading (一、 / （一） / 1. / （1））; non-empty body makes it a run-in heading."""

    level: int
    text: str
    body: tuple[Run, ...] = ()


@dataclass(frozen=True)
class Paragraph:
    """Body paragraph: 3号 body font, first-line indent 2字."""

    runs: tuple[Run, ...]


@dataclass(frozen=True)
class AttachmentNote:
    """附件说明 (§7.3.4): "附件：1.xxx", later names aligned with the first."""

    titles: tuple[str, ...]


@dataclass(frozen=True)
class Signature:
    """署名 and 成文日期 (§7.3.5.1): date 4字 from the right, organisation centred over it."""

    organisation: str
    date: datetime.date
    blank_lines_before: int = 2  # room for the seal, whose top must be within a line of the text


@dataclass(frozen=True)
class Table:
    """A bordered table with a repeating header row; built as XML, so 10^4 rows are cheap."""

    header: tuple[str, ...]
    rows: Sequence[Sequence[str]]
    col_widths_mm: tuple[float, ...] | None = None
    font_pt: float = 12  # 小四
    caption: str = ""  # optional title above the table


@dataclass(frozen=True)
class Figure:
    """A picture (width clamped to the 156 mm 版心) with a centred caption below."""

    path: Path
    caption: str
    width_mm: float = MAX_FIGURE_W_MM


@dataclass(frozen=True)
class Attachment:
    """附件: new page, "附件N" (黑体) on line 1, title centred on line 3, then its blocks."""

    number: int
    title: str
    blocks: tuple[Table | Figure | Paragraph, ...]


Block = Title | Addressee | Heading | Paragraph | AttachmentNote | Signature | Table | Figure | Attachment


# ---------------------------------------------------------------- text helpers

def estimated_width(s: str) -> float:
    """display_width plus the 1/4 字 Word and WPS insert between CJK and Latin/digits."""
    transitions = sum(1 for a, b in zip(s, s[1:])
                      if (display_width(a) == 1) != (display_width(b) == 1) and a != " " != b)
    return display_width(s) + 0.25 * transitions


_NO_LINE_START = set("，。、；：！？）》」』”’%％")
_NO_LINE_END = set("（《「『“‘")
_GOOD_AFTER = set("，、；：）》」』”")
_OPENING, _CLOSING = "（《「『“", "）》」』”"


def _break_badness(text: str, i: int) -> float:
    """Cost of a line break between text[i-1] and text[i]; inf where it is not allowed."""
    prev, nxt = text[i - 1], text[i]
    if nxt in _NO_LINE_START or prev in _NO_LINE_END:
        return math.inf
    if prev.isascii() and nxt.isascii() and prev.isalnum() and nxt.isalnum():
        return math.inf  # never split "2023" or a Latin word
    depth = 0
    for ch in text[:i]:
        depth += (ch in _OPENING) - (ch in _CLOSING)
    if depth > 0:
        return 30  # keep 《…》 and （…） whole unless they do not fit on one line
    if prev in _GOOD_AFTER or nxt in _OPENING:
        return 0
    if prev in "和与及或" or nxt in "和与及或":
        return 12  # "工业和服务业" belongs together
    if text.startswith("关于", i) or text.endswith("关于", 0, i):
        return 1
    if prev in "的后前年":
        return 3  # ends of phrases in 公文 titles: "…春节后", "…情况的"
    return 10


def split_title(text: str, max_width: float = TITLE_MAX_WIDTH) -> list[str]:
    """Split a title into the fewest lines of at most max_width 字, as balanced as possible,
    breaking preferably at punctuation or around 关于 (GB/T 9704 §7.3.1: 梯形或菱形)."""
    text = clean_text(text)
    if "\n" in text:
        return [line.strip() for line in text.split("\n") if line.strip()]
    text = text.strip()
    if display_width(text) <= max_width:
        return [text]
    n_chars = len(text)
    prefix = [estimated_width(text[:i]) for i in range(n_chars + 1)]
    badness = [math.inf] + [_break_badness(text, i) for i in range(1, n_chars)]
    n_min = math.ceil(prefix[-1] / max_width)
    for n_lines in range(n_min, n_chars + 1):
        avg = prefix[-1] / n_lines
        # best[k][i]: cost of putting text[:i] on k lines
        best = [[math.inf] * (n_chars + 1) for _ in range(n_lines + 1)]
        back = [[0] * (n_chars + 1) for _ in range(n_lines + 1)]
        best[0][0] = 0.0
        for k in range(1, n_lines + 1):
            for i in range(1, n_chars + 1):
                cut_cost = 0.0 if i == n_chars else badness[i]
                if math.isinf(cut_cost):
                    continue
                for j in range(i - 1, -1, -1):
                    width = prefix[i] - prefix[j]
                    if width > max_width:
                        break
                    cost = best[k - 1][j] + abs(width - avg) + cut_cost
                    if cost < best[k][i]:
                        best[k][i], back[k][i] = cost, j
        if not math.isinf(best[n_lines][n_chars]):
            lines, i = [], n_chars
            for k in range(n_lines, 0, -1):
                j = back[k][i]
                lines.append(text[j:i])
                i = j
            return lines[::-1]
    return [text]  # unreachable: n_chars lines of one character always fit


_CN_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 99 -> 九十九."""
    if not 1 <= n <= 99:
        raise FuchanError(f"标题序号只能是1至99，实际为{n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")
    return head + (_CN_DIGITS[ones] if ones else "")


def heading_number(level: int, n: int) -> str:
    """The GB/T 9704 §7.3.3 numbering: 一、 / （一） / 1. / （1）."""
    return {1: f"{chinese_numeral(n)}、", 2: f"（{chinese_numeral(n)}）", 3: f"{n}.", 4: f"（{n}）"}[level]


# ---------------------------------------------------------------- XML helpers


def _rfonts_xml(font: str) -> str:
    f = escape(font, {'"': "&quot;"})
    return f'<w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}" w:cs="{f}"/>'


def _set_run_fonts(rPr, font: str) -> None:
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
    bold: bool = False,
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
    would snap to 28.95 pt) and for characters larger than the 3号 grid cell (a 2号 title
    would otherwise take two cells per character)."""
    ppr = []
    if keep_next:
        ppr.append("<w:keepNext/>")
    ppr.append('<w:widowControl w:val="0"/>')  # keep every page at 22 lines
    if not (exact if snap is None else snap):
        ppr.append('<w:snapToGrid w:val="0"/>')
    if exact:
        ppr.append(f'<w:spacing w:before="0" w:after="{after_twips}" '
                   f'w:line="{LINE_PITCH_TWIPS}" w:lineRule="exact"/>')
    else:
        ppr.append(f'<w:spacing w:before="0" w:after="{after_twips}" w:line="240" w:lineRule="auto"/>')
    if first_line_chars:
        ppr.append(f'<w:ind w:firstLineChars="{first_line_chars}" '
                   f'w:firstLine="{first_line_chars * round(size_pt * 20) // 100}"/>')
    else:
        ppr.append('<w:ind w:firstLineChars="0" w:firstLine="0"/>')
    ppr.append(f'<w:jc w:val="{jc}"/>')
    if outline is not None:
        ppr.append(f'<w:outlineLvl w:val="{outline}"/>')
    half_points = round(size_pt * 2)
    rpr = _rfonts_xml(font) + ("<w:b/><w:bCs/>" if bold else "")
    rpr += f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
    rpr += f'<w:lang w:val="{LANG}" w:eastAsia="{LANG}" w:bidi="ar-SA"/>'
    return (
        f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:qFormat/>'
        f'<w:pPr>{"".join(ppr)}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>'
    )


def _install_styles(doc, fonts: Fonts) -> None:
    """Fix the template's defaults (theme fonts, ja-JP, 11pt, spacing) and add our styles."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr_default.getparent().replace(rpr_default, parse_xml(
        f'<w:rPrDefault {nsdecls("w")}><w:rPr>{_rfonts_xml(fonts.body)}'
        f'<w:kern w:val="2"/><w:sz w:val="{BODY_PT * 2}"/><w:szCs w:val="{BODY_PT * 2}"/>'
        f'<w:lang w:val="{LANG}" w:eastAsia="{LANG}" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'))
    ppr_default = defaults.find(qn("w:pPrDefault"))
    ppr_default.getparent().replace(ppr_default, parse_xml(
        f'<w:pPrDefault {nsdecls("w")}><w:pPr><w:spacing w:after="0" w:line="240" '
        f'w:lineRule="auto"/></w:pPr></w:pPrDefault>'))

    normal = doc.styles["Normal"].element
    for child in normal.findall(qn("w:pPr")) + normal.findall(qn("w:rPr")):
        normal.remove(child)
    normal.append(parse_xml(
        f'<w:pPr {nsdecls("w")}><w:widowControl w:val="0"/><w:spacing w:before="0" w:after="0" '
        f'w:line="{LINE_PITCH_TWIPS}" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr>'))
    normal.append(parse_xml(
        f'<w:rPr {nsdecls("w")}>{_rfonts_xml(fonts.body)}<w:sz w:val="{BODY_PT * 2}"/>'
        f'<w:szCs w:val="{BODY_PT * 2}"/><w:lang w:val="{LANG}" w:eastAsia="{LANG}" '
        f'w:bidi="ar-SA"/></w:rPr>'))

    heading_fonts = {1: fonts.heading1, 2: fonts.heading2, 3: fonts.body, 4: fonts.body}
    heading_names = {1: "公文一级标题", 2: "公文二级标题", 3: "公文三级标题", 4: "公文四级标题"}
    specs = [
        _style_xml(S_TITLE, "公文标题", fonts.title, TITLE_PT, jc="center", snap=False),
        _style_xml(S_BODY, "公文正文", fonts.body, BODY_PT, first_line_chars=200),
        _style_xml(S_PLAIN, "公文无缩进", fonts.body, BODY_PT, jc="left"),
        _style_xml(S_TABLE, "公文表格", fonts.body, 12, jc="center", exact=False),
        _style_xml(S_FIGURE, "公文图片", fonts.body, BODY_PT, jc="center", exact=False,
                   keep_next=True),
        _style_xml(S_CAPTION, "公文图题", fonts.body, 14, jc="center", exact=False,
                   after_twips=240),
        _style_xml(S_ATTACH_LABEL, "公文附件标识", fonts.heading1, BODY_PT, jc="left"),
        _style_xml(S_ATTACH_TITLE, "公文附件标题", fonts.title, TITLE_PT, jc="center",
                   snap=False),
        _style_xml(S_PAGE_NUMBER, "公文页码", fonts.page_number, PAGE_NUMBER_PT, jc="right",
                   exact=False),
    ]
    for level in range(1, 5):
        specs.append(_style_xml(S_HEADING[level], heading_names[level], heading_fonts[level],
                                BODY_PT, first_line_chars=200, keep_next=True,
                                outline=level - 1))
    for spec in specs:
        styles.append(parse_xml(spec))


def _fix_settings(doc) -> None:
    """evenAndOddHeaders for mirrored page numbers; zh-CN instead of the template's ja-JP."""
    doc.settings.odd_and_even_pages_header_footer = True
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), LANG)


def _setup_page(doc) -> None:
    """A4, GB/T margins, 22 × 28 document grid."""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    section.footer_distance = Mm(FOOTER_DISTANCE_MM)
    section.different_first_page_header_footer = False
    sect_pr = section._sectPr
    for grid in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(grid)
    # charSpace: 1/4096 pt added to the Normal font size so that 28 characters fill 156 mm
    pitch_pt = TEXT_W_MM / 25.4 * 72 / CHARS_PER_LINE
    char_space = round((pitch_pt - BODY_PT) * 4096)
    sect_pr.append(parse_xml(
        f'<w:docGrid {nsdecls("w")} w:type="linesAndChars" w:linePitch="{LINE_PITCH_TWIPS}" '
        f'w:charSpace="{char_space}"/>'))


def _page_number_runs(fonts: Fonts) -> list:
    rpr = f'<w:rPr>{_rfonts_xml(fonts.page_number)}</w:rPr>'
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


def _setup_page_numbers(doc, fonts: Fonts) -> None:
    """Odd pages right with 1字 right indent, even pages left with 1字 left indent."""
    section = doc.sections[0]
    one_char = PAGE_NUMBER_PT * 20
    for footer, jc, side in ((section.footer, "right", "right"),
                             (section.even_page_footer, "left", "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles[_style_name(doc, S_PAGE_NUMBER)]
        ppr = p._p.get_or_add_pPr()
        ppr.append(parse_xml(f'<w:ind {nsdecls("w")} w:{side}="{one_char}"/>'))
        ppr.append(parse_xml(f'<w:jc {nsdecls("w")} w:val="{jc}"/>'))
        for run in _page_number_runs(fonts):
            p._p.append(run)


def _style_name(doc, style_id: str) -> str:
    for style in doc.styles:
        if style.style_id == style_id:
            return style.name
    raise KeyError(style_id)


# ---------------------------------------------------------------- the writer


class _Writer:
    """Appends blocks to one Document; keeps the heading counters."""

    def __init__(self, doc, fonts: Fonts):
        self.doc, self.fonts = doc, fonts
        self.counters = [0, 0, 0, 0]
        self.tables: dict[str, str] = {}  # placeholder style id -> <w:tbl> XML
        self.styles = {s.style_id: s for s in doc.styles}
        self.body = doc.element.body

    # -- primitives
    def paragraph(self, style_id: str):
        return self.doc.add_paragraph(style=self.styles[style_id])

    def run(self, p, text: str, font: str, *, missing: bool = False, bold: bool = False):
        run = p.add_run(clean_text(text))
        _set_run_fonts(run._r.get_or_add_rPr(), font)
        if bold:
            run.bold = True
        if missing:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        return run

    def blank(self, n: int = 1) -> None:
        for _ in range(n):
            self.paragraph(S_PLAIN)

    def append_element(self, element) -> None:
        sect_pr = self.body.find(qn("w:sectPr"))
        if sect_pr is not None:
            sect_pr.addprevious(element)
        else:
            self.body.append(element)

    # -- blocks
    def add(self, block) -> None:
        handler = getattr(self, f"add_{type(block).__name__.lower()}", None)
        if handler is None:
            raise TypeError(f"not a gongwen block: {block!r}")
        handler(block)

    def add_title(self, block: Title, style_id: str = S_TITLE) -> None:
        p = self.paragraph(style_id)
        for i, line in enumerate(split_title(block.text)):
            run = self.run(p, line, self.fonts.title)
            if i:
                run._r.addprevious(parse_xml(f'<w:r {nsdecls("w")}><w:br/></w:r>'))

    def add_addressee(self, block: Addressee) -> None:
        self.blank()
        text = clean_text(block.text).strip().rstrip(":：，,。;；")
        self.run(self.paragraph(S_PLAIN), text + "：", self.fonts.body)

    def add_heading(self, block: Heading) -> None:
        if block.level not in S_HEADING:
            raise FuchanError(f"标题级别只能是1至4，实际为{block.level}（“{block.text}”）")
        level = block.level
        self.counters[level - 1] += 1
        for deeper in range(level, 4):
            self.counters[deeper] = 0
        number = heading_number(level, self.counters[level - 1])
        heading_font = {1: self.fonts.heading1, 2: self.fonts.heading2}.get(level, self.fonts.body)
        text = clean_text(block.text).strip()
        if not block.body:
            self.run(self.paragraph(S_HEADING[level]), number + text, heading_font)
            return
        # run-in heading: body style (no outline level), heading words in the heading font
        if text and text[-1] not in "。：；！？:;!?":
            text += "。"
        p = self.paragraph(S_BODY)
        self.run(p, number + text, heading_font)
        for r in block.body:
            self.run(p, r.text, self.fonts.body, missing=r.missing)

    def add_paragraph(self, block: Paragraph) -> None:
        p = self.paragraph(S_BODY)
        for r in block.runs:
            self.run(p, r.text, self.fonts.body, missing=r.missing)

    def add_attachmentnote(self, block: AttachmentNote) -> None:
        titles = [clean_text(t).strip() for t in block.titles]
        if not titles:
            return
        self.blank()
        for i, title in enumerate(titles):
            number = f"{i + 1}." if len(titles) > 1 else ""
            num_w = display_width(number)
            left = 2 + 3 + num_w  # 左空二字 + "附件：" + number: wrapped lines align with the name
            hanging = (3 + num_w) if i == 0 else num_w
            text = ("附件：" if i == 0 else "") + number + title
            p = self.paragraph(S_PLAIN)
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:ind {nsdecls("w")} w:leftChars="{round(left * 100)}" '
                f'w:left="{round(left * CHAR_TWIPS)}" w:hangingChars="{round(hanging * 100)}" '
                f'w:hanging="{round(hanging * CHAR_TWIPS)}"/>'))
            self.run(p, text, self.fonts.body)

    def add_signature(self, block: Signature) -> None:
        organisation = clean_text(block.organisation).strip()
        date = format_date(block.date)
        w_org, w_date = estimated_width(organisation), estimated_width(date)
        date_right = 4.0  # 成文日期右空四字
        org_right = date_right + (w_date - w_org) / 2  # 署名以成文日期为准居中
        if org_right < 0:
            date_right, org_right = date_right - org_right, 0.0
        self.blank(block.blank_lines_before)
        for text, right in ((organisation, org_right), (date, date_right)):
            p = self.paragraph(S_PLAIN)
            ppr = p._p.get_or_add_pPr()
            ppr.append(parse_xml(
                f'<w:ind {nsdecls("w")} w:rightChars="{round(right * 100)}" '
                f'w:right="{round(right * CHAR_TWIPS)}"/>'))
            ppr.append(parse_xml(f'<w:jc {nsdecls("w")} w:val="right"/>'))
            self.run(p, text, self.fonts.body)

    def add_table(self, block: Table) -> None:
        """Insert a placeholder paragraph; the table's XML replaces it when the file is saved.

        Parsing 10^4 rows into lxml and moving them into the document costs ~1.3 s; splicing
        the (escaped, control-character-free) string into document.xml costs ~0.1 s."""
        if block.caption:
            self.run(self.paragraph(S_CAPTION), block.caption, self.fonts.heading1)
        key = f"GWTablePlaceholder{len(self.tables)}"
        self.tables[key] = _table_xml(block, self.fonts)
        self.append_element(parse_xml(
            f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{key}"/></w:pPr></w:p>'))

    def add_figure(self, block: Figure) -> None:
        path = Path(block.path)
        width = Mm(min(max(block.width_mm, 10), MAX_FIGURE_W_MM))
        p = self.paragraph(S_FIGURE)
        try:
            shape = p.add_run().add_picture(str(path), width=width)
        except FileNotFoundError as exc:
            raise FuchanError(f"图片文件“{path}”不存在，无法插入报告") from exc
        except UnrecognizedImageError as exc:
            raise FuchanError(f"图片文件“{path}”不是可识别的图片格式（请用 PNG 或 JPG）") from exc
        if shape.height > Mm(MAX_FIGURE_H_MM):  # a tall figure would overflow the 版心
            scale = Mm(MAX_FIGURE_H_MM) / shape.height
            shape.width, shape.height = Emu(int(shape.width * scale)), Mm(MAX_FIGURE_H_MM)
        if block.caption:
            self.run(self.paragraph(S_CAPTION), block.caption, self.fonts.body)

    def add_attachment(self, block: Attachment) -> None:
        label = self.paragraph(S_ATTACH_LABEL)
        label.paragraph_format.page_break_before = True
        self.run(label, f"附件{block.number}", self.fonts.heading1)
        self.blank()  # title on line 3
        self.add_title(Title(block.title), S_ATTACH_TITLE)
        self.blank()
        for inner in block.blocks:
            if not isinstance(inner, (Table, Figure, Paragraph)):
                raise TypeError(f"attachment may hold Table, Figure or Paragraph, not {inner!r}")
            self.add(inner)


def _is_numeric(s: str) -> bool:
    return bool(re.fullmatch(r"[-+]?[\d,，.]+%?|—|-", s.strip())) if s.strip() else True


def _column_widths_twips(block: Table, n_cols: int) -> list[int]:
    """Given widths (scaled down if they exceed 156 mm), or natural content widths from the
    first 200 rows with the widest columns narrowed first until the table fits."""
    if block.col_widths_mm is not None:
        if len(block.col_widths_mm) != n_cols:
            raise FuchanError(f"表格列宽个数（{len(block.col_widths_mm)}）与列数（{n_cols}）不一致")
        widths = [float(w) for w in block.col_widths_mm]
        total = sum(widths)
        if total > TEXT_W_MM:
            widths = [w * TEXT_W_MM / total for w in widths]
    else:
        char_mm = block.font_pt * 25.4 / 72
        natural = []
        for j in range(n_cols):
            sample = [block.header[j]] + [r[j] for r in list(block.rows[:200])]
            content = max(estimated_width(clean_text(s)) for s in sample)
            natural.append(max(content, 2) * char_mm + 4.5)  # + cell margins and font slack
        widths = _fit_widths(natural, TEXT_W_MM)
    return [round(w / 25.4 * 1440) for w in widths]


def _fit_widths(natural: list[float], total: float) -> list[float]:
    """Water-filling: cap the widest columns at the level c where sum(min(w, c)) == total;
    a table narrower than total is widened proportionally to fill the 版心."""
    if sum(natural) <= total:
        return [w * total / sum(natural) for w in natural]
    remaining, capped = total, sorted(natural)
    for k, w in enumerate(capped):
        level = remaining / (len(capped) - k)
        if w > level:
            return [min(x, level) for x in natural]
        remaining -= w
    return natural


def _table_xml(block: Table, fonts: Fonts) -> str:
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
    widths = _column_widths_twips(block, n_cols)
    half_points = round(block.font_pt * 2)
    size = f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
    body_rpr = f"<w:rPr>{_rfonts_xml(fonts.body)}{size}</w:rPr>"
    head_rpr = f"<w:rPr>{_rfonts_xml(fonts.heading1)}<w:b/><w:bCs/>{size}</w:rPr>"
    sample = rows[:200]
    aligns = ["center" if all(_is_numeric(r[j]) for r in sample) else "left" for j in range(n_cols)]

    def cell_open(j: int, jc: str) -> str:
        return (f'<w:tc><w:tcPr><w:tcW w:w="{widths[j]}" w:type="dxa"/><w:vAlign w:val="center"/>'
                f'</w:tcPr><w:p><w:pPr><w:pStyle w:val="{S_TABLE}"/><w:jc w:val="{jc}"/></w:pPr>')

    def text_xml(text: str, rpr: str) -> str:
        if not text:
            return ""
        inner = escape(text).replace("\t", '</w:t><w:tab/><w:t xml:space="preserve">')
        inner = inner.replace("\n", '</w:t><w:br/><w:t xml:space="preserve">')
        return f'<w:r>{rpr}<w:t xml:space="preserve">{inner}</w:t></w:r>'

    body_open = [cell_open(j, aligns[j]) for j in range(n_cols)]
    head_open = [cell_open(j, "center") for j in range(n_cols)]
    close = "</w:p></w:tc>"
    border = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
    parts = [
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f'<w:jc w:val="center"/><w:tblBorders>'
        + "".join(f"<w:{side} {border}/>" for side in
                  ("top", "left", "bottom", "right", "insideH", "insideV"))
        + '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar>'
        '<w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>",
        '<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>',
        "".join(head_open[j] + text_xml(h, head_rpr) + close for j, h in enumerate(header)),
        "</w:tr>",
    ]
    row_open = "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
    for row in rows:
        parts.append(row_open + "".join(body_open[j] + text_xml(v, body_rpr) + close
                                        for j, v in enumerate(row)) + "</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def _save_with_tables(doc, tables: dict[str, str], target: Path) -> None:
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


def new_document(fonts: Fonts = Fonts()):
    """An empty python-docx Document with the 公文 page, styles, settings and page numbers."""
    doc = Document()
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _install_styles(doc, fonts)
    _fix_settings(doc)
    _setup_page(doc)
    _setup_page_numbers(doc, fonts)
    return doc


def write_gongwen(
    blocks: Sequence,
    path: Path,
    *,
    fonts: Fonts = Fonts(),
    title: str,
    author: str,
) -> Path:
    """Write blocks as a 公文 .docx at path (atomically) and return the path."""
    path = Path(path)
    doc = new_document(fonts)
    writer = _Writer(doc, fonts)
    for block in blocks:
        writer.add(block)
    last = doc.element.body.find(qn("w:sectPr")).getprevious()
    last_style = last.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") if last is not None else None
    if last_style is not None and last_style.get(qn("w:val")) in writer.tables:
        writer.paragraph(S_TABLE)  # the body must not end with a table: Word adds a paragraph
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = clean_text(title), clean_text(author), ""
    props.language, props.comments, props.revision = LANG, "", 1
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0, tzinfo=None)
    props.created = props.modified = now
    try:
        with atomic_write(path) as tmp:
            _save_with_tables(doc, writer.tables, tmp)
    except PermissionError as exc:
        raise FuchanError(f"无法写入“{path}”：文件可能正在 Word/WPS 中打开，请关闭后重试") from exc
    except FileNotFoundError as exc:
        raise FuchanError(f"无法写入“{path}”：目录不存在") from exc
    return path
