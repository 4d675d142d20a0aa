"""Growth of economic indicators (DESIGN §3): 同比, comparable-scope growth, targets, 时序进度.

All results are exact `Fraction` percentages or None ("no value"). Which growth a report states
is an explicit choice recorded with the number (`GrowthSource`), because an official figure
(e.g. 增加值 at comparable prices) cannot be derived from the values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.wording import is_missing, ratio_percent, to_decimal


def yoy(current, last_year) -> Fraction | None:
    """同比 = (本期 / 上年同期 − 1) × 100; None when 上年同期 is zero or missing."""
    ratio = ratio_percent(current, last_year)
    return None if ratio is None else ratio - 100


def comparable_growth(rows: pd.DataFrame) -> dict[str, Fraction | None]:
    """可比口径 同比 per 指标 from enterprise rows: Σ本期 / Σ上年同期 over enterprises with both."""
    result: dict[str, Fraction | None] = {}
    for name, group in rows.groupby(schema.INDICATOR, sort=False):
        current = pd.to_numeric(group[schema.CURRENT], errors="coerce")
        base = pd.to_numeric(group[schema.LAST_YEAR], errors="coerce")
        both = current.notna() & base.notna()
        result[name] = yoy(
            sum(Fraction(to_decimal(float(v))) for v in current[both]),
            sum(Fraction(to_decimal(float(v))) for v in base[both]),
        )
    return result


def target_completion(current, target) -> Fraction | None:
    """完成率 = 本期 / 目标 × 100."""
    return ratio_percent(current, target)


def months_between(start: date, end: date) -> Fraction:
    """Whole and partial months from `start` (first day counted) to `end` (inclusive)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    days_in_month = (pd.Timestamp(end) + pd.offsets.MonthEnd(0)).day
    return Fraction(months) + Fraction(end.day, days_in_month)


def schedule_progress(period_end: date, target_end: date) -> Fraction | None:
    """时序进度 (percent): share of the target period elapsed by the data's period end.

    With a full-year target this is elapsed months / 12 (1-6月 -> 50%); with a quarter
    target ending 3月31日 and data to 1月31日 it is 1/3.
    """
    start = date(target_end.year, 1, 1)
    if period_end < start:
        return None
    return ratio_percent(months_between(start, min(period_end, target_end)),
                         months_between(start, target_end))


@dataclass(frozen=True)
class IndicatorGrowth:
    """One indicator's figures, with the growth the report states and where it comes from."""

    name: str
    unit: str
    current: float | None  # in 万元
    last_year: float | None
    growth: Fraction | None
    growth_source: str  # 官方增速 | 可比口径 | 本期/上年同期 | 无
    target: float | None
    target_growth: Fraction | None
    completion: Fraction | None


def _wan(value, unit: str) -> float | None:
    """Value converted to 万元 (ledgers may give 亿元)."""
    if is_missing(value):
        return None
    return float(value) * (10000 if unit == "亿元" else 1)


def indicator_growth(
    indicators: pd.DataFrame,
    enterprise_rows: pd.DataFrame | None = None,
    *,
    same_period_target: bool = False,
) -> list[IndicatorGrowth]:
    """Each indicator row with its stated growth.

    Growth precedence: an official 增速 in the ledger, else 可比口径 from enterprise rows, else
    本期/上年同期. 目标增速 is the ledger's when given; otherwise it is implied by 目标 over
    上年同期 only when the target refers to the same period as the data (`same_period_target`).
    """
    comparable = comparable_growth(enterprise_rows) if enterprise_rows is not None else {}
    result = []
    for row in indicators.to_dict("records"):
        unit = row[schema.UNIT]
        current, last_year = _wan(row[schema.CURRENT], unit), _wan(row[schema.LAST_YEAR], unit)
        target = _wan(row[schema.TARGET], unit)
        if not is_missing(row[schema.GROWTH]):
            growth, source = Fraction(to_decimal(float(row[schema.GROWTH]))), "官方增速"
        elif comparable.get(row[schema.INDICATOR]) is not None:
            growth, source = comparable[row[schema.INDICATOR]], "可比口径"
        else:
            growth = yoy(current, last_year)
            source = "本期/上年同期" if growth is not None else "无"
        if not is_missing(row[schema.TARGET_GROWTH]):
            target_growth = Fraction(to_decimal(float(row[schema.TARGET_GROWTH])))
        elif same_period_target:
            target_growth = yoy(target, last_year)
        else:
            target_growth = None
        result.append(
            IndicatorGrowth(
                name=row[schema.INDICATOR], unit=unit, current=current, last_year=last_year,
                growth=growth, growth_source=source, target=target, target_growth=target_growth,
                completion=target_completion(current, target),
            )
        )
    return result
