"""Text rules of the 公文: printed width, balanced title lines, heading numbers (GB/T 9704 §7.3)."""

from __future__ import annotations

import math
import re

from fuchan_lib.core.exceptions import FuchanError
from fuchan_lib.core.messages import FIRM_FORM
from fuchan_lib.core.text import clean_text, display_width
from fuchan_lib.report.gongwen.geometry import TITLE_MAX_WIDTH


def estimated_width(s: str) -> float:
    """display_width plus the 1/4 字 Word and WPS insert between CJK and Latin/digits."""
    transitions = sum(1 for a, b in zip(s, s[1:])
                      if (display_width(a) == 1) != (display_width(b) == 1) and a != " " != b)
    return display_width(s) + 0.25 * transitions


_NO_LINE_START = set("，。、；：！？）》」』”’%％")
_NO_LINE_END = set("（《「『“‘")
_GOOD_AFTER = set("，、；：）》」』”·")
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
    if re.fullmatch(FIRM_FORM, text[i:]):
        return 0  # a firm's name before its business form: "示例县阳月客运 / 有限公司"
    return 10


def break_pieces(text: str) -> list[str]:
    """The pieces of a table cell between the points where it may break: the marked ones
    ("\n": "春节期间\n正常") and those where a break never harms (before "（", after "、");
    never inside a word such as "期间"."""
    pieces = []
    for part in text.split("\n"):
        start = 0
        for i in range(1, len(part)):
            if _break_badness(part, i) == 0:
                pieces.append(part[start:i])
                start = i
        pieces.append(part[start:])
    return [piece for piece in pieces if piece]


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
                    orphan = 5 if width <= 1 else 0  # a lone character on a line
                    cost = best[k - 1][j] + abs(width - avg) + cut_cost + orphan
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
