"""Data-driven sentences: 未复工原因, lagging townships, where this period's resumptions are."""

from datetime import date

import pandas as pd
import pytest

from fuchan_lib.core import schema
from fuchan_lib.stats import reasons
from fuchan_lib.stats.rates import Resumption, waiting_rows

AS_OF = date(2023, 2, 15)


def ledger(rows):
    """rows: (名称, 状态, 复工日期 or None, 原因)."""
    return pd.DataFrame([
        {schema.NAME: n, schema.STATUS: s, schema.RESUMED_ON: pd.Timestamp(d) if d else pd.NaT,
         schema.REASON: r} for n, s, d, r in rows])


WAITING = ledger([
    ("甲", "停产放假", None, "订单不足"), ("乙", "停产放假", None, "资金困难"),
    ("丙", "停产放假", None, "订单不足"), ("丁", "停产放假", "2023-02-16", "用电受限"),  # resumes later
    ("戊", "停产放假", None, None), ("己", "长期停产", None, "拟注销"),  # long stopped: not waiting
    ("庚", "停产放假", "2023-02-01", "订单不足"),  # resumed: reason no longer counts
    ("辛", "停产放假", None, "用电受限"), ("壬", "停产放假", None, "设备检修"),
])


def tallied(df, limit=2):
    """未复工原因 as the facts count them: the waiting firms (rates.waiting_rows), their reasons
    coded once (reasons.reason_codes) and tallied (reasons.tally_reasons), first names looked up."""
    late = waiting_rows(df, AS_OF)
    counts, first = reasons.tally_reasons(*reasons.reason_codes(df.take(late)), limit)
    names = df[schema.NAME].to_numpy(dtype=object)
    return counts, {r: [str(n) for n in names[late[rows]]] for r, rows in first.items()}


def firms_with_reason(df, reason):
    counts, names = tallied(df)
    return reasons.name_firms(names.get(reason, []), counts.get(reason, 0))


def test_reasons_count_only_firms_still_waiting_most_frequent_first():
    assert tallied(WAITING)[0] == {
        "订单不足": 2, "用电受限": 2, "资金困难": 1, "设备检修": 1, "未填原因": 1}


@pytest.mark.parametrize(
    "named, expected",
    [
        (5, "其中订单不足2户、用电受限2户、资金困难1户、设备检修1户，另有1户未填报原因"),
        (2, "其中订单不足2户、用电受限2户，其他原因2户，另有1户未填报原因"),
        # a rest of one reason is named: 设备检修1户, not 其他原因1户
        (3, "其中订单不足2户、用电受限2户、资金困难1户、设备检修1户，另有1户未填报原因"),
    ],
)
def test_breakdown_adds_up_to_the_firms_still_waiting(named, expected):
    text = reasons.reason_breakdown(tallied(WAITING)[0], named)
    assert text == expected
    assert sum(int(n) for n in pd.Series(text).str.findall(r"(\d+)户")[0]) == 7


@pytest.mark.parametrize(
    "counts, expected",
    [
        ({"订单不足": 286}, "均为订单不足"),  # one reason: said once, not "订单不足286户"
        ({"未填原因": 34}, "均未填报原因"),  # none given: said so, not listed as a reason
        ({"订单不足": 40, "未填原因": 2}, "其中订单不足40户，另有2户未填报原因"),
        ({"订单不足": 3, "资金困难": 1}, "其中订单不足3户、资金困难1户"),
    ],
)
def test_reasons_read_as_a_statistician_writes_them(counts, expected):
    assert reasons.reason_breakdown(counts) == expected


def test_no_waiting_firm_gives_no_sentence():
    assert reasons.reason_breakdown(tallied(ledger([("甲", "正常生产", None, None)]))[0]) is None


