"""预计复工日期: when a firm that has not resumed expects to, as townships write it.

The optional ledger column holds a date ("2023-03-10", "3月10日") or a part of a month
("预计3月上旬", "3月中旬", "3月下旬", "3月底"): 上旬 is read as the 10th, 中旬 the 20th,
下旬/底/末 the month's last day. Anything else ("3月", "3月初", "尽快") is not guessed: the
audit warns and the firm counts as 复工时间待定. From it come the sentence "预计2月底前还将有N户
工业企业复工，其余M户复工时间待定" (horizon: the end of the as-of month) and the 逾期 mark of
the 督办 lists (a firm still waiting after its expected date).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.params import Params
from fuchan_lib.ingest.values import parse_date
from fuchan_lib.stats.facts import FactSet
from fuchan_lib.stats.rates import states_at

# 预计 / 计划 … 前 / 左右 / 复工: words around the date that do not change it
_AROUND = re.compile(r"^(?:预计|计划|拟|估计|争取)|(?:之前|以前|前|左右|复工复产|复工营业|复工|复产|营业|开工)+$")
_PART_OF_MONTH = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(上旬|中旬|下旬|底|末)")


def _one(text: str, year: int) -> date | None:
    """The date one cell means, or None when it cannot be told without guessing."""
    bare = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    for _ in range(2):  # "预计3月底前复工": both ends
        bare = _AROUND.sub("", bare)
    if m := _PART_OF_MONTH.fullmatch(bare):
        y, month = int(m[1] or year), int(m[2])
        if not 1 <= month <= 12:
            return None
        day = {"上旬": 10, "中旬": 20}.get(m[3], calendar.monthrange(y, month)[1])
        return date(y, month, day)
    parsed = parse_date(pd.Series([bare], dtype=object), year=year)
    value = parsed.values.iloc[0]
    return None if parsed.bad[0] or pd.isna(value) else value.date()


def parse_expected(texts: pd.Series, year: int) -> tuple[pd.Series, np.ndarray]:
    """(dates as datetime64, unreadable mask) of 预计复工日期 texts; blank is neither."""
    values = texts.astype(object)
    filled = values.notna() & (values.astype(str).str.strip() != "")
    unique = {t: _one(str(t), year) for t in pd.unique(values[filled])}
    days = pd.to_datetime(pd.Series([unique[t] if f else None for t, f in zip(values, filled)],
                                    index=texts.index, dtype=object))
    return days, (filled & days.isna()).to_numpy(dtype=bool)


def expected_dates(ledger: pd.DataFrame, year: int) -> pd.Series:
    """Each row's expected date (NaT when blank, unreadable or the column is absent)."""
    if schema.EXPECTED not in ledger:
        return pd.Series(pd.NaT, index=ledger.index, dtype="datetime64[ns]")
    return parse_expected(ledger[schema.EXPECTED], year)[0]


def unreadable(ledger: pd.DataFrame, year: int) -> pd.Series:
    """Rows whose 预计复工日期 is filled but not a date that can be told (an audit warning)."""
    if schema.EXPECTED not in ledger:
        return pd.Series(False, index=ledger.index)
    return pd.Series(parse_expected(ledger[schema.EXPECTED], year)[1], index=ledger.index)


def horizon(as_of: date) -> date:
    """The end of the as-of month: "预计2月底前"."""
    return date(as_of.year, as_of.month, calendar.monthrange(as_of.year, as_of.month)[1])


def overdue_days(expected: pd.Series, as_of: date) -> pd.Series:
    """Days past the expected date (on `as_of`) for a firm still waiting; NaN when not overdue."""
    late = (pd.Timestamp(as_of) - expected).dt.days
    return late.where(late > 0)


@dataclass(frozen=True)
class Expected:
    """The firms still waiting by their expected date; the four add up to them."""

    soon: int  # expected from the as-of date to the end of its month
    later: int  # expected after that
    overdue: int  # expected before the as-of date, still waiting (逾期)
    unknown: int  # no date, or one that cannot be told


def expected_counts(waiting_expected: pd.Series, as_of: date) -> Expected:
    stamp, last = pd.Timestamp(as_of), pd.Timestamp(horizon(as_of))
    return Expected(int(((waiting_expected >= stamp) & (waiting_expected <= last)).sum()),
                    int((waiting_expected > last).sum()), int((waiting_expected < stamp).sum()),
                    int(waiting_expected.isna().sum()))


def expected_sentence(noun: str, verb: str, counts: Expected, as_of: date) -> str | None:
    """'预计2月底前还将有3户工业企业复工，其余5户复工时间待定'; the parts add up to the firms
    still waiting. None when none of them has a date (the template's [[…]] block drops)."""
    if counts.unknown == counts.soon + counts.later + counts.overdue + counts.unknown:
        return None
    when = f"{horizon(as_of).month}月底"
    parts = []
    if counts.soon:
        parts.append(f"预计{when}前还将有{counts.soon}户{noun}{verb}")
    if counts.later:
        parts.append(f"{counts.later}户预计{when}以后{verb}")
    if counts.overdue:
        parts.append(f"{counts.overdue}户已过预计{verb}日期仍未{verb}")
    if counts.unknown:
        parts.append(f"其余{counts.unknown}户{verb}时间待定")
    if not counts.soon:
        parts[0] = f"尚未{verb}的{noun}中，" + parts[0]
    return "，".join(parts)


def expected_facts(ledger: pd.DataFrame, params: Params, prefix: str, noun: str, verb: str,
                   states: np.ndarray | None = None) -> FactSet:
    """{prefix}.预计复工 (the sentence) and its counts, over the firms still waiting (`states`:
    the run's rates.states_at of the ledger, worked out here when not given)."""
    states = states_at(ledger, params.as_of) if states is None else states
    waiting = states == schema.STATE_ON_HOLIDAY
    counts = expected_counts(expected_dates(ledger, params.spring_festival.year)[waiting], params.as_of)
    facts = FactSet()
    facts.text(f"{prefix}.预计复工", expected_sentence(noun, verb, counts, params.as_of),
               f"未{verb}的{noun}按预计{verb}日期分（各部分相加等于未{verb}户数；没有企业填预计日期时无值）")
    for key, value, what in (("预计月底前复工", counts.soon, "预计截止日期所在月底前复工"),
                             ("预计月底后复工", counts.later, "预计截止日期所在月底以后复工"),
                             ("逾期未复工", counts.overdue, "已过预计复工日期仍未复工"),
                             ("复工时间待定", counts.unknown, "没有填（或无法识别）预计复工日期")):
        facts.count(f"{prefix}.{key}", value or None, f"未复工的{noun}中{what}的户数（为0时没有值）")
    return facts
