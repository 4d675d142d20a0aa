"""No clause about an empty group: generated county shapes (hypothesis over the group sizes,
zeros included) rendered through both county templates, and the engine rule that holds it."""

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from property_examples import examples

import small_counties
from fuchan_lib.core import schema
from fuchan_lib.core.params import load_params
from fuchan_lib.ingest.inputs import Inputs, with_states
from fuchan_lib.report.narrative import MISSING, default_template_text, render_template
from fuchan_lib.stats.audit import AuditReport
from fuchan_lib.stats.build import build_all
from fuchan_lib.stats.facts import FactSet
from fuchan_lib.stats.weekly import History
from test_report_text import text_of

ROOT = Path(__file__).resolve().parent.parent
PARAMS = load_params(ROOT / "params" / "示例县_2023Q1.yaml")
HAND_WRITTEN = "〔手填〕"  # the templates' own 【待补充】, told apart from a figure without value
TEMPLATES = {"内置": default_template_text(),
             "示例县": (ROOT / "narrative" / "示例县.md").read_text(encoding="utf-8")}
TOWNS = ("城关镇", "东山镇")
REASONS = ("订单不足", "资金困难", None)

# a group's firms: (春节期间正常, 长期停, 节后需复工 and resumed, 节后需复工 still waiting)
group_sizes = st.tuples(*(st.integers(0, 2) for _ in range(4)))


def _rows(sizes, statuses, reason_pick):
    """(town, status, resumed on, reason) rows of one group with `sizes`."""
    running, stopped, resumed, waiting = sizes
    rows = [(statuses[0], None)] * running + [(statuses[2], None)] * stopped
    rows += [(statuses[1], "2023-02-01")] * resumed + [(statuses[1], None)] * waiting
    return [(TOWNS[i % 2], status, day, REASONS[(i + reason_pick) % len(REASONS)] if day is None
             and status == statuses[1] else None) for i, (status, day) in enumerate(rows)]


def county(shape: dict, reason_pick: int) -> tuple[object, object]:
    industry_rows, service_rows = [], []
    for scale in schema.SCALES:
        for n, (town, status, day, reason) in enumerate(_rows(shape[scale], ("正常生产", "停产放假", "长期停产"),
                                                               reason_pick)):
            industry_rows.append((f"工{scale}{n}", None, town, scale, status, day, reason))
    trades = {schema.RETAIL_ABOVE_QUOTA: schema.RETAIL_TRADES[reason_pick % 4], schema.BIG_INDIVIDUAL: "零售业",
              schema.SERVICE_ABOVE_SCALE: schema.SERVICE_SECTORS[reason_pick % 3]}
    for category, trade in trades.items():
        for n, (town, status, day, reason) in enumerate(_rows(shape[category], ("正常营业", "停业放假", "长期停业"),
                                                               reason_pick)):
            service_rows.append((f"服{category}{n}", None, town, category, trade, status, day, reason))
    return (with_states(small_counties.industry(industry_rows)),
            with_states(small_counties.service(service_rows)))


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"[。\n]", text) if s]


shapes = st.fixed_dictionaries({key: group_sizes for key in (*schema.SCALES, schema.RETAIL_ABOVE_QUOTA,
                                                             schema.BIG_INDIVIDUAL, schema.SERVICE_ABOVE_SCALE)})


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shape=shapes, reason_pick=st.integers(0, 11), basis=st.sampled_from(["需复工", "含正常生产"]))
def test_no_sentence_states_an_empty_group_on_any_county_shape(shape, reason_pick, basis):
    industry, service = county(shape, reason_pick)
    params = PARAMS.model_copy(update={"county": "测试县", "rate_basis": basis})
    facts = build_all(Inputs(params, industry, service, None, None), AuditReport(()), History()).facts
    for name, template in TEMPLATES.items():
        text = text_of(render_template(template.replace(MISSING, HAND_WRITTEN), facts, name))
        for sentence in sentences(text):
            assert not re.search(r"(?<!\d)0(户|个|家|人)", sentence), (name, sentence)
            assert MISSING not in sentence, (name, sentence)  # no figure of an empty group asked for
            if "较低的乡镇" not in sentence:  # a township's 0.0% is a rate of firms that exist
                assert not re.search(r"(?<![\d.])0\.0%", sentence), (name, sentence)
        for junk in ("，，", "，。", "：。", "。。", "：，", "、。", "，、"):
            assert junk not in text, (name, junk, text)


def _basic(shape: dict, basis: str = "需复工") -> str:
    industry, service = county(shape, 0)
    params = PARAMS.model_copy(update={"county": "测试县", "rate_basis": basis})
    facts = build_all(Inputs(params, industry, service, None, None), AuditReport(()), History()).facts
    text = text_of(render_template(default_template_text(), facts))
    return text[text.index("基本情况"):text.index("工作措施")]


