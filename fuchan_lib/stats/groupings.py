"""Each grouping of the enterprises counted once per run, on a declared counting basis (DESIGN §3).

The facts, the 附表, the charts and the audit all state counts per 规模, 类别, 行业 and 乡镇.
`count_groupings` counts each grouping of each ledger once (one `rates.count_by` pass each, over
one state code per enterprise); every consumer reads the result instead of counting again.

`CountingBasis` is what counting reads from params: a county's `Params` and the city's
`rollup.CityBasis` both provide it, and the functions that count declare it instead of Params.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.stats.rates import Resumption, count_by, states_at
from fuchan_lib.stats.reasons import largest_first, reason_codes


@runtime_checkable
class CountingBasis(Protocol):
    """The settings every count and rate is taken under."""

    @property
    def as_of(self) -> date: ...  # 复工日期 on or before it: resumed

    @property
    def spring_festival(self) -> date: ...  # day 0 of the resumption curves

    @property
    def rate_basis(self) -> str: ...  # 口径: 需复工 | 含正常生产

    @property
    def digits(self) -> int: ...  # 四舍五入 of every stated rate

    @property
    def towns(self) -> tuple[str, ...]: ...  # the area's own order of townships (may be empty)

    @property
    def at_work_threshold(self) -> float: ...  # "人员到岗率90%以上": the percent a firm must reach


@dataclass(frozen=True)
class Grouped:
    """One ledger's enterprises counted per group, each grouping once."""

    states: np.ndarray  # rates.states_at of every enterprise, in ledger order
    by_kind: dict  # industry: per 规模; services: per 类别 (blank keys as 未填)
    by_town: dict  # per 乡镇（园区）
    by_trade: dict  # services: per (类别, 行业); industry: empty
    waiting: np.ndarray  # positions of the firms still waiting, largest first (reasons.largest_first)
    reason_codes: np.ndarray  # their 未复工原因 as codes, −1 none given (reasons.reason_codes)
    reasons: np.ndarray  # the reason each code stands for

    @property
    def total(self) -> Resumption:
        """The whole ledger (every row is in exactly one `by_kind` group)."""
        return Resumption.total_of(self.by_kind.values())


@dataclass(frozen=True)
class Groupings:
    industry: Grouped
    service: Grouped


def group_ledger(ledger: pd.DataFrame, kind: str, as_of: date) -> Grouped:
    """Every grouping of one ledger (`kind`: schema.INDUSTRY or schema.SERVICE)."""
    states = states_at(ledger, as_of)
    # the firms still waiting and their reasons, coded once: the facts' breakdowns and the
    # audit's 未复工原因未填 tally these codes
    waiting = largest_first(ledger, np.flatnonzero(states == schema.STATE_ON_HOLIDAY))
    codes, found = reason_codes(ledger[[c for c in (schema.REASON,) if c in ledger]].take(waiting))
    if kind == schema.INDUSTRY:
        return Grouped(states, count_by(ledger, schema.SCALE, as_of, states),
                       count_by(ledger, schema.TOWN, as_of, states), {}, waiting, codes, found)
    return Grouped(states, count_by(ledger, schema.CATEGORY, as_of, states),
                   count_by(ledger, schema.TOWN, as_of, states),
                   count_by(ledger, [schema.CATEGORY, schema.TRADE], as_of, states), waiting, codes, found)


def count_groupings(industry: pd.DataFrame, service: pd.DataFrame, as_of: date) -> Groupings:
    """Every grouping of both ledgers, counted once."""
    return Groupings(group_ledger(industry, schema.INDUSTRY, as_of),
                     group_ledger(service, schema.SERVICE, as_of))
