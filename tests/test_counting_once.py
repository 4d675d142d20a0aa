"""Each grouping, the indicator rows and the narrative template are counted, read and
rendered once per run: the facts, the 附表, the audit and the report all read one result."""

import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

from fuchan_lib.core.schema import CATEGORY, COUNTY, SCALE, STATE_ON_HOLIDAY, TOWN, TRADE
from fuchan_lib.ingest.inputs import run_params
from fuchan_lib.report import narrative
from fuchan_lib.stats.groupings import CountingBasis
from fuchan_lib.stats import growth, rates, reasons, weekly

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def calls(monkeypatch):
    """Every call of the grouping function (per frame and grouping), of the indicator rows, and
    of reading and rendering the template, wherever a module took the function from."""
    seen = Counter()

    def counted(original, key):
        def wrapper(*args, **kwargs):
            seen[key(*args, **kwargs)] += 1
            return original(*args, **kwargs)
        return wrapper

    def by_frame(df, by, *rest, **kwargs):
        return ("count_by", id(df), by if isinstance(by, str) else tuple(by))

    wrapped = {rates.count_by: counted(rates.count_by, by_frame),
               growth.indicator_growth: counted(growth.indicator_growth, lambda *a, **k: "indicator_growth"),
               narrative.read_template: counted(narrative.read_template, lambda *a, **k: "read_template"),
               narrative.render_template: counted(narrative.render_template, lambda *a, **k: "render_template"),
               weekly.enterprise_snapshot: counted(weekly.enterprise_snapshot, lambda *a, **k: "enterprise_snapshot"),
               weekly.compare_with: counted(weekly.compare_with, lambda *a, **k: "compare_with"),
               reasons.reason_codes: counted(reasons.reason_codes, lambda *a, **k: "reason_codes")}
    for name, module in list(sys.modules.items()):
        if name.startswith("fuchan_lib"):
            for attr, value in list(vars(module).items()):
                if callable(value) and value in wrapped:
                    monkeypatch.setattr(module, attr, wrapped[value])
    return seen


