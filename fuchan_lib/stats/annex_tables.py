"""The 附表 of the report: rate tables by category, 行业 and 乡镇, the 未复工企业清单, the
resumption curves and the 经济指标 table, each a DataFrame computed from the clean ledgers.

`stats.build` (a county) and `stats.city_build` (a city) assemble them into the parts of the
report from the groupings counted once (`stats.groupings`), on a declared counting basis; the
numbers are testable here without a kernel.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.params import RATE_BASIS_NEEDING, Params
from fuchan_lib.core.wording import format_date, format_percent, is_missing
from fuchan_lib.stats.follow_up import not_resumed_rows
from fuchan_lib.stats.groupings import CountingBasis, Groupings
from fuchan_lib.stats.growth import IndicatorGrowth, schedule_progress
from fuchan_lib.stats.rates import Resumption, resumption_curves, resumption_table
from fuchan_lib.stats.lists import TRADE_ORDER, in_county_order, in_standard_order

RETAIL_WITH_INDIVIDUAL = "限上批零住餐（含大个体）"
UNREPORTED = "未报送"  # a township listed in params with no rows this week


MONEY_COLUMNS = {"本期", "上年同期", "目标"}  # of the 经济指标 table, in 万元
TOTAL = "合计"  # the last row of every count table
SUBTOTAL = "小计"  # a category's row after its trades in the 行业 table
TOWN_GROUPS = ("工业企业", "服务业企业", TOTAL)  # the 乡镇 table's column groups


def cell_text(value, column: str) -> str:
    """One value of a 附表 as the report's tables and the notebooks show it: a rate as the text
    writes it (81.25 -> "81.3%"), money with thousands separators, a date in Chinese, "—" for
    no value."""
    if is_missing(value) or value == "":
        return "—"
    if column in schema.PERCENT_COLUMNS and isinstance(value, (int, float)):
        return format_percent(value)  # 附表 frames hold percent values: 81.25 -> "81.3%"
    if column in MONEY_COLUMNS and isinstance(value, (int, float)):
        return f"{value:,.1f}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return format_date(value.date())
    return str(value)


def with_total(groups: dict) -> dict:
    """`groups` and, last, their 合计 (the groups must not overlap)."""
    return groups | {TOTAL: Resumption.total_of(groups.values())}


def category_table(groupings: Groupings, basis: CountingBasis) -> pd.DataFrame:
    """复工率 per category, each group's 合计 after its categories, and the 合计 of all (the
    combined rows the report states)."""
    empty = Resumption.none()
    by_scale, by_category = groupings.industry.by_kind, groupings.service.by_kind
    above, below = by_scale.get(schema.ABOVE_SCALE, empty), by_scale.get(schema.BELOW_SCALE, empty)
    retail, individual, services = (by_category.get(c, empty) for c in schema.CATEGORIES)
    groups = {schema.INDUSTRY_ABOVE: above, schema.INDUSTRY_BELOW: below, "工业合计": above + below,
              schema.RETAIL_ABOVE_QUOTA: retail, schema.BIG_INDIVIDUAL: individual,
              "限上批零住餐和大个体合计": retail + individual, schema.SERVICE_ABOVE_SCALE: services,
              "服务业合计": retail + individual + services,
              TOTAL: above + below + retail + individual + services}
    return resumption_table(groups, "类别", basis.rate_basis)


def trade_table(groupings: Groupings, basis: CountingBasis) -> pd.DataFrame:
    """复工率 per 类别 and 行业 of the services: each category's trades in standard order and its
    小计, then the 合计 of all services; category and trade in columns of their own."""
    services = groupings.service.by_trade
    groups = {}
    for category in in_standard_order(dict.fromkeys(c for c, _t in services), schema.CATEGORIES):
        trades = in_standard_order([t for c, t in services if c == category], TRADE_ORDER)
        groups |= {(category, t): services[(category, t)] for t in trades}
        groups[(category, SUBTOTAL)] = Resumption.total_of(services[(category, t)] for t in trades)
    groups[(TOTAL, "")] = Resumption.total_of(services.values())
    table = resumption_table(groups, schema.TRADE, basis.rate_basis)
    keys = table.pop(schema.TRADE)
    table.insert(0, schema.TRADE, [t for _c, t in keys])
    table.insert(0, schema.CATEGORY, [c for c, _t in keys])
    return table


def town_columns(basis: str) -> tuple[str, str, str]:
    """The three columns of each group of the 乡镇 table: the rate's base, its numerator, the
    rate (under 含正常生产 the base leaves out the long stopped, the numerator counts the running)."""
    if basis == RATE_BASIS_NEEDING:
        return "需复工", "已复工", "复工率"
    return "应复工", "已复工", "复工率"


def town_table_note(basis: str) -> str:
    """The line under the 乡镇 table saying how its counts make the rates."""
    if basis == RATE_BASIS_NEEDING:
        return "注：需复工为春节后需复工复产（营业）企业户数，复工率＝已复工÷需复工。"
    return ("注：应复工为企业总数减长期停产（停业）企业，已复工含春节期间正常生产（营业）企业，"
            "复工率＝已复工÷应复工。")


def town_table(groupings: Groupings, industry_ledger: pd.DataFrame, service_ledger: pd.DataFrame,
               basis: CountingBasis, unreported: Sequence[str]) -> pd.DataFrame:
    """复工率 per 乡镇（园区） for industry and services side by side, then both together, in the
    county's own order (params 乡镇, else the ledgers' order), and the 合计 row: the rates the
    text quotes per township are its industry and services columns. Ranking is left to the chart.
    `unreported`: the towns listed in params with no rows this week (ingest.Inputs.unreported_towns),
    each a row without figures (未报送)."""
    industry, services = groupings.industry.by_town, groupings.service.by_town
    towns = in_county_order(dict.fromkeys([*industry, *services, *unreported]), industry_ledger,
                            service_ledger, listed=basis.towns)
    empty = Resumption.none()
    rows = {t: (industry.get(t, empty), services.get(t, empty)) for t in towns}
    rows[TOTAL] = (Resumption.total_of(industry.values()), Resumption.total_of(services.values()))
    base, resumed, rate = town_columns(basis.rate_basis)
    columns = pd.MultiIndex.from_tuples([(schema.TOWN, "")] + [
        (group, name) for group in TOWN_GROUPS for name in (base, resumed, rate)])
    return pd.DataFrame([[f"{town}（{UNREPORTED}）", *[np.nan] * 9] if town in unreported else
                         [town, *(value for counts in (i, s, i + s)
                                  for value in _base_resumed_rate(counts, basis.rate_basis))]
                         for town, (i, s) in rows.items()], columns=columns)


def _base_resumed_rate(counts: Resumption, basis: str) -> tuple[int, int, float]:
    """The three figures of one group of the 乡镇 table (rate in percent, NaN for none)."""
    rate = counts.rate(basis)
    rate = np.nan if rate is None else float(rate)
    if basis == RATE_BASIS_NEEDING:
        return counts.needing, counts.resumed, rate
    return counts.total - counts.long_stopped, counts.running + counts.resumed, rate


def town_chart_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The chart's rows of the 乡镇 table: each township's combined 复工率 (no 合计 row, no
    township that has not reported)."""
    towns = table[(schema.TOWN, "")]
    shown = table[(towns != TOTAL) & ~towns.str.endswith(f"（{UNREPORTED}）")]
    return pd.DataFrame({schema.TOWN: shown[(schema.TOWN, "")].to_numpy(),
                         "复工率": shown[(TOTAL, "复工率")].to_numpy()})


