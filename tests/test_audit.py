"""数据审核 rules on hand-made ledgers: each rule fires where it should and nowhere else."""

from datetime import date

import pandas as pd
import pytest

from fuchan_lib.core import schema
from fuchan_lib.stats.audit import audit
from fuchan_lib.core.creditcode import check_digit
from fuchan_lib.core.exceptions import AuditError
from fuchan_lib.core.params import Acknowledgement, Params

PARAMS = Params.model_validate({
    "县名": "测试县", "报告单位": "测试县工信局", "名录截止日期": "2022-12-31", "春节": "2023-01-22",
    "截止日期": "2023-02-15", "报告日期": "2023-02-16",
    "数据": {"工业企业台账": "a.xlsx", "服务业企业台账": "b.xlsx"},
})
GOOD = "91350100M000100Y43"


def code(n: int) -> str:
    body = f"9135010000000{n:04d}"
    return body + check_digit(body)


def industry(*rows):
    """rows: dicts overriding a valid resumed 规上 enterprise."""
    base = {schema.NAME: "甲", schema.CREDIT_CODE: None, schema.TOWN: "城关镇", schema.SCALE: "规上",
            schema.STATUS: "停产放假", schema.RESUMED_ON: pd.Timestamp("2023-02-01"), schema.STAFF: 100,
            schema.RETURNED: 90, schema.REASON: None, schema.SOURCE_FILE: "工业.xlsx",
            schema.SOURCE_SHEET: "台账", schema.SOURCE_ROW: 0}
    frame = pd.DataFrame([base | {schema.SOURCE_ROW: i + 2} | r for i, r in enumerate(rows)])
    return frame.astype({schema.STAFF: "Int64", schema.RETURNED: "Int64"})


def rules(ledger, params=PARAMS, **kwargs):
    report = audit({schema.INDUSTRY: ledger}, params, **kwargs)
    return [(f.rule, f.level, f.row) for f in report.findings]


def test_a_clean_ledger_has_no_findings():
    assert rules(industry({schema.CREDIT_CODE: GOOD}, {schema.NAME: "乙", schema.CREDIT_CODE: code(1)})) == []


@pytest.mark.parametrize(
    "row, expected",
    [
        ({schema.RETURNED: 101}, ("返岗人数超过从业人员", "错误", 2)),
        ({schema.STATUS: "长期停产"}, ("长期停产却有复工日期", "错误", 2)),
        ({schema.RESUMED_ON: pd.Timestamp("2023-01-21")}, ("复工日期早于春节", "错误", 2)),
        ({schema.CREDIT_CODE: "91350100M000100Y44"}, ("信用代码校验位错误", "警告", 2)),
        ({schema.TOWN: None}, ("乡镇未填", "警告", 2)),
        ({schema.RESUMED_ON: pd.Timestamp("2023-02-16"), schema.REASON: "订单不足"},
         ("复工日期晚于截止日期", "警告", 2)),
        ({schema.RETURNED: 29}, ("返岗率低于30%", "警告", 2)),
        ({schema.STATUS: "正常生产"}, ("正常生产却有复工日期", "警告", 2)),
        ({schema.STAFF: 200_001, schema.RETURNED: 100_000}, ("从业人员过多", "警告", 2)),
        ({schema.RETURNED: -10}, ("已返岗人数为负数", "错误", 2)),
    ],
)
def test_each_rule_fires_on_its_case(row, expected):
    assert rules(industry(row)) == [expected]


def test_negative_staff_and_returned_are_both_errors():
    assert rules(industry({schema.STAFF: -5, schema.RETURNED: -10})) == [
        ("从业人员为负数", "错误", 2), ("已返岗人数为负数", "错误", 2)]


