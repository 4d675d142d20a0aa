"""The narrative as the report prints it, from facts, on the example and on counties shaped
differently: no 【待补充】 the ledgers could fill, and every generated list adds up."""

import re

import pytest

import synthetic
from fuchan_lib.core import schema
from fuchan_lib.ingest.inputs import Inputs, with_states
from fuchan_lib.report.narrative import count_gaps, default_template_text, read_template, render_template
from fuchan_lib.stats.audit import AuditReport
from fuchan_lib.stats.build import build_all
from fuchan_lib.stats.facts import county_level
from fuchan_lib.stats.weekly import History



def all_facts(inputs: Inputs):
    """Every fact of a first run (no previous week), as the pipeline builds them (the audit
    list only fills a 附表, so none is needed here)."""
    return build_all(inputs, AuditReport(()), History()).facts


def text_of(blocks) -> str:
    parts = []
    for block in blocks:
        parts.append(getattr(block, "text", ""))
        parts.extend(r.text for r in (getattr(block, "runs", ()) or getattr(block, "body", ())))
        parts.append("\n")
    return "".join(parts)


def counts(listing: str) -> int:
    return sum(int(n) for n in re.findall(r"(\d+)户", listing))


@pytest.fixture(scope="module")
def example(example_inputs):
    return example_inputs


def test_example_narrative_has_no_gap_and_its_lists_add_up(example):
    facts = all_facts(example)
    text, name = read_template(example.params.narrative_path)
    blocks = render_template(text, facts, name)
    printed = text_of(blocks)
    assert count_gaps(blocks) == 0 and "【待补充】" not in printed
    sectors = re.search(r"全县共有规模以上服务业企业(\d+)户，其中：(.*?)。", printed)
    assert int(sectors.group(1)) == counts(sectors.group(2)) == 106
    retail = re.search(r"限额以上批零住餐企业(\d+)户、大个体\d+户，限额以上批零住餐企业中(.*?)。", printed)
    assert int(retail.group(1)) == counts(retail.group(2)) == 149
    waiting = re.search(r"尚未复工的(\d+)户工业企业，其中(.*?)。", printed)
    assert int(waiting.group(1)) == counts(waiting.group(2)) == 111
    assert "截止" not in printed.replace("截止日期", "")  # 截至 for points in time
    assert re.search(r"\d\.0万元", printed) is None


def test_example_narrative_names_no_firm_the_ledgers_contradict(example):
    from fuchan_lib.run.prepare import narrative_mentions, read_narrative

    assert narrative_mentions(example, read_narrative(example.params)) == []


@pytest.mark.parametrize("seed", [1, 7])
def test_default_template_on_a_synthetic_county_without_indicators(example, seed):
    """Another county, another mix, no 经济指标 file: the indicator sentences are left out
    (no gap, no dangling words) and the lists still add up to their totals."""
    frames = synthetic.make_county(300, 80, seed=seed, county="测试县")
    inputs = Inputs(example.params, frames[schema.INDUSTRY], frames[schema.SERVICE], None, None)
    printed = text_of(render_template(default_template_text(), all_facts(inputs)))
    assert "力争3月底前" not in printed and "1月份，全县" not in printed
    assert "人员组织等工作。二是强化重点企业支撑" in printed
    services = frames[schema.SERVICE]
    above = services[services[schema.CATEGORY] == schema.SERVICE_ABOVE_SCALE]
    sectors = re.search(r"全县共有规模以上服务业企业(\d+)户(?:，其中：(.*?))?。", printed)
    assert int(sectors.group(1)) == len(above) == (counts(sectors.group(2)) if sectors.group(2) else 0)
    assert "0户，" not in (sectors.group(2) or "") and not (sectors.group(2) or "").startswith("0")
    basic = printed[printed.index("基本情况"):printed.index("工作措施")]
    assert "【待补充】" not in basic  # only the statistician's own facts remain as gaps
    assert "\n\n" not in printed  # no empty paragraph where every optional part was left out


def test_check_says_which_indicator_clauses_are_left_out_and_the_signing_date(example):
    from fuchan_lib.run.check import summarise
    from fuchan_lib.run.prepare import prepare_inputs

    no_targets = example.indicators.assign(目标=None, 目标增速=None)
    inputs = Inputs(example.params, example.industry, example.service, no_targets, None)
    said = summarise(prepare_inputs(inputs, History()))
    assert "报告中不写的经济指标分句（数据中没有对应的数）：" in said
    assert ("  规模以上工业总产值、规模以上工业增加值、批发业销售额、零售业销售额、住宿业营业额、餐饮业营业额："
            "不写“完成目标的x%”（经济指标没有填目标）") in said
    assert said.count("不写“完成目标的x%”") == 1  # once, naming every indicator it concerns
    assert "成文日期：2023年2月16日（参数文件“报告日期”）" in said


def test_a_county_with_only_large_industry_and_no_services_above_scale(example):
    """规下 and 规上服务业 absent: no 【待补充】 for rates that cannot exist, no dangling words."""
    industry = example.industry[example.industry[schema.SCALE] == "规上"]
    service = example.service[example.service[schema.CATEGORY] == schema.RETAIL_ABOVE_QUOTA]
    inputs = Inputs(example.params, industry, service, example.indicators, example.enterprise_indicators)
    printed = text_of(render_template(default_template_text(), all_facts(inputs)))
    basic = printed[printed.index("基本情况"):printed.index("工作措施")]
    assert "【待补充】" not in basic
    assert "其中：规模以上工业企业91户，复工复产率达98.9%（" in basic  # 规下: nothing to state
    assert "全县共有工业企业123户，其中：规模以上工业企业123户。" in basic  # not "规模以下工业企业0户"
    # no 规上服务业: said once, no paragraph of zeros; a category with no firm is not listed
    assert "规模以上服务业。截至2022年末，全县无规模以上服务业企业。据填报了" in basic
    assert "已复工营业规模以上服务业企业" not in basic and "0户" not in basic
    assert "全县共有限额以上批零住餐企业149户，限额以上批零住餐企业中批发业42户、零售业39户、住宿业24户、餐饮业44户" in basic
    for junk in ("，，", "：，", "，。", "其中：。"):
        assert junk not in printed, junk


