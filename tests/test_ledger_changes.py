"""The ledger against the previous run's snapshot: who left, came or changed, named in the
audit, and week-over-week counts that reconcile (上期已复工 + 新增 − 不再计入 = 本期已复工)."""

from datetime import date

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from property_examples import examples

from fuchan_lib.core import schema
from fuchan_lib.core.params import Params
from fuchan_lib.core.run_folder import WEEK_GROUPS
from fuchan_lib.ingest.inputs import Inputs
from fuchan_lib.run.prepare import audit_inputs
from fuchan_lib.stats import audit, facts as facts_mod, weekly
from fuchan_lib.ingest.firms import name_keys
from fuchan_lib.stats.ledger_changes import change_findings, compare
from fuchan_lib.stats.weekly import PreviousRun
from kept_runs import finished_run

PARAMS = Params.model_validate({
    "县名": "测试县", "报告单位": "测试县工信局", "名录截止日期": "2022-12-31", "春节": "2023-01-22",
    "截止日期": "2023-02-15", "报告日期": "2023-02-16",
    "数据": {"工业企业台账": "a.xlsx", "服务业企业台账": "b.xlsx"},
})
LAST_WEEK = date(2023, 2, 8)
INDUSTRY_COLUMNS = [schema.NAME, schema.CREDIT_CODE, schema.TOWN, schema.SCALE, schema.STATUS, schema.RESUMED_ON]
SERVICE_COLUMNS = [schema.NAME, schema.CREDIT_CODE, schema.TOWN, schema.CATEGORY, schema.TRADE,
                   schema.STATUS, schema.RESUMED_ON]


def ledger(rows, columns, file="工业.xlsx") -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    frame[schema.RESUMED_ON] = pd.to_datetime(frame[schema.RESUMED_ON])
    for column in (schema.STAFF, schema.RETURNED):
        frame[column] = pd.array([None] * len(frame), dtype="Int64")
    return frame.assign(**{schema.REASON: None, schema.SOURCE_FILE: file, schema.SOURCE_SHEET: "Sheet1",
                           schema.SOURCE_ROW: range(2, len(frame) + 2)})


NO_SERVICE = ledger([], SERVICE_COLUMNS, "服务业.xlsx")
CODE = "91360000MA35L8K2XF"
BEFORE = ledger([
    ("甲厂", None, "城关镇", "规上", "停产放假", "2023-02-01"),  # deleted this week
    ("乙厂", None, "城关镇", "规上", "停产放假", "2023-02-03"),  # date cleared
    ("丙厂", None, "新华乡", "规下", "停产放假", "2023-02-06"),  # date moved to 2月20日
    ("丁厂", None, "新华乡", "规下", "停产放假", "2023-02-07"),  # now 正常生产
    ("戊厂", None, "新华乡", "规上", "停产放假", "2023-02-02"),  # now 规下, still resumed
    ("己厂", CODE, "城关镇", "规下", "停产放假", None),         # renamed, same code; resumed now
    ("庚 厂", None, "城关镇", "规下", "停产放假", None),        # spelt 庚厂 now; resumed now
    ("辛厂", None, "城关镇", "规上", "停产放假", "2023-02-01"),  # unchanged
], INDUSTRY_COLUMNS)
NOW = ledger([
    ("乙厂", None, "城关镇", "规上", "停产放假", None),
    ("丙厂", None, "新华乡", "规下", "停产放假", "2023-02-20"),
    ("丁厂", None, "新华乡", "规下", "正常生产", None),
    ("戊厂", None, "新华乡", "规下", "停产放假", "2023-02-02"),
    ("己厂（更名）", CODE, "城关镇", "规下", "停产放假", "2023-02-10"),
    ("庚厂", None, "城关镇", "规下", "停产放假", "2023-02-12"),
    ("辛厂", None, "城关镇", "规上", "停产放假", "2023-02-01"),
    ("壬厂", None, "城关镇", "规上", "停产放假", "2023-02-14"),  # new, resumed
], INDUSTRY_COLUMNS)


