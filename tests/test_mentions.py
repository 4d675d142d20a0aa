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
