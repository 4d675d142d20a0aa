"""Enumerations the report states ("其中：批发业42户、零售业39户…"), built from the data.

Every list names each non-empty group once, in the standard order (DESIGN §3): 行业 in
GB/T 4754-2017 门类 order with 批发、零售、住宿、餐饮 in that order, townships in the county's
own order. A blank key is listed last as 未填, so the parts always add up to the total that
the list qualifies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.wording import join_items

UNFILLED = "未填"

# GB/T 4754-2017 门类 order: F 批发和零售业, G 交通运输、仓储和邮政业, H 住宿和餐饮业, then the
# 门类 of schema.SERVICE_SECTORS (already in that order, G first); F and H split into the trades
# the report names, so 批发、零售、住宿、餐饮 keep their usual order
TRADE_ORDER: tuple[str, ...] = (
    *schema.RETAIL_TRADES[:2], schema.SERVICE_SECTORS[0], *schema.RETAIL_TRADES[2:],
    *schema.SERVICE_SECTORS[1:],
)


def in_standard_order(keys: Iterable, order: Iterable[str]) -> list:
    """`keys` sorted by their place in `order`; others after them in the order given, 未填 last."""
    rank = {name: i for i, name in enumerate(order)}
    keys = list(dict.fromkeys(keys))
    known = sorted((k for k in keys if k in rank), key=rank.__getitem__)
    others = [k for k in keys if k not in rank and k != UNFILLED]
    return known + others + ([UNFILLED] if UNFILLED in keys else [])


def county_towns(*ledgers: pd.DataFrame, listed: Iterable[str] = ()) -> list[str]:
    """Townships in the county's own order: the params 乡镇 list first, then the order in which
    they first appear in the ledgers (never the character-code order of a categorical)."""
    seen = dict.fromkeys(listed)
    for ledger in ledgers:
        if schema.TOWN in ledger:
            seen |= dict.fromkeys(str(t) for t in pd.unique(ledger[schema.TOWN].dropna()))
    return list(seen)


def in_county_order(groups: Mapping, *ledgers: pd.DataFrame, listed: Iterable[str] = ()) -> dict:
    """Per-township `groups` re-keyed in the county's order (county_towns), 未填 last."""
    return {t: groups[t] for t in in_standard_order(groups, county_towns(*ledgers, listed=listed))}


def counted_items(counts: Mapping[str, int], order: Iterable[str], unit: str = "户") -> list[str]:
    """['批发业42户', '零售业39户', …]: the non-empty groups in standard order."""
    return [f"{name}{counts[name]}{unit}" for name in in_standard_order(counts, order) if counts[name]]


def count_list(counts: Mapping[str, int], order: Iterable[str], unit: str = "户") -> str | None:
    """'批发业42户、零售业39户…' (None when every group is empty)."""
    return join_items(counted_items(counts, order, unit))


def labelled_counts(pairs: Iterable[tuple[str, int]], unit: str = "户") -> list[str]:
    """['限额以上批零住餐企业3户', …] for the pairs with a count, in the order given."""
    return [f"{label}{count}{unit}" for label, count in pairs if count]
