"""The 经济指标 sentences: every indicator the ledger holds, with only the clauses its data allows.

For each indicator: the actual 本期 and 同比 for the period ending 指标期末 ("1月份，全县规模以上
工业总产值完成6.98亿元，同比增长3.0%，完成目标的30.9%，低于时序进度2.4个百分点"), and the target
("力争3月底前，规模以上工业总产值完成22.59亿元，同比增长10.0%"). A clause whose figure cannot
exist for this data (no 上年同期, no target, target period unknown) is left out of the sentence
rather than shown as 【待补充】, and `omissions` says which and why, once, for `fuchan check`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from fuchan_lib.core.wording import (format_date, format_money_as, format_percent, growth_phrase,
                                     progress_phrase)
from fuchan_lib.stats.growth import IndicatorGrowth

_QUARTER_NAMES = {3: "一季度", 6: "上半年", 9: "前三季度", 12: "全年"}


def _month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def period_name(period_end: date) -> str:
    """How reports name the months 本期 covers: '1月份', '1-2月', '一季度', '上半年', …;
    a period ending mid-month is named by its dates ('1月1日至2月15日')."""
    if not _month_end(period_end):
        return f"1月1日至{period_end.month}月{period_end.day}日"
    if period_end.month == 1:
        return "1月份"
    return _QUARTER_NAMES.get(period_end.month, f"1-{period_end.month}月")


def period_start(as_of: date) -> date:
    """First day of the quarter whose indicators a report on `as_of` can hold: the quarter of
    the last full month before it (a report in the first weeks of April still has March's)."""
    last_month = as_of.replace(day=1) - timedelta(days=1)
    return date(last_month.year, 3 * ((last_month.month - 1) // 3) + 1, 1)


def before_period(period_end: date, as_of: date) -> str | None:
    """Why indicators ending `period_end` cannot be this report's (None when they can): they end
    before the quarter the report covers began, so they are an earlier period's figures."""
    start = period_start(as_of)
    if period_end >= start:
        return None
    quarter = f"{start.year}年{'一二三四'[(start.month - 1) // 3]}季度"
    return (f"参数“指标期末”是{format_date(period_end)}，早于本期（{quarter}，{format_date(start)}起）："
            "经济指标是上一期的数")


def deadline_words(target_end: date | None) -> str | None:
    """'3月底前' for the period the targets refer to ('年底前' for a full-year target)."""
    if target_end is None:
        return None
    return "年底前" if target_end.month == 12 else f"{target_end.month}月底前"


def _prefixed(word: str, phrase: str | None) -> str | None:
    return None if phrase is None else word + phrase


@dataclass(frozen=True)
class Omission:
    """A clause left out of an indicator sentence, and why (said once by `fuchan check`)."""

    clause: str
    reason: str
    indicator: str


def _clauses(parts: list[tuple[str | None, str, str]], name: str, left_out: list[Omission]) -> list[str]:
    """Keep the clauses that have words; record the others as omissions."""
    kept = []
    for words, clause, reason in parts:
        if words is None:
            left_out.append(Omission(clause, reason, name))
        else:
            kept.append(words)
    return kept


@dataclass(frozen=True)
class IndicatorText:
    """The two sentences (without the final 。) and what they leave out."""

    actual: str | None
    target: str | None
    omissions: tuple[Omission, ...]


def indicator_text(rows: list[IndicatorGrowth], period_end: date, target_end: date | None,
                   schedule: Fraction | None, *, digits: int = 1, unit: str = "自动",
                   whole: str = "全县") -> IndicatorText:
    """Both sentences for every indicator row, in the ledger's order; `whole` is how the
    area names itself ("全县", "全区", "全市")."""
    left_out: list[Omission] = []
    actual_items, target_items = [], []
    for row in rows:
        completion = format_percent(row.completion, digits)
        no_target = "经济指标没有填目标"
        progress = None
        if row.completion is not None:
            progress = progress_phrase(row.completion, schedule, digits)
        progress_reason = no_target if row.completion is None else (
            "参数文件没有填“目标截止”，目标所指的期间不明" if target_end is None
            else "指标期末早于目标期的开始，时序进度无从计算")
        actual = _clauses([
            (format_money_as(row.current, unit), "本期", "经济指标没有填本期"),
            (_prefixed("同比", growth_phrase(row.growth, digits)), "同比", "经济指标没有上年同期，也没有填增速"),
            (None if completion is None else f"完成目标的{completion}", "完成目标的x%", no_target),
            (progress, "时序进度", progress_reason),
        ], row.name, left_out)
        if actual and row.current is not None:
            actual_items.append(f"{row.name}完成" + "，".join(actual))
        target_money = format_money_as(row.target, unit)
        target_growth = growth_phrase(row.target_growth, digits)
        if target_money is None and target_growth is None:
            left_out.append(Omission("目标", "经济指标没有填目标和目标增速", row.name))
        elif target_money is None:
            left_out.append(Omission("目标金额", "经济指标没有填目标", row.name))
            target_items.append(f"{row.name}同比{target_growth}")
        else:
            growth = _clauses([(target_growth, "目标同比",
                                "经济指标没有填目标增速，目标与本期又不是同一期间，无法推算")],
                              row.name, left_out)
            target_items.append("，".join([f"{row.name}完成{target_money}"] + [f"同比{g}" for g in growth]))
    actual_text = f"{period_name(period_end)}，{whole}" + "；".join(actual_items) if actual_items else None
    deadline = deadline_words(target_end)
    lead = f"力争{deadline}，" if deadline else "力争"
    target_text = lead + "；".join(target_items) if target_items else None
    return IndicatorText(actual_text, target_text, tuple(left_out))


def describe_omissions(omissions: tuple[Omission, ...] | list[Omission]) -> list[str]:
    """One line per (clause, reason), naming the indicators: what `fuchan check` prints."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for item in omissions:
        grouped.setdefault((item.clause, item.reason), []).append(item.indicator)
    return [f"{'、'.join(names)}：不写“{clause}”（{reason}）" for (clause, reason), names in grouped.items()]
