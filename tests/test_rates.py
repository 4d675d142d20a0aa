"""复工率 counts and both 口径 on small hand-made ledgers with known answers."""

from datetime import date
from fractions import Fraction

import pandas as pd
import pytest

from fuchan_lib.core import schema
from fuchan_lib.stats import rates
from fuchan_lib.stats.rates import (
    Resumption, count_by, count_resumption,
    return_to_work, waiting_rows,
)

AS_OF = date(2023, 2, 15)


def ledger(rows):
    """rows: (规模, 状态, 复工日期 or None, 从业人员, 已返岗人数, 乡镇)."""
    return pd.DataFrame(
        [
            {schema.NAME: f"企业{i}", schema.SCALE: s, schema.STATUS: st,
             schema.RESUMED_ON: pd.Timestamp(d) if d else pd.NaT, schema.STAFF: staff,
             schema.RETURNED: back, schema.TOWN: town}
            for i, (s, st, d, staff, back, town) in enumerate(rows)
        ]
    ).astype({schema.STAFF: "Int64", schema.RETURNED: "Int64"})


SAMPLE = ledger([
    ("规上", "正常生产", None, 100, 100, "城关镇"),
    ("规上", "停产放假", "2023-01-30", 50, 45, "城关镇"),
    ("规上", "停产放假", "2023-02-15", 40, 30, "城关镇"),  # on the as-of date: resumed
    ("规上", "停产放假", "2023-02-16", 30, 5, "新华乡"),  # day after: not resumed
    ("规下", "停产放假", None, 10, 0, "新华乡"),
    ("规下", "长期停产", None, 8, None, None),
    ("规下", "停产放假", "2023-02-01", None, 3, "新华乡"),
])


def test_counts_follow_the_as_of_rule():
    counts = count_resumption(SAMPLE, AS_OF)
    assert counts == Resumption(total=7, running=1, long_stopped=1, needing=5, resumed=3)


def test_resumed_the_day_after_as_of_counts_as_not_resumed():
    day_after = count_resumption(SAMPLE, date(2023, 2, 16))
    assert day_after.resumed == 4
    assert count_resumption(SAMPLE, AS_OF).resumed == 3


@pytest.mark.parametrize(
    "basis, expected",
    [
        ("需复工", Fraction(3, 5) * 100),  # 已复工 / 节后需复工
        ("含正常生产", Fraction(1 + 3, 7 - 1) * 100),  # (正常 + 已复工) / (总数 − 长期停产)
    ],
)
def test_both_rate_bases(basis, expected):
    assert count_resumption(SAMPLE, AS_OF).rate(basis) == expected


def test_zero_denominator_gives_no_rate():
    only_running = Resumption(total=2, running=2, long_stopped=0, needing=0, resumed=0)
    assert only_running.rate("需复工") is None
    only_stopped = Resumption(total=2, running=0, long_stopped=2, needing=0, resumed=0)
    assert only_stopped.rate("含正常生产") is None


def test_unknown_basis_is_rejected():
    with pytest.raises(ValueError, match="口径"):
        Resumption(1, 0, 0, 1, 1).rate("全部")


def test_counts_per_group_with_missing_town():
    by_town = count_by(SAMPLE, schema.TOWN, AS_OF)
    assert by_town["城关镇"] == Resumption(3, 1, 0, 2, 2)
    assert by_town["新华乡"] == Resumption(3, 0, 0, 3, 1)
    assert by_town["未填"] == Resumption(1, 0, 1, 0, 0)


def test_return_to_work_uses_enterprises_reporting_both():
    back = return_to_work(SAMPLE)
    assert (back.enterprises, back.staff, back.returned) == (5, 230, 180)
    assert back.rate == Fraction(180, 230) * 100