def run_of(industry, service, as_of) -> tuple[facts_mod.FactSet, pd.DataFrame]:
    params = PARAMS.with_as_of(as_of)
    facts = facts_mod.industry_facts(industry, params).merge(facts_mod.service_facts(service, params))
    return facts, weekly.enterprise_snapshot(industry, service, as_of)


def week_facts(before, now, as_of=PARAMS.as_of):
    old_facts, old_snapshot = run_of(*before, LAST_WEEK)
    new_facts, new_snapshot = run_of(*now, as_of)
    previous = PreviousRun(LAST_WEEK, PARAMS.rate_basis, old_facts, old_snapshot)
    comparison = weekly.compare_with(previous, new_snapshot, as_of)
    return old_facts, new_facts, weekly.week_over_week_facts(new_facts, PARAMS, previous, comparison, now), comparison


def test_names_are_compared_without_spaces_and_full_width_forms():
    assert list(name_keys(pd.Series(["庚 厂", "庚\u3000厂", "ＡＢ商店", None]))) == ["庚厂", "庚厂", "AB商店", None]


def test_each_edit_is_counted_where_it_belongs_and_the_counts_reconcile():
    old, new, week, _ = week_facts((BEFORE, NO_SERVICE), (NOW, NO_SERVICE))
    # last week: 甲乙丙丁戊辛 resumed (6); now: 戊己庚辛壬 (5). Left the count: 甲 (deleted), 乙
    # (cleared), 丙 (after the as-of date), 丁 (正常生产) = 4; came in: 己, 庚 (matched, resumed
    # since), 壬 (new) = 3; 戊 moved 规上 -> 规下 and stays in 工业. 6 + 3 − 4 = 5.
    assert old["工业.已复工"].value == 6 and new["工业.已复工"].value == 5
    assert (week["周比.工业.上期已复工"].value, week["周比.工业.新增复工"].value,
            week["周比.工业.不再计入"].value) == (6, 3, 4)
    assert week["周比.工业.复工变化"].text == "本周新增复工复产企业3户，另有4户因台账删除或更正不再计入"
    # 规上: 甲乙戊辛 before; 辛壬 now: 2 + 1 (壬) − 3 (甲 乙 戊) = 2
    assert (week["周比.工业.规上.上期已复工"].value, week["周比.工业.规上.新增复工"].value,
            week["周比.工业.规上.不再计入"].value, new["工业.规上.已复工"].value) == (4, 1, 3, 2)
    # 规下: 丙丁 before; 戊己庚 now: 2 + 3 − 2 = 3
    assert (week["周比.工业.规下.新增复工"].value, week["周比.工业.规下.不再计入"].value) == (3, 2)
    assert week["周比.工业.新复工较多乡镇"].text == "城关镇3户"


def test_why_each_firm_is_no_longer_counted():
    *_, comparison = week_facts((BEFORE, NO_SERVICE), (NOW, NO_SERVICE))
    dropped = weekly.changes_tables(comparison)["不再计入"]
    assert dict(zip(dropped["企业名称"], dropped["原因"])) == {
        "甲厂": "已从台账中删除", "乙厂": "复工日期已清空",
        "丙厂": "复工日期改为2023年2月20日，晚于截止日期",
        "丁厂": "春节期间状态由“停产放假”改为“正常生产”",
    }
    assert list(weekly.changes_tables(comparison)["新复工"]["企业名称"]) == ["己厂（更名）", "庚厂", "壬厂"]


def test_the_audit_names_every_firm_that_left_came_or_changed():
    inputs = Inputs(PARAMS, NOW, NO_SERVICE, None, None)
    _, snapshot = run_of(BEFORE, NO_SERVICE, LAST_WEEK)
    old_facts, _ = run_of(BEFORE, NO_SERVICE, LAST_WEEK)
    report = audit_inputs(inputs, PreviousRun(LAST_WEEK, PARAMS.rate_basis, old_facts, snapshot))
    found = {(f.rule, f.enterprise): f for f in report.warnings}
    assert {(r, e) for r, e in found if r in audit.WEEK_RULES} == {
        (audit.LEFT_LEDGER, "甲厂"), (audit.NEW_FIRM, "壬厂"),
        (audit.DATE_WITHDRAWN, "乙厂"), (audit.DATE_WITHDRAWN, "丙厂"),
        (audit.CLASS_CHANGED, "丁厂"), (audit.CLASS_CHANGED, "戊厂"),
    }
    moved = found[(audit.CLASS_CHANGED, "戊厂")]
    assert (moved.file, moved.row, moved.column) == ("工业.xlsx", 5, schema.SCALE)
    assert "规模由“规上工业”改为“规下工业”" in moved.message
    assert "2023年2月3日" in found[(audit.DATE_WITHDRAWN, "乙厂")].message
    rows = report.to_frame()
    assert set(rows.loc[rows["规则"] == audit.LEFT_LEDGER, "企业名称"]) == {"甲厂"}


