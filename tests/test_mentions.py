"""Firms named in the narrative are checked against the ledgers (audit warnings)."""

from datetime import date

import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.stats.audit import MENTION_NOT_RESUMED, MENTION_UNKNOWN
from fuchan_lib.stats.mentions import firm_mentions

LEDGER = pd.DataFrame([
    {schema.NAME: "测试县宏达建材有限公司", schema.STATUS: "停产放假", schema.RESUMED_ON: pd.Timestamp("2023-02-01")},
    {schema.NAME: "测试县海升化工有限公司", schema.STATUS: "停产放假", schema.RESUMED_ON: pd.NaT},
    {schema.NAME: "测试县绿源食品股份有限公司", schema.STATUS: "正常生产", schema.RESUMED_ON: pd.NaT},
])


def check(*lines):
    found = firm_mentions(list(enumerate(lines, start=1)), [LEDGER], date(2023, 2, 15), "测试县", "测试县.md")
    return [(f.rule, f.row, f.enterprise) for f in found]


def test_short_names_match_the_ledger_and_producing_firms_pass():
    assert check("通过动员测试县宏达建材公司和测试县绿源食品公司实现产品之间相互供应。") == []


def test_a_name_missing_from_the_ledgers_is_a_warning_naming_the_line():
    assert check("第一行", "撬动测试县明蓝电子有限公司等重点企业稳定生产。") == [
        (MENTION_UNKNOWN, 2, "测试县明蓝电子有限公司")]


def test_named_as_producing_while_not_resumed_is_a_warning():
    assert check("如测试县海升化工有限公司，改用夜间生产用电后，每月可节约电费20万元以上。") == [
        (MENTION_NOT_RESUMED, 1, "测试县海升化工有限公司")]


def test_a_sentence_about_its_trouble_is_not_a_claim_of_producing():
    assert check("受限电政策影响，测试县海升化工有限公司用电受限，生产未能恢复。") == []


def test_placeholders_are_not_checked():
    assert check("{工业.规上.未复工原因.用电受限.企业}稳定生产。") == []


# --- firm-like names whatever their prefix, and other counties (issue 18 item 6) ---------------

import pytest  # noqa: E402

from fuchan_lib.stats.audit import MENTION_OTHER_COUNTY  # noqa: E402
from fuchan_lib.stats.mentions import find_mentions, other_county_findings, other_places  # noqa: E402
from pathlib import Path  # noqa: E402


@pytest.mark.parametrize("sentence, names", [
    ("撬动测试县明蓝电子有限公司等重点企业稳定生产。", ["测试县明蓝电子有限公司"]),
    ("春节期间协调县农商银行、县工商银行为示例县宝聚机械制造有限公司发放贷款。", ["示例县宝聚机械制造有限公司"]),
    ("如宏达食品厂改用夜间生产后每月节约电费。", ["宏达食品厂"]),
    ("组织绿源茶叶专业合作社参加展销。", ["绿源茶叶专业合作社"]),
    ("测试县城关镇鑫达超市坚持营业。", ["测试县城关镇鑫达超市"]),
    ("以示例县宏达酒店管理有限公司为试点。", ["示例县宏达酒店管理有限公司"]),
    ("以示例县山升水泥有限公司和示例县雅航环保科技有限公司产品互供为试点。",
     ["示例县山升水泥有限公司", "示例县雅航环保科技有限公司"]),
    # ordinary prose that ends like a firm: none of these is a name
    ("依托县政务服务中心开展帮办代办服务。", []),
    ("加大低效闲置土地处置、闲置厂房盘活力度。", []),
    ("通过动员【待补充】公司和【待补充】公司实现产品之间相互供应。", []),
    ("{工业.规上.未复工原因.用电受限.企业}稳定生产。", []),
    ("协调县供电公司保障企业用电，组织农民专业合作社对接超市。", []),
    ("推广星级酒店、连锁超市和社区便民店的经验。", []),
    ("该公司订单暴跌。", []),
    ("关停砖厂3家，新建加工厂2个，县供电公司保障用电。", []),
])
def test_firm_like_names_are_found_whatever_their_prefix_and_prose_is_not(sentence, names):
    assert [m.name for m in find_mentions([(1, sentence)], ("测试县",))] == names


