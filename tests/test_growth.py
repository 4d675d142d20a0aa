"""同比, comparable-scope growth, targets and 时序进度 against hand-computed values."""

from datetime import date
from fractions import Fraction

import pandas as pd
import pytest

from fuchan_lib.core import schema
from fuchan_lib.stats.growth import (
    comparable_growth, indicator_growth, schedule_progress, target_completion, yoy,
)
from fuchan_lib.core.wording import growth_phrase, progress_phrase


@pytest.mark.parametrize(
    "current, last_year, expected",
    [(110, 100, Fraction(10)), (98.5, 100, Fraction(-3, 2)), (5, 0, None), (5, None, None)],
)
def test_yoy(current, last_year, expected):
    assert yoy(current, last_year) == expected


def test_comparable_scope_uses_only_enterprises_with_both_values():
    rows = pd.DataFrame({
        schema.NAME: ["甲", "乙", "丙"],
        schema.INDICATOR: ["规模以上工业总产值"] * 3,
        schema.CURRENT: [120.0, 80.0, 50.0],
        schema.LAST_YEAR: [100.0, 100.0, None],  # 丙 is new this year: out of scope
    })
    assert comparable_growth(rows) == {"规模以上工业总产值": Fraction(0)}


@pytest.mark.parametrize(
    "period_end, target_end, expected",
    [
        (date(2023, 6, 30), date(2023, 12, 31), Fraction(50)),
        (date(2023, 1, 31), date(2023, 3, 31), Fraction(100, 3)),
        (date(2023, 3, 31), date(2023, 3, 31), Fraction(100)),
        (date(2022, 12, 31), date(2023, 3, 31), None),
    ],
)
def test_schedule_progress(period_end, target_end, expected):
    assert schedule_progress(period_end, target_end) == expected


def test_half_year_ahead_of_schedule():
    completion = target_completion(56.6, 100)
    progress = schedule_progress(date(2023, 6, 30), date(2023, 12, 31))
    assert progress_phrase(completion, progress) == "超时序进度6.6个百分点"


def _indicators(**overrides):
    row = {schema.INDICATOR: "规模以上工业增加值", schema.UNIT: "万元", schema.CURRENT: 5000.0,
           schema.LAST_YEAR: 5200.0, schema.GROWTH: None, schema.TARGET: 20000.0,
           schema.TARGET_GROWTH: None}
    return pd.DataFrame([row | overrides])


def test_official_growth_wins_over_values():
    (row,) = indicator_growth(_indicators(**{schema.GROWTH: 3.4}))
    assert (row.growth, row.growth_source) == (Fraction(17, 5), "官方增速")


def test_growth_from_values_when_no_official_figure():
    (row,) = indicator_growth(_indicators())
    assert row.growth_source == "本期/上年同期"
    assert growth_phrase(row.growth) == "下降3.8%"  # 5000/5200 − 1 = −3.846%


def test_values_in_yi_yuan_are_converted_to_wan():
    (row,) = indicator_growth(_indicators(**{schema.UNIT: "亿元", schema.CURRENT: 1.5,
                                               schema.LAST_YEAR: 1.2, schema.TARGET: 6}))
    assert (row.current, row.last_year, row.target) == (15000, 12000, 60000)
    assert row.completion == Fraction(25)


def test_target_growth_implied_only_for_the_same_period():
    (other,) = indicator_growth(_indicators())
    assert other.target_growth is None
    (same,) = indicator_growth(_indicators(), same_period_target=True)
    assert growth_phrase(same.target_growth) == "增长284.6%"  # 20000 / 5200 − 1
    (given,) = indicator_growth(_indicators(**{schema.TARGET_GROWTH: 6.0}))
    assert given.target_growth == 6
