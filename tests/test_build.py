"""Build steps, week over week, history, the notebook hand-off and the report assembly on a
seven-enterprise county with hand-computed answers (no kernel, no Excel)."""

import json
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path

import docx
import pandas as pd
import pytest

from fuchan_lib.core import run_folder, schema
from fuchan_lib.core.run_folder import InputFile, Manifest, RunFolder
from fuchan_lib.core.params import Params
from fuchan_lib.ingest.inputs import Inputs
from fuchan_lib.run import notebook
from fuchan_lib.run.prepare import audit_inputs, prepare_inputs
from fuchan_lib.run.history import format_runs, list_runs, load_history, scan_runs
from fuchan_lib.run.transaction import RunTransaction
from fuchan_lib.stats import build
from fuchan_lib.stats.facts import FactSet
from fuchan_lib.stats.weekly import History, PreviousRun

PARAMS = Params.model_validate({
    "县名": "测试县", "报告单位": "测试县工信局", "名录截止日期": "2022-12-31", "春节": "2023-01-22",
    "截止日期": "2023-02-15", "报告日期": "2023-02-16",
    "数据": {"工业企业台账": "a.xlsx", "服务业企业台账": "b.xlsx"},
})
COMMON = {schema.CREDIT_CODE: None, schema.STAFF: 10, schema.RETURNED: 8, schema.REASON: None,
          schema.SOURCE_FILE: "台账.xlsx", schema.SOURCE_SHEET: "Sheet1"}


def ledger(rows, columns):
    frame = pd.DataFrame([COMMON | dict(zip(columns, row)) | {schema.SOURCE_ROW: i + 2}
                          for i, row in enumerate(rows)])
    frame[schema.RESUMED_ON] = pd.to_datetime(frame[schema.RESUMED_ON])
    return frame.astype({schema.STAFF: "Int64", schema.RETURNED: "Int64"})


INDUSTRY = ledger([
    ("甲厂", "城关镇", "规上", "停产放假", "2023-02-01"),
    ("乙厂", "城关镇", "规上", "停产放假", None),
    ("丙厂", "新华乡", "规下", "正常生产", None),
    ("丁厂", "新华乡", "规下", "停产放假", "2023-02-15"),
], [schema.NAME, schema.TOWN, schema.SCALE, schema.STATUS, schema.RESUMED_ON])
SERVICE = ledger([
    ("戊店", "城关镇", "限上批零住餐", "零售业", "停业放假", "2023-02-10"),
    ("己店", "新华乡", "大个体", "餐饮业", "停业放假", None),
    ("庚校", "城关镇", "规上服务业", "教育", "正常营业", None),
], [schema.NAME, schema.TOWN, schema.CATEGORY, schema.TRADE, schema.STATUS, schema.RESUMED_ON])


def inputs(as_of=date(2023, 2, 15), params=PARAMS):
    return Inputs(params.with_as_of(as_of), INDUSTRY, SERVICE, None, None)


def built(as_of=date(2023, 2, 15), history=History(), params=PARAMS):
    i = inputs(as_of, params)
    return build.build_all(i, audit_inputs(i), history)


def test_industry_part_counts_and_rates_by_scale_and_town():
    part = built().industry
    assert part.facts["工业.需复工"].value == 3 and part.facts["工业.已复工"].value == 2
    assert part.facts["工业.复工率"].text == "66.7%"
    assert part.facts["工业.规上.复工率"].text == "50.0%" and part.facts["工业.规下.复工率"].text == "100.0%"
    towns = part.sheet("按乡镇").set_index(schema.TOWN)
    assert towns.loc["城关镇", "已复工"] == 1 and towns.loc["新华乡", "已复工"] == 1
    assert list(part.tables) == [run_folder.TABLE_SECTIONS_INDUSTRY]


def test_services_part_counts_each_category():
    facts = built().services.facts
    assert facts["限上.复工率"].text == "100.0%" and facts["大个体.复工率"].text == "0.0%"
    assert facts["限上和大个体.复工率"].text == "50.0%"
    assert facts["规上服务业.复工率"].text is None  # no enterprise needed to resume
    assert facts["规上服务业.教育"].value == 1


def test_category_chart_takes_the_five_groups_by_name_and_the_lists_are_complete():
    part = built().attachments
    [chart] = part.charts[run_folder.FIGURE_CATEGORY]
    assert list(chart["类别"]) == list(build.CHART_CATEGORIES)
    assert list(chart["复工率"].iloc[:2]) == [50.0, 100.0]
    assert set(part.sheet("未复工企业")["企业名称"]) == {"乙厂", "己店"}
    assert set(part.charts) == {run_folder.FIGURE_CURVE, run_folder.FIGURE_CATEGORY, run_folder.FIGURE_TOWN}
    assert part.facts["截止日期"].text == "2023年2月15日"


