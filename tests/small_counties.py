"""Tiny canonical ledgers with hand-countable answers, shared by the 督办 and roll-up tests."""

from __future__ import annotations

import pandas as pd

from fuchan_lib.core import schema


def _frame(rows: list[dict], columns) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[c.name for c in columns])
    for c in columns:
        if c.kind == "choice":
            frame[c.name] = pd.Categorical(frame[c.name], categories=list(c.choices))
    frame[schema.RESUMED_ON] = pd.to_datetime(frame[schema.RESUMED_ON])
    for column in (schema.STAFF, schema.RETURNED):
        frame[column] = frame[column].astype("Int64")
    frame[schema.TOWN] = pd.Categorical(frame[schema.TOWN])
    return frame


def industry(rows) -> pd.DataFrame:
    """rows: (名称, 代码 or None, 乡镇, 规模, 状态, 复工日期 or None, 原因 or None)."""
    return _frame([
        {schema.NAME: n, schema.CREDIT_CODE: c, schema.TOWN: t, schema.SCALE: s, schema.STATUS: st,
         schema.RESUMED_ON: d, schema.STAFF: 10, schema.RETURNED: 8 if d else 0, schema.REASON: r}
        for n, c, t, s, st, d, r in rows], schema.INDUSTRY_COLUMNS)


def service(rows) -> pd.DataFrame:
    """rows: (名称, 代码 or None, 乡镇, 类别, 行业, 状态, 复工日期 or None, 原因 or None)."""
    return _frame([
        {schema.NAME: n, schema.CREDIT_CODE: c, schema.TOWN: t, schema.CATEGORY: k, schema.TRADE: tr,
         schema.STATUS: st, schema.RESUMED_ON: d, schema.STAFF: 5, schema.RETURNED: 5 if d else 0,
         schema.REASON: r}
        for n, c, t, k, tr, st, d, r in rows], schema.SERVICE_COLUMNS)
