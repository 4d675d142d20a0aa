"""预计复工日期: read where it is unambiguous, warned where not, said in one sentence whose
parts add up to the firms still waiting, and marked 逾期 in the 督办 lists."""

from datetime import date

import pandas as pd
import pytest

from fuchan_lib.core import schema
from fuchan_lib.core.params import Params
from fuchan_lib.ingest.inputs import Inputs
from fuchan_lib.report.narrative import default_template_text, render_template
from fuchan_lib.run.prepare import audit_inputs
from fuchan_lib.stats import build
from fuchan_lib.ingest.expected_dates import parse_expected
from fuchan_lib.stats.follow_up import county_follow_up
from fuchan_lib.stats.weekly import History

PARAMS = Params.model_validate({
    "县名": "测试县", "报告单位": "测试县工信局", "名录截止日期": "2022-12-31", "春节": "2023-01-22",
    "截止日期": "2023-02-15", "报告日期": "2023-02-16",
    "数据": {"工业企业台账": "a.xlsx", "服务业企业台账": "b.xlsx"},
})


@pytest.mark.parametrize("text, day", [
    ("预计3月上旬", date(2023, 3, 10)), ("3月中旬", date(2023, 3, 20)), ("3月下旬", date(2023, 3, 31)),
    ("3月底", date(2023, 3, 31)), ("2月底前", date(2023, 2, 28)), ("预计3月底前复工", date(2023, 3, 31)),
    ("2024年2月底", date(2024, 2, 29)), ("３月上旬", date(2023, 3, 10)), ("2023-03-05", date(2023, 3, 5)),
    ("3月5日", date(2023, 3, 5)), ("预计 2023年3月6日", date(2023, 3, 6)),
])
def test_a_date_or_a_part_of_a_month_is_read(text, day):
    days, bad = parse_expected(pd.Series([text]), 2023)
    assert days.iloc[0] == pd.Timestamp(day) and not bad[0]


@pytest.mark.parametrize("text", ["3月", "3月初", "尽快", "13月上旬", "待定"])
def test_what_cannot_be_told_without_guessing_is_flagged(text):
    days, bad = parse_expected(pd.Series([text]), 2023)
    assert pd.isna(days.iloc[0]) and bad[0]


def test_a_blank_is_neither_a_date_nor_flagged():
    days, bad = parse_expected(pd.Series([None, "", " "]), 2023)
    assert days.isna().all() and not bad.any()


def industry(expected: list) -> pd.DataFrame:
    """Six firms still waiting on 2月15日 with these expected dates, one resumed, one running."""
    rows = [(f"厂{i}", "城关镇" if i % 2 else "新华乡", "规上", "停产放假", None, e) for i, e in enumerate(expected)]
    rows += [("已复工厂", "城关镇", "规上", "停产放假", "2023-02-01", "2月10日"),
             ("正常厂", "城关镇", "规下", "正常生产", None, None)]
    frame = pd.DataFrame(rows, columns=[schema.NAME, schema.TOWN, schema.SCALE, schema.STATUS,
                                        schema.RESUMED_ON, schema.EXPECTED])
    frame[schema.RESUMED_ON] = pd.to_datetime(frame[schema.RESUMED_ON])
    return frame.assign(**{schema.CREDIT_CODE: None, schema.STAFF: pd.array([None] * len(frame), dtype="Int64"),
                           schema.RETURNED: pd.array([None] * len(frame), dtype="Int64"),
                           schema.REASON: None, schema.SOURCE_FILE: "工业.xlsx", schema.SOURCE_SHEET: "Sheet1",
                           schema.SOURCE_ROW: range(2, len(frame) + 2)})


NO_SERVICE = industry([]).iloc[0:0].rename(columns={schema.SCALE: schema.CATEGORY}).assign(**{schema.TRADE: None})
# on 2月15日: 2月20日 and 2月底 are before the end of February (2), 3月上旬 after (1), 2月10日 has
# passed (1 逾期), a blank and an unreadable 3月初 are 待定 (2): 2 + 1 + 1 + 2 = 6 waiting
WAITING = ["2月20日", "2月底", "3月上旬", "2023-02-10", None, "3月初"]


def built(ledger):
    inputs = Inputs(PARAMS, ledger, NO_SERVICE, None, None)
    return build.build_all(inputs, audit_inputs(inputs), History()), audit_inputs(inputs)


def test_the_sentence_parts_add_up_to_the_firms_still_waiting():
    result, _ = built(industry(WAITING))
    facts = result.facts
    assert facts["工业.未复工"].value == 6
    assert facts["工业.预计复工"].text == ("预计2月底前还将有2户工业企业复工，1户预计2月底以后复工，"
                                        "1户已过预计复工日期仍未复工，其余2户复工时间待定")
    assert [facts[f"工业.{k}"].value for k in ("预计月底前复工", "预计月底后复工", "逾期未复工", "复工时间待定")] == [2, 1, 1, 2]


def test_without_any_expected_date_the_sentence_drops_from_the_default_template():
    result, _ = built(industry([None, None]))
    assert result.facts["工业.预计复工"].text is None
    text = "".join(r.text for b in render_template(default_template_text(), result.facts)
                   for r in getattr(b, "runs", ()) or getattr(b, "body", ()))
    assert "待定" not in text and "预计" not in text
    with_dates, _ = built(industry(WAITING))
    text = "".join(r.text for b in render_template(default_template_text(), with_dates.facts)
                   for r in getattr(b, "runs", ()) or getattr(b, "body", ()))
    assert "其余2户复工时间待定。" in text


def test_an_unreadable_expected_date_is_an_audit_warning_at_its_cell():
    _, report = built(industry(WAITING))
    [found] = [f for f in report.warnings if f.rule == "预计复工日期无法识别"]
    assert (found.enterprise, found.row, found.column) == ("厂5", 7, schema.EXPECTED)
    assert "3月初" in found.message


def test_follow_up_lists_mark_firms_past_their_expected_date():
    lists = county_follow_up(industry(WAITING), NO_SERVICE, PARAMS.spring_festival, PARAMS.as_of)
    rows = pd.concat(lists.values())
    marks = {n: m if isinstance(m, str) else None for n, m in zip(rows[schema.NAME], rows["逾期"])}
    assert marks == {"厂0": None, "厂1": None, "厂2": None, "厂3": "逾期5天", "厂4": None, "厂5": None}
    assert list(lists["城关镇"].columns[-4:]) == [schema.REASON, schema.EXPECTED, "逾期", "春节后天数"]


def test_follow_up_lists_without_expected_dates_have_neither_column():
    lists = county_follow_up(industry([None, None]), NO_SERVICE, PARAMS.spring_festival, PARAMS.as_of)
    assert all(schema.EXPECTED not in df and "逾期" not in df for df in lists.values())