def test_first_run_has_no_week_over_week_figures_and_no_trend_chart():
    part = built().week_over_week
    assert all(f.value is None for f in part.facts)
    assert part.tables == {} and part.charts == {}
    assert list(part.snapshot["在产"]) == [True, False, True, True, True, False, True]


def previous_week(params=PARAMS) -> PreviousRun:
    """The same county a week earlier: 甲厂 only had resumed among those needing to."""
    before = built(date(2023, 2, 8), params=params)
    return PreviousRun(date(2023, 2, 8), params.rate_basis, before.facts, before.week_over_week.snapshot)


def test_week_over_week_against_the_previous_week_names_who_changed():
    history = History(previous_week(), {date(2023, 2, 8): {"工业.复工率": 33.3}})
    part = built(history=history).week_over_week
    facts = part.facts
    assert facts["周比.工业.新增复工"].value == 1  # 丁厂
    assert facts["周比.工业.上期已复工"].value == 1  # 甲厂: 1 + 1 − 0 = 2 = 工业.已复工
    assert facts["周比.工业.复工率变化"].text == "提高33.4个百分点"  # 66.7 − 33.3, the printed figures
    assert facts["周比.工业.复工变化"].text == "本周新增复工复产企业1户"
    assert facts["周比.限上和大个体.复工变化"].text == "本周新增复工营业企业1户"  # 戊店
    assert facts["周比.规上服务业.复工变化"].text == "本周没有新增复工营业企业"
    assert facts["周比.新复工企业数"].value == 2 and facts["周比.不再计入企业数"].value == 0
    newly = part.tables[run_folder.TABLE_CHANGES]["新复工"]
    assert list(newly["企业名称"]) == ["丁厂", "戊店"]
    [trend] = part.charts[run_folder.FIGURE_TREND]
    assert list(trend["工业"].round(1)) == [33.3, 66.7]


def test_a_cleared_date_is_not_counted_and_the_sentence_reconciles():
    """乙厂 had resumed on 2月5日 by 2月8日 and its date has been cleared since, 丁厂 resumed:
    the count of resumed firms stays 2 (2 + 1 − 1), yet one firm newly resumed, and the text
    says 1 and names the one that is no longer counted, as the 附表 lists."""
    before = previous_week()
    snapshot = before.snapshot.copy()
    snapshot.loc[snapshot["企业名称"] == "乙厂", schema.RESUMED_ON] = pd.Timestamp("2023-02-05")
    previous = PreviousRun(before.as_of, before.rate_basis, before.facts, snapshot)
    part = built(history=History(previous)).week_over_week
    facts = part.facts
    assert (facts["周比.工业.上期已复工"].value, facts["周比.工业.新增复工"].value,
            facts["周比.工业.不再计入"].value) == (2, 1, 1)
    assert facts["周比.工业.复工变化"].text == "本周新增复工复产企业1户，另有1户因台账删除或更正不再计入"
    assert facts["周比.工业.规下.新增复工"].value == 1 and facts["周比.工业.规上.新增复工"].value == 0
    assert facts["周比.工业.规上.不再计入"].value == 1 and facts["周比.工业.规下.不再计入"].value is None
    dropped = part.tables[run_folder.TABLE_CHANGES]["不再计入"]
    assert list(dropped["企业名称"]) == ["乙厂"] and list(dropped["原因"]) == ["复工日期已清空"]


def test_rates_of_another_basis_are_not_compared_but_counts_are():
    other = PARAMS.model_copy(update={"rate_basis": "含正常生产"})
    facts = built(history=History(previous_week()), params=other).week_over_week.facts
    assert facts["周比.工业.复工率变化"].text is None
    assert facts["周比.工业.新增复工"].value == 1


@cache
def kept_facts(as_of: date) -> FactSet:
    """The facts of `built(as_of)`, built once: what earlier runs keep (write_run only reads them)."""
    return built(as_of).facts


def write_run(output: Path, name: str, as_of: date, facts: FactSet, status=run_folder.STATUS_OK,
              county="测试县") -> Path:
    folder = output / name
    folder.mkdir(parents=True)
    Manifest(status=status, run=name, county=county, as_of=as_of, created=f"{as_of}T09:00:00",
             params={"春节": "2023-01-22", "复工率口径": "需复工"},
             headline={k: facts[k].value for k in run_folder.HEADLINE_KEYS if k in facts}).write(folder)
    facts.to_json(RunFolder(folder).facts)
    return folder


