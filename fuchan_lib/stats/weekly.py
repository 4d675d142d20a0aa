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
from fuchan_lib.stats.ledger_changes import WHY, Comparison, compare
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
                           schema.REASON, schema.EXPECTED)


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


# the snapshot's 规模或类别 labels making up each group of WEEK_GROUPS
SNAPSHOT_GROUPS = {
    "工业": (schema.INDUSTRY_ABOVE, schema.INDUSTRY_BELOW),
    "工业.规上": (schema.INDUSTRY_ABOVE,), "工业.规下": (schema.INDUSTRY_BELOW,),
    "限上和大个体": (schema.RETAIL_ABOVE_QUOTA, schema.BIG_INDIVIDUAL),
    "规上服务业": (schema.SERVICE_ABOVE_SCALE,),
    "服务业": (schema.RETAIL_ABOVE_QUOTA, schema.BIG_INDIVIDUAL, schema.SERVICE_ABOVE_SCALE),
}
BOTH = "工业和服务业"  # the combined figures say so in their key
ALL_LABELS = SNAPSHOT_GROUPS["工业"] + SNAPSHOT_GROUPS["服务业"]
CHANGE_COLUMNS = ["企业名称", "乡镇（园区）", "规模或类别"]


def compare_with(previous: PreviousRun | None, snapshot: pd.DataFrame, as_of: date) -> Comparison | None:
    """This run's snapshot against the previous run's, when that run kept one to compare."""
    if previous is None:
        return None
    return compare(previous.snapshot, snapshot, previous.as_of, as_of)


@dataclass(frozen=True)
class WeekChange:
    """This run's enterprise snapshot and its comparison with the previous run's (None without
    one): made once per run, read by the audit (which firms changed) and the 周比 part."""

    snapshot: pd.DataFrame
    comparison: Comparison | None


def week_change(industry: pd.DataFrame, service: pd.DataFrame, as_of: date,
                previous: PreviousRun | None) -> WeekChange:
    snapshot = enterprise_snapshot(industry, service, as_of)
    return WeekChange(snapshot, compare_with(previous, snapshot, as_of))


def changes_tables(comparison: Comparison) -> dict[str, pd.DataFrame]:
    """复工变化企业: firms newly counted as resumed, and firms counted last time but not now
    (with why); their lengths are the 新增 and 不再计入 of the text."""
    both = comparison.counted(ALL_LABELS)
    return {"新复工": both.added[CHANGE_COLUMNS].reset_index(drop=True),
            "不再计入": both.dropped[CHANGE_COLUMNS + [WHY]].reset_index(drop=True)}


def change_sentence(since: str | None, verb: str, added: int | None, dropped: int | None) -> str | None:
    """'本周新增复工复产企业4户，另有2户因台账删除或更正不再计入': last week's figure + 新增 −
    不再计入 = this week's; no '0户' (none added reads 没有新增)."""
    if since is None or added is None:
        return None
    head = f"{since}新增{verb}企业{added}户" if added else f"{since}没有新增{verb}企业"
    return head + (f"，另有{dropped}户因台账删除或更正不再计入" if dropped else "")


def week_over_week_facts(current: FactSet, params: Params, previous: PreviousRun | None,
                         comparison: Comparison | None,
                         ledgers: tuple[pd.DataFrame, ...] | None = None) -> FactSet:
    """周比 facts; without a previous run every one has no value, so the text says nothing.
    Each group counts its own firms (the industry paragraph's towns are industrial firms)."""
    facts = FactSet()
    facts.date("周比.上期截止日期", previous.as_of if previous else None, "上次运行的截止日期")
    compared, since = interval_words(previous.as_of if previous else None, params.as_of)
    facts.text("周比.较上期", compared, "与上次运行比较的说法：相隔7天为“较上周”，否则“较2月1日”")
    facts.text("周比.期间", since, "上次运行以来的说法：相隔7天为“本周”，否则“2月1日以来”")
    old = previous.facts if previous else None
    towns = county_towns(*(ledgers or ()), listed=params.towns)
    for group in WEEK_GROUPS:
        key = f"{group}.复工率"
        is_comparable = old is not None and key in old and previous.rate_basis == params.rate_basis
        before_rate = old[key].value if is_comparable else None
        phrase = points_phrase(current[key].value, before_rate, params.digits) if before_rate is not None else None
        facts.text(f"周比.{group}.复工率变化", phrase, f"{group}复工率较上次运行的变化", kind="points")
        counted = comparison.counted(SNAPSHOT_GROUPS[group]) if comparison else None
        if counted is not None:  # firm by firm: the names in the 复工变化 附表
            before, added, dropped = counted.before, len(counted.added), len(counted.dropped)
        else:  # an earlier run without a usable snapshot: the rise of the count (a fall is not "新增")
            resumed_key, now = f"{group}.已复工", current[f"{group}.已复工"].value
            before = old[resumed_key].value if old is not None and resumed_key in old else None
            added, dropped = (None if before is None or now < before else now - before), None
        facts.count(f"周比.{group}.上期已复工", before, f"{group}上次运行的已复工户数")
        facts.count(f"周比.{group}.新增复工", added, f"{group}上次运行后新计入已复工的企业数（逐户比对）")
        facts.count(f"周比.{group}.不再计入", dropped or None,
                    f"{group}上次已复工、本次因台账删除或更正不再计入的企业数（为0时没有值）")
        verb = "复工复产" if group.startswith("工业") else "复工营业"
        facts.text(f"周比.{group}.复工变化", change_sentence(since, verb, added, dropped),
                   f"{group}的新增和不再计入（上期已复工+新增−不再计入=本期已复工）")
        facts.text(f"周比.{group}.新复工较多乡镇",
                   most_resumed_towns(counted.added if counted else None, towns),
                   f"{group}上次运行以来新复工企业最多的乡镇（园区），只数{group}企业")
    both = comparison.counted(ALL_LABELS) if comparison else None
    facts.text(f"周比.{BOTH}.新复工较多乡镇", most_resumed_towns(both.added if both else None, towns),
               "上次运行以来新复工企业最多的乡镇（园区），工业和服务业合计")
    facts.count("周比.新复工企业数", None if both is None else len(both.added),
                "上次运行后新计入已复工的企业数（工业和服务业合计）")
    facts.count("周比.不再计入企业数", None if both is None else len(both.dropped),
                "上次已复工、本次不再计入的企业数（工业和服务业合计）")
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