# --- the identity over generated edits -------------------------------------------------------

EDITS = ("keep", "delete", "clear", "late", "resume", "status", "class", "respell", "drop_code")


@st.composite
def two_weeks(draw):
    """A previous ledger pair and this week's, made from it by random edits and new firms."""
    def firm(i, industry):
        status = draw(st.sampled_from(schema.INDUSTRY_STATUSES if industry else schema.SERVICE_STATUSES))
        day = draw(st.sampled_from([None, "2023-02-01", "2023-02-08", "2023-02-12"]))
        day = day if status in schema.ON_HOLIDAY else None
        code = f"CODE{i:014d}" if draw(st.booleans()) else None
        town = draw(st.sampled_from(["城关镇", "新华乡"]))
        kind = draw(st.sampled_from(schema.SCALES if industry else schema.CATEGORIES))
        if industry:
            return [f"企业{i}", code, town, kind, status, day]
        trade = "零售业" if kind != schema.SERVICE_ABOVE_SCALE else "教育"
        return [f"企业{i}", code, town, kind, trade, status, day]

    weeks = []
    for industry in (True, False):
        rows = [firm(i + (0 if industry else 100), industry) for i in range(draw(st.integers(0, 8)))]
        edited = []
        for row in rows:
            row = list(row)
            edit = draw(st.sampled_from(EDITS))
            holiday = row[-2] in schema.ON_HOLIDAY
            if edit == "delete":
                continue
            if edit == "clear":
                row[-1] = None
            elif edit == "late" and holiday:
                row[-1] = "2023-02-20"
            elif edit == "resume" and holiday:
                row[-1] = "2023-02-14"
            elif edit == "status":
                row[-2], row[-1] = (schema.INDUSTRY_STATUSES if industry else schema.SERVICE_STATUSES)[0], None
            elif edit == "class":
                row[3] = draw(st.sampled_from(schema.SCALES if industry else schema.CATEGORIES))
                row[4] = row[4] if industry else ("零售业" if row[3] != schema.SERVICE_ABOVE_SCALE else "教育")
            elif edit == "respell":
                row[0] = row[0].replace("企业", "企业 ").replace("1", "１")
            elif edit == "drop_code":
                row[1] = None
            edited.append(row)
        edited += [firm(200 + i + (0 if industry else 50), industry) for i in range(draw(st.integers(0, 3)))]
        columns = INDUSTRY_COLUMNS if industry else SERVICE_COLUMNS
        weeks.append((ledger(rows, columns), ledger(edited, columns)))
    (industry_before, industry_now), (service_before, service_now) = weeks
    return (industry_before, service_before), (industry_now, service_now)


@settings(max_examples=examples(100), deadline=None)
@given(two_weeks())
def test_last_weeks_figure_plus_new_minus_no_longer_counted_is_this_weeks(weeks):
    before, now = weeks
    old, new, week, _ = week_facts(before, now)
    for group in WEEK_GROUPS:
        added, dropped = week[f"周比.{group}.新增复工"].value, week[f"周比.{group}.不再计入"].value or 0
        assert week[f"周比.{group}.上期已复工"].value == old[f"{group}.已复工"].value
        assert old[f"{group}.已复工"].value + added - dropped == new[f"{group}.已复工"].value, group


# --- two weeks of the example county around a ledger edit (no kernel) ------------------------

