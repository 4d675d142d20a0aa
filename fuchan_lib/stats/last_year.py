"""较上年同期: this year's 复工率 against last year's at the same number of days after 春节.

Last year's rates are re-counted from a run of last year's 春节 (its enterprise snapshot keeps
every firm's 春节期间状态 and 复工日期), at 春节 + the days this run's 截止日期 is after this
year's 春节 (day 0 = 春节), not read from that run's headline, which was cut on another day
(DESIGN §3). `run.history` finds the run; this module only counts and words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.params import Params
from fuchan_lib.core.run_folder import WEEK_GROUPS
from fuchan_lib.core.wording import points_phrase
from fuchan_lib.stats.facts import FactSet
from fuchan_lib.stats.rates import Resumption, count_by
from fuchan_lib.stats.ledger_changes import GROUP
from fuchan_lib.stats.weekly import SNAPSHOT_GROUPS

PREFIX = "上年同期"


@dataclass(frozen=True)
class LastYearRun:
    """A run of last year's 春节 whose snapshot reaches the day compared (as_of >= that day)."""

    folder: str  # the run folder's name, for messages
    spring_festival: date
    as_of: date
    snapshot: pd.DataFrame


def days_after_festival(params: Params) -> int:
    """节后第N天 of this run's 截止日期 (day 0 = 春节)."""
    return (params.as_of - params.spring_festival).days


def same_day_last_year(params: Params, last_festival: date) -> date:
    """Last year's date at the same number of days after its 春节."""
    return last_festival + timedelta(days=days_after_festival(params))


def recount(snapshot: pd.DataFrame, day: date) -> dict[str, Resumption]:
    """Counts of each compared group (WEEK_GROUPS) from a snapshot at `day`: one count per
    规模或类别 label, summed as weekly.SNAPSHOT_GROUPS declares each group."""
    by_label = count_by(snapshot, GROUP, day) if len(snapshot) else {}
    none = Resumption.none()
    return {group: Resumption.total_of(by_label.get(label, none) for label in SNAPSHOT_GROUPS[group])
            for group in WEEK_GROUPS}


def last_year_facts(current: FactSet, params: Params, last: LastYearRun | None) -> FactSet:
    """上年同期.* facts; without a usable run of last year every one has no value, so the
    template's optional sentences say nothing."""
    facts = FactSet()
    days = days_after_festival(params)
    day = None if last is None else same_day_last_year(params, last.spring_festival)
    usable = last is not None and day <= last.as_of and schema.STATUS in last.snapshot
    counted = recount(last.snapshot, day) if usable else {}
    facts.text(f"{PREFIX}.较同期", f"较上年同期（节后第{days}天）" if usable else None,
               "与上年春节后同一天比较的说法：“较上年同期（节后第24天）”")
    facts.date(f"{PREFIX}.日期", day if usable else None, "上年春节后同一天（重新计数的日期）")
    facts.text(f"{PREFIX}.运行", last.folder if usable else None, "上年同期的数取自哪次运行（其企业状态快照）")
    for group in WEEK_GROUPS:
        before = counted[group].rate(params.rate_basis) if usable else None
        facts.percent(f"{PREFIX}.{group}.复工率", before, f"{group}上年同期复工率（节后同一天重新计数）",
                      params.digits)
        phrase = points_phrase(current[f"{group}.复工率"].value, before, params.digits)
        facts.text(f"{PREFIX}.{group}.复工率变化", phrase, f"{group}复工率较上年同期的变化（两个四舍五入后的数相减）",
                   kind="points")
    return facts
