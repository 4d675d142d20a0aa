"""复工率 and 返岗率 (DESIGN §3): counts and exact rates from clean ledgers.

Rates are exact `Fraction` percentages (×100) so that 四舍五入 happens once, in wording;
a zero denominator gives None ("no value"), never 0 or NaN-as-number.

- 节后需复工 = 春节期间状态 停产放假/停业放假; 已复工 = those with 复工日期 <= 截止日期.
- 口径 需复工: 已复工 / 节后需复工.  口径 含正常生产: (正常 + 已复工) / (总数 − 长期停产).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from fractions import Fraction
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.params import RATE_BASIS_INCLUDING_RUNNING, RATE_BASIS_NEEDING
from fuchan_lib.core.wording import ratio_percent
from fuchan_lib.ingest.inputs import state_codes

BASES = (RATE_BASIS_NEEDING, RATE_BASIS_INCLUDING_RUNNING)


@dataclass(frozen=True)
class Resumption:
    """Counts of one group of enterprises at one as-of date."""

    total: int
    running: int  # 春节期间正常生产/正常营业
    long_stopped: int  # 长期停产/长期停业
    needing: int  # 节后需复工 (停产放假/停业放假)
    resumed: int  # of `needing`, 复工日期 <= 截止日期

    def rate(self, basis: str = RATE_BASIS_NEEDING) -> Fraction | None:
        """复工率 in percent under the chosen 口径; None when the denominator is zero."""
        if basis == RATE_BASIS_NEEDING:
            return ratio_percent(self.resumed, self.needing)
        if basis == RATE_BASIS_INCLUDING_RUNNING:
            return ratio_percent(self.running + self.resumed, self.total - self.long_stopped)
        raise ValueError(f"复工率口径 must be one of {BASES}, got {basis!r}")

    def __add__(self, other: "Resumption") -> "Resumption":
        return Resumption(*(a + b for a, b in zip(asdict(self).values(), asdict(other).values())))

    @classmethod
    def none(cls) -> "Resumption":
        """The counts of a group without enterprises."""
        return cls(0, 0, 0, 0, 0)

    @classmethod
    def total_of(cls, counts: Iterable["Resumption"]) -> "Resumption":
        """The counts of several groups together (none for no groups)."""
        return sum(counts, cls.none())


class Flags(NamedTuple):
    """Per-enterprise booleans (numpy arrays in ledger order) that every rate is counted from."""

    running: np.ndarray
    long_stopped: np.ndarray
    needing: np.ndarray
    resumed: np.ndarray


def state_column(df: pd.DataFrame) -> np.ndarray:
    """schema.STATE codes of every row: the column set when the run read the ledger, or derived
    here for a frame made otherwise (tests, a city roll-up rebuilt from snapshots)."""
    if schema.STATE in df:
        return df[schema.STATE].to_numpy()
    return state_codes(df[schema.STATUS])


# one small integer per enterprise at an as-of date: the schema.STATE codes (0 other,
# 1 running, 2 long stopped, 3 waiting), and 4 for a waiting firm resumed by then
RESUMED = 4
_STATES = 5


def states_at(df: pd.DataFrame, as_of: date) -> np.ndarray:
    """Each enterprise's state at as_of as one int8 code (see RESUMED), from the STATE column
    and 复工日期; every count of a call is a bincount over it, computed once per call."""
    state = state_column(df)
    dates = df[schema.RESUMED_ON].to_numpy(dtype="datetime64[ns]")
    resumed = state == schema.STATE_ON_HOLIDAY
    resumed &= dates <= np.datetime64(pd.Timestamp(as_of))  # NaT compares False: not resumed
    return state + resumed.view(np.int8)


def status_flags(df: pd.DataFrame, as_of: date) -> Flags:
    """Which enterprises were running, long stopped, needed to resume, and had resumed by as_of."""
    state = states_at(df, as_of)
    resumed = state == RESUMED
    return Flags(state == schema.STATE_RUNNING, state == schema.STATE_LONG_STOPPED,
                 (state == schema.STATE_ON_HOLIDAY) | resumed, resumed)


def count_resumption(df: pd.DataFrame, as_of: date) -> Resumption:
    """Counts for a whole ledger (or any subset of it)."""
    return _resumption_row(np.bincount(states_at(df, as_of), minlength=_STATES))


def _resumption_row(row: np.ndarray) -> Resumption:
    """Resumption from the count of each state code."""
    return Resumption(total=int(row.sum()), running=int(row[1]), long_stopped=int(row[2]),
                      needing=int(row[3] + row[4]), resumed=int(row[RESUMED]))


def _group_codes(column: pd.Series) -> tuple[np.ndarray, list]:
    """Integer group codes and their labels (category order, else sorted); blanks form 未填."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes, labels = column.cat.codes.to_numpy().astype(np.int64), list(column.cat.categories)
    else:
        codes, labels = pd.factorize(column, sort=True)
        codes, labels = codes.astype(np.int64, copy=False), list(labels)
    blank = codes < 0
    if blank.any():
        codes[blank] = len(labels)
        labels.append("未填")
    return codes, labels


