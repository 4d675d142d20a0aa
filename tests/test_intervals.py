"""Week-over-week sentences name the real interval: 较上周 only 7 days apart."""

from datetime import date

import pandas as pd
import pytest

from fuchan_lib.core import schema
from fuchan_lib.core.params import Params
from fuchan_lib.report.document import changes_title
from fuchan_lib.report.narrative import render_template
from fuchan_lib.core.run_folder import WEEK_GROUPS as GROUPS
from fuchan_lib.stats.facts import FactSet
from fuchan_lib.stats.ledger_changes import compare
from fuchan_lib.stats.weekly import PreviousRun, week_over_week_facts

PARAMS = Params.model_validate({
    "县名": "测试县", "报告单位": "测试县工信局", "名录截止日期": "2022-12-31", "春节": "2023-01-22",
    "截止日期": "2023-02-15", "报告日期": "2023-02-16", "乡镇": ["新田乡", "城关镇"],
    "数据": {"工业企业台账": "a.xlsx", "服务业企业台账": "b.xlsx"},
})


def group_facts(rate: float, resumed: int) -> FactSet:
    facts = FactSet()
    for group in GROUPS:
        facts.percent(f"{group}.复工率", rate, "复工率", 1)
        facts.count(f"{group}.已复工", resumed, "已复工")
    return facts


def previous(tmp_path, as_of: date, rate: float, resumed: int) -> PreviousRun:
    return PreviousRun(as_of, "需复工", group_facts(rate, resumed))


TEMPLATE = ("[[全县工业企业复工复产率{周比.较上期}{周比.工业.复工率变化}，"
            "{周比.工业.复工变化}。]][[{周比.期间}新复工工业企业较多的是{周比.工业.新复工较多乡镇}。]]")


def snapshot(rows) -> pd.DataFrame:
    """A run's 企业状态 from (name, town, group, status, 复工日期)."""
    frame = pd.DataFrame(rows, columns=["企业名称", schema.TOWN, "规模或类别", schema.STATUS, schema.RESUMED_ON])
    frame[schema.RESUMED_ON] = pd.to_datetime(frame[schema.RESUMED_ON])
    frame["台账"] = [schema.INDUSTRY if g.endswith("工业") else schema.SERVICE for g in frame["规模或类别"]]
    return frame.assign(键=frame["企业名称"], **{schema.CREDIT_CODE: None})


WAITING = snapshot([("甲厂", "城关镇", "规上工业", "停产放假", None), ("乙厂", "新田乡", "规下工业", "停产放假", None),
                    ("丙厂", "新田乡", "规下工业", "停产放假", None), ("丁店", "城关镇", "大个体", "停业放假", None),
                    ("戊店", "城关镇", "大个体", "停业放假", None)])
RESUMED = WAITING.assign(**{schema.RESUMED_ON: pd.to_datetime(["2023-02-10"] * 5)})


@pytest.mark.parametrize(
    "before, sentence, title",
    [
        (date(2023, 2, 8), "全县工业企业复工复产率较上周提高5.3个百分点，本周新增复工复产企业3户。"
                           "本周新复工工业企业较多的是新田乡2户、城关镇1户。", "本周复工变化企业名单"),
        (date(2023, 2, 1), "全县工业企业复工复产率较2月1日提高5.3个百分点，2月1日以来新增复工复产企业3户。"
                           "2月1日以来新复工工业企业较多的是新田乡2户、城关镇1户。",
         "复工变化企业名单（2月1日以来）"),  # not "4.2月1日以来…" in the 附件 list
    ],
)
def test_runs_7_and_14_days_apart(tmp_path, before, sentence, title):
    # three industrial firms and two 大个体 in 城关镇 resumed: the industry sentence counts and
    # places the three industrial firms only (城关镇 1, not 3)
    comparison = compare(WAITING, RESUMED, before, PARAMS.as_of)
    facts = week_over_week_facts(group_facts(85.25, 100), PARAMS, previous(tmp_path, before, 80.04, 88), comparison)
    (paragraph,) = render_template(TEMPLATE, facts)
    # 百分点 from the two rounded rates the reader sees: 85.25 -> 85.3, 80.04 -> 80.0, so 5.3
    assert "".join(r.text for r in paragraph.runs) == sentence
    assert changes_title(facts["周比.期间"].text) == title
    assert facts["周比.工业和服务业.新复工较多乡镇"].text == "城关镇3户、新田乡2户"
    assert facts["周比.限上和大个体.新复工较多乡镇"].text == "城关镇2户"


def test_first_run_states_no_comparison(tmp_path):
    facts = week_over_week_facts(group_facts(85.0, 100), PARAMS, None, None)
    assert render_template(TEMPLATE, facts) == []
    assert changes_title(facts["周比.期间"].text) == "上次统计以来复工变化企业名单"


def test_fewer_resumed_than_last_time_is_not_called_new(tmp_path):
    facts = week_over_week_facts(group_facts(85.0, 90), PARAMS, previous(tmp_path, date(2023, 2, 8), 86.0, 95), None)
    assert facts["周比.工业.新增复工"].text is None
    assert facts["周比.工业.复工率变化"].text == "回落1.0个百分点"


def test_the_changes_workbook_name_holds_for_any_interval():
    # the 附表 file is written whether the previous run is 7 or 14 days back
    from fuchan_lib.core import run_folder
    assert not any(word in run_folder.TABLE_CHANGES for word in ("本周", "上周"))
