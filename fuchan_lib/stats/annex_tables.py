"""The 附表 of the report: rate tables by category, 行业 and 乡镇, the 未复工企业清单, the
resumption curves and the 经济指标 table, each a DataFrame computed from the clean ledgers.

`stats.build` assembles them into the parts of the report; the numbers are testable here
without a kernel.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.params import RATE_BASIS_NEEDING
from fuchan_lib.stats.follow_up import not_resumed_rows
from fuchan_lib.stats.growth import indicator_growth, schedule_progress
from fuchan_lib.ingest.inputs import Inputs
from fuchan_lib.stats.rates import Resumption, count_by, resumption_curves, resumption_table
from fuchan_lib.stats.lists import TRADE_ORDER, in_county_order, in_standard_order

RETAIL_WITH_INDIVIDUAL = "限上批零住餐（含大个体）"


TOTAL = "合计"  # the last row of every count table
SUBTOTAL = "小计"  # a category's row after its trades in the 行业 table
TOWN_GROUPS = ("工业企业", "服务业企业", TOTAL)  # the 乡镇 table's column groups


def with_total(groups: dict) -> dict:
    """`groups` and, last, their 合计 (the groups must not overlap)."""
    return groups | {TOTAL: Resumption.total_of(groups.values())}


def category_table(inputs: Inputs) -> pd.DataFrame:
    """复工率 per category, each group's 合计 after its categories, and the 合计 of all (the
    combined rows the report states)."""
    as_of, basis = inputs.params.as_of, inputs.params.rate_basis
    # one grouping pass per ledger instead of five slices (same counts: count_by is exact)
    empty = Resumption.none()
    by_scale = count_by(inputs.industry, schema.SCALE, as_of)
    by_category = count_by(inputs.service, schema.CATEGORY, as_of)
    above, below = by_scale.get(schema.ABOVE_SCALE, empty), by_scale.get(schema.BELOW_SCALE, empty)
    retail, individual, services = (by_category.get(c, empty) for c in schema.CATEGORIES)
    groups = {schema.INDUSTRY_ABOVE: above, schema.INDUSTRY_BELOW: below, "工业合计": above + below,
              schema.RETAIL_ABOVE_QUOTA: retail, schema.BIG_INDIVIDUAL: individual,
              "限上批零住餐和大个体合计": retail + individual, schema.SERVICE_ABOVE_SCALE: services,
              "服务业合计": retail + individual + services,
              TOTAL: above + below + retail + individual + services}
    return resumption_table(groups, "类别", basis)


def trade_table(inputs: Inputs) -> pd.DataFrame:
    """复工率 per 类别 and 行业 of the services: each category's trades in standard order and its
    小计, then the 合计 of all services; category and trade in columns of their own."""
    as_of, basis = inputs.params.as_of, inputs.params.rate_basis
    services = count_by(inputs.service, [schema.CATEGORY, schema.TRADE], as_of)
    groups = {}
    for category in in_standard_order(dict.fromkeys(c for c, _t in services), schema.CATEGORIES):
        trades = in_standard_order([t for c, t in services if c == category], TRADE_ORDER)
        groups |= {(category, t): services[(category, t)] for t in trades}
        groups[(category, SUBTOTAL)] = Resumption.total_of(services[(category, t)] for t in trades)
    groups[(TOTAL, "")] = Resumption.total_of(services.values())
    table = resumption_table(groups, schema.TRADE, basis)
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


def town_table(inputs: Inputs) -> pd.DataFrame:
    """复工率 per 乡镇（园区） for industry and services side by side, then both together, in the
    county's own order (params 乡镇, else the ledgers' order), and the 合计 row: the rates the
    text quotes per township are its industry and services columns. Ranking is left to the chart."""
    as_of, basis = inputs.params.as_of, inputs.params.rate_basis
    industry = count_by(inputs.industry, schema.TOWN, as_of)  # each ledger on its own: no concat
    services = count_by(inputs.service, schema.TOWN, as_of)
    towns = in_county_order(dict.fromkeys([*industry, *services]), inputs.industry, inputs.service,
                            listed=inputs.params.towns)
    empty = Resumption.none()
    rows = {t: (industry.get(t, empty), services.get(t, empty)) for t in towns}
    rows[TOTAL] = (Resumption.total_of(industry.values()), Resumption.total_of(services.values()))
    base, resumed, rate = town_columns(basis)
    columns = pd.MultiIndex.from_tuples([(schema.TOWN, "")] + [
        (group, name) for group in TOWN_GROUPS for name in (base, resumed, rate)])
    return pd.DataFrame([[town, *(value for counts in (i, s, i + s) for value in _base_resumed_rate(counts, basis))]
                         for town, (i, s) in rows.items()], columns=columns)


def _base_resumed_rate(counts: Resumption, basis: str) -> tuple[int, int, float]:
    """The three figures of one group of the 乡镇 table (rate in percent, NaN for none)."""
    rate = counts.rate(basis)
    rate = np.nan if rate is None else float(rate)
    if basis == RATE_BASIS_NEEDING:
        return counts.needing, counts.resumed, rate
    return counts.total - counts.long_stopped, counts.running + counts.resumed, rate


def town_chart_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The chart's rows of the 乡镇 table: each township's combined 复工率 (no 合计 row)."""
    towns = table[(schema.TOWN, "")]
    shown = table[towns != TOTAL]
    return pd.DataFrame({schema.TOWN: shown[(schema.TOWN, "")].to_numpy(),
                         "复工率": shown[(TOTAL, "复工率")].to_numpy()})


