"""Data-driven sentences: 未复工原因, lagging townships, where this period's resumptions are."""

from datetime import date

import pandas as pd
import pytest

from fuchan_lib.core import schema
from fuchan_lib.stats import reasons
from fuchan_lib.stats.rates import Resumption

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


def test_reasons_count_only_firms_still_waiting_most_frequent_first():
    assert reasons.reason_counts(WAITING, AS_OF) == {
        "订单不足": 2, "用电受限": 2, "资金困难": 1, "设备检修": 1, "未填原因": 1}


@pytest.mark.parametrize(
    "named, expected",
    [
        (5, "订单不足2户、用电受限2户、资金困难1户、设备检修1户，未填原因1户"),
        (2, "订单不足2户、用电受限2户，其他原因2户，未填原因1户"),
    ],
)
def test_breakdown_adds_up_to_the_firms_still_waiting(named, expected):
    counts = reasons.reason_counts(WAITING, AS_OF)
    text = reasons.reason_breakdown(counts, named)
    assert text == expected
    assert sum(int(n) for n in pd.Series(text).str.findall(r"(\d+)户")[0]) == 7


def test_no_waiting_firm_gives_no_sentence():
    assert reasons.reason_breakdown(reasons.reason_counts(ledger([("甲", "正常生产", None, None)]), AS_OF)) is None


def test_firms_with_a_reason_are_named_with_the_count_when_more_than_two():
    assert reasons.firms_with_reason(WAITING, AS_OF, "用电受限") == "丁、辛"
    assert reasons.firms_with_reason(WAITING, AS_OF, "设备检修") == "壬"
    many = ledger([(f"企业{i}", "停产放假", None, "用电受限") for i in range(5)])
    assert reasons.firms_with_reason(many, AS_OF, "用电受限") == "企业0、企业1等5户"
    assert reasons.firms_with_reason(many, AS_OF, "订单不足") is None


def test_lagging_towns_lowest_first_never_all():
    groups = {"城关镇": Resumption(10, 0, 0, 10, 9), "新田乡": Resumption(8, 0, 0, 8, 6),
              "东山镇": Resumption(4, 0, 0, 4, 3), "西河镇": Resumption(3, 3, 0, 0, 0)}  # no rate
    order = ["城关镇", "新田乡", "东山镇", "西河镇"]
    # 新田乡 75.0% and 东山镇 75.0% tie: the county's order decides
    assert reasons.lagging_towns(groups, "需复工", order) == "新田乡75.0%、东山镇75.0%"
    assert reasons.lagging_towns(groups, "需复工", order, most=1) == "新田乡75.0%"
    assert reasons.lagging_towns({"城关镇": groups["城关镇"]}, "需复工", order) is None


def test_most_resumed_towns():
    changes = pd.DataFrame({schema.TOWN: ["东山镇", "城关镇", "东山镇", "城关镇", "新田乡"]})
    assert reasons.most_resumed_towns(changes, ["城关镇", "东山镇", "新田乡"], most=2) == "城关镇2户、东山镇2户"
    assert reasons.most_resumed_towns(changes.iloc[:0], ["城关镇"]) is None
