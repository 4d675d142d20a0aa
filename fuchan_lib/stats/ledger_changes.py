"""This week's ledger against the previous run's snapshot (企业状态.csv), firm by firm.

Firms are matched across the two weeks by 统一社会信用代码, else by normalised name (NFKC,
spaces removed), each firm at most once. From the match come the 审核 warnings (firms that
left the ledger or came into it, a resumption date cleared or moved past the as-of date, a
changed 春节期间状态, 规模 or 类别) and the week-over-week counts of each group, which
reconcile by construction: last week's 已复工 + 新增 − 不再计入 = this week's 已复工.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from fuchan_lib.core import schema, wording
from fuchan_lib.ingest.firms import name_keys
from fuchan_lib.stats import audit
from fuchan_lib.stats.rates import RESUMED, states_at

GROUP = "规模或类别"
LEDGER = "台账"
WHY = "原因"


def _codes(snapshot: pd.DataFrame) -> pd.Series:
    """Credit codes of a snapshot; snapshots of older runs keep them only as the key."""
    if schema.CREDIT_CODE in snapshot:
        return snapshot[schema.CREDIT_CODE].astype(object)
    key, name = snapshot["键"].astype(object), snapshot[schema.NAME].astype(object)
    return key.where(key != name, None)


def match_firms(previous: pd.DataFrame, current: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Positions (in previous, in current) of the same firm: by credit code where both weeks
    have it, then by normalised name among the rest; the first row of a repeated key only."""
    sides = []
    for frame, tag in ((previous, "p"), (current, "c")):
        sides.append(pd.DataFrame({tag: np.arange(len(frame)), "code": _codes(frame).to_numpy(),
                                   "name": name_keys(frame[schema.NAME]).to_numpy()}))
    prev, cur = sides
    coded = [s[s["code"].notna()].drop_duplicates("code") for s in (prev, cur)]
    by_code = coded[0].merge(coded[1], on="code")[["p", "c"]]
    rest_p = prev[~prev["p"].isin(by_code["p"]) & prev["name"].notna()].drop_duplicates("name")
    rest_c = cur[~cur["c"].isin(by_code["c"]) & cur["name"].notna()].drop_duplicates("name")
    by_name = rest_p.merge(rest_c, on="name")[["p", "c"]]
    pairs = pd.concat([by_code, by_name], ignore_index=True)
    return pairs["p"].to_numpy(dtype=np.int64), pairs["c"].to_numpy(dtype=np.int64)


def comparable(snapshot: pd.DataFrame | None) -> bool:
    """Whether a snapshot keeps what the comparison needs (older runs kept only 在产)."""
    return snapshot is not None and {schema.STATUS, schema.RESUMED_ON, GROUP, LEDGER} <= set(snapshot)


@dataclass(frozen=True)
class Counted:
    """One group's 已复工 across the two runs; before + added − dropped = now."""

    before: int
    added: pd.DataFrame  # this week's rows newly counted (town, group, name)
    dropped: pd.DataFrame  # last week's rows no longer counted, with 原因
    now: int


@dataclass(frozen=True)
class Comparison:
    """Two snapshots (previous, current) and which rows are the same firm."""

    previous: pd.DataFrame
    current: pd.DataFrame
    previous_as_of: date
    as_of: date

    @cached_property
    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        return match_firms(self.previous, self.current)

    @cached_property
    def partner(self) -> tuple[np.ndarray, np.ndarray]:
        """For each previous row its current position, and for each current row its previous
        one (−1: no partner)."""
        p, c = self.pairs
        of_previous = np.full(len(self.previous), -1, dtype=np.int64)
        of_current = np.full(len(self.current), -1, dtype=np.int64)
        of_previous[p], of_current[c] = c, p
        return of_previous, of_current

    @cached_property
    def resumed(self) -> tuple[np.ndarray, np.ndarray]:
        """已复工 as the report counts it (rates.states_at), in each snapshot at its as-of date."""
        return (states_at(self.previous, self.previous_as_of) == RESUMED,
                states_at(self.current, self.as_of) == RESUMED)

    @cached_property
    def counts(self) -> dict[tuple[str, ...], Counted]:
        """Each group's `counted`, made once (the 附表 and the facts both read all firms')."""
        return {}

    def counted(self, labels: tuple[str, ...]) -> Counted:
        """已复工 firms of the group whose 规模或类别 is one of `labels`, last week and now."""
        labels = tuple(labels)
        if labels not in self.counts:
            self.counts[labels] = self._count(labels)
        return self.counts[labels]

    def _count(self, labels: tuple[str, ...]) -> Counted:
        in_before = self.resumed[0] & self.previous[GROUP].astype(object).isin(labels).to_numpy()
        in_now = self.resumed[1] & self.current[GROUP].astype(object).isin(labels).to_numpy()
        of_previous, of_current = self.partner
        was_counted = np.zeros(len(self.current), dtype=bool)
        was_counted[of_current >= 0] = in_before[of_current[of_current >= 0]]
        still_counted = np.zeros(len(self.previous), dtype=bool)
        still_counted[of_previous >= 0] = in_now[of_previous[of_previous >= 0]]
        added = self.current[in_now & ~was_counted]
        dropped_rows = np.flatnonzero(in_before & ~still_counted)
        dropped = self.previous.iloc[dropped_rows].assign(
            **{WHY: [self.why_dropped(int(i), labels) for i in dropped_rows]})
        return Counted(int(in_before.sum()), added, dropped, int(in_now.sum()))

    def why_dropped(self, row: int, labels: tuple[str, ...]) -> str:
        """Why last week's counted firm at `row` of the previous snapshot is not counted now."""
        at = self.partner[0][row]
        if at < 0:
            return "已从台账中删除"
        was, now = self.previous.iloc[row], self.current.iloc[at]
        if str(now[schema.STATUS]) not in schema.ON_HOLIDAY:
            return _changed("春节期间状态", was[schema.STATUS], _shown(now[schema.STATUS]))
        if str(now[GROUP]) not in labels:
            return _changed(_group_word(now), was[GROUP], _shown(now[GROUP]))
        return _date_withdrawn(now[schema.RESUMED_ON])