def test_history_takes_the_latest_earlier_good_run_of_the_same_county(tmp_path):
    params = PARAMS.model_copy(update={"base_dir": tmp_path})
    output = params.output_path
    week1, week2 = kept_facts(date(2023, 2, 1)), kept_facts(date(2023, 2, 8))
    write_run(output, "a", date(2023, 2, 1), week1)
    write_run(output, "b", date(2023, 2, 8), week2)
    write_run(output, "c", date(2023, 2, 10), week2, status=run_folder.STATUS_FAILED)
    write_run(output, "d", date(2023, 2, 9), week2, county="别的县")
    write_run(output, "e", date(2023, 2, 22), week2)  # later than this run's as-of date
    history = load_history(params)
    assert history.previous.as_of == date(2023, 2, 8) and history.previous.snapshot is None
    assert history.previous.resumed == {schema.INDUSTRY: 1, schema.SERVICE: 0}  # 戊店 on 2月10日
    assert sorted(history.earlier_rates) == [date(2023, 2, 1), date(2023, 2, 8)]
    assert [r.folder.name for r in list_runs(output)] == ["e", "d", "b", "a"]


@pytest.mark.parametrize("damage, reason", [
    (lambda f: (f / "manifest.json").write_text("{\"状态\": \"成功\", ", encoding="utf-8"),
     "manifest.json 已损坏（不是完整的 JSON）"),
    (lambda f: _edit_manifest(f, {"主要数字": {"工业.复工率": "八十"}}), "manifest.json 中“主要数字·工业.复工率"),
    (lambda f: _edit_manifest(f, {"截止日期": "上周"}), "manifest.json 中“截止日期”的值有误"),
    (lambda f: (f / "facts.json").write_text("[{\"key\": 1}]", encoding="utf-8"), "facts.json 无法读取或已损坏"),
    (lambda f: _edit_facts(f, "工业.复工率", "八十"), "facts.json 中“工业.复工率”的值不是数字"),
    (lambda f: (f / "企业状态.csv").write_text("键,在产\na,也许\n", encoding="utf-8"), "企业状态.csv 缺少"),
    (lambda f: (f / "企业状态.csv").write_bytes(b"\xff\xfe\x00garbage"), "企业状态.csv"),
])
def test_an_unreadable_earlier_run_is_skipped_with_a_warning_naming_it(tmp_path, damage, reason):
    params = PARAMS.model_copy(update={"base_dir": tmp_path / "params"})  # outputs in tmp_path
    output = params.output_path
    write_run(output, "测试县_第一周", date(2023, 2, 1), kept_facts(date(2023, 2, 1)))
    damage(write_run(output, "测试县_第二周", date(2023, 2, 8), kept_facts(date(2023, 2, 8))))
    said = []
    history = load_history(params, say=said.append)
    assert history.previous.as_of == date(2023, 2, 1)  # the last run that can be read
    assert len(said) == 1 and "跳过无法读取的运行“测试县_第二周”" in said[0] and reason in said[0]


def test_an_earlier_run_with_text_progress_and_dates_is_read_not_skipped(tmp_path):
    """进度 and 百分点 facts are words ("低于时序进度2.4个百分点", "提高6.0个百分点"): not a
    damaged number (every run after a week-over-week or 较上年同期 sentence has them)."""
    params = PARAMS.model_copy(update={"base_dir": tmp_path / "params"})
    facts = built(date(2023, 2, 8)).facts
    facts.text("测试.进度", "低于时序进度2.4个百分点", "完成率对时序进度", kind="progress")
    facts.text("测试.变化", "提高6.0个百分点", "复工率变化（周比、较上年同期）", kind="points")
    facts.date("测试.日期", date(2023, 2, 8), "日期")
    write_run(params.output_path, "测试县_第二周", date(2023, 2, 8), facts)
    said = []
    assert load_history(params, say=said.append).previous.as_of == date(2023, 2, 8) and said == []


def test_fuchan_list_shows_an_unreadable_run_as_such(tmp_path):
    write_run(tmp_path, "测试县_第一周", date(2023, 2, 1), kept_facts(date(2023, 2, 1)))
    _edit_manifest(write_run(tmp_path, "测试县_第二周", date(2023, 2, 8), kept_facts(date(2023, 2, 8))),
                   {"主要数字": {"工业.复工率": [1, 2]}})
    text = format_runs(*scan_runs(tmp_path, include_failed=True))
    assert "2023-02-01　测试县　成功" in text
    assert "无法读取　测试县_第二周：manifest.json 中“主要数字·工业.复工率" in text


