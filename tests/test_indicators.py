"""经济指标 sentences: every indicator reported, only with the clauses its data allows."""

from datetime import date

import pandas as pd
import pytest

from fuchan_lib.core import schema
from fuchan_lib.core.params import Params
from fuchan_lib.stats.facts import indicator_facts, indicator_omissions, indicator_rows
from fuchan_lib.stats.indicators import deadline_words, period_name


def params(period_end: str, target_end: str | None) -> Params:
    values = {
        "县名": "测试县", "报告单位": "测试县工信局", "名录截止日期": "2022-12-31", "春节": "2023-01-22",
        "截止日期": "2023-02-15", "报告日期": "2023-02-16", "指标期末": period_end,
        "数据": {"工业企业台账": "a.xlsx", "服务业企业台账": "b.xlsx"},
    }
    if target_end:
        values["目标截止"] = target_end
    return Params.model_validate(values)


def indicators(*rows):
    """rows: (指标, 本期, 上年同期, 增速, 目标, 目标增速), all in 万元."""
    return pd.DataFrame(
        [{schema.INDICATOR: n, schema.UNIT: "万元", schema.CURRENT: c, schema.LAST_YEAR: ly,
          schema.GROWTH: g, schema.TARGET: t, schema.TARGET_GROWTH: tg} for n, c, ly, g, t, tg in rows]
    ).astype({c: "Float64" for c in (schema.CURRENT, schema.LAST_YEAR, schema.GROWTH, schema.TARGET,
                                      schema.TARGET_GROWTH)})


@pytest.mark.parametrize(
    "period_end, target_end, rows, actual, target",
    [
        # quarterly target: 1 of 3 months elapsed, 时序进度 33.3%; 6000/18000 = 33.3%
        ("2023-01-31", "2023-03-31",
         [("规模以上工业总产值", 60000, 50000, None, 180000, 10)],
         "1月份，全县规模以上工业总产值完成6.00亿元，同比增长20.0%，完成目标的33.3%，与时序进度持平",
         "力争3月底前，规模以上工业总产值完成18.00亿元，同比增长10.0%"),
        # annual target: 2 of 12 months, 16.7%; 2000/10000 = 20.0% -> 超 3.3 个百分点
        ("2023-02-28", "2023-12-31",
         [("住宿业营业额", 2000, 2100, None, 10000, 5)],
         "1-2月，全县住宿业营业额完成2000万元，同比下降4.8%，完成目标的20.0%，超时序进度3.3个百分点",
         "力争年底前，住宿业营业额完成1.00亿元，同比增长5.0%"),
        # no targets at all: no 完成目标, no target sentence
        ("2023-03-31", None,
         [("批发业销售额", 9000, 9000, None, None, None), ("零售业销售额", 3000.5, 3100, None, None, None)],
         "一季度，全县批发业销售额完成9000万元，同比持平；零售业销售额完成3000.5万元，同比下降3.2%",
         None),
        # no 上年同期 and no 增速: the 同比 clause is left out, the rest stays
        ("2023-01-31", "2023-03-31",
         [("餐饮业营业额", 4040.2, None, None, 13200, 12)],
         "1月份，全县餐饮业营业额完成4040.2万元，完成目标的30.6%，低于时序进度2.7个百分点",
         "力争3月底前，餐饮业营业额完成1.32亿元，同比增长12.0%"),
        # official growth wins over 本期/上年同期; a target growth without a target amount
        ("2023-01-31", "2023-03-31",
         [("规模以上工业增加值", 18512.3, 17242.1, 6.3, None, 8)],
         "1月份，全县规模以上工业增加值完成1.85亿元，同比增长6.3%",
         "力争3月底前，规模以上工业增加值同比增长8.0%"),
        # target known but its period is not: no 时序进度
        ("2023-01-31", None,
         [("规模以上工业总产值", 60000, 50000, None, 180000, 10)],
         "1月份，全县规模以上工业总产值完成6.00亿元，同比增长20.0%，完成目标的33.3%",
         "力争规模以上工业总产值完成18.00亿元，同比增长10.0%"),
    ],
)
def test_indicator_sentences(period_end, target_end, rows, actual, target):
    p = params(period_end, target_end)
    facts = indicator_facts(indicator_rows(indicators(*rows), None, p), p)
    assert facts["经济指标.实绩"].text == actual
    assert facts["经济指标.目标"].text == target
    assert "【待补充】" not in (actual + (target or ""))


def test_every_indicator_in_the_ledger_is_reported_in_its_order():
    rows = [(name, 100 + i, 100, None, 300, 5) for i, name in enumerate(
        ("规模以上工业总产值", "规模以上工业增加值", "批发业销售额", "零售业销售额", "住宿业营业额",
         "餐饮业营业额", "社会消费品零售总额"))]
    p = params("2023-01-31", "2023-03-31")
    text = indicator_facts(indicator_rows(indicators(*rows), None, p), p)["经济指标.实绩"].text
    positions = [text.index(name + "完成") for name, *_ in rows]
    assert positions == sorted(positions)


def test_without_an_indicator_file_the_sentences_have_no_value():
    p = params("2023-01-31", "2023-03-31")
    assert indicator_rows(None, None, p) == []
    facts = indicator_facts([], p)
    assert facts["经济指标.实绩"].text is None and facts["经济指标.目标"].text is None
    assert indicator_omissions(None, [], p) == [
        "没有经济指标文件：报告不写经济指标的句子"]


def test_check_says_once_which_clauses_are_left_out_and_why():
    rows = [("住宿业营业额", 900, None, None, None, None), ("餐饮业营业额", 800, None, None, None, None),
            ("批发业销售额", 700, 600, None, 2000, None)]
    p = params("2023-01-31", None)
    said = indicator_omissions(indicators(*rows), indicator_rows(indicators(*rows), None, p), p)
    assert said == [
        "住宿业营业额、餐饮业营业额：不写“同比”（经济指标没有上年同期，也没有填增速）",
        "住宿业营业额、餐饮业营业额：不写“完成目标的x%”（经济指标没有填目标）",
        "住宿业营业额、餐饮业营业额：不写“时序进度”（经济指标没有填目标）",
        "住宿业营业额、餐饮业营业额：不写“目标”（经济指标没有填目标和目标增速）",
        "批发业销售额：不写“时序进度”（参数文件没有填“目标截止”，目标所指的期间不明）",
        "批发业销售额：不写“目标同比”（经济指标没有填目标增速，目标与本期又不是同一期间，无法推算）",
    ]


@pytest.mark.parametrize(
    "end, name",
    [(date(2023, 1, 31), "1月份"), (date(2023, 2, 28), "1-2月"), (date(2023, 3, 31), "一季度"),
     (date(2023, 5, 31), "1-5月"), (date(2023, 6, 30), "上半年"), (date(2023, 9, 30), "前三季度"),
     (date(2023, 12, 31), "全年"), (date(2023, 2, 15), "1月1日至2月15日"), (date(2024, 2, 29), "1-2月")],
)
def test_period_is_named_the_way_reports_do(end, name):
    assert period_name(end) == name


def test_deadline_words():
    assert deadline_words(date(2023, 3, 31)) == "3月底前"
    assert deadline_words(date(2023, 12, 31)) == "年底前"
    assert deadline_words(None) is None
