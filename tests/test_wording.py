"""Known answers for 四舍五入 and the growth / 个百分点 wording (DESIGN §3)."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from fuchan_lib.core import wording


@pytest.mark.parametrize(
    "numerator, denominator, expected",
    [
        (13, 16, "81.3%"),  # 81.25: half-up, not banker's 81.2
        (2, 3, "66.7%"),
        (1, 8, "12.5%"),
        (1, 1, "100.0%"),
        (0, 5, "0.0%"),
        (1, 40, "2.5%"),  # 2.5 exactly stays 2.5
        (1, 400, "0.3%"),  # 0.25 -> 0.3
    ],
)
def test_rates_round_half_up(numerator, denominator, expected):
    assert wording.format_percent(wording.ratio_percent(numerator, denominator)) == expected


@pytest.mark.parametrize("denominator", [0, None, float("nan"), pd.NA])
def test_zero_or_missing_denominator_has_no_value(denominator):
    assert wording.ratio_percent(5, denominator) is None
    assert wording.format_percent(None) is None


@pytest.mark.parametrize(
    "value, digits, expected",
    [(2.675, 2, "2.68"), (0.125, 2, "0.13"), (1.05, 1, "1.1"), (-1.05, 1, "-1.1"), (-0.04, 1, "0.0")],
)
def test_float_inputs_round_at_their_shown_value(value, digits, expected):
    # round(2.675, 2) == 2.67 in Python; statisticians expect 2.68
    assert wording.format_number(value, digits) == expected


@pytest.mark.parametrize(
    "growth, expected",
    [
        (5.26, "增长5.3%"),
        (-1.5, "下降1.5%"),
        (-0.04, "持平"),
        (0.04, "持平"),
        (0.05, "增长0.1%"),
        (-0.05, "下降0.1%"),
        (Fraction(-1, 3), "下降0.3%"),
        (None, None),
    ],
)
def test_growth_phrase(growth, expected):
    assert wording.growth_phrase(growth) == expected


@pytest.mark.parametrize(
    "current, previous, growth_rates, expected",
    [
        (-1.5, -5.3, True, "降幅收窄3.8个百分点"),
        (-5.3, -1.5, True, "降幅扩大3.8个百分点"),
        (85.0, 81.8, False, "提高3.2个百分点"),
        (78.6, 81.8, False, "回落3.2个百分点"),
        (81.25, 81.3, False, "持平"),  # both show as 81.3%
        (2.0, -1.0, True, "提高3.0个百分点"),
        (None, 3.0, False, None),
    ],
)
def test_points_phrase(current, previous, growth_rates, expected):
    assert wording.points_phrase(current, previous, growth_rates=growth_rates) == expected


def test_no_growth_phrase_ever_reads_growth_minus():
    for tenths in range(-100, 101):
        phrase = wording.growth_phrase(tenths / 10 - 0.04)
        assert "增长-" not in phrase and "下降-" not in phrase


@pytest.mark.parametrize(
    "completion, schedule, expected",
    [
        (56.6, 50, "超时序进度6.6个百分点"),
        (45.0, 50, "低于时序进度5.0个百分点"),
        (50.04, 50, "与时序进度持平"),
    ],
)
def test_progress_phrase(completion, schedule, expected):
    assert wording.progress_phrase(completion, schedule) == expected


@pytest.mark.parametrize(
    "wan, expected",
    [
        (152345.678, "15.23亿元"),
        (10000, "1.00亿元"),
        (9999.96, "1.00亿元"),  # would read 10000.0万元
        (9999.94, "9999.9万元"),
        (3456.25, "3456.3万元"),
        (3460, "3460万元"),  # whole 万元: no ".0"
        (3460.0, "3460万元"),
        (3459.96, "3460万元"),  # rounds to a whole number
        (978.4, "978.4万元"),
        (0, "0万元"),
        (9999.95, "1.00亿元"),  # 9999.95 rounds half-up to 10000.0万元: the 亿元 side
        (10000.4, "1.00亿元"),
        (12345, "1.23亿元"),
        (12350, "1.24亿元"),  # 1.235 half-up
        (-20000, "-2.00亿元"),
        (None, None),
    ],
)
def test_money_in_wan_or_yi(wan, expected):
    assert wording.format_money(wan) == expected


def test_chinese_dates_have_no_leading_zeros():
    assert wording.format_date(date(2023, 2, 5)) == "2023年2月5日"
    assert wording.format_month_day(date(2023, 2, 15)) == "2月15日"
    assert wording.format_date(None) is None


def test_round_half_up_keeps_exact_decimals():
    assert wording.round_half_up(Decimal("81.25"), 1) == Decimal("81.3")
    assert wording.round_half_up(Fraction(13, 16) * 100, 1) == Decimal("81.3")


def test_numpy_scalars_are_accepted():
    import numpy as np

    assert wording.format_percent(np.float64(81.25)) == "81.3%"
    assert wording.ratio_percent(np.int64(13), np.int64(16)) == Fraction(1625, 20)


@pytest.mark.parametrize(
    "items, expected",
    [
        (["批发业42户", "零售业39户"], "批发业42户、零售业39户"),
        (["交通运输、仓储和邮政业15户", "教育14户"], "交通运输、仓储和邮政业15户，教育14户"),
        ([], None),
    ],
)
def test_join_items_uses_a_comma_when_a_name_holds_a_dun_comma(items, expected):
    assert wording.join_items(items) == expected


def test_join_with_and_puts_ji_before_the_last():
    assert wording.join_with_and(["883家工业企业", "93家限额以上批零住餐企业", "185家大个体"]) == (
        "883家工业企业、93家限额以上批零住餐企业及185家大个体")
    assert wording.join_with_and(["883家工业企业"]) == "883家工业企业"
    assert wording.join_with_and([]) is None


@pytest.mark.parametrize(
    "previous, current, expected",
    [
        (date(2023, 2, 8), date(2023, 2, 15), ("较上周", "本周")),
        (date(2023, 2, 1), date(2023, 2, 15), ("较2月1日", "2月1日以来")),
        (date(2023, 2, 14), date(2023, 2, 15), ("较2月14日", "2月14日以来")),
        (date(2022, 12, 28), date(2023, 1, 4), ("较上周", "本周")),
        (date(2022, 12, 30), date(2023, 1, 4), ("较2022年12月30日", "2022年12月30日以来")),
        (None, date(2023, 2, 15), (None, None)),
    ],
)
def test_interval_is_named_truly(previous, current, expected):
    assert wording.interval_words(previous, current) == expected