def count_by(df: pd.DataFrame, by: str | list[str], as_of: date, states: np.ndarray | None = None) -> dict:
    """Resumption counts per group (blank keys become 未填), in one counting pass.

    Each enterprise gets a group code and a state code; one bincount over both gives every
    count of every group (no pandas groupby machinery, which dominates on 10^6 rows).
    Only groups that occur are returned, in category (else sorted) order. `states`: the
    caller's `states_at(df, as_of)` when it counts several ways (derived once per call).
    """
    state = states_at(df, as_of) if states is None else states
    keys = [by] if isinstance(by, str) else by
    combined, labels = None, [()]
    for key in keys:
        codes, names = _group_codes(df[key])  # a fresh array: combined in place, no temporaries
        if combined is not None:
            combined *= len(names)
            codes += combined
        combined = codes
        labels = [(*prefix, name) for prefix in labels for name in names]
    combined *= _STATES
    combined += state
    table = np.bincount(combined, minlength=len(labels) * _STATES)
    table = table.reshape(len(labels), _STATES)
    return {(label[0] if isinstance(by, str) else label): _resumption_row(row)
            for label, row in zip(labels, table) if row.sum()}


def resumption_table(groups: dict, label: str, basis: str) -> pd.DataFrame:
    """A 附表 of counts and 复工率 (percent float, NaN when no value) per group."""
    rows = []
    for key, counts in groups.items():
        rate = counts.rate(basis)
        rows.append(
            {
                label: key,
                "企业总数": counts.total,
                "春节期间正常": counts.running,
                "长期停产停业": counts.long_stopped,
                "节后需复工": counts.needing,
                "已复工": counts.resumed,
                "复工率": np.nan if rate is None else float(rate),
            }
        )
    columns = [label, "企业总数", "春节期间正常", "长期停产停业", "节后需复工", "已复工", "复工率"]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class ReturnToWork:
    """返岗率 over enterprises that report both 从业人员 and 已返岗人数."""

    enterprises: int
    staff: int
    returned: int

    @property
    def rate(self) -> Fraction | None:
        return ratio_percent(self.returned, self.staff)


def return_to_work(df: pd.DataFrame) -> ReturnToWork:
    staff, returned = df[schema.STAFF], df[schema.RETURNED]
    if staff.dtype == returned.dtype == "Int64":  # as read: counted on the integers, no copy as numbers
        both = ~(staff.isna().to_numpy() | returned.isna().to_numpy())
        values = [column.to_numpy(dtype=np.int64, na_value=0) for column in (staff, returned)]
        return ReturnToWork(int(both.sum()), *(int(np.dot(v, both)) for v in values))
    staff = pd.to_numeric(staff, errors="coerce")
    returned = pd.to_numeric(returned, errors="coerce")
    both = staff.notna() & returned.notna()
    return ReturnToWork(
        enterprises=int(both.sum()),
        staff=int(staff[both].sum()),
        returned=int(returned[both].sum()),
    )


def resumption_curves(
    df: pd.DataFrame, by: str, spring_festival: date, last_day: int,
    basis: str = RATE_BASIS_NEEDING, combine: dict[str, tuple[str, ...]] | None = None,
) -> pd.DataFrame:
    """Cumulative 复工率 (percent) per group of `by`, by day since 春节 (days 0..last_day).

    Every dated resumption counts from its day on (a date before 春节 counts from day 0);
    `combine` adds series made of several groups, e.g. {"限上和大个体": ("限上批零住餐", "大个体")}.
    NaN where a series has no denominator. One counting pass, no per-group slices.
    """
    state = states_at(df, pd.Timestamp.max.date())  # every dated resumption, whatever the as-of
    codes, labels = _group_codes(df[by])
    width = last_day + 2  # days 0..last_day, and one bin for "later"
    resumed = np.flatnonzero(state == RESUMED)
    dates = df[schema.RESUMED_ON].to_numpy(dtype="datetime64[ns]")[resumed]
    # whole days since 春节 in integer nanoseconds (dated rows only: no NaT); before 春节: day 0
    nanoseconds = dates.view(np.int64) - pd.Timestamp(spring_festival).value
    days = np.clip(nanoseconds // (86_400 * 10**9), 0, last_day + 1)
    per_day = np.bincount(codes[resumed] * width + days, minlength=len(labels) * width)
    cumulative = per_day.reshape(len(labels), width)[:, : last_day + 1].cumsum(axis=1)
    codes *= _STATES
    codes += state
    by_state = np.bincount(codes, minlength=len(labels) * _STATES)
    by_state = by_state.reshape(len(labels), _STATES)
    totals, running, stopped = by_state.sum(axis=1), by_state[:, 1], by_state[:, 2]
    needing = by_state[:, 3] + by_state[:, RESUMED]
    series = {label: (i,) for i, label in enumerate(labels)}
    for name, parts in (combine or {}).items():
        series[name] = tuple(labels.index(p) for p in parts if p in labels)
    result = {}
    for name, rows in series.items():
        rows = list(rows)
        numerator = cumulative[rows].sum(axis=0)
        if basis == RATE_BASIS_NEEDING:
            denominator = needing[rows].sum()
        else:
            numerator = numerator + running[rows].sum()
            denominator = totals[rows].sum() - stopped[rows].sum()
        result[name] = numerator * 100.0 / denominator if denominator else np.full(last_day + 1, np.nan)
    return pd.DataFrame(result, index=pd.Index(np.arange(last_day + 1), name="节后天数"))


def waiting_rows(df: pd.DataFrame, as_of: date) -> np.ndarray:
    """Positions of the firms needing resumption that had not resumed by as_of."""
    return np.flatnonzero(states_at(df, as_of) == schema.STATE_ON_HOLIDAY)
