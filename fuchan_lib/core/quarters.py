"""Quarters and 春节: the calendar a params file's dates follow (`new-period`, `新县`).

A quarter's dates: 截止日期 = the 15th of the quarter's second month (in Q1 at least a week
after 春节), 报告日期 = the next day, 目标截止 = quarter end, 指标期末 = end of the month
before 截止日期, 名录截止日期 = end of the previous quarter (for Q1 the previous year-end).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from fuchan_lib.core.exceptions import ParamsError

# 春节 (正月初一) by year, for a new quarter in another year
SPRING_FESTIVALS = {
    2020: date(2020, 1, 25), 2021: date(2021, 2, 12), 2022: date(2022, 2, 1),
    2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29),
    2026: date(2026, 2, 17), 2027: date(2027, 2, 6), 2028: date(2028, 1, 26),
    2029: date(2029, 2, 13), 2030: date(2030, 2, 3), 2031: date(2031, 1, 23),
    2032: date(2032, 2, 11), 2033: date(2033, 1, 31), 2034: date(2034, 2, 19),
    2035: date(2035, 2, 8),
}
QUARTER_WORDS = "一二三四"
DAYS_AFTER_FESTIVAL = 7  # a Q1 as-of date is at least this long after 春节
_QUARTER = re.compile(r"^\s*(\d{4})\s*(?:[Qq]\s*([1-4])|年\s*第?\s*([1-4一二三四])\s*季度?)\s*$")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def words(self) -> str:
        return f"{self.year}年{QUARTER_WORDS[self.number - 1]}季度"

    @property
    def end(self) -> date:
        return month_end(self.year, 3 * self.number)

    @property
    def previous_end(self) -> date:
        return date(self.year, 3 * self.number - 2, 1) - timedelta(days=1)


def parse_quarter(text: str) -> Quarter:
    """'2023Q2', '2023年二季度', '2023年第2季度' -> Quarter(2023, 2); anything else is a
    Chinese ParamsError."""
    match = _QUARTER.match(text or "")
    if not match:
        raise ParamsError(
            f"季度“{text}”的写法不对：应写成“年份Q季度”，季度为1到4，例如 2023Q2（或 2023年二季度）"
        )
    number = match.group(2) or match.group(3)
    return Quarter(int(match.group(1)), int(number) if number.isdigit() else QUARTER_WORDS.index(number) + 1)


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def first_season(day: date) -> Quarter:
    """The quarter a county set up on `day` reports first: the quarter itself in the first half
    of the year (the 春节 resumption is under way), else the next year's first quarter (a county
    set up in December prepares for the coming 春节, not a fourth quarter after the last one)."""
    return quarter_of(day) if day.month <= 6 else Quarter(day.year + 1, 1)


def month_end(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def last_full_month_end(as_of: date) -> date:
    """The default 指标期末: the end of the month before the as-of date (statistics for a
    month are published after it ends)."""
    return as_of.replace(day=1) - timedelta(days=1)


def quarter_dates(quarter: Quarter, festival: date) -> dict[str, date]:
    """The params dates of a quarter whose year's 春节 is `festival` (see the module docstring)."""
    as_of = date(quarter.year, 3 * quarter.number - 1, 15)
    if quarter.number == 1 and as_of < festival + timedelta(days=DAYS_AFTER_FESTIVAL):
        as_of = festival + timedelta(days=DAYS_AFTER_FESTIVAL)
    dates = {
        "名录截止日期": quarter.previous_end,
        "春节": festival,
        "截止日期": as_of,
        "报告日期": as_of + timedelta(days=1),
        "目标截止": quarter.end,
        "指标期末": last_full_month_end(as_of),
    }
    return dates
