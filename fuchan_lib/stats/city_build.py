"""The city's build step (DESIGN §8): every figure of the city report, its 附表 and the data of
its charts, computed once from the combined enterprises, as `stats.build` does for a county.

Each grouping of the combined ledgers and the per-county counts are counted once here
(`stats.groupings`, `rollup.county_counts`); the facts, the 附表 and the charts read them, on
the city's counting basis (`rollup.CityBasis`, a `groupings.CountingBasis`).
"""

from __future__ import annotations

import pandas as pd

from fuchan_lib.core import run_folder, schema
from fuchan_lib.core.wording import format_month_day
from fuchan_lib.stats import annex_tables, rollup
from fuchan_lib.stats.build import CHART_CATEGORIES, Part
from fuchan_lib.stats.facts import FactSet
from fuchan_lib.stats.groupings import count_groupings


def audit_table(duplicates: pd.DataFrame, warnings: list[str]) -> pd.DataFrame:
    """审核清单 of the roll-up: enterprises found in two counties (counted once)."""
    d = duplicates
    return pd.DataFrame({
        "级别": "警告", "规则": "同一企业在两县", schema.CREDIT_CODE: d[schema.CREDIT_CODE],
        schema.NAME: d[schema.NAME], "计入": d["计入"], "又见于": d["又见于"], "问题": warnings,
    }, columns=["级别", "规则", schema.CREDIT_CODE, schema.NAME, "计入", "又见于", "问题"])


def build(params, city: rollup.CityLedgers, counties: list[rollup.CountyLedgers],
          basis: rollup.CityBasis, warnings: list[str], previous: FactSet | None) -> Part:
    """The city's part (params: the city params; previous: the previous city run's facts,
    None when there is none of this 口径)."""
    names = [c.name for c in counties]
    groupings = count_groupings(city.industry, city.service, basis.as_of)
    by_county_counts = rollup.county_counts(city, names, basis.as_of)
    before = rollup.previous_county_rates(previous, names)
    by_county = rollup.county_table(by_county_counts, basis, before)
    by_category = annex_tables.category_table(groupings, basis)
    curves, as_of_day = annex_tables.curve_frame(city.industry, city.service, basis)
    tables = {run_folder.TABLE_COUNTIES: {"各县": by_county},
              run_folder.TABLE_CATEGORY: {"分类": by_category},
              run_folder.TABLE_AUDIT: {"审核清单": audit_table(city.duplicates, warnings)}}
    charts = {
        run_folder.FIGURE_CURVE: (curves, as_of_day, "截至" + format_month_day(params.as_of)),
        run_folder.FIGURE_CATEGORY: (by_category[by_category["类别"].isin(CHART_CATEGORIES)]
                                     .reset_index(drop=True),),
        run_folder.FIGURE_COUNTIES: (by_county[by_county[schema.COUNTY].isin(names)],),
    }
    facts = rollup.city_general_facts(params, basis).merge(
        rollup.city_facts(city, counties, basis, previous, groupings, by_county_counts))
    return Part("全市", facts, tables, charts)
