"""A generic GB/T 9704-2012 公文 writer: blocks in, .docx out (DESIGN §5).

It knows nothing of 复工复产: the report decides *what* to say and hands over blocks
(Title, Heading, Paragraph, Table, ...); this package decides *how it looks*.

- geometry: page, grid and font sizes as python-docx lengths
- blocks: the block types (font names: core.params.Fonts)
- text: printed width, balanced titles, heading numbers
- styles: document defaults, paragraph styles, settings (the python-docx template's traps)
- page: page setup and mirrored page numbers
- tables: table XML with content-sized columns
- writer: blocks -> paragraphs, page rules, atomic save
"""

from fuchan_lib.report.gongwen.blocks import (
    Addressee, Attachment, AttachmentNote, Block, Figure, Heading, Paragraph, Run, Signature,
    Table, Title,
)
from fuchan_lib.report.gongwen.text import chinese_numeral, heading_number, split_title
from fuchan_lib.report.gongwen.writer import new_document, write_gongwen

__all__ = [
    "Addressee", "Attachment", "AttachmentNote", "Block", "Figure", "Heading", "Paragraph",
    "Run", "Signature", "Table", "Title", "chinese_numeral", "heading_number", "new_document",
    "split_title", "write_gongwen",
]
