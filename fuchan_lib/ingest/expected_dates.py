"""预计复工日期 texts read as dates, once when a run reads its ledgers (the audit, the 预计复工
sentence and the 督办 逾期 marks all read that one column).

The optional ledger column holds a date ("2023-03-10", "3月10日") or a part of a month
("预计3月上旬", "3月中旬", "3月下旬", "3月底"): 上旬 is read as the 10th, 中旬 the 20th,
下旬/底/末 the month's last day. Anything else ("3月", "3月初", "尽快") is not guessed: it has
no date (the audit warns, stats.expected counts the firm as 复工时间待定).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date

import numpy as np
import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.ingest.values import parse_date

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


def _filled(texts: pd.Series) -> pd.Series:
    """Which 预计复工日期 cells hold any text (blank and spaces do not)."""
    values = texts.astype(object)
    return values.notna() & (values.astype(str).str.strip() != "")


def parse_expected(texts: pd.Series, year: int) -> tuple[pd.Series, np.ndarray]:
    """(dates as datetime64, unreadable mask) of 预计复工日期 texts; blank is neither."""
    values = texts.astype(object)
    filled = _filled(values)
    unique = {t: _one(str(t), year) for t in pd.unique(values[filled])}
    days = pd.to_datetime(pd.Series([unique[t] if f else None for t, f in zip(values, filled)],
                                    index=texts.index, dtype=object))
    return days, (filled & days.isna()).to_numpy(dtype=bool)


def with_expected_days(ledger: pd.DataFrame, year: int) -> pd.DataFrame:
    """The ledger with its schema.EXPECTED_DAY column (when it has 预计复工日期), parsed once
    when the run reads it; it travels with every row slice."""
    if schema.EXPECTED not in ledger:
        return ledger
    return ledger.assign(**{schema.EXPECTED_DAY: parse_expected(ledger[schema.EXPECTED], year)[0]})


def expected_days(ledger: pd.DataFrame, year: int) -> pd.Series:
    """Each row's expected date (NaT when blank, unreadable or the column is absent): the
    column the run read, parsed here only for a frame made otherwise (tests, snapshots)."""
    if schema.EXPECTED_DAY in ledger:
        return ledger[schema.EXPECTED_DAY]
    if schema.EXPECTED not in ledger:
        return pd.Series(pd.NaT, index=ledger.index, dtype="datetime64[ns]")
    return parse_expected(ledger[schema.EXPECTED], year)[0]


def unreadable(ledger: pd.DataFrame, year: int) -> pd.Series:
    """Rows whose 预计复工日期 is filled but not a date that can be told (an audit warning)."""
    if schema.EXPECTED not in ledger:
        return pd.Series(False, index=ledger.index)
    return _filled(ledger[schema.EXPECTED]) & expected_days(ledger, year).isna()
