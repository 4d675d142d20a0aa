"""Blocks in, .docx out: the writer that turns each block into styled paragraphs.

Page rules of GB/T 9704 it enforces: the 附件说明 is kept on one page and with the body text
before it, and the 署名 and 成文日期 never stand on a page without body text (§7.3.5): the
last body paragraph, the blank lines, the 附件说明 and the 署名 are all "keep with next".
LibreOffice moves a kept paragraph whole, so a last paragraph longer than about 14 lines
(which with the 附件说明 and 落款 no longer fits a page) still leaves the 落款 on its own.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path

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
from fuchan_lib.report.gongwen import geometry as g
from fuchan_lib.report.gongwen.blocks import (
    Addressee, Attachment, AttachmentNote, Figure, Heading, Paragraph, Signature, Table, Title,
)
from fuchan_lib.report.gongwen.page import setup_page, setup_page_numbers
from fuchan_lib.report.gongwen.styles import (
    S_ATTACH_LABEL, S_ATTACH_TITLE, S_BODY, S_CAPTION, S_FIGURE, S_HEADING, S_PLAIN, S_TABLE,
    S_TITLE, drop_template_leftovers, fix_settings, install_styles, set_run_fonts,
)
from fuchan_lib.report.gongwen.tables import save_with_tables, table_xml
from fuchan_lib.report.gongwen.text import estimated_width, heading_number, split_title

CHAR = g.BODY_SIZE  # one 字 of body text, for indents


def _chars_ind(p, **chars: float) -> None:
    """Set indents in 字 (w:leftChars etc., with the twips fallback other suites read)."""
    ind = p._p.get_or_add_pPr().get_or_add_ind()
    for side, n in chars.items():
        ind.set(qn(f"w:{side}Chars"), str(round(n * 100)))
        ind.set(qn(f"w:{side}"), str(round(n * CHAR.twips)))


class _Writer:
    """Appends blocks to one Document; keeps the heading counters."""

    def __init__(self, doc, fonts: Fonts):
        self.doc, self.fonts = doc, fonts
        self.counters = [0, 0, 0, 0]
        self.tables: dict[str, str] = {}  # placeholder style id -> <w:tbl> XML
        self.styles = {s.style_id: s for s in doc.styles}
        self.body = doc.element.body

    # -- primitives
    def paragraph(self, style_id: str, *, keep_next: bool = False):
        p = self.doc.add_paragraph(style=self.styles[style_id])
        if keep_next:
            p.paragraph_format.keep_with_next = True
        return p

    def run(self, p, text: str, font: str, *, missing: bool = False):
        run = p.add_run(clean_text(text))
        set_run_fonts(run._r.get_or_add_rPr(), font)
        if missing:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        return run

    def blank(self, n: int = 1, *, keep_next: bool = False) -> None:
        for _ in range(n):
            self.paragraph(S_PLAIN, keep_next=keep_next)

    def keep_last_with_next(self) -> None:
        """Keep the paragraph written last on the page of the one that follows."""
        sect_pr = self.body.find(qn("w:sectPr"))
        last = sect_pr.getprevious() if sect_pr is not None else self.body[-1]
        if last is not None and last.tag == qn("w:p"):
            last.get_or_add_pPr().get_or_add_keepNext()

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
        """附件说明: 正文下空一行，左空二字; kept whole and with the body text above it."""
        titles = [clean_text(t).strip() for t in block.titles]
        if not titles:
            return
        self.keep_last_with_next()
        self.blank(keep_next=True)
        for i, title in enumerate(titles):
            number = f"{i + 1}." if len(titles) > 1 else ""
            num_w = display_width(number)
            left = 2 + 3 + num_w  # 左空二字 + "附件：" + number: wrapped lines align with the name
            hanging = (3 + num_w) if i == 0 else num_w
            text = ("附件：" if i == 0 else "") + number + title
            p = self.paragraph(S_PLAIN, keep_next=True)
            p.paragraph_format.keep_together = True
            _chars_ind(p, left=left, hanging=hanging)
            self.run(p, text, self.fonts.body)

    def add_signature(self, block: Signature) -> None:
        """署名 centred over the 成文日期, which stands 4字 from the right (§7.3.5.1)."""
        organisation = clean_text(block.organisation).strip()
        date = format_date(block.date)
        w_org, w_date = estimated_width(organisation), estimated_width(date)
        date_right = 4.0  # 成文日期右空四字
        org_right = date_right + (w_date - w_org) / 2  # 署名以成文日期为准居中
        if org_right < 0:
            date_right, org_right = date_right - org_right, 0.0
        self.keep_last_with_next()
        self.blank(block.blank_lines_before, keep_next=True)
        for text, right, keep in ((organisation, org_right, True), (date, date_right, False)):
            p = self.paragraph(S_PLAIN, keep_next=keep)
            _chars_ind(p, right=right)
            p._p.get_or_add_pPr().get_or_add_jc().set(qn("w:val"), "right")
            self.run(p, text, self.fonts.body)

    def add_table(self, block: Table) -> None:
        """Insert a placeholder paragraph; the table's XML replaces it when the file is saved."""
        if block.caption:
            self.run(self.paragraph(S_CAPTION, keep_next=True), block.caption, self.fonts.heading1)
        key = f"GWTablePlaceholder{len(self.tables)}"
        self.tables[key] = table_xml(block, self.fonts)
        self.append_element(parse_xml(
            f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{key}"/></w:pPr></w:p>'))

    def add_figure(self, block: Figure) -> None:
        path = Path(block.path)
        width = Mm(min(max(block.width_mm, 10), g.TEXT_WIDTH.mm))
        p = self.paragraph(S_FIGURE)
        try:
            shape = p.add_run().add_picture(str(path), width=width)
        except FileNotFoundError as exc:
            raise FuchanError(f"图片文件“{path}”不存在，无法插入报告") from exc
        except UnrecognizedImageError as exc:
            raise FuchanError(f"图片文件“{path}”不是可识别的图片格式（请用 PNG 或 JPG）") from exc
        if shape.height > g.MAX_FIGURE_HEIGHT:  # a tall figure would overflow the 版心
            scale = g.MAX_FIGURE_HEIGHT / shape.height
            shape.width, shape.height = Emu(int(shape.width * scale)), g.MAX_FIGURE_HEIGHT
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


def new_document(fonts: Fonts = Fonts()):
    """An empty python-docx Document with the 公文 page, styles, settings and page numbers."""
    doc = Document()
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    install_styles(doc, fonts)
    fix_settings(doc, fonts)
    drop_template_leftovers(doc)
    setup_page(doc)
    setup_page_numbers(doc, fonts)
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
        # the body must not end with a table (Word adds a paragraph); a 1 pt one, so that a
        # table filling its last page does not push an empty page out after it
        writer.append_element(parse_xml(
            f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{S_TABLE}"/><w:spacing w:before="0" '
            'w:after="0" w:line="20" w:lineRule="exact"/><w:rPr><w:sz w:val="2"/>'
            '<w:szCs w:val="2"/></w:rPr></w:pPr></w:p>'))
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = clean_text(title), clean_text(author), ""
    props.language, props.comments, props.revision = "zh-CN", "", 1
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0, tzinfo=None)
    props.created = props.modified = now
    try:
        with atomic_write(path) as tmp:
            save_with_tables(doc, writer.tables, tmp)
    except PermissionError as exc:
        raise FuchanError(f"无法写入“{path}”：文件可能正在 Word/WPS 中打开，请关闭后重试") from exc
    except FileNotFoundError as exc:
        raise FuchanError(f"无法写入“{path}”：目录不存在") from exc
    return path
