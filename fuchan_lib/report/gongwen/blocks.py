"""The block types a report hands to the 公文 writer: what to say, never how it looks."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fuchan_lib.report.gongwen.geometry import TEXT_WIDTH


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
    """A bordered table with a repeating header row; built as XML, so 10^4 rows are cheap.

    A "\n" in a header marks where it may break (e.g. "春节期间\n正常"), not a forced break.
    `header_groups` adds a header row above: (label, number of columns) each; a group of one
    column whose header is "" names that column across both rows. `merge_first_column` merges
    equal neighbours of the first column (a category beside its trades). A table too wide at
    `font_pt` for its numbers and headers may shrink to `smallest_font_pt`."""

    header: tuple[str, ...]
    rows: Sequence[Sequence[str]]
    col_widths_mm: tuple[float, ...] | None = None
    font_pt: float = 12  # 小四
    caption: str = ""  # optional title above the table
    header_groups: tuple[tuple[str, int], ...] = ()
    merge_first_column: bool = False
    smallest_font_pt: float | None = None


@dataclass(frozen=True)
class Figure:
    """A picture (width clamped to the 156 mm 版心) with a centred caption below."""

    path: Path
    caption: str
    width_mm: float = TEXT_WIDTH.mm


@dataclass(frozen=True)
class Attachment:
    """附件: new page, "附件N" (黑体) on line 1, title centred on line 3, then its blocks."""

    number: int
    title: str
    blocks: tuple[Table | Figure | Paragraph, ...]


Block = Title | Addressee | Heading | Paragraph | AttachmentNote | Signature | Table | Figure | Attachment
