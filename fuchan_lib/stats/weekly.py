"""Week over week (周比): this run against the previous run of the same county and period.

What the earlier runs said comes in as a `History` (read once from the output folder by
`run.history`); these functions only compare. Each run keeps a snapshot of every enterprise's
state (企业状态.csv) so the next week can name who changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.run_folder import RESUMED_KEYS, TREND_SERIES, WEEK_GROUPS
from fuchan_lib.core.params import Params
from fuchan_lib.core.wording import interval_words, points_phrase
from fuchan_lib.stats.facts import FactSet
from fuchan_lib.stats.lists import county_towns
from fuchan_lib.stats.rates import status_flags
from fuchan_lib.stats.reasons import most_resumed_towns

if TYPE_CHECKING:  # stats.last_year reads snapshots with this module's ledgers_from_snapshot
    from fuchan_lib.stats.last_year import LastYearRun


@dataclass(frozen=True)
class PreviousRun:
    """The previous good run: its as-of date, 口径, facts and (when kept) enterprise snapshot."""

    as_of: date
    rate_basis: str
    facts: FactSet
    snapshot: pd.DataFrame | None = None

    @property
    def resumed(self) -> dict[str, int]:
        """Resumed counts per ledger, for the audit's 已复工企业比上次少 warning."""
        return {kind: int(self.facts[key].value) for kind, key in RESUMED_KEYS.items()
                if key in self.facts and self.facts[key].value is not None}


@dataclass(frozen=True)
class History:
    """What earlier runs of this county and period said; empty for the first run."""

    previous: PreviousRun | None = None
    # 复工率 of each earlier good run by as-of date (fact key -> percent or None), oldest first
    earlier_rates: dict[date, dict[str, float | None]] = field(default_factory=dict)
    # why this run's 经济指标 are not this period's (run.history.stale_indicators); empty if they are
    stale_indicators: tuple[str, ...] = ()
    # 较上年同期: last year's run re-counted at the same day after 春节 (stats.last_year), and
    # what was found or why none could be used, for check and run to say
    last_year: LastYearRun | None = None
    last_year_note: str | None = None


LEDGER = "台账"
# the canonical columns a snapshot keeps, so a city roll-up can rebuild both ledgers from it
SNAPSHOT_LEDGER_COLUMNS = (schema.CREDIT_CODE, schema.SCALE, schema.CATEGORY, schema.TRADE,
                           schema.STATUS, schema.RESUMED_ON, schema.STAFF, schema.RETURNED,
                           schema.REASON)


