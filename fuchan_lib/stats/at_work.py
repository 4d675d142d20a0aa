"""人员到岗率 (DESIGN §3): how far resumed firms are back, not only whether they are back.

A firm's 到岗率 is 已返岗人数 / 从业人员; "人员到岗率90%以上的企业N户，占已复工企业的X%" counts
the resumed firms at or above the params 到岗率门槛, as a share of the resumed firms that report
both figures (从业人员 > 0), the base the fact 填报人数的已复工企业数 names.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fuchan_lib.core import schema, wording
from fuchan_lib.core.wording import ratio_percent
from fuchan_lib.stats.groupings import CountingBasis
from fuchan_lib.stats.rates import RESUMED

if TYPE_CHECKING:  # stats.facts imports this module to add these facts
    from fuchan_lib.stats.facts import FactSet


@dataclass(frozen=True)
class AtWork:
    """到岗率 by firm among the resumed firms that report both 从业人员 (> 0) and 已返岗人数:
    how many report (the share's base) and how many reach the threshold."""

    reporting: int
    reaching: int

    @property
    def share(self) -> Fraction | None:
        return ratio_percent(self.reaching, self.reporting)


def count_at_work(df: pd.DataFrame, states: np.ndarray, threshold: Fraction) -> AtWork:
    """Resumed firms (`states`: `states_at`) whose 已返岗人数 / 从业人员 >= threshold percent,
    compared exactly (returned × 100 >= threshold × staff), among those reporting both."""
    staff, back = (pd.to_numeric(df[c], errors="coerce").astype("Int64") for c in (schema.STAFF, schema.RETURNED))
    rows = (states == RESUMED) & staff.notna().to_numpy() & back.notna().to_numpy()
    staff, back = (c.to_numpy(dtype=np.int64, na_value=0) for c in (staff, back))
    rows &= staff > 0
    reaching = back[rows] * (100 * threshold.denominator) >= staff[rows] * threshold.numerator
    return AtWork(int(rows.sum()), int(reaching.sum()))


def at_work_facts(facts: FactSet, prefix: str, ledger: pd.DataFrame, params: CountingBasis,
                  states: np.ndarray) -> None:
    """人员到岗率 at or above the params threshold, as a share of the resumed firms reporting
    both 从业人员 and 已返岗人数 (the key of that base says so)."""
    counted = count_at_work(ledger, states, Fraction(str(params.at_work_threshold)))
    facts.count(f"{prefix}.填报人数的已复工企业数", counted.reporting,
                "已复工且填报了从业人员和已返岗人数的企业数（到岗率占比的分母）")
    facts.count(f"{prefix}.到岗率达标企业数", counted.reaching,
                f"人员到岗率（已返岗人数÷从业人员）达到{threshold_text(params)}的已复工企业数")
    facts.percent(f"{prefix}.到岗率达标占比", counted.share,
                  "到岗率达标企业占已复工且填报了两项人数的企业的比例", params.digits)
    resumed = int((states == RESUMED).sum())
    facts.text(f"{prefix}.到岗率口径", "" if counted.reporting in (0, resumed) else
               f"（按填报了从业人员和已返岗人数的{counted.reporting}户已复工企业计算）",
               "到岗率占比的分母说明：已复工企业都填报了两项人数时为空")


def threshold_text(params: CountingBasis) -> str:
    """'90%' (the params 到岗率门槛 as the report writes it)."""
    return wording.format_percent(Fraction(str(params.at_work_threshold)),
                                  0 if float(params.at_work_threshold).is_integer() else 1)
