"""One build step per part of the report, from inputs read and audited once.

industry, services, indicators, attachments (with the report's general facts and the audit
list) and week over week each return a `Part`: the facts it states, its 附表 (file -> sheet ->
DataFrame, rates in percent) and the data of its charts (figure file -> plot arguments).
`build_all` counts every grouping and the indicator rows once (`stats.groupings`), then runs
the steps in order, each reading those counts, giving week over week this run's facts.
The pipeline builds once; the narrative check, the report and the notebooks use that result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from fuchan_lib.core import run_folder, schema
from fuchan_lib.core.wording import format_month_day
from fuchan_lib.ingest.inputs import Inputs
from fuchan_lib.stats import facts as facts_mod
from fuchan_lib.stats import annex_tables, last_year, weekly
from fuchan_lib.stats.annex_tables import with_total
from fuchan_lib.stats.audit import AuditReport
from fuchan_lib.stats.expected import expected_facts
from fuchan_lib.stats.lists import in_county_order
from fuchan_lib.stats.groupings import Groupings, count_groupings
from fuchan_lib.stats.growth import IndicatorGrowth
from fuchan_lib.stats.rates import resumption_table

# the rows of the category table drawn in the category chart (the combined rows are not)
CHART_CATEGORIES = (schema.INDUSTRY_ABOVE, schema.INDUSTRY_BELOW, schema.RETAIL_ABOVE_QUOTA,
                    schema.BIG_INDIVIDUAL, schema.SERVICE_ABOVE_SCALE)


@dataclass(frozen=True)
class Part:
    """What one build step made."""

    name: str
    facts: facts_mod.FactSet
    tables: dict[str, dict[str, pd.DataFrame]] = field(default_factory=dict)
    charts: dict[str, tuple] = field(default_factory=dict)
    snapshot: pd.DataFrame | None = None  # week over week: every enterprise's state this run

    def sheet(self, name: str) -> pd.DataFrame:
        """One sheet of this part's 附表, by sheet name."""
        for sheets in self.tables.values():
            if name in sheets:
                return sheets[name]
        raise KeyError(f"part {self.name!r} has no sheet {name!r}; it has "
                       f"{[s for sheets in self.tables.values() for s in sheets]}")


def industry(inputs: Inputs, groupings: Groupings) -> Part:
    """一（一）工业: facts, and counts by 规模 and by 乡镇."""
    p, grouped = inputs.params, groupings.industry
    by_scale = resumption_table(with_total(grouped.by_kind), schema.SCALE, p.rate_basis)
    towns = in_county_order(grouped.by_town, inputs.industry, inputs.service, listed=p.towns)
    by_town = resumption_table(with_total(towns), schema.TOWN, p.rate_basis)
    facts = facts_mod.industry_facts(inputs.industry, p, grouped).merge(
        expected_facts(inputs.industry, p, "工业", "工业企业", "复工", grouped.states))
    return Part("工业", facts,
                {run_folder.TABLE_SECTIONS_INDUSTRY: {"按规模": by_scale, "按乡镇": by_town}})


def services(inputs: Inputs, groupings: Groupings) -> Part:
    """一（二）服务业: facts, and counts by 类别 and 行业."""
    p = inputs.params
    facts = facts_mod.service_facts(inputs.service, p, groupings.service).merge(
        expected_facts(inputs.service, p, "服务业", "服务业企业", "复工营业", groupings.service.states))
    return Part("服务业", facts,
                {run_folder.TABLE_TRADE: {"行业": annex_tables.trade_table(groupings, p)}})


def indicators(inputs: Inputs, rows: list[IndicatorGrowth], stale: tuple[str, ...] = ()) -> Part:
    """二（三）经济指标: values, growth, targets and 完成率, table and chart; no figure in the text
    when they are not this period's (`stale`: run.history.stale_indicators)."""
    table = annex_tables.indicator_table(rows, inputs.params)
    facts = facts_mod.indicator_facts(rows, inputs.params, stale)
    return Part("经济指标", facts, {run_folder.TABLE_INDICATORS: {"经济指标": table}},
                {run_folder.FIGURE_INDICATORS: (table,)})


