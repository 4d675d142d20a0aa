"""Small pieces every Chinese message is built from: quoted lists and "did you mean" hints.

Names listed in a message are each put in 「」, never joined with 、 (行业 names such as
水利、环境和公共设施管理业 contain 、 themselves). A suggestion lists the closest names only.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

# the form of business that ends a firm's name (longest first)
FIRM_FORM = r"(?:股份有限公司|有限责任公司|有限公司|公司|厂|商行|商店|超市|酒店|宾馆|饭店|酒楼|药店|店|中心)"


def quoted(names: Iterable[str]) -> str:
    """「a」「b」「c」: a list whose items cannot run into each other."""
    return "".join(f"「{name}」" for name in names)


def closest(word: str, names: Iterable[str], n: int = 3, cutoff: float = 0.5) -> list[str]:
    """The names most like `word`, best first (difflib's ratio; works on Chinese characters)."""
    return difflib.get_close_matches(word, list(dict.fromkeys(names)), n=n, cutoff=cutoff)


def did_you_mean(word: str, names: Iterable[str], verb: str = "写", n: int = 1) -> str:
    """"是不是想写“截止日期”？" for the closest names, or "" when none is close."""
    return _suggest(closest(word, names, n=n), verb)


def _suggest(found: list[str], verb: str = "写") -> str:
    if not found:
        return ""
    return f"是不是想{verb}" + "或".join(f"“{name}”" for name in found) + "？"


def firm_core(name: str, county: str) -> str:
    """What tells one firm from another: its name without the county before it and the form of
    business after it ("示例县龙顺酒业有限公司" -> "龙顺酒业")."""
    return re.sub(FIRM_FORM + "$", "", name.removeprefix(county)) or name


def did_you_mean_firm(name: str, names: Iterable[str], county: str) -> str:
    """"是不是想写“…”？" for the ledger's firm most like `name`, compared without the county and
    the business form every name shares (on whole names "示例县某某有限公司" looked like any firm
    of 示例县)."""
    by_core: dict[str, str] = {}
    for known in names:
        by_core.setdefault(firm_core(known, county), known)
    return _suggest([by_core[c] for c in closest(firm_core(name, county), by_core, n=1)])
