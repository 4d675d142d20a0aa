"""督办: who has not resumed, per 乡镇（园区）, for the township to follow up.

One function picks the not-resumed enterprises of both ledgers (the county's 未复工企业清单 is
these rows), and the township lists are a partition of them, so they add up by construction.
Townships come in the county's own order (params 乡镇, then first appearance in the ledgers);
blank towns last as 未填.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.ingest.expected_dates import expected_days, with_expected_days
from fuchan_lib.stats.expected import overdue_days
from fuchan_lib.stats.lists import county_towns
from fuchan_lib.stats.rates import waiting_rows

GROUP = "规模或类别"
DAYS = "春节后天数"
TOWN_BLANK = "未填"
# the standard order of the groups in every list
GROUP_ORDER = (schema.INDUSTRY_ABOVE, schema.INDUSTRY_BELOW) + schema.CATEGORIES


def town_order(*ledgers: pd.DataFrame, listed: Iterable[str] = ()) -> list[str]:
    """Townships in the county's order (lists.county_towns: params 乡镇, then the ledgers');
    未填 last when a town is blank."""
    blank = any(bool(ledger[schema.TOWN].isna().any()) for ledger in ledgers)
    return county_towns(*ledgers, listed=listed) + ([TOWN_BLANK] if blank else [])


ROW_COLUMNS = (schema.NAME, schema.CREDIT_CODE, schema.TOWN, GROUP, schema.TRADE, schema.REASON,
               schema.EXPECTED)
OVERDUE = "逾期"


def not_resumed_rows(industry: pd.DataFrame, service: pd.DataFrame, as_of: date,
                     listed: Iterable[str] = (), columns: Iterable[str] = ROW_COLUMNS) -> pd.DataFrame:
    """未复工企业: 企业名称, 统一社会信用代码, 乡镇（园区）, 规模或类别, 行业, 未复工原因 (or
    only `columns` of them: each costs a take of ~10^5 texts at 10^6 enterprises).

    Ordered by township (county order), then group (standard order), then ledger order."""
    names = tuple(columns)
    towns = town_order(industry, service, listed=listed)
    sources, town_rank, group_rank = [], [], []
    for label_column, df in ((schema.SCALE, industry), (schema.CATEGORY, service)):
        rows = waiting_rows(df, as_of)
        label = pd.Series(df[label_column].array.take(rows), copy=False)
        group = schema.industry_group_label(label) if label_column == schema.SCALE else label
        town_rank.append(_positions(df[schema.TOWN].array.take(rows), towns, blank=TOWN_BLANK))
        group_rank.append(_positions(group.array, GROUP_ORDER))
        sources.append((rows, group.array, df))
    # by township, then group (unknown ones last), ledger order within: lexsort is stable
    ranked = np.lexsort((np.concatenate(group_rank), np.concatenate(town_rank)))
    # each column taken once per ledger in ledger order, then put in the list's order
    return pd.DataFrame({c: np.concatenate([_texts(df, c, rows, group) for rows, group, df in sources])
                         .take(ranked) for c in names}, dtype=object, copy=False)


def _texts(df: pd.DataFrame, column: str, rows: np.ndarray, group) -> np.ndarray:
    """One column of the list for these rows of a ledger, as Python objects; the 工业台账 has no
    行业: left blank ("—" in tables), not "工业" for every firm; a blank town reads 未填."""
    if column == GROUP:
        return np.asarray(group, dtype=object)
    if column not in df:
        return np.full(len(rows), None, dtype=object)
    values = df[column].array.take(rows)
    texts = np.asarray(values, dtype=object)
    if column == schema.TOWN:
        texts[values.codes < 0 if isinstance(values.dtype, pd.CategoricalDtype) else pd.isna(texts)] = TOWN_BLANK
    return texts


def _positions(values, order: list, blank: str | None = None) -> np.ndarray:
    """Each value's position in `order` (a blank counts as `blank`; anything not in `order`
    after all of it), from the categories when the column is categorical: no text hashed."""
    where = {value: i for i, value in enumerate(order)}
    last = len(order)
    if isinstance(values.dtype, pd.CategoricalDtype):
        lookup = [where.get(c, last) for c in values.categories] + [where.get(blank, last)]
        return np.asarray(lookup, dtype=np.int64)[values.codes]  # code -1: blank
    values = pd.Series(values, copy=False)
    filled = values.where(values.notna(), blank) if blank is not None else values
    codes = pd.Categorical(filled, categories=order).codes
    return np.where(codes < 0, last, codes).astype(np.int64)


def follow_up_lists(rows: pd.DataFrame, towns: list[str], spring_festival: date,
                    as_of: date) -> dict[str, pd.DataFrame]:
    """One list per township (county order, only towns with firms not resumed) with 春节后天数,
    and 逾期 ("逾期5天") for a firm still waiting after its 预计复工日期; without any expected
    date in the ledgers neither column is shown. `rows` may carry the dates the run read
    (schema.EXPECTED_DAY, see `county_follow_up`); else their texts are read here."""
    days = (as_of - spring_festival).days
    if schema.EXPECTED in rows:
        if rows[schema.EXPECTED].notna().any():
            expected = pd.to_datetime(expected_days(rows, spring_festival.year))
            late = overdue_days(expected, as_of)
            rows = rows.assign(**{OVERDUE: [None if pd.isna(d) else f"逾期{int(d)}天" for d in late]})
        else:
            rows = rows.drop(columns=schema.EXPECTED)
    rows = rows.drop(columns=schema.EXPECTED_DAY, errors="ignore")
    lists = {}
    for town in towns:
        mine = rows[rows[schema.TOWN] == town].drop(columns=schema.TOWN)
        if len(mine):
            mine = mine.assign(**{DAYS: days}).reset_index(drop=True)
            mine.insert(0, "序号", range(1, len(mine) + 1))
            lists[town] = mine
    return lists


def follow_up_summary(lists: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """汇总: firms not resumed per township and group, with a 合计 row; columns only for groups
    that occur, so the sheet stays narrow enough to print on one page."""
    counts = pd.DataFrame(
        [{GROUP: g, "乡镇（园区）": town} for town, df in lists.items() for g in df[GROUP]],
        columns=[GROUP, "乡镇（园区）"],
    )
    present = [g for g in GROUP_ORDER if g in set(counts[GROUP])]
    table = pd.crosstab(counts["乡镇（园区）"], counts[GROUP]).reindex(
        index=list(lists), columns=present, fill_value=0)
    table.insert(0, "未复工企业", table.sum(axis=1))
    table.loc["合计"] = table.sum(axis=0)
    table.index.name = "乡镇（园区）"
    table.columns.name = None
    return table.reset_index()


def county_follow_up(industry: pd.DataFrame, service: pd.DataFrame, spring_festival: date,
                     as_of: date, listed: Iterable[str] = ()) -> dict[str, pd.DataFrame]:
    """A county's 督办 lists, township by township in the county's order (`listed`: params 乡镇)."""
    # the expected dates read once with the ledgers (read here for ledgers made otherwise)
    industry, service = (df if schema.EXPECTED_DAY in df else with_expected_days(df, spring_festival.year)
                         for df in (industry, service))
    rows = not_resumed_rows(industry, service, as_of, listed, ROW_COLUMNS + (schema.EXPECTED_DAY,))
    return follow_up_lists(rows, town_order(industry, service, listed=listed), spring_festival, as_of)
