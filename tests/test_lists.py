"""Lists in the text come from the data: every non-empty group, standard order, adding up."""

import re

import pandas as pd
import pytest

from fuchan_lib.core import schema
from fuchan_lib.core.params import Params
from fuchan_lib.stats import lists
from fuchan_lib.stats.facts import service_facts

PARAMS = Params.model_validate({
    "县名": "测试县", "报告单位": "测试县工信局", "名录截止日期": "2022-12-31", "春节": "2023-01-22",
    "截止日期": "2023-02-15", "报告日期": "2023-02-16",
    "数据": {"工业企业台账": "a.xlsx", "服务业企业台账": "b.xlsx"},
})


def service(rows):
    """rows: (类别, 行业, 状态, 复工日期 or None, 乡镇)."""
    return pd.DataFrame([
        {schema.NAME: f"测试县企业{i}有限公司", schema.CATEGORY: c, schema.TRADE: t, schema.STATUS: s,
         schema.RESUMED_ON: pd.Timestamp(d) if d else pd.NaT, schema.TOWN: town, schema.STAFF: None,
         schema.RETURNED: None, schema.REASON: None, schema.CREDIT_CODE: None}
        for i, (c, t, s, d, town) in enumerate(rows)
    ])


RESUMED, WAITING, OPEN, CLOSED = ("停业放假", "2023-02-01"), ("停业放假", None), ("正常营业", None), ("长期停业", None)


def rows(category, trades):
    """trades: {行业: [state, …]} -> ledger rows in that order."""
    return [(category, t, s, d, "城关镇") for t, states in trades.items() for s, d in states]


def total_of(listing: str) -> int:
    return sum(int(n) for n in re.findall(r"(\d+)户", listing))


TWO_SECTORS = rows("规上服务业", {"教育": [RESUMED, OPEN], "交通运输、仓储和邮政业": [WAITING, CLOSED, RESUMED]})
EIGHT_SECTORS = rows("规上服务业", {
    "文化、体育和娱乐业": [RESUMED], "卫生和社会工作": [OPEN, RESUMED], "教育": [WAITING],
    "居民服务、修理和其他服务业": [RESUMED], "租赁和商务服务业": [CLOSED, RESUMED, RESUMED],
    "房地产业": [OPEN], "信息传输、软件和信息技术服务业": [RESUMED], "交通运输、仓储和邮政业": [WAITING],
})


@pytest.mark.parametrize(
    "ledger, total, expected",
    [
        (TWO_SECTORS, 5, "交通运输、仓储和邮政业3户，教育2户"),
        (EIGHT_SECTORS, 11, "交通运输、仓储和邮政业1户，信息传输、软件和信息技术服务业1户，房地产业1户，"
                            "租赁和商务服务业3户，居民服务、修理和其他服务业1户，教育1户，卫生和社会工作2户，"
                            "文化、体育和娱乐业1户"),
    ],
)
def test_sector_list_names_every_present_sector_in_gbt_order_and_adds_up(ledger, total, expected):
    facts = service_facts(service(ledger), PARAMS)
    listing = facts["规上服务业.门类列表"].text
    assert listing == expected
    assert facts["规上服务业.企业数"].value == total == total_of(listing)
    assert "0户" not in listing  # a county with two 门类 never prints 教育0户 for the others


def test_trade_list_of_retail_follows_wholesale_retail_lodging_catering():
    ledger = rows("限上批零住餐", {"餐饮业": [RESUMED], "住宿业": [OPEN, CLOSED], "批发业": [WAITING]})
    facts = service_facts(service(ledger), PARAMS)
    assert facts["限上.行业列表"].text == "批发业1户、住宿业2户、餐饮业1户"
    assert facts["大个体.行业列表"].text is None  # no 大个体 at all: the clause is left out


def test_long_stopped_is_stated_so_the_status_counts_add_up():
    ledger = (rows("限上批零住餐", {"批发业": [RESUMED, OPEN, CLOSED, CLOSED]})
              + rows("大个体", {"零售业": [RESUMED, OPEN]}) + rows("规上服务业", {"教育": [RESUMED]}))
    facts = service_facts(service(ledger), PARAMS)
    assert facts["限上和大个体.长期停业列表"].text == "限额以上批零住餐企业2户"  # 大个体 0: not listed
    for prefix in ("限上", "大个体", "规上服务业"):
        f = {k: facts[f"{prefix}.{k}"].value for k in ("企业数", "坚持营业", "长期停业", "需复工")}
        assert f["企业数"] == f["坚持营业"] + f["长期停业"] + f["需复工"]
    assert facts["规上服务业.有长期停业"].text is None and facts["限上.有长期停业"].text == "2"