def whole_curve(df, last_day, basis="需复工"):
    """The resumption curve of the whole sample (every row is 规上 or 规下), as the report's
    curves are made: rates.resumption_curves with the groups combined."""
    curves = rates.resumption_curves(df, schema.SCALE, date(2023, 1, 22), last_day, basis,
                                     combine={"全部": ("规上", "规下")})
    return curves["全部"]


def test_curve_is_cumulative_by_day_since_spring_festival():
    curve = whole_curve(SAMPLE, 30)
    # needing 5; resumed on days 8 (1-30), 10 (2-1), 24 (2-15), 25 (2-16)
    assert curve[7] == 0 and curve[8] == 20 and curve[10] == 40
    assert curve[24] == 60 and curve[25] == 80 and curve[30] == 80


def test_the_firms_still_waiting_are_those_needing_resumption_not_resumed_by_as_of():
    assert list(SAMPLE[schema.NAME].take(waiting_rows(SAMPLE, AS_OF))) == ["企业3", "企业4"]


def test_curves_per_group_and_combined_series():
    from fuchan_lib.stats.rates import resumption_curves

    curves = resumption_curves(SAMPLE, schema.SCALE, date(2023, 1, 22), 30,
                               combine={"全部": ("规上", "规下")})
    # 规上 needs 3 (days 8, 24, 25); 规下 needs 2 (day 10 only)
    assert list(curves.columns) == ["规上", "规下", "全部"]
    assert curves.loc[8, "规上"] * 3 == pytest.approx(100) and curves.loc[23, "规上"] * 3 == pytest.approx(100)
    assert curves.loc[25, "规上"] == 100 and curves.loc[9, "规下"] == 0 and curves.loc[10, "规下"] == 50
    assert curves.loc[10, "全部"] == 40 and curves.loc[30, "全部"] == 80  # 2 then 4 of the 5 needing


def test_curve_under_the_running_basis_starts_at_the_running_share():
    curve = whole_curve(SAMPLE, 10, basis="含正常生产")
    assert curve[0] == pytest.approx(100 / 6) and curve[10] == pytest.approx(300 / 6)


def test_counts_by_two_keys_with_categorical_columns():
    df = SAMPLE.assign(**{schema.SCALE: pd.Categorical(SAMPLE[schema.SCALE], categories=["规上", "规下"])})
    counts = count_by(df, [schema.SCALE, schema.TOWN], AS_OF)
    assert list(counts) == [("规上", "城关镇"), ("规上", "新华乡"), ("规下", "新华乡"), ("规下", "未填")]
    assert counts[("规下", "新华乡")] == Resumption(2, 0, 0, 2, 1)
    assert Resumption.total_of(counts.values()) == count_resumption(SAMPLE, AS_OF)


@pytest.mark.parametrize("categorical", [False, True])
def test_a_blank_status_counts_in_no_flag(categorical):
    from fuchan_lib.stats.rates import status_flags

    status = pd.Series(["停产放假", None, "正常生产", "长期停产"])
    if categorical:
        status = status.astype(pd.CategoricalDtype(["正常生产", "停产放假", "长期停产"]))
    df = pd.DataFrame({schema.STATUS: status,
                       schema.RESUMED_ON: pd.to_datetime(["2023-02-01", "2023-02-01", None, None])})
    flags = status_flags(df, AS_OF)
    assert [list(f) for f in flags] == [[False, False, True, False], [False, False, False, True],
                                        [True, False, False, False], [True, False, False, False]]


def test_state_codes_set_when_the_run_reads_the_ledger_count_the_same_as_the_status_text():
    from fuchan_lib.ingest.inputs import with_states

    coded = with_states(SAMPLE)
    assert list(coded[schema.STATE]) == [1, 3, 3, 3, 3, 2, 3]
    assert count_by(coded, schema.SCALE, AS_OF) == count_by(SAMPLE, schema.SCALE, AS_OF)
    assert count_resumption(coded[coded[schema.TOWN] == "新华乡"], AS_OF) == Resumption(3, 0, 0, 3, 1)
