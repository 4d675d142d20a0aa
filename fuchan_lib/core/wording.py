"""Chinese wording of numbers (DESIGN §3): 四舍五入, 增长/下降/持平, 个百分点, 万元/亿元, dates.

Every function returns `None` when its input has no value (a zero or missing denominator
upstream); the report renders that as 【待补充】 and tables as "—". Rounding is always
`decimal.ROUND_HALF_UP` on the exact value, never Python's banker's `round()`.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from numbers import Real

Number = int | float | Fraction | Decimal


def is_missing(value) -> bool:
    """True for None, NaN and pandas NA: the values that mean 'no figure'."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and pd.NA compare unequal (pd.NA raises)
    except TypeError:
        return True


def to_decimal(value: Number) -> Decimal:
    """Exact decimal of a number; floats are taken at their shortest repr, as Excel shows them."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, Fraction):
        # enough digits that half-up rounding to a few places is exact in practice
        return Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, float):  # numpy.float64 too: float() first, its repr names the type
        return Decimal(repr(float(value)))
    if hasattr(value, "item"):  # numpy integers
        return Decimal(value.item())
    return Decimal(value)


def round_half_up(value: Number, digits: int = 1) -> Decimal | None:
    """四舍五入 to `digits` decimals: 81.25 -> 81.3, -0.05 -> -0.1."""
    if is_missing(value) or (isinstance(value, float) and math.isinf(value)):
        return None
    quantum = Decimal(1).scaleb(-digits)
    return to_decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)


def _plain(d: Decimal) -> str:
    """Decimal to text without exponent and with '0' instead of '-0'."""
    text = format(d, "f")
    if text.lstrip("-").strip("0.") == "":
        text = text.lstrip("-")
    return text


def format_number(value: Number | None, digits: int = 1) -> str | None:
    """A number rounded half-up to `digits` decimals, as text: 12.345 -> '12.3'."""
    rounded = round_half_up(value, digits) if not is_missing(value) else None
    return None if rounded is None else _plain(rounded)


def format_percent(value: Number | None, digits: int = 1) -> str | None:
    """A percentage value (already ×100) as text with the sign: 81.25 -> '81.3%'."""
    text = format_number(value, digits)
    return None if text is None else text + "%"


def ratio_percent(numerator, denominator) -> Fraction | None:
    """Exact numerator/denominator × 100, or None when the denominator is zero or missing."""
    if is_missing(numerator) or is_missing(denominator) or denominator == 0:
        return None
    return Fraction(to_decimal(numerator)) * 100 / Fraction(to_decimal(denominator))


def growth_phrase(growth: Number | None, digits: int = 1) -> str | None:
    """同比 wording: 5.26 -> '增长5.3%', -1.5 -> '下降1.5%', -0.04 -> '持平'."""
    rounded = round_half_up(growth, digits) if not is_missing(growth) else None
    if rounded is None:
        return None
    if rounded == 0:
        return "持平"
    word = "增长" if rounded > 0 else "下降"
    return f"{word}{_plain(abs(rounded))}%"


def points_phrase(
    current: Number | None, previous: Number | None, digits: int = 1, *, growth_rates: bool = False
) -> str | None:
    """Change between two rates in 个百分点.

    Plain rates (复工率): '提高3.2个百分点' / '回落3.2个百分点' / '持平'. With `growth_rates`
    (two growth rates, both negative): '降幅收窄3.8个百分点' / '降幅扩大…'.
    """
    if is_missing(current) or is_missing(previous):
        return None
    cur, prev = round_half_up(current, digits), round_half_up(previous, digits)
    diff = cur - prev
    if diff == 0:
        return "持平"
    amount = _plain(abs(diff))
    if growth_rates and cur < 0 and prev < 0:
        return f"降幅{'收窄' if diff > 0 else '扩大'}{amount}个百分点"
    return f"{'提高' if diff > 0 else '回落'}{amount}个百分点"


def progress_phrase(completion: Number | None, schedule: Number | None, digits: int = 1) -> str | None:
    """完成率 against 时序进度: '超时序进度6.6个百分点' / '低于时序进度…' / '与时序进度持平'."""
    if is_missing(completion) or is_missing(schedule):
        return None
    diff = round_half_up(completion, digits) - round_half_up(schedule, digits)
    if diff == 0:
        return "与时序进度持平"
    word = "超时序进度" if diff > 0 else "低于时序进度"
    return f"{word}{_plain(abs(diff))}个百分点"


def format_money(wan_yuan: Number | None, *, yi_threshold: Number = 10000, yi_digits: int = 2,
                 wan_digits: int = 1) -> str | None:
    """An amount given in 万元 as text: ≥ 1亿元 in 亿元 (2 decimals), below in 万元 (a whole
    number without ".0"). The switch is decided on the rounded 万元: 9999.96 -> '1.00亿元'."""
    if is_missing(wan_yuan):
        return None
    value = to_decimal(wan_yuan)
    if abs(round_half_up(value, wan_digits)) >= to_decimal(yi_threshold):
        return f"{_plain(round_half_up(value / 10000, yi_digits))}亿元"
    wan = round_half_up(value, wan_digits)
    # statisticians write a whole number of 万元 without ".0": 3460万元, but 978.4万元
    return f"{_plain(wan.to_integral_value() if wan == wan.to_integral_value() else wan)}万元"


def format_money_as(wan_yuan: Number | None, unit: str = "自动") -> str | None:
    """An amount in 万元 in the unit params ask for: 自动 (亿元 from 1亿元 up), 万元 or 亿元."""
    if unit == "万元":
        return format_money(wan_yuan, yi_threshold=float("inf"))
    if unit == "亿元":
        return format_money(wan_yuan, yi_threshold=0)
    return format_money(wan_yuan)


def format_date(day: date | None) -> str | None:
    """Chinese date without leading zeros: 2023-02-05 -> '2023年2月5日'."""
    if is_missing(day):
        return None
    return f"{day.year}年{day.month}月{day.day}日"


def format_month_day(day: date | None) -> str | None:
    """'2月15日', for chart labels and short mentions."""
    if is_missing(day):
        return None
    return f"{day.month}月{day.day}日"


def format_count(value) -> str | None:
    """An integer count as text; None when missing."""
    if is_missing(value):
        return None
    if isinstance(value, Real) and float(value) != int(value):
        raise ValueError(f"count must be whole, got {value!r}")
    return str(int(value))


def join_items(items: list[str]) -> str | None:
    """Items of an enumeration: '、' between them, or '，' when an item itself holds '、'
    (门类 names such as 交通运输、仓储和邮政业); None for an empty list."""
    if not items:
        return None
    separator = "，" if any("、" in item for item in items) else "、"
    return separator.join(items)


def join_with_and(items: list[str]) -> str | None:
    """'A、B及C' (the last item after 及); 'A' alone; None for an empty list."""
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    return "、".join(items[:-1]) + "及" + items[-1]


def interval_words(previous: date | None, current: date) -> tuple[str | None, str | None]:
    """How a comparison with an earlier run is named: ('较上周', '本周') when it is exactly
    7 days earlier, else ('较2月1日', '2月1日以来'); (None, None) without an earlier run."""
    if previous is None:
        return None, None
    if (current - previous).days == 7:
        return "较上周", "本周"
    day = format_month_day(previous) if previous.year == current.year else format_date(previous)
    return f"较{day}", f"{day}以来"