def _on_holiday_to_running(service, category):
    """The ledger with every firm of `category` open through the festival (none to resume)."""
    service = service.copy()
    rows = (service[schema.CATEGORY] == category) & (service[schema.STATUS] == "停业放假")
    service.loc[rows, schema.STATUS] = "正常营业"
    service.loc[rows, schema.RESUMED_ON] = None
    return with_states(service)


# hand-computed from the example ledger (pandas groupby, see the counts in each comment)
RETAIL = "限额以上批零住餐企业中批发业42户、零售业39户、住宿业24户、餐饮业44户"


@pytest.mark.parametrize(
    "shape, basis, expected",
    [
        # no 限上 firm: 大个体 345 = 111 + 16 + 218, 185 resumed, 185/218 = 84.9%
        ("no 限上", "需复工",
         "全县共有大个体345户。春节期间坚持营业的大个体111户，长期停业的大个体16户。节后需复工营业大个体218户。"
         "截至2023年2月15日，已复工营业大个体185户，复工营业率84.9%。"),
        # every 大个体 open at the festival: 329 = 111 + 218 running, none to resume; 93/99 = 93.9%
        ("大个体 none to resume", "需复工",
         f"全县共有限额以上批零住餐企业149户、大个体345户，{RETAIL}。春节期间坚持营业的限额以上批零住餐企业47户、"
         "大个体329户，长期停业的限额以上批零住餐企业3户、大个体16户。节后需复工营业限额以上批零住餐企业99户。"
         "截至2023年2月15日，已复工营业限额以上批零住餐企业93户，复工营业率93.9%。"),
        # 含正常生产: (158 + 278) / (494 − 19) = 91.8%, stated with its base
        ("example", "含正常生产",
         f"全县共有限额以上批零住餐企业149户、大个体345户，{RETAIL}。春节期间坚持营业的限额以上批零住餐企业47户、"
         "大个体111户，长期停业的限额以上批零住餐企业3户、大个体16户。节后需复工营业限额以上批零住餐企业99户、大个体218户。"
         "截至2023年2月15日，已复工营业限额以上批零住餐企业93户、大个体185户，"
         "复工营业率91.8%（含春节期间坚持营业企业，不含长期停业企业）。"),
    ],
)
def test_retail_paragraph_lists_no_empty_category_and_states_its_base(example, shape, basis, expected):
    service = example.service
    if shape == "no 限上":
        service = service[service[schema.CATEGORY] != schema.RETAIL_ABOVE_QUOTA]
    elif shape == "大个体 none to resume":
        service = _on_holiday_to_running(service, schema.BIG_INDIVIDUAL)
    params = example.params.model_copy(update={"rate_basis": basis})
    inputs = Inputs(params, example.industry, service, example.indicators, example.enterprise_indicators)
    printed = text_of(render_template(default_template_text(), all_facts(inputs)))
    paragraph = printed[printed.index("限额以上批零住餐企业及大个体。") + len("限额以上批零住餐企业及大个体。"):]
    assert paragraph[:paragraph.index("\n")].replace("截至2022年末，", "") == expected


@pytest.mark.parametrize(
    "basis, expected",
    [
        # 106 = 105 running + 1 long stopped: no firm to resume, so no 需复工, resumed count or rate
        ("需复工", "春节期间坚持营业规模以上服务业企业105户，长期停业1户。据"),
        # 含正常生产: 105 / (106 − 1) = 100.0%, with its base (and no "0户" clause)
        ("含正常生产", "春节期间坚持营业规模以上服务业企业105户，长期停业1户。截至2023年2月15日，"
                      "规模以上服务业复工营业率100.0%（含春节期间坚持营业企业，不含长期停业企业）。"),
    ],
)
def test_services_above_scale_with_none_to_resume(example, basis, expected):
    service = _on_holiday_to_running(example.service, schema.SERVICE_ABOVE_SCALE)
    params = example.params.model_copy(update={"rate_basis": basis})
    inputs = Inputs(params, example.industry, service, example.indicators, example.enterprise_indicators)
    printed = text_of(render_template(default_template_text(), all_facts(inputs)))
    assert expected in printed


@pytest.mark.parametrize(
    "county, level",
    [("示例县", "县"), ("东湖区", "区"), ("瑞金市", "市"), ("鄂托克旗", "旗"), ("某某自治县", "县"), ("示例", "县")],
)
def test_county_level_from_the_end_of_the_name(county, level):
    assert county_level(county) == level


def test_a_district_reports_全区_not_全县(example):
    params = example.params.model_copy(update={"county": "东湖区", "addressee": "区人大常委会", "narrative": None})
    inputs = Inputs(params, example.industry, example.service, example.indicators, example.enterprise_indicators)
    printed = text_of(render_template(default_template_text(), all_facts(inputs)))
    assert printed.startswith("我受区人民政府委托，向区人大常委会报告全区工业和服务业复工复产工作情况，请予审议。")
    assert "截至2022年末，全区共有工业企业1200户" in printed and "1月份，全区规模以上工业总产值完成6.98亿元" in printed
    assert "全县" not in printed and "县人民政府" not in printed and "县域" not in printed
