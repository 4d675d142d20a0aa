"""预计复工日期: when a firm that has not resumed expects to, as townships write it (read as
dates once, by ingest.expected_dates; a text that cannot be told without guessing has none: the
audit warns and the firm counts as 复工时间待定). From it come the sentence "预计2月底前还将有N户
工业企业复工，其余M户复工时间待定" (horizon: the end of the as-of month) and the 逾期 mark of
the 督办 lists (a firm still waiting after its expected date).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.params import Params
from fuchan_lib.ingest.expected_dates import expected_days
from fuchan_lib.stats.facts import FactSet
from fuchan_lib.stats.rates import states_at


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
    counts = expected_counts(expected_days(ledger, params.spring_festival.year)[waiting], params.as_of)
    facts = FactSet()
    facts.text(f"{prefix}.预计复工", expected_sentence(noun, verb, counts, params.as_of),
               f"未{verb}的{noun}按预计{verb}日期分（各部分相加等于未{verb}户数；没有企业填预计日期时无值）")
    for key, value, what in (("预计月底前复工", counts.soon, "预计截止日期所在月底前复工"),
                             ("预计月底后复工", counts.later, "预计截止日期所在月底以后复工"),
                             ("逾期未复工", counts.overdue, "已过预计复工日期仍未复工"),
                             ("复工时间待定", counts.unknown, "没有填（或无法识别）预计复工日期")):
        facts.count(f"{prefix}.{key}", value or None, f"未复工的{noun}中{what}的户数（为0时没有值）")
    return facts