def test_firms_with_a_reason_are_named_with_the_count_when_more_than_two():
    assert firms_with_reason(WAITING, "用电受限") == "丁、辛"
    assert firms_with_reason(WAITING, "设备检修") == "壬"
    many = ledger([(f"企业{i}", "停产放假", None, "用电受限") for i in range(5)])
    assert firms_with_reason(many, "用电受限") == "企业0、企业1等5户"
    assert firms_with_reason(many, "订单不足") is None


def test_lagging_towns_lowest_first_never_all():
    groups = {"城关镇": Resumption(10, 0, 0, 10, 9), "新田乡": Resumption(8, 0, 0, 8, 6),
              "东山镇": Resumption(4, 0, 0, 4, 3), "西河镇": Resumption(3, 3, 0, 0, 0)}  # no rate
    order = ["城关镇", "新田乡", "东山镇", "西河镇"]
    # 新田乡 75.0% and 东山镇 75.0% tie (both below the whole, 18/22 = 81.8%): county order decides
    assert reasons.lagging_towns(groups, "需复工", order) == "新田乡75.0%、东山镇75.0%"
    assert reasons.lagging_towns({"城关镇": groups["城关镇"]}, "需复工", order) is None


# hand-computed: (需复工, 已复工) per township in county order, `most`, the sentence part
@pytest.mark.parametrize(
    "towns, most, expected",
    [
        # every township at 100%: none is lower than another, nothing to state
        ({"城关镇": (10, 10), "新田乡": (5, 5), "东山镇": (3, 3)}, 3, None),
        # whole 27/30 = 90.0%: only those below it lag (城关镇 100% and 新田乡 90.0% do not)
        ({"城关镇": (10, 10), "新田乡": (10, 9), "东山镇": (10, 8)}, 3, "东山镇80.0%"),
        # a tie at the cut is not split: 东山镇 and 西河镇 both 50.0%, only one place left
        ({"城关镇": (20, 20), "新田乡": (4, 1), "东山镇": (4, 2), "西河镇": (2, 1)}, 2, "新田乡25.0%"),
        # ... and named whole when it fits
        ({"城关镇": (20, 20), "新田乡": (4, 1), "东山镇": (4, 2), "西河镇": (2, 1)}, 3,
         "新田乡25.0%、东山镇50.0%、西河镇50.0%"),
        # the lowest figure shared by more townships than `most`: none singled out
        ({"城关镇": (20, 20), "新田乡": (2, 1), "东山镇": (2, 1)}, 1, None),
        # ties are judged on the rates as printed: 2/3 = 66.7% and 667/1000 = 66.7%
        ({"城关镇": (50, 50), "新田乡": (3, 2), "东山镇": (1000, 667)}, 1, None),
    ],
)
def test_lagging_towns_are_below_the_whole_and_ties_are_never_cut(towns, most, expected):
    groups = {t: Resumption(n, 0, 0, n, r) for t, (n, r) in towns.items()}
    assert reasons.lagging_towns(groups, "需复工", list(towns), most=most) == expected


@pytest.mark.parametrize(
    "towns, most, expected",
    [
        (["东山镇", "城关镇", "东山镇", "城关镇", "新田乡"], 2, "城关镇2户、东山镇2户"),
        # 城关镇 and 东山镇 tie for second place with one place left: only the first is named
        (["新田乡"] * 3 + ["城关镇", "东山镇"], 2, "新田乡3户"),
        (["新田乡"] * 3 + ["城关镇", "东山镇"], 3, "新田乡3户、城关镇1户、东山镇1户"),
        # every township alike: none had "more" than another
        (["新田乡", "城关镇", "东山镇"], 2, None),
    ],
)
def test_most_resumed_towns_never_cut_a_tie(towns, most, expected):
    changes = pd.DataFrame({schema.TOWN: towns})
    assert reasons.most_resumed_towns(changes, ["城关镇", "东山镇", "新田乡"], most=most) == expected


def test_most_resumed_towns_none_without_changes():
    assert reasons.most_resumed_towns(pd.DataFrame({schema.TOWN: []}), ["城关镇"]) is None
