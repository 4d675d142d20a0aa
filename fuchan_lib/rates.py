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

import numpy as np
import pandas as pd

from . import schema
from .params import RATE_BASIS_INCLUDING_RUNNING, RATE_BASIS_NEEDING
from .wording import ratio_percent

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


def _flags(df: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Boolean columns running / long_stopped / needing / resumed, one row per enterprise."""
    # one hash pass over the status text, then cheap integer tests (not three passes over text)
    codes, labels = pd.factorize(df[schema.STATUS])
    labels = pd.Index(labels)

    def member(allowed) -> np.ndarray:
        return np.isin(codes, np.flatnonzero(labels.isin(allowed)))

    needing = member(schema.ON_HOLIDAY)
    resumed_on = pd.to_datetime(df[schema.RESUMED_ON])
    resumed = needing & (resumed_on <= pd.Timestamp(as_of)).fillna(False).to_numpy(dtype=bool)
    return pd.DataFrame(
        {
            "running": member(schema.RUNNING),
            "long_stopped": member(schema.LONG_STOPPED),
            "needing": needing,
            "resumed": resumed,
        },
        index=df.index,
    )


def count_resumption(df: pd.DataFrame, as_of: date) -> Resumption:
    """Counts for a whole ledger (or any subset of it)."""
    sums = _flags(df, as_of).sum()
    return Resumption(
        total=len(df),
        running=int(sums["running"]),
        long_stopped=int(sums["long_stopped"]),
        needing=int(sums["needing"]),
        resumed=int(sums["resumed"]),
    )


def count_by(df: pd.DataFrame, by: str | list[str], as_of: date) -> dict:
    """Resumption counts per group, in one groupby pass; missing group keys become 未填."""
    flags = _flags(df, as_of)
    keys = [by] if isinstance(by, str) else by
    groups = df[keys].astype(object).fillna("未填")
    grouped = flags.groupby([groups[k] for k in keys], sort=True)  # keys factorised once
    sums, sizes = grouped.sum(), grouped.size()
    return {
        key: Resumption(
            total=int(sizes[key]),
            running=int(row["running"]),
            long_stopped=int(row["long_stopped"]),
            needing=int(row["needing"]),
            resumed=int(row["resumed"]),
        )
        for key, row in sums.iterrows()
    }


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
    staff = pd.to_numeric(df[schema.STAFF], errors="coerce")
    returned = pd.to_numeric(df[schema.RETURNED], errors="coerce")
    both = staff.notna() & returned.notna()
    return ReturnToWork(
        enterprises=int(both.sum()),
        staff=int(staff[both].sum()),
        returned=int(returned[both].sum()),
    )


def resumption_curve(
    df: pd.DataFrame, spring_festival: date, last_day: int, basis: str = RATE_BASIS_NEEDING
) -> pd.Series:
    """Cumulative 复工率 (percent) by day since 春节, days 0..last_day; NaN when no denominator."""
    days = np.arange(last_day + 1)
    flags = _flags(df, pd.Timestamp.max.date())  # every dated resumption, whatever the as-of
    resumed_on = pd.to_datetime(df[schema.RESUMED_ON])[flags["resumed"]]
    offsets = (resumed_on - pd.Timestamp(spring_festival)).dt.days.to_numpy()
    cumulative = np.searchsorted(np.sort(offsets), days, side="right")
    needing = int(flags["needing"].sum())
    if basis == RATE_BASIS_NEEDING:
        numerator, denominator = cumulative, needing
    else:
        numerator = cumulative + int(flags["running"].sum())
        denominator = len(df) - int(flags["long_stopped"].sum())
    values = numerator * 100.0 / denominator if denominator else np.full(len(days), np.nan)
    return pd.Series(values, index=pd.Index(days, name="节后天数"))


def resumed_between(df: pd.DataFrame, after: date, until: date) -> pd.DataFrame:
    """Enterprises needing resumption whose 复工日期 is in (after, until]: 本周新增复工."""
    needing = df[schema.STATUS].isin(schema.ON_HOLIDAY)
    day = pd.to_datetime(df[schema.RESUMED_ON])
    mask = needing & (day > pd.Timestamp(after)) & (day <= pd.Timestamp(until))
    return df[mask.fillna(False).to_numpy(dtype=bool)]


def not_resumed(df: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Enterprises needing resumption that had not resumed by the as-of date (未复工企业清单)."""
    flags = _flags(df, as_of)
    return df[(flags["needing"] & ~flags["resumed"]).to_numpy()]
