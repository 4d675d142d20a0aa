"""Small pieces every Chinese message is built from: quoted lists and "did you mean" hints.

Names listed in a message are each put in 「」, never joined with 、 (行业 names such as
水利、环境和公共设施管理业 contain 、 themselves). A suggestion lists the closest names only.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def quoted(names: Iterable[str]) -> str:
    """「a」「b」「c」: a list whose items cannot run into each other."""
    return "".join(f"「{name}」" for name in names)


def closest(word: str, names: Iterable[str], n: int = 3, cutoff: float = 0.5) -> list[str]:
    """The names most like `word`, best first (difflib's ratio; works on Chinese characters)."""
    return difflib.get_close_matches(word, list(dict.fromkeys(names)), n=n, cutoff=cutoff)


def did_you_mean(word: str, names: Iterable[str], verb: str = "写", n: int = 1) -> str:
    """"是不是想写“截止日期”？" for the closest names, or "" when none is close."""
    found = closest(word, names, n=n)
    if not found:
        return ""
    return f"是不是想{verb}" + "或".join(f"“{name}”" for name in found) + "？"
