"""Sentences a statistician would otherwise count by hand: why firms have not resumed, which
townships lag most, and where this period's resumptions happened.

Each function returns the words for one placeholder, or None when the data holds nothing to
say (the template's optional [[…]] part is then left out). Every breakdown adds up to the
total it qualifies: the reasons not named are summed as 其他原因; blank ones are counted as
firms that did not report a reason ("另有2户未填报原因"), never listed as a reason.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.wording import format_percent, join_items, round_half_up
from fuchan_lib.stats.rates import Resumption

NO_REASON = "未填原因"
UNFILLED_WORDS = "未填报原因"  # how the report says it: a count of firms, never a reason
# reasons townships commonly give: each has a placeholder even in a week nobody gives it
COMMON_REASONS = ("订单不足", "资金困难", "用工不足", "原材料短缺", "用电受限", "设备检修", "技术改造",
                  "环保整改", "停产整顿", "厂房搬迁", "经营困难", "客流不足", "货源不足", "租约到期",
                  "店面装修", "经营者返乡未归")
OTHER_REASONS = "其他原因"


def reason_codes(late: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each row's 未复工原因 as a code (order of first appearance; −1 blank) and the reasons:
    a subset of the rows is tallied from its codes, without reading the text again."""
    if schema.REASON not in late:
        return np.full(len(late), -1, dtype=np.intp), np.array([], dtype=object)
    codes, found = pd.factorize(late[schema.REASON].to_numpy(dtype=object))  # None, NaN: −1
    found = np.asarray(found, dtype=object)
    if (found == "").any():  # an empty text is no reason given
        codes[codes == int(np.flatnonzero(found == "")[0])] = -1
    return codes, found


def tally_reasons(codes: np.ndarray, found: np.ndarray,
                  limit: int = 2) -> tuple[dict[str, int], dict[str, np.ndarray]]:
    """Counts per reason, most frequent first (ties in order of first appearance in these rows),
    blanks as 未填原因 at the end, and the positions (in `codes`) of the first `limit` firms per
    reason, whose names the caller looks up: one bincount, no text read."""
    rows = np.flatnonzero(codes >= 0)
    given = codes[rows]
    tally = np.bincount(given, minlength=len(found))
    appear = pd.unique(given)  # reason codes in order of first appearance in these rows
    order = sorted(appear, key=lambda i: -tally[i])  # stable: first appearance on ties
    counts = {found[i]: int(tally[i]) for i in order}
    if len(codes) - len(rows):
        counts[NO_REASON] = len(codes) - len(rows)
    if not limit:
        return counts, {}
    return counts, {found[i]: rows[np.flatnonzero(given == i)[:limit]] for i in appear}


def reason_breakdown(counts: Mapping[str, int], named: int = 5) -> str | None:
    """The reasons of the firms still waiting, as a statistician writes them after "尚未复工的
    N户工业企业，": "均为订单不足" (one reason), "均未填报原因" (none given), else "其中订单不足
    43户、资金困难18户…，其他原因9户，另有2户未填报原因": up to `named` reasons by frequency, the
    rest summed (a rest of one reason is named, not called 其他原因), the unfilled counted as
    such, never as a reason; the parts add up to the firms still waiting."""
    given = {r: n for r, n in counts.items() if r != NO_REASON and n}
    unfilled = counts.get(NO_REASON, 0)
    if not given:
        return "均未填报原因" if unfilled else None
    if len(given) == 1 and not unfilled:
        return f"均为{next(iter(given))}"
    if len(given) == named + 1:
        named += 1
    shown = list(given.items())[:named]
    rest = sum(n for _r, n in list(given.items())[named:])
    parts = ["其中" + "、".join(f"{r}{n}户" for r, n in shown)]
    parts += [f"{OTHER_REASONS}{rest}户"] if rest else []
    parts += [f"另有{unfilled}户{UNFILLED_WORDS}"] if unfilled else []
    return "，".join(parts)