def test_boundaries_do_not_fire():
    # returned == staff, resumed on 春节 day itself, on the as-of date, 30% exactly
    ledger = industry({schema.RETURNED: 100}, {schema.RESUMED_ON: pd.Timestamp("2023-01-22")},
                      {schema.STAFF: 200_000, schema.RETURNED: 200_000}, {schema.STAFF: 0, schema.RETURNED: 0},
                      {schema.RESUMED_ON: pd.Timestamp("2023-02-15")}, {schema.RETURNED: 30})
    assert rules(ledger) == []


def test_trade_must_fit_the_category():
    service = pd.DataFrame([{
        schema.NAME: "丙", schema.CREDIT_CODE: None, schema.TOWN: "城关镇", schema.CATEGORY: "规上服务业",
        schema.TRADE: "零售业", schema.STATUS: "正常营业", schema.RESUMED_ON: pd.NaT, schema.STAFF: None,
        schema.RETURNED: None, schema.REASON: None, schema.SOURCE_FILE: "服务业.xlsx",
        schema.SOURCE_SHEET: "", schema.SOURCE_ROW: 7}])
    report = audit({schema.SERVICE: service}, PARAMS)
    assert [(f.rule, f.row, f.file) for f in report.findings] == [("行业与类别不符", 7, "服务业.xlsx")]


def test_errors_stop_the_run_with_file_row_and_enterprise():
    report = audit({schema.INDUSTRY: industry({schema.RETURNED: 120})}, PARAMS)
    with pytest.raises(AuditError, match=r"(?s)1条错误.*文件“工业.xlsx”工作表“台账”第2行“已返岗人数”列（甲）"):
        report.raise_for_errors()


def test_fewer_resumed_than_last_run_is_a_warning():
    report = audit({schema.INDUSTRY: industry({})}, PARAMS, previous_resumed={schema.INDUSTRY: 5},
                   current_resumed={schema.INDUSTRY: 4})
    assert [(f.rule, f.level) for f in report.findings] == [("已复工企业少于上次", "警告")]


def test_acknowledged_warning_is_listed_once_as_explained():
    note = Acknowledgement.model_validate({"规则": "乡镇未填", "企业": "甲", "说明": "该企业已迁出，乡镇待核"})
    params = PARAMS.model_copy(update={"acknowledged": (note,)})
    report = audit({schema.INDUSTRY: industry({schema.TOWN: None}, {schema.NAME: "乙", schema.TOWN: None})},
                   params)
    assert [f.enterprise for f in report.warnings] == ["乙"]
    assert [(f.enterprise, f.note) for f in report.acknowledged] == [("甲", "该企业已迁出，乡镇待核")]
    frame = report.to_frame()
    assert list(frame.columns) == ["级别", "文件", "工作表", "行号", "单元格", "列", "企业名称", "规则",
                                   "问题", "处理办法", "说明"]
    assert list(frame["级别"]) == ["警告", "已说明"]
    assert list(frame["说明"]) == ["", "该企业已迁出，乡镇待核"] and list(frame["单元格"]) == ["", ""]


def test_as_of_moves_the_late_warning():
    later = PARAMS.model_copy(update={"as_of": date(2023, 2, 20)})
    assert rules(industry({schema.RESUMED_ON: pd.Timestamp("2023-02-16")}), later) == []


def test_acknowledging_an_unknown_or_error_rule_is_refused():
    from fuchan_lib.core.exceptions import ParamsError

    for rule in ("乡镇没填", "返岗人数超过从业人员"):
        note = Acknowledgement.model_validate({"规则": rule, "说明": "确认无误"})
        params = PARAMS.model_copy(update={"acknowledged": (note,)})
        with pytest.raises(ParamsError, match=f"规则“{rule}”不是可以说明的警告.*乡镇未填"):
            audit({schema.INDUSTRY: industry({})}, params)