BORROWED = [
    (1, "以示例县山升水泥有限公司和示例县雅航环保科技有限公司产品互供为试点。"),
    (2, "全县工业企业稳定生产，测试县宏达建材有限公司已复工。"),
    (3, "撬动青石县鸿发米业有限公司等重点企业。"),
]


def test_firms_of_another_county_are_unknown_even_when_this_county_has_a_firm_of_that_name():
    ledger = pd.concat([LEDGER, pd.DataFrame([{schema.NAME: "测试县山升水泥有限公司", schema.STATUS: "正常生产",
                                               schema.RESUMED_ON: pd.NaT}])])
    found = firm_mentions(BORROWED, [ledger], date(2023, 2, 15), "测试县", "示例县.md")
    assert [(f.rule, f.row, f.enterprise) for f in found] == [
        (MENTION_UNKNOWN, 1, "示例县山升水泥有限公司"),
        (MENTION_UNKNOWN, 1, "示例县雅航环保科技有限公司"),
        (MENTION_UNKNOWN, 3, "青石县鸿发米业有限公司"),
    ]
    assert "“示例县”不是本县" in found[0].message


def test_other_counties_are_found_from_firm_names_and_known_names_but_never_this_county():
    lines = BORROWED + [(4, "向示例县人民政府报告。"), (5, "全县共有企业120户。")]
    assert other_places(lines, "测试县") == {"示例县": [1, 4], "青石县": [3]}
    assert other_places(lines, "测试县", ("东湖区",)) == {"示例县": [1, 4], "青石县": [3]}
    assert other_places([(1, "东湖区工业企业复工较快。")], "测试县", ("东湖区",)) == {"东湖区": [1]}
    assert other_places([(1, "全县企业稳定生产。")], "测试县") == {}


def test_a_template_named_after_another_county_is_a_warning_before_what_its_text_names():
    found = other_county_findings(BORROWED, "测试县", "示例县.md", Path("narrative/示例县.md"))
    assert [(f.rule, f.row, f.enterprise) for f in found] == [
        (MENTION_OTHER_COUNTY, None, "示例县"), (MENTION_OTHER_COUNTY, 1, "示例县"),
        (MENTION_OTHER_COUNTY, 3, "青石县")]
    assert "fuchan 新县 测试县" in found[0].message
    assert other_county_findings(BORROWED[1:2], "测试县", "测试县_2023Q2.md",
                                 Path("narrative/测试县_2023Q2.md")) == []


def test_a_firm_listed_twice_is_producing_when_either_row_says_so_and_the_ledger_is_read_only_when_needed():
    from fuchan_lib.stats.mentions import LedgerNames

    twice = pd.concat([LEDGER, pd.DataFrame([{schema.NAME: "测试县海升化工有限公司", schema.STATUS: "正常生产",
                                              schema.RESUMED_ON: pd.NaT}])], ignore_index=True)
    names = LedgerNames([twice], date(2023, 2, 15))
    assert names.states == {"测试县宏达建材公司": True, "测试县海升化工公司": True, "测试县绿源食品公司": True}
    assert LedgerNames([LEDGER], date(2023, 2, 15)).states["测试县海升化工公司"] is False
    assert firm_mentions([(1, "全县企业稳定生产。")], [None], date(2023, 2, 15), "测试县", "x.md") == []


@pytest.mark.parametrize("sentence", [
    "如宏达建材公司改用夜间生产后每月节约电费。",  # without the county, 有限 left out
    "春节期间协调县农商银行为测试县宏达建材有限公司发放贷款。",
    "国网测试县供电公司保障绿源食品股份有限公司用电。",
])
def test_this_countys_firms_however_shortened_are_known(sentence):
    assert check(sentence) == []