def not_resumed_table(inputs: Inputs) -> pd.DataFrame:
    """未复工企业清单: who still has not resumed, with the reason the township gave; the same
    rows, in the same order, as the townships' 督办 lists (follow_up)."""
    return not_resumed_rows(inputs.industry, inputs.service, inputs.params.as_of, inputs.params.towns,
                            columns=["企业名称", "乡镇（园区）", "规模或类别", "行业", "未复工原因"])


def curve_frame(inputs: Inputs) -> tuple[pd.DataFrame, int]:
    """Cumulative 复工率 by day since 春节 for the four series, and the as-of day."""
    p = inputs.params
    as_of_day = (p.as_of - p.spring_festival).days
    industry = resumption_curves(inputs.industry, schema.SCALE, p.spring_festival, as_of_day,
                                 p.rate_basis)
    retail = (schema.RETAIL_ABOVE_QUOTA, schema.BIG_INDIVIDUAL)
    services = resumption_curves(inputs.service, schema.CATEGORY, p.spring_festival, as_of_day,
                                 p.rate_basis, combine={RETAIL_WITH_INDIVIDUAL: retail})
    nothing = pd.Series(np.nan, index=industry.index if len(industry.columns) else services.index)
    curves = pd.DataFrame({
        schema.INDUSTRY_ABOVE: industry.get(schema.ABOVE_SCALE, nothing),
        schema.INDUSTRY_BELOW: industry.get(schema.BELOW_SCALE, nothing),
        RETAIL_WITH_INDIVIDUAL: services.get(RETAIL_WITH_INDIVIDUAL, nothing),
        schema.SERVICE_ABOVE_SCALE: services.get(schema.SERVICE_ABOVE_SCALE, nothing),
    })
    return curves, as_of_day


def indicator_table(inputs: Inputs) -> pd.DataFrame:
    """经济指标 with the growth the report states and where it comes from (万元)."""
    p = inputs.params
    columns = ["指标", "本期", "上年同期", "增速", "增速来源", "目标", "目标增速", "完成率", "时序进度"]
    if inputs.indicators is None:
        return pd.DataFrame(columns=columns)
    same_period = p.target_end is not None and p.target_end == p.indicator_period
    progress = None if p.target_end is None else schedule_progress(p.indicator_period, p.target_end)
    rows = indicator_growth(inputs.indicators, inputs.enterprise_indicators,
                            same_period_target=same_period)

    def num(value):
        return float("nan") if value is None else float(value)

    return pd.DataFrame(
        [(r.name, num(r.current), num(r.last_year), num(r.growth), r.growth_source, num(r.target),
          num(r.target_growth), num(r.completion), num(progress)) for r in rows],
        columns=columns,
    )