def attachments(inputs: Inputs, audit: AuditReport, groupings: Groupings) -> Part:
    """The report's general facts (县名, dates, 口径), its 附件 tables and charts, the 审核清单."""
    p = inputs.params
    by_category = annex_tables.category_table(groupings, p)
    by_town = annex_tables.town_table(groupings, inputs.industry, inputs.service, p, inputs.unreported_towns)
    curves, as_of_day = annex_tables.curve_frame(inputs.industry, inputs.service, p)
    chart_rows = by_category[by_category["类别"].isin(CHART_CATEGORIES)]
    tables = {
        run_folder.TABLE_CATEGORY: {"分类": by_category},
        run_folder.TABLE_TOWN: {"乡镇": by_town},
        run_folder.TABLE_NOT_RESUMED: {"未复工企业": annex_tables.not_resumed_table(inputs.industry, inputs.service, p)},
        run_folder.TABLE_AUDIT: {"审核清单": audit.to_frame(inputs.layouts)},
    }
    charts = {
        run_folder.FIGURE_CURVE: (curves, as_of_day, "截至" + format_month_day(p.as_of)),
        run_folder.FIGURE_CATEGORY: (chart_rows.reset_index(drop=True),),
        run_folder.FIGURE_TOWN: (annex_tables.town_chart_frame(by_town),),
    }
    return Part("综合", facts_mod.general_facts(p), tables, charts)


def week_over_week(inputs: Inputs, history: weekly.History, current: facts_mod.FactSet,
                   change: weekly.WeekChange | None = None) -> Part:
    """周比 against the previous run, the enterprises that changed, the 复工率 trend, and 较上年
    同期 (last year's run re-counted at the same day after 春节). `change`: the run's snapshot
    and comparison when `run.prepare` made them already (for the audit); else made here."""
    p = inputs.params
    previous = history.previous
    if change is None:
        change = weekly.week_change(inputs.industry, inputs.service, p.as_of, previous)
    snapshot, comparison = change.snapshot, change.comparison
    tables = {run_folder.TABLE_CHANGES: weekly.changes_tables(comparison)} if comparison else {}
    facts = weekly.week_over_week_facts(current, p, previous, comparison, (inputs.industry, inputs.service))
    facts = facts.merge(last_year.last_year_facts(current, p, history.last_year))
    trend = weekly.rate_trend(history, p, current)
    charts = {run_folder.FIGURE_TREND: (trend,)} if len(trend) > 1 else {}
    return Part("周比", facts, tables, charts, snapshot=snapshot)


@dataclass(frozen=True)
class Built:
    """Every part of one run's report, built once."""

    industry: Part
    services: Part
    indicators: Part
    attachments: Part
    week_over_week: Part

    @property
    def parts(self) -> tuple[Part, ...]:
        return (self.attachments, self.industry, self.services, self.indicators, self.week_over_week)

    def table(self, filename: str) -> dict[str, pd.DataFrame] | None:
        """The sheets of one 附表 file, whichever part made it; None when no part did."""
        return next((part.tables[filename] for part in self.parts if filename in part.tables), None)

    @cached_property
    def facts(self) -> facts_mod.FactSet:
        """All facts of the report, general facts first."""
        merged = facts_mod.FactSet()
        for part in self.parts:
            merged = merged.merge(part.facts)
        return merged


def build_all(inputs: Inputs, audit: AuditReport, history: weekly.History,
              groupings: Groupings | None = None, rows: list[IndicatorGrowth] | None = None,
              change: weekly.WeekChange | None = None) -> Built:
    """Every part of the report. `groupings`, `rows`, `change`: the run's counts, indicator rows
    and week-over-week comparison when `run.prepare` made them already (for the audit and
    `fuchan check`); else made here, once."""
    p = inputs.params
    groupings = count_groupings(inputs.industry, inputs.service, p.as_of) if groupings is None else groupings
    if rows is None:
        rows = facts_mod.indicator_rows(inputs.indicators, inputs.enterprise_indicators, p)
    industry_part, services_part = industry(inputs, groupings), services(inputs, groupings)
    current = industry_part.facts.merge(services_part.facts)
    return Built(industry_part, services_part, indicators(inputs, rows, history.stale_indicators),
                 attachments(inputs, audit, groupings),
                 week_over_week(inputs, history, current, change))