def enterprise_snapshot(industry: pd.DataFrame, service: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """One row per enterprise: key, name, group, whether it counts as resumed (or running), and
    its canonical ledger columns (for the city roll-up, which reads finished runs)."""
    parts = []
    for kind, df, group in ((schema.INDUSTRY, industry, schema.industry_group_label(industry[schema.SCALE])),
                            (schema.SERVICE, service, service[schema.CATEGORY])):
        flags = status_flags(df, as_of)
        key = df[schema.CREDIT_CODE].astype(object).where(df[schema.CREDIT_CODE].notna(), df[schema.NAME])
        part = pd.DataFrame({
            "键": key.to_numpy(), "企业名称": df[schema.NAME].to_numpy(),
            "乡镇（园区）": df[schema.TOWN].to_numpy(), "规模或类别": group.to_numpy(),
            "在产": flags.resumed | flags.running, LEDGER: kind,
        })
        for column in SNAPSHOT_LEDGER_COLUMNS:
            if column in df:
                part[column] = df[column].to_numpy()
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def ledgers_from_snapshot(snapshot: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(industry, service) canonical frames rebuilt from a run's snapshot, as ingestion gives
    them (choice columns categorical, counts Int64, dates datetime64)."""
    ledgers = []
    for kind in (schema.INDUSTRY, schema.SERVICE):
        rows = snapshot[snapshot[LEDGER] == kind]
        frame = pd.DataFrame(index=range(len(rows)))
        for column in schema.COLUMNS_BY_KIND[kind]:
            values = rows[column.name].to_numpy() if column.name in rows else None
            if column.kind == "choice":
                frame[column.name] = pd.Categorical(values, categories=list(column.choices))
            elif column.kind == "date":
                frame[column.name] = pd.to_datetime(values)
            elif column.kind == "int":
                frame[column.name] = pd.array(values, dtype="Int64")
            elif column.name in schema.GROUPING_TEXT:
                frame[column.name] = pd.Categorical(values)
            else:
                frame[column.name] = pd.Series(values, dtype=object)
        ledgers.append(frame)
    return ledgers[0], ledgers[1]


def changes_since(previous: pd.DataFrame, current: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(newly resumed, newly stopped) enterprises between two snapshots, matched by key."""
    merged = current.merge(previous[["键", "在产"]], on="键", how="left", suffixes=("", "_上周"))
    before = merged["在产_上周"].astype("boolean").fillna(False).astype(bool)
    columns = ["企业名称", "乡镇（园区）", "规模或类别"]
    newly_resumed = merged[merged["在产"] & ~before][columns]
    newly_stopped = merged[~merged["在产"] & before][columns]
    return newly_resumed.reset_index(drop=True), newly_stopped.reset_index(drop=True)


# the snapshot's 规模或类别 labels making up each group of WEEK_GROUPS
SNAPSHOT_GROUPS = {
    "工业": (schema.INDUSTRY_ABOVE, schema.INDUSTRY_BELOW),
    "工业.规上": (schema.INDUSTRY_ABOVE,), "工业.规下": (schema.INDUSTRY_BELOW,),
    "限上和大个体": (schema.RETAIL_ABOVE_QUOTA, schema.BIG_INDIVIDUAL),
    "规上服务业": (schema.SERVICE_ABOVE_SCALE,),
    "服务业": (schema.RETAIL_ABOVE_QUOTA, schema.BIG_INDIVIDUAL, schema.SERVICE_ABOVE_SCALE),
}


def week_over_week_facts(current: FactSet, params: Params, previous: PreviousRun | None,
                         changes: tuple[pd.DataFrame, pd.DataFrame] | None,
                         ledgers: tuple[pd.DataFrame, ...] | None = None) -> FactSet:
    """周比 facts; without a previous run every one has no value, so the text says nothing."""
    facts = FactSet()
    facts.date("周比.上期截止日期", previous.as_of if previous else None, "上次运行的截止日期")
    compared, since = interval_words(previous.as_of if previous else None, params.as_of)
    facts.text("周比.较上期", compared, "与上次运行比较的说法：相隔7天为“较上周”，否则“较2月1日”")
    facts.text("周比.期间", since, "上次运行以来的说法：相隔7天为“本周”，否则“2月1日以来”")
    old = previous.facts if previous else None
    newly_resumed, newly_stopped = changes if changes else (None, None)
    for group in WEEK_GROUPS:
        key = f"{group}.复工率"
        comparable = old is not None and key in old and previous.rate_basis == params.rate_basis
        before = old[key].value if comparable else None
        phrase = points_phrase(current[key].value, before, params.digits) if before is not None else None
        facts.text(f"周比.{group}.复工率变化", phrase, f"{group}复工率较上次运行的变化", kind="points")
        resumed_key = f"{group}.已复工"
        was = old[resumed_key].value if old is not None and resumed_key in old else None
        now = current[resumed_key].value
        if newly_resumed is not None:  # firm by firm: the names in the 复工变化 附表
            added = int(newly_resumed["规模或类别"].isin(SNAPSHOT_GROUPS[group]).sum())
        else:  # an earlier run without a snapshot: the rise of the count (a fall is not "新增")
            added = None if was is None or now < was else now - was
        facts.count(f"周比.{group}.新增复工", added, f"{group}上次运行后新复工的企业数（逐户比对）")
    towns = county_towns(*(ledgers or ()), listed=params.towns)
    facts.text("周比.新复工较多乡镇", most_resumed_towns(newly_resumed, towns),
               "上次运行以来新复工企业最多的乡镇（园区）")
    facts.count("周比.新复工企业数", None if newly_resumed is None else len(newly_resumed),
                "上次运行后新复工（含新开业）的企业数")
    facts.count("周比.新停产企业数", None if newly_stopped is None else len(newly_stopped),
                "上次运行时在产、本次不在产的企业数")
    return facts


def rate_trend(history: History, params: Params, current: FactSet) -> pd.DataFrame:
    """复工率 (percent) of every earlier good run of this county and period, plus this run.

    One row per as-of date, index 截止日期; columns are the trend chart's series."""
    rows = {day: rates for day, rates in history.earlier_rates.items() if day < params.as_of}
    rows[params.as_of] = {key: current[key].value for key in TREND_SERIES}
    frame = pd.DataFrame.from_dict(
        {day: {TREND_SERIES[k]: rates.get(k) for k in TREND_SERIES} for day, rates in rows.items()},
        orient="index", columns=list(TREND_SERIES.values()),
    ).sort_index().astype(float)
    frame.index = pd.to_datetime(frame.index)
    frame.index.name = "截止日期"
    return frame