def not_resumed_table(industry: pd.DataFrame, service: pd.DataFrame, basis: CountingBasis) -> pd.DataFrame:
    """未复工企业清单: who still has not resumed, with the reason the township gave; the same
    rows, in the same order, as the townships' 督办 lists (follow_up)."""
    return not_resumed_rows(industry, service, basis.as_of, basis.towns,
                            columns=["企业名称", "乡镇（园区）", "规模或类别", "行业", "未复工原因"])


def curve_frame(industry_ledger: pd.DataFrame, service_ledger: pd.DataFrame,
                basis: CountingBasis) -> tuple[pd.DataFrame, int]:
    """Cumulative 复工率 by day since 春节 for the four series, and the as-of day."""
    as_of_day = (basis.as_of - basis.spring_festival).days
    industry = resumption_curves(industry_ledger, schema.SCALE, basis.spring_festival, as_of_day,
                                 basis.rate_basis)
    retail = (schema.RETAIL_ABOVE_QUOTA, schema.BIG_INDIVIDUAL)
    services = resumption_curves(service_ledger, schema.CATEGORY, basis.spring_festival, as_of_day,
                                 basis.rate_basis, combine={RETAIL_WITH_INDIVIDUAL: retail})
    nothing = pd.Series(np.nan, index=industry.index if len(industry.columns) else services.index)
    curves = pd.DataFrame({
        schema.INDUSTRY_ABOVE: industry.get(schema.ABOVE_SCALE, nothing),
        schema.INDUSTRY_BELOW: industry.get(schema.BELOW_SCALE, nothing),
        RETAIL_WITH_INDIVIDUAL: services.get(RETAIL_WITH_INDIVIDUAL, nothing),
        schema.SERVICE_ABOVE_SCALE: services.get(schema.SERVICE_ABOVE_SCALE, nothing),
    })
    return curves, as_of_day


def indicator_table(rows: list[IndicatorGrowth], p: Params) -> pd.DataFrame:
    """经济指标 with the growth the report states and where it comes from (万元); `rows`: the
    run's `facts.indicator_rows`, computed once (none without an indicator file)."""
    columns = ["指标", "本期", "上年同期", "增速", "增速来源", "目标", "目标增速", "完成率", "时序进度"]
    if not rows:
        return pd.DataFrame(columns=columns)
    progress = None if p.target_end is None else schedule_progress(p.indicator_period, p.target_end)

    def num(value):
        return float("nan") if value is None else float(value)

    return pd.DataFrame(
        [(r.name, num(r.current), num(r.last_year), num(r.growth), r.growth_source, num(r.target),
          num(r.target_growth), num(r.completion), num(progress)) for r in rows],
        columns=columns,
    )