def _edit_manifest(folder: Path, changes: dict) -> None:
    path = folder / run_folder.MANIFEST_FILE
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8")) | changes, ensure_ascii=False),
                    encoding="utf-8")


def _edit_facts(folder: Path, key: str, value) -> None:
    path = folder / run_folder.FACTS_FILE
    facts = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps([f | {"value": value} if f["key"] == key else f for f in facts],
                               ensure_ascii=False), encoding="utf-8")


def test_manifest_writes_and_reads_itself_and_ignores_keys_it_does_not_know(tmp_path):
    manifest = Manifest(status="成功", run="r", county="测试县", as_of=date(2023, 2, 15), created="x",
                        inputs=[InputFile(path="a.xlsx", sha256="0" * 64, size=3)],
                        headline={"工业.已复工": 5, "服务业.已复工": 7})
    manifest.write(tmp_path)
    raw = json.loads((tmp_path / run_folder.MANIFEST_FILE).read_text(encoding="utf-8"))
    assert raw["状态"] == "成功" and raw["输入文件"] == [{"路径": "a.xlsx", "sha256": "0" * 64, "字节": 3}]
    assert Manifest.read(tmp_path) == manifest
    newer = raw | {"将来的键": 1}  # a key of a later version: ignored, the run still lists
    (tmp_path / run_folder.MANIFEST_FILE).write_text(json.dumps(newer, ensure_ascii=False), encoding="utf-8")
    assert Manifest.read(tmp_path) == manifest


def test_a_notebook_takes_the_staged_run_without_reading_any_ledger(tmp_path):
    source = tmp_path / "本县.yaml"  # never read: the staged run is used
    params = PARAMS.model_copy(update={"source": source, "base_dir": tmp_path})
    prepared = prepare_inputs(inputs(params=params), History())
    result = prepared.build()
    with RunTransaction(tmp_path, "本县", "本县", params.as_of) as staging:
        staging.hand_off(prepared, result)
        run = notebook.open_run(source, staging.folder.path, "2023-02-15")
        assert run.built.facts.keys() == result.facts.keys()
        saved = run.save(run.built.attachments)
        assert {p.name for p in saved} >= {run_folder.TABLE_CATEGORY, run_folder.FIGURE_CURVE}
        with pytest.raises(Exception):  # another as-of date: not the staged run, so the ledgers are read
            notebook.open_run(source, staging.folder.path, "2023-02-22")


def test_report_tables_show_the_build_steps_percentages(tmp_path):
    from fuchan_lib.report.document import build_report

    result = built()
    every_table = PARAMS.model_copy(update={"attachments": ("分类表", "行业表", "乡镇表", "规上限上未复工企业")})
    path, _gaps = build_report(every_table, result, tmp_path)
    rows = ["|".join(c.text for c in row.cells) for t in docx.Document(str(path)).tables for row in t.rows]
    assert "规上工业|2|0|0|2|1|50.0%" in rows
    assert "规上服务业|1|1|0|0|0|—" in rows
    assert any(r.startswith("乙厂|城关镇|规上工业|") for r in rows)


def test_a_countys_own_runs_are_told_apart_from_its_neighbours_and_other_festivals():
    """history.own_runs: the one filter of `fuchan list`, the history and the 下发 workbooks."""
    from types import SimpleNamespace

    from fuchan_lib.run.history import RunRecord, Unreadable, own_runs

    def record(county, festival, name):
        return RunRecord(Path(name), SimpleNamespace(county=county, spring_festival=festival))

    records = [record("示例县", "2023-01-22", "a"), record("示例县二", "2023-01-22", "b"),
               record("示例县", "2022-02-01", "c"), record("西岭县", "2023-01-22", "d")]
    unreadable = [Unreadable(Path(f"{n}_截至20230215_20230216-090000"), "坏") for n in ("示例县", "示例县二", "西岭县")]
    runs, broken = own_runs("示例县", records, unreadable)
    assert [r.folder.name for r in runs] == ["a", "c"]
    assert [u.folder.name[:4] for u in broken] == ["示例县_"]  # not 示例县二's
    runs, broken = own_runs("示例县", records, (), date(2023, 1, 22))
    assert [r.folder.name for r in runs] == ["a"] and broken == []