def edit_ledger(path, deleted: str, cleared: str) -> None:
    """Delete one firm's row and clear another's 复工日期 (column F), as a township might."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.active
    rows = {row[0].value: row[0].row for row in sheet.iter_rows(min_row=2)}
    sheet.cell(rows[cleared], 6).value = None
    sheet.delete_rows(rows[deleted])
    book.save(path)


def test_two_weekly_runs_around_a_ledger_edit_reconcile_and_name_both_firms(county, capsys):
    from fuchan_lib.report.narrative import read_template, render_template
    from fuchan_lib.run.check import check_inputs
    from fuchan_lib.ingest.inputs import run_params

    week1 = finished_run(county, "2023-02-08").facts
    ledger_path = county.parent.parent / "data" / "example" / "工业企业台账.xlsx"
    # both resumed in January, so counted in the first week
    edit_ledger(ledger_path, deleted="示例县合田米业有限公司", cleared="示例县运北饮品有限公司")
    text = check_inputs(county)
    assert "警告“台账中删除的企业”1条：示例县合田米业有限公司" in text
    assert "警告“复工日期被清空或推后”1条：示例县运北饮品有限公司" in text
    listed = pd.read_excel(county.parent / "审核清单_示例县_截至20230215.xlsx", engine="calamine")
    named = set(zip(listed["规则"], listed["企业名称"]))
    assert {(audit.LEFT_LEDGER, "示例县合田米业有限公司"), (audit.DATE_WITHDRAWN, "示例县运北饮品有限公司")} <= named

    week2 = finished_run(county, "2023-02-15").facts
    added = week2["周比.工业.新增复工"].value
    assert week2["周比.工业.不再计入"].value == 2
    assert week1["工业.已复工"].value + added - 2 == week2["工业.已复工"].value
    template, name = read_template(run_params(county).narrative_path)
    report = "".join(run.text for block in render_template(template, week2, name)
                     for run in getattr(block, "runs", ()) or getattr(block, "body", ()))
    assert f"本周新增复工复产企业{added}户，另有2户因台账删除或更正不再计入。" in report


def test_the_third_week_compares_with_the_second_whose_facts_hold_phrases(county):
    """The second week's facts say 提高4.5个百分点 (points) and 超时序进度… (progress): words, not
    damaged numbers, so the third week compares with it rather than skipping it."""
    from fuchan_lib.ingest.inputs import run_params
    from fuchan_lib.run.history import load_history

    finished_run(county, "2023-02-01")
    second = finished_run(county, "2023-02-08").facts
    assert isinstance(second["周比.工业.复工率变化"].value, str)
    said = []
    history = load_history(run_params(county, "2023-02-15"), say=said.append)
    assert history.previous.as_of.isoformat() == "2023-02-08" and said == []


def test_each_groups_comparison_is_made_once_for_the_facts_and_the_changes_table(monkeypatch):
    from collections import Counter

    from fuchan_lib.stats.ledger_changes import Comparison

    made = Counter()
    original = Comparison._count
    monkeypatch.setattr(Comparison, "_count", lambda self, labels: made.update([labels]) or original(self, labels))
    *_, comparison = week_facts((BEFORE, NO_SERVICE), (NOW, NO_SERVICE))
    tables = weekly.changes_tables(comparison)
    assert made[weekly.ALL_LABELS] == 1 and set(made.values()) == {1}  # the facts' count, read by the 附表
    assert len(made) == len({weekly.SNAPSHOT_GROUPS[g] for g in WEEK_GROUPS} | {weekly.ALL_LABELS})
    assert len(tables["新复工"]) == 3 and len(tables["不再计入"]) == 4


def test_the_audit_and_the_dropped_list_give_the_same_reason_for_a_withdrawn_date():
    *_, comparison = week_facts((BEFORE, NO_SERVICE), (NOW, NO_SERVICE))
    dropped = weekly.changes_tables(comparison)["不再计入"].set_index("企业名称")["原因"]
    found = {f.enterprise: f.message for f in change_findings(comparison, pd.DataFrame())
             if f.rule == audit.DATE_WITHDRAWN}
    assert set(found) == {"乙厂", "丙厂"}
    for name, message in found.items():
        assert f"本次{dropped[name]}，不再计入已复工" in message

