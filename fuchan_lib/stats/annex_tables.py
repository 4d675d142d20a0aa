"""The 附表 of the report: rate tables by category, 行业 and 乡镇, the 未复工企业清单, the
resumption curves and the 经济指标 table, each a DataFrame computed from the clean ledgers.

`stats.build` assembles them into the parts of the report; the numbers are testable here
without a kernel.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.stats.follow_up import not_resumed_rows
from fuchan_lib.stats.growth import indicator_growth, schedule_progress
from fuchan_lib.ingest.inputs import Inputs
from fuchan_lib.stats.rates import Resumption, count_by, resumption_curves, resumption_table
from fuchan_lib.stats.lists import TRADE_ORDER, in_county_order, in_standard_order

RETAIL_WITH_INDIVIDUAL = "限上批零住餐（含大个体）"


def category_table(inputs: Inputs) -> pd.DataFrame:
    """复工率 per category, plus the combined rows the report states."""
    as_of, basis = inputs.params.as_of, inputs.params.rate_basis
    # one grouping pass per ledger instead of five slices (same counts: count_by is exact)
    empty = Resumption.none()
    by_scale = count_by(inputs.industry, schema.SCALE, as_of)
    by_category = count_by(inputs.service, schema.CATEGORY, as_of)
    groups = {schema.INDUSTRY_ABOVE: by_scale.get(schema.ABOVE_SCALE, empty),
              schema.INDUSTRY_BELOW: by_scale.get(schema.BELOW_SCALE, empty)}
    groups |= {c: by_category.get(c, empty) for c in
               (schema.RETAIL_ABOVE_QUOTA, schema.BIG_INDIVIDUAL, schema.SERVICE_ABOVE_SCALE)}
    groups["工业合计"] = groups[schema.INDUSTRY_ABOVE] + groups[schema.INDUSTRY_BELOW]
    groups["限上批零住餐和大个体合计"] = groups[schema.RETAIL_ABOVE_QUOTA] + groups[schema.BIG_INDIVIDUAL]
    groups["服务业合计"] = (groups[schema.RETAIL_ABOVE_QUOTA] + groups[schema.BIG_INDIVIDUAL]
                        + groups[schema.SERVICE_ABOVE_SCALE])
    return resumption_table(groups, "类别", basis)


def trade_table(inputs: Inputs) -> pd.DataFrame:
    """复工率 per 行业: industry by 规模, services by 类别 and 行业."""
    as_of, basis = inputs.params.as_of, inputs.params.rate_basis
    services = count_by(inputs.service, [schema.CATEGORY, schema.TRADE], as_of)
    groups = {}
    for category in in_standard_order(dict.fromkeys(c for c, _t in services), schema.CATEGORIES):
        trades = in_standard_order([t for c, t in services if c == category], TRADE_ORDER)
        groups |= {f"{category}·{t}": services[(category, t)] for t in trades}
    return resumption_table(groups, "类别·行业", basis)


def town_table(inputs: Inputs) -> pd.DataFrame:
    """复工率 per 乡镇（园区）, industry and services together, in the county's own order
    (params 乡镇, else the ledgers' order); ranking is left to the chart."""
    as_of, basis = inputs.params.as_of, inputs.params.rate_basis
    towns = count_by(inputs.industry, schema.TOWN, as_of)  # each ledger on its own: no concat
    for town, counts in count_by(inputs.service, schema.TOWN, as_of).items():
        towns[town] = towns[town] + counts if town in towns else counts
    towns = in_county_order(towns, inputs.industry, inputs.service, listed=inputs.params.towns)
    return resumption_table(towns, "乡镇（园区）", basis)


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