def test_resumed_categories_list_names_every_category_with_resumed_firms():
    ledger = rows("限上批零住餐", {"批发业": [RESUMED, RESUMED]}) + rows("大个体", {"零售业": [RESUMED]})
    facts = service_facts(service(ledger), PARAMS)
    assert facts["服务业.已复工列表"].text == "2家限额以上批零住餐企业及1家大个体"


def test_standard_order_puts_unknown_after_known_and_unfilled_last():
    assert lists.in_standard_order(["未填", "其他", "零售业", "批发业"], lists.TRADE_ORDER) == [
        "批发业", "零售业", "其他", "未填"]


def test_towns_follow_params_then_the_ledger_not_character_codes():
    a = pd.DataFrame({schema.TOWN: pd.Categorical(["西河镇", "城关镇", "东山镇", "城关镇"])})
    b = pd.DataFrame({schema.TOWN: ["工业园区", "西河镇", None]})
    assert lists.county_towns(a, b) == ["西河镇", "城关镇", "东山镇", "工业园区"]
    assert lists.county_towns(a, b, listed=("城关镇",)) == ["城关镇", "西河镇", "东山镇", "工业园区"]


def test_tables_use_the_same_orders(tmp_path):
    """附表: trades in standard order within each category, townships in the county's order."""
    from fuchan_lib.stats import annex_tables
    from fuchan_lib.stats.groupings import count_groupings

    ledger = service(rows("规上服务业", {"教育": [RESUMED], "交通运输、仓储和邮政业": [WAITING]})
                     + [("限上批零住餐", "餐饮业", *RESUMED, "西河镇"), ("限上批零住餐", "批发业", *WAITING, "东山镇")])
    industry = pd.DataFrame({schema.NAME: ["甲"], schema.SCALE: ["规上"], schema.STATUS: ["停产放假"],
                             schema.RESUMED_ON: [pd.NaT], schema.TOWN: ["西河镇"], schema.REASON: ["订单不足"],
                             schema.STAFF: [None], schema.RETURNED: [None], schema.CREDIT_CODE: [None]})
    groupings = count_groupings(industry, ledger, PARAMS.as_of)
    trades = annex_tables.trade_table(groupings, PARAMS)
    assert list(zip(trades["类别"], trades["行业"])) == [
        ("限上批零住餐", "批发业"), ("限上批零住餐", "餐饮业"), ("限上批零住餐", "小计"),
        ("规上服务业", "交通运输、仓储和邮政业"), ("规上服务业", "教育"), ("规上服务业", "小计"), ("合计", "")]
    towns = annex_tables.town_table(groupings, industry, ledger, PARAMS, [])[("乡镇（园区）", "")]
    assert towns.tolist() == ["西河镇", "城关镇", "东山镇", "合计"]
    late = annex_tables.not_resumed_table(industry, ledger, PARAMS)
    assert late["企业名称"].tolist() == ["甲", "测试县企业1有限公司", "测试县企业3有限公司"]
    assert pd.isna(late["行业"].iloc[0])  # an industrial firm has no 行业 in its ledger, not "工业"


def test_industry_section_table_lists_towns_in_the_county_order():
    from fuchan_lib.ingest.inputs import Inputs
    from fuchan_lib.stats import build
    from fuchan_lib.stats.groupings import Groupings, group_ledger

    industry = pd.DataFrame({schema.NAME: ["甲", "乙", "丙"], schema.SCALE: ["规上", "规下", "规下"],
                             schema.STATUS: ["停产放假"] * 3, schema.RESUMED_ON: [pd.NaT] * 3,
                             schema.TOWN: pd.Categorical(["西河镇", "东山镇", "西河镇"]),
                             schema.REASON: [None] * 3, schema.STAFF: [None] * 3,
                             schema.RETURNED: [None] * 3, schema.CREDIT_CODE: [None] * 3})
    inputs = Inputs(PARAMS, industry, service([]), None, None)
    part = build.industry(inputs, Groupings(group_ledger(industry, schema.INDUSTRY, PARAMS.as_of), None))
    assert part.sheet("按乡镇")[schema.TOWN].tolist() == ["西河镇", "东山镇", "合计"]
