"""Page geometry of GB/T 9704-2012 §5.2 as python-docx lengths (DESIGN §5)."""

from __future__ import annotations

from docx.shared import Mm, Pt, Twips

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TEXT_WIDTH = Mm(156)  # 版心宽
LINE_PITCH = Twips(579)  # 28.95 pt: 22 lines in the 225 mm 版心
CHARS_PER_LINE = 28
FOOTER_DISTANCE = Mm(25)  # puts the 一字线 of "— 1 —" about 7 mm below the 版心
MAX_FIGURE_HEIGHT = Mm(200)  # leaves room for the caption inside the 225 mm 版心

BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
PAGE_NUMBER_SIZE = Pt(14)  # 4号
TITLE_MAX_WIDTH = 20  # 2号 characters that fit in 156 mm