def _changed(what: str, old, new) -> str:
    """'春节期间状态由“停产放假”改为“正常生产”': the words of a changed value (不再计入 and 审核)."""
    return f"{what}由“{old}”改为“{new}”"


def _date_withdrawn(day) -> str:
    """Why a firm resumed last week is not now, by its 复工日期 (不再计入 and 审核)."""
    if pd.isna(day):
        return "复工日期已清空"
    return f"复工日期改为{wording.format_date(day.date())}，晚于截止日期"


def _shown(value) -> str:
    return "（空）" if pd.isna(value) else str(value)


def _group_word(row: pd.Series) -> str:
    return "规模" if row[LEDGER] == schema.INDUSTRY else "类别"


def compare(previous: pd.DataFrame | None, current: pd.DataFrame, previous_as_of: date | None,
            as_of: date) -> Comparison | None:
    """The comparison, or None without a previous snapshot that keeps status and dates."""
    if previous_as_of is None or not comparable(previous):
        return None
    return Comparison(previous.reset_index(drop=True), current.reset_index(drop=True),
                      previous_as_of, as_of)


# --- 审核 warnings --------------------------------------------------------------------------

def change_findings(comparison: Comparison, provenance: pd.DataFrame) -> list[audit.Finding]:
    """A warning per firm that left, came, lost its resumption or changed 状态/规模/类别.
    `provenance`: the current snapshot's rows' file, sheet and row (SOURCE_* columns)."""
    was = wording.format_date(comparison.previous_as_of)
    found = []
    was_resumed = comparison.resumed[0]
    for i in np.flatnonzero(comparison.partner[0] < 0):  # last week's firms that left the ledger
        row = comparison.previous.iloc[i]
        state = "已复工" if was_resumed[i] else _shown(row[schema.STATUS])
        found.append(audit.Finding(
            audit.LEFT_LEDGER, audit.WARNING, str(row[LEDGER]), "", None, str(row[schema.NAME]), "",
            f"上次运行（截至{was}）台账中有这户企业（{_shown(row[schema.TOWN])}，{_shown(row[GROUP])}，"
            f"{state}），本次台账中没有；若是误删请补回，确已关闭或迁出的请在“审核说明”中说明"))
    new_rows = np.flatnonzero(comparison.partner[1] < 0)
    for i in new_rows:
        row = comparison.current.iloc[i]
        found.append(_at(audit.NEW_FIRM, provenance, i, row, schema.NAME,
                         f"上次运行（截至{was}）台账中没有这户企业，本次新列入（{_shown(row[GROUP])}，"
                         f"{_shown(row[schema.STATUS])}）；请核实是否属于本县名录"))
    p, c = comparison.pairs
    for column in (schema.STATUS, GROUP):
        olds = _texts(comparison.previous[column])[p]
        news = _texts(comparison.current[column])[c]
        for i in np.flatnonzero(olds != news):
            row = comparison.current.iloc[c[i]]
            if column == schema.STATUS:
                what, cell = "春节期间状态", schema.STATUS
            else:
                what = _group_word(row)
                cell = schema.SCALE if row[LEDGER] == schema.INDUSTRY else schema.CATEGORY
            found.append(_at(audit.CLASS_CHANGED, provenance, c[i], row, cell,
                             f"{_changed(what, olds[i], news[i])}（上次运行截至{was}）；请核实是更正还是填错"))
    before, now = comparison.resumed
    on_holiday = comparison.current[schema.STATUS].astype(object).isin(schema.ON_HOLIDAY).to_numpy()
    for i in np.flatnonzero(before[p] & ~now[c] & on_holiday[c]):
        old, new = comparison.previous.iloc[p[i]], comparison.current.iloc[c[i]]
        what = _date_withdrawn(new[schema.RESUMED_ON])
        found.append(_at(audit.DATE_WITHDRAWN, provenance, c[i], new, schema.RESUMED_ON,
                         f"上次运行（截至{was}）已复工（复工日期{wording.format_date(old[schema.RESUMED_ON].date())}），"
                         f"本次{what}，不再计入已复工；请核实"))
    return found


def _texts(column: pd.Series) -> np.ndarray:
    """A column as comparable text: blanks read （空）."""
    values = column.astype(object)
    return values.where(values.notna(), "（空）").astype(str).to_numpy(dtype=object)


def _at(rule: str, provenance: pd.DataFrame, i: int, row: pd.Series, column: str,
        message: str) -> audit.Finding:
    """A warning on row `i` of the current snapshot, placed at its ledger cell."""
    where = provenance.iloc[i] if len(provenance) > i else pd.Series(dtype=object)
    line = where.get(schema.SOURCE_ROW)
    return audit.Finding(rule, audit.WARNING, str(where.get(schema.SOURCE_FILE, row[LEDGER])),
                         str(where.get(schema.SOURCE_SHEET) or ""),
                         None if line is None or pd.isna(line) else int(line),
                         str(row[schema.NAME]), column, message)