def unfilled_by_town(df: pd.DataFrame, waiting: np.ndarray, codes: np.ndarray,
                     towns: list[str]) -> dict[str, int]:
    """How many firms still waiting gave no 未复工原因, per 乡镇 (county order, 未填 last; only
    townships with any): what the 审核清单 asks each township to fill in. `waiting`, `codes`:
    the firms still waiting and their reason codes (−1 none given), as stats.groupings coded them."""
    rows = np.sort(waiting[codes < 0])  # ledger order
    town = pd.Series(df[schema.TOWN].array.take(rows) if schema.TOWN in df else [None] * len(rows), dtype=object)
    counts = town.where(town.notna(), "未填").value_counts(sort=False)
    rank = {t: i for i, t in enumerate(towns)}
    order = sorted(counts.index, key=lambda t: (t == "未填", rank.get(t, len(rank))))
    return {str(t): int(counts[t]) for t in order}


def name_firms(names: list[str], total: int, limit: int = 2) -> str | None:
    """'A', 'A、B', or 'A、B等13户' from the first names and how many there are; None for none."""
    if not names:
        return None
    shown = "、".join(names[:limit])
    return shown if total <= limit else f"{shown}等{total}户"


def lagging_towns(groups: Mapping[str, Resumption], basis: str, towns: list[str],
                  digits: int = 1, most: int = 3) -> str | None:
    """'石桥镇83.3%、西河镇84.1%': the townships whose 复工率 is below the rate of all of them
    together, lowest first (ties in the county's order). At most `most`, and a tie is never cut
    (see `leading_without_cutting_ties`); where no township is below the whole (every one at
    100%), there is no "lagging" to state."""
    rated = [(t, groups[t].rate(basis)) for t in towns if t in groups]
    rated = [(t, r) for t, r in rated if r is not None]
    if len(rated) < 2:
        return None
    whole = Resumption.total_of(groups[t] for t, _r in rated).rate(basis)
    rank = {t: i for i, t in enumerate(towns)}
    shown = {t: round_half_up(r, digits) for t, r in rated}  # as the reader sees them
    below = sorted((t for t, _r in rated if shown[t] < round_half_up(whole, digits)),
                   key=lambda t: (shown[t], rank[t]))
    lowest = leading_without_cutting_ties(below, most, value=shown.__getitem__)
    return join_items([f"{t}{format_percent(groups[t].rate(basis), digits)}" for t in lowest])


def most_resumed_towns(newly_resumed: pd.DataFrame, towns: list[str], most: int = 3) -> str | None:
    """'城关镇12户、工业园区9户': where the firms that resumed since the last run are, the
    townships with the most first (ties in the county's order)."""
    if newly_resumed is None or not len(newly_resumed):
        return None
    counts = newly_resumed[schema.TOWN].astype(object).fillna("未填").value_counts(sort=False)
    rank = {t: i for i, t in enumerate(towns)}
    ranked = sorted(counts.index, key=lambda t: (-counts[t], rank.get(t, len(rank))))
    top = leading_without_cutting_ties(ranked, most, value=counts.__getitem__)
    return join_items([f"{t}{int(counts[t])}户" for t in top])


def leading_without_cutting_ties(ranked: list, most: int, value) -> list:
    """The first items of `ranked` (already sorted), at most `most`, never separating items of
    equal `value`: naming one of two townships with the same figure would be an arbitrary
    choice a reader could object to. A tie that does not fit is left out whole, so when the
    first figure alone is shared by more than `most` items, nothing is named."""
    taken: list = []
    for item in ranked:
        if len(taken) == most:
            if value(item) == value(taken[-1]):
                while taken and value(taken[-1]) == value(item):
                    taken.pop()
            break
        taken.append(item)
    return taken


def largest_first(ledger: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """`rows` of the ledger ordered by 从业人员 (largest first, blanks last), then name: the
    firms a sentence names ("A、B等13户") are then the same however the ledger was split into
    files or sheets (the townships' 下发 workbooks read back give the same report)."""
    staff = pd.to_numeric(ledger[schema.STAFF], errors="coerce").to_numpy(dtype=float)[rows] \
        if schema.STAFF in ledger else np.zeros(len(rows))
    names = ledger[schema.NAME].to_numpy(dtype=object)[rows].astype(str)
    return rows[np.lexsort((names, np.where(np.isnan(staff), np.inf, -staff)))]