@pytest.fixture
def example(tmp_path):
    for folder in ("params", "data", "narrative"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path / "params"


def test_a_county_run_counts_each_grouping_once_and_reads_and_renders_its_template_once(calls, example, tmp_path):
    from fuchan_lib.report.document import build_report
    from fuchan_lib.run.prepare import prepare_from, render_narrative

    prepared = prepare_from(run_params(example / "示例县_2023Q1.yaml", None))
    assert isinstance(prepared.inputs.params, CountingBasis)  # a county counts on its params
    built = prepared.build()
    blocks = render_narrative(built.facts, prepared.template)
    build_report(prepared.inputs.params, built, tmp_path, blocks)
    industry, service = id(prepared.inputs.industry), id(prepared.inputs.service)
    assert calls == Counter({
        ("count_by", industry, SCALE): 1, ("count_by", industry, TOWN): 1,
        ("count_by", service, CATEGORY): 1, ("count_by", service, TOWN): 1,
        ("count_by", service, (CATEGORY, "行业")): 1,
        "indicator_growth": 1, "read_template": 1, "render_template": 1,
        "enterprise_snapshot": 1, "compare_with": 1,  # one snapshot, compared once (audit and 周比)
        "reason_codes": 2,  # the waiting firms' reasons coded once per ledger (facts and audit)
    })
    # the audit's 已复工 is the facts' (one count, read by both)
    assert built.facts["工业.已复工"].value == prepared.groupings.industry.total.resumed


def test_a_city_build_counts_each_grouping_of_the_combined_ledgers_once(calls, example):
    from fuchan_lib.run import city

    r = city.prepare(example / "示例市_2023Q1.yaml")
    assert isinstance(r.basis, CountingBasis)  # the city counts on its CityBasis
    assert not isinstance(r.params, CountingBasis)  # not on its params (no 春节, no 乡镇)
    calls.clear()  # each county's own audit counted that county's ledgers, once each
    city.build(r)
    industry, service = id(r.city.industry), id(r.city.service)
    assert calls == Counter({
        ("count_by", industry, SCALE): 1, ("count_by", industry, TOWN): 1,
        ("count_by", service, CATEGORY): 1, ("count_by", service, TOWN): 1,
        ("count_by", service, (CATEGORY, "行业")): 1,
        ("count_by", industry, COUNTY): 1, ("count_by", service, COUNTY): 1,
        "reason_codes": 2,
    })


def test_the_expected_dates_are_read_once_per_ledger_for_the_audit_the_facts_and_the_follow_up_lists(
        monkeypatch, example):
    import openpyxl

    from fuchan_lib.ingest import expected_dates
    from fuchan_lib.run.prepare import prepare_from
    from fuchan_lib.stats.follow_up import OVERDUE, county_follow_up

    texts = ["3月上旬", "尽快", "2月10日", None]  # a date, a text that is not one, overdue, blank
    for name in ("工业企业台账.xlsx", "服务业企业台账.xlsx"):
        path = example.parent / "data" / "example" / name
        book = openpyxl.load_workbook(path)
        sheet = book.active
        column = sheet.max_column + 1
        sheet.cell(1, column, "预计复工日期")
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row, column, texts[row % len(texts)])
        book.save(path)
    parsed = []
    original = expected_dates.parse_expected

    def counted(texts, year):
        parsed.append(len(texts))
        return original(texts, year)

    monkeypatch.setattr(expected_dates, "parse_expected", counted)
    prepared = prepare_from(run_params(example / "示例县_2023Q1.yaml", None))
    built = prepared.build()
    inputs, p = prepared.inputs, prepared.inputs.params
    lists = county_follow_up(inputs.industry, inputs.service, p.spring_festival, p.as_of, p.towns)
    assert parsed == [len(inputs.industry), len(inputs.service)]  # once per ledger, when read
    # and all three read them: the audit warns of 尽快, the facts count, the lists mark 逾期
    waiting = sum(int((rates.states_at(df, p.as_of) == STATE_ON_HOLIDAY).sum())
                  for df in (inputs.industry, inputs.service))
    unreadable = [f for f in prepared.audit.findings if f.rule == "预计复工日期无法识别"]
    assert len(unreadable) == sum(int((df["预计复工日期"] == "尽快").sum()) for df in (inputs.industry, inputs.service))
    parts = [built.facts[f"{sector}.{key}"].value or 0 for sector in ("工业", "服务业")
             for key in ("预计月底前复工", "预计月底后复工", "逾期未复工", "复工时间待定")]
    assert sum(parts) == waiting and built.facts["工业.逾期未复工"].value
    assert sum(df[OVERDUE].notna().sum() for df in lists.values()) == sum(
        built.facts[f"{sector}.逾期未复工"].value or 0 for sector in ("工业", "服务业"))


def test_each_input_file_is_hashed_once_per_run(monkeypatch, example):
    """The 经济指标 check (run.history) and the manifest's 输入文件 read one digest per file."""
    from fuchan_lib.ingest import inputs as inputs_mod
    from fuchan_lib.run import history
    from fuchan_lib.run.prepare import prepare_from

    hashed = Counter()
    original = inputs_mod.sha256

    def counted(path):
        hashed[path.name] += 1
        return original(path)

    for module in (inputs_mod, history):
        monkeypatch.setattr(module, "sha256", counted)
    prepared = prepare_from(run_params(example / "示例县_2023Q1.yaml", None))
    assert hashed == Counter({"经济指标.xlsx": 1})  # for the stale-figures check
    listed = [prepared.inputs.digest(f) for f in prepared.inputs.files()]  # as the manifest lists them
    assert listed == [original(f) for f in prepared.inputs.files()]
    assert set(hashed.values()) == {1} and len(hashed) == len(prepared.inputs.files()) == 4
