"""Each grouping, the indicator rows and the narrative template are counted, read and
rendered once per run: the facts, the 附表, the audit and the report all read one result."""

import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

from fuchan_lib.core.schema import CATEGORY, COUNTY, SCALE, TOWN, TRADE
from fuchan_lib.ingest.inputs import run_params
from fuchan_lib.report import narrative
from fuchan_lib.stats.groupings import CountingBasis
from fuchan_lib.stats import growth, rates, weekly

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
               weekly.compare_with: counted(weekly.compare_with, lambda *a, **k: "compare_with")}
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
    })