@pytest.mark.parametrize("enterprise, rule, expected", [
    ("甲公司", "乡镇未填", None),  # explains a real warning: nothing to report
    ("甲工司", "乡镇未填", "参数“审核说明”第1条（规则“乡镇未填”，企业“甲工司”）：台账中没有这家企业。"
                         "是不是想写“甲公司”？请把企业名称改成与台账“企业名称”列完全一致"),
    ("乙公司", "乡镇未填", "参数“审核说明”第1条（规则“乡镇未填”，企业“乙公司”）：本期没有这条警告，说明用不上了"),
    (None, "复工日期晚于截止日期", "参数“审核说明”第1条（规则“复工日期晚于截止日期”）：本期没有这条警告"),
])
def test_an_acknowledgement_that_explains_nothing_is_reported(enterprise, rule, expected):
    entry = {"规则": rule, "说明": "已核实"} | ({"企业": enterprise} if enterprise else {})
    params = PARAMS.model_copy(update={"acknowledged": (Acknowledgement.model_validate(entry),)})
    ledger = industry({schema.NAME: "甲公司", schema.TOWN: None}, {schema.NAME: "乙公司"})
    report = audit({schema.INDUSTRY: ledger}, params)
    unused = [f.message for f in report.warnings if f.rule == "审核说明用不上"]
    if expected is None:
        assert unused == [] and [f.enterprise for f in report.acknowledged] == ["甲公司"]
    else:
        assert len(unused) == 1 and unused[0].startswith(expected)


def test_a_misspelt_rule_name_suggests_the_closest():
    from fuchan_lib.core.exceptions import ParamsError

    note = Acknowledgement.model_validate({"规则": "乡镇没填", "说明": "确认无误"})
    with pytest.raises(ParamsError, match="是不是想写“乡镇未填”？"):
        audit({schema.INDUSTRY: industry({})}, PARAMS.model_copy(update={"acknowledged": (note,)}))


@pytest.mark.parametrize("written, suggested", [
    ("示例县龙顺酒叶有限公司", "示例县龙顺酒业有限公司"),  # a typo in what tells the firms apart
    ("示例县龙顺酒业公司", "示例县龙顺酒业有限公司"),  # the business form shortened
    ("示例县某某有限公司", None),  # only the county and 有限公司 in common: no suggestion
])
def test_an_unknown_firm_in_the_notes_is_compared_by_what_tells_firms_apart(written, suggested):
    note = Acknowledgement.model_validate({"规则": "乡镇未填", "企业": written, "说明": "已核实"})
    params = PARAMS.model_copy(update={"county": "示例县", "acknowledged": (note,)})
    ledger = industry({schema.NAME: "示例县龙顺酒业有限公司"}, {schema.NAME: "示例县宏达建材有限公司"})
    (message,) = [f.message for f in audit({schema.INDUSTRY: ledger}, params).warnings
                  if f.rule == "审核说明用不上"]
    assert "台账中没有这家企业" in message
    if suggested:
        assert f"是不是想写“{suggested}”？" in message
    else:
        assert "是不是想写" not in message


def test_firms_waiting_without_a_reason_are_counted_per_township_in_county_order():
    """Two 东山镇 firms and one 城关镇 firm wait without a reason; one 东山镇 firm gave one, one
    城关镇 firm has resumed (its blank reason does not matter): one warning per township."""
    waiting = {schema.RESUMED_ON: pd.NaT}
    ledger = industry(waiting | {schema.TOWN: "东山镇"}, waiting | {schema.TOWN: "东山镇", schema.REASON: ""},
                      waiting | {schema.TOWN: "东山镇", schema.REASON: "订单不足"},
                      waiting | {schema.TOWN: "城关镇"}, {schema.TOWN: "城关镇"})
    params = PARAMS.model_copy(update={"towns": ("城关镇", "东山镇")})
    found = [f for f in audit({schema.INDUSTRY: ledger}, params).findings if f.rule == "未复工原因未填"]
    assert [(f.enterprise, f.level) for f in found] == [("城关镇的未复工企业", "警告"), ("东山镇的未复工企业", "警告")]
    assert found[1].message.startswith("东山镇有2户尚未复工的企业没有填报未复工原因")