EMPTY = (0, 0, 0, 0)


def test_a_county_without_services_above_scale_says_so_once():
    shape = {schema.ABOVE_SCALE: (1, 0, 2, 1), schema.BELOW_SCALE: (0, 1, 1, 1),
             schema.RETAIL_ABOVE_QUOTA: (1, 0, 1, 0), schema.BIG_INDIVIDUAL: EMPTY,
             schema.SERVICE_ABOVE_SCALE: EMPTY}
    basic = _basic(shape)
    assert "规模以上服务业。截至2022年末，全县无规模以上服务业企业。" in basic
    assert "春节期间坚持营业规模以上服务业企业" not in basic and "大个体" not in basic.replace(
        "限额以上批零住餐企业及大个体", "")


def test_all_resumed_reads_均已复工_and_none_kept_open_leaves_the_clause_out():
    shape = {schema.ABOVE_SCALE: (0, 0, 3, 0), schema.BELOW_SCALE: (0, 0, 2, 0),
             schema.RETAIL_ABOVE_QUOTA: (0, 0, 2, 0), schema.BIG_INDIVIDUAL: (0, 0, 1, 0),
             schema.SERVICE_ABOVE_SCALE: (0, 0, 1, 1)}
    basic = _basic(shape)
    # 5 工业 firms to resume, 5 resumed; no 正常生产 or 长期停产 firm: those clauses left out
    assert ("全县共有工业企业5户，其中：规模以上工业企业3户，规模以下工业企业2户。春节后需复工复产企业5户。"
            "截至2023年2月15日，节后需复工复产的5户企业均已复工。") in basic
    assert "春节期间坚持营业的" not in basic and "节后需复工营业的3户企业均已复工营业。" in basic
    # 规上服务业: 1 of 2 resumed, 50.0%
    assert "节后需复工营业规模以上服务业企业2户。截至2023年2月15日，已复工营业规模以上服务业企业1户，复工营业率50.0%。" in basic


def test_none_resumed_is_said_without_a_zero_count():
    shape = {schema.ABOVE_SCALE: (1, 0, 0, 2), schema.BELOW_SCALE: (0, 0, 1, 1),
             schema.RETAIL_ABOVE_QUOTA: (0, 0, 0, 2), schema.BIG_INDIVIDUAL: EMPTY,
             schema.SERVICE_ABOVE_SCALE: EMPTY}
    basic = _basic(shape)
    # 规上: 2 waiting, none resumed; 规下: 1 of 2 resumed -> 工业 1 of 4, 25.0%
    assert ("已复工复产企业1户，复工复产率达25.0%，其中：规模以上工业企业尚未复工，规模以下工业企业1户，"
            "复工复产率达50.0%（按节后需复工企业计算）。") in basic
    assert "截至2023年2月15日，节后需复工营业的2户企业均未复工营业。" in basic


# (template line, facts as (key, kind, value, text), expected paragraph)
ENGINE_CASES = [
    # a count of 0 leaves its part out, with the comma before it
    ("A有{a}户[[，其中B{b}户]]。", [("a", "count", 3, "3"), ("b", "count", 0, "0")], "A有3户。"),
    # the first alternative that keeps
    ("[[共有{a}户||无企业]]。", [("a", "count", 0, "0")], "无企业。"),
    ("[[共有{a}户||无企业]]。", [("a", "count", 2, "2")], "共有2户。"),
    # a part left out at a sentence start takes the comma after it; all left out: no empty sentence
    ("甲。[[乙{a}户]][[，丙{b}户]]。丁。", [("a", "count", 0, "0"), ("b", "count", 1, "1")], "甲。丙1户。丁。"),
    ("甲。[[乙{a}户]][[，丙{b}户]]。丁。", [("a", "count", 0, "0"), ("b", "text", None, None)], "甲。丁。"),
    # a percent without value (a rate of nothing) leaves its part out too
    ("甲[[，复工率{r}]]。", [("r", "percent", None, None)], "甲。"),
    # a count of 0 outside [[…]] is printed: the rule is the template author's to use
    ("甲{a}户。", [("a", "count", 0, "0")], "甲0户。"),
]


@pytest.mark.parametrize("line, facts, expected", ENGINE_CASES)
def test_engine_leaves_out_parts_with_a_zero_count_or_no_value(line, facts, expected):
    from fuchan_lib.stats.facts import Fact

    fact_set = FactSet([Fact(key, kind, value, text, key) for key, kind, value, text in facts])
    assert text_of(render_template(line, fact_set)).strip() == expected


def test_as_of_is_the_one_the_shapes_count_at():
    assert PARAMS.as_of == date(2023, 2, 15)  # resumed on 2023-02-01 counts; blank does not
