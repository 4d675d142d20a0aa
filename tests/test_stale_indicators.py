"""经济指标 of another period: caught (指标期末 before the period, or the very file an earlier
period's run read), warned about, and kept out of the report's sentences."""

import shutil
from datetime import date
from pathlib import Path

import pytest

from fuchan_lib.core import run_folder
from fuchan_lib.core.run_folder import InputFile, Manifest
from fuchan_lib.ingest.inputs import load_inputs, run_params, sha256
from fuchan_lib.report.narrative import default_template_text, render_template
from fuchan_lib.run.history import load_history, stale_indicators
from fuchan_lib.stats.indicators import before_period, period_start
from test_report_text import all_facts, text_of

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "as_of, start",
    [
        (date(2023, 2, 15), date(2023, 1, 1)),  # Q1 report: January's figures are this period's
        (date(2023, 5, 15), date(2023, 4, 1)),  # Q2 report in May: April's
        (date(2023, 4, 10), date(2023, 1, 1)),  # early April: March (Q1) is the latest month out
        (date(2023, 1, 28), date(2022, 10, 1)),  # a January 春节: last December
    ],
)
def test_the_period_starts_with_the_quarter_of_the_last_full_month(as_of, start):
    assert period_start(as_of) == start


def test_an_indicator_period_ending_before_the_period_is_named():
    assert before_period(date(2023, 1, 31), date(2023, 2, 15)) is None
    assert before_period(date(2023, 1, 31), date(2023, 5, 15)) == (
        "参数“指标期末”是2023年1月31日，早于本期（2023年二季度，2023年4月1日起）：经济指标是上一期的数")


def _earlier_run(output: Path, indicator_file: Path, period_end: str, county: str = "示例县") -> None:
    folder = output / f"{county}_截至20230215_20230216-090000"
    folder.mkdir(parents=True)
    Manifest(status=run_folder.STATUS_OK, run=folder.name, county=county, as_of=date(2023, 2, 15),
             created="2023-02-16T09:00:00", params={"指标期末": period_end, "春节": "2023-01-22"},
             inputs=[InputFile(path=str(indicator_file), sha256=sha256(indicator_file),
                               size=indicator_file.stat().st_size)]).write(folder)


@pytest.fixture
def next_quarter(county):
    """The example's params moved to 2023Q2 (指标期末 April) with the 经济指标 file unchanged."""
    text = county.read_text(encoding="utf-8")
    text = (text.replace("截止日期: 2023-02-15", "截止日期: 2023-05-15").replace("报告日期: 2023-02-16", "报告日期: 2023-05-16")
            .replace("目标截止: 2023-03-31", "目标截止: 2023-06-30").replace("指标期末: 2023-01-31", "指标期末: 2023-04-30"))
    path = county.with_name("示例县_2023Q2.yaml")
    path.write_text(text, encoding="utf-8")
    return path


def test_the_same_indicator_file_as_last_period_is_caught_and_left_out(next_quarter):
    inputs = load_inputs(next_quarter)
    p = inputs.params
    indicator_file = p.ledger("经济指标")[0][0]
    read = inputs.files_of("经济指标")
    assert read == [indicator_file]
    assert stale_indicators(p, [], read) == ()  # no earlier run: nothing to compare with
    _earlier_run(p.output_path, indicator_file, "2023-01-31")
    history = load_history(p, read)
    assert history.stale_indicators == (
        "经济指标文件“经济指标.xlsx”与截至2023年2月15日的运行（指标期末2023年1月31日）读的文件完全相同，"
        "本期“指标期末”却是2023年4月30日：文件像是还没有换成本期的数",)
    from fuchan_lib.stats.audit import AuditReport
    from fuchan_lib.stats.build import build_all

    facts = build_all(inputs, AuditReport(()), history).facts
    assert facts["经济指标.实绩"].text is None and facts["规模以上工业总产值.本期"].text is None
    printed = text_of(render_template(default_template_text(), facts))
    assert "1-4月" not in printed and "规模以上工业总产值" not in printed and "亿元" not in printed
    assert "人员组织等工作。二是强化重点企业支撑" in printed  # no gap where the sentences were


def test_a_run_of_the_same_period_or_another_file_is_not_stale(next_quarter, tmp_path):
    inputs = load_inputs(next_quarter)
    p = inputs.params
    indicator_file = p.ledger("经济指标")[0][0]
    _earlier_run(p.output_path, indicator_file, "2023-04-30")  # last week, same 指标期末: expected
    other = tmp_path / "上期经济指标.xlsx"
    shutil.copy(ROOT / "data" / "example" / "工业企业台账.xlsx", other)
    _earlier_run(p.output_path / "其他", other, "2023-01-31")
    assert load_history(p, inputs.files_of("经济指标")).stale_indicators == ()


def test_check_warns_and_says_which_sentences_are_left_out(next_quarter):
    from fuchan_lib.run.check import check_inputs

    p = run_params(next_quarter)
    _earlier_run(p.output_path, p.ledger("经济指标")[0][0], "2023-01-31")
    said = check_inputs(next_quarter, say=lambda _text: None)
    assert "经济指标不是本期的数：报告不写经济指标的句子（原因见警告“经济指标不是本期的”）" in said
    assert "警告“经济指标不是本期的”1条" in said and "读的文件完全相同" in said


def test_an_indicator_period_before_the_quarter_is_stale_without_any_run(next_quarter):
    text = next_quarter.read_text(encoding="utf-8").replace("指标期末: 2023-04-30", "指标期末: 2023-01-31")
    next_quarter.write_text(text, encoding="utf-8")
    inputs = load_inputs(next_quarter)
    history = load_history(inputs.params, inputs.files_of("经济指标"))
    assert history.stale_indicators == (
        "参数“指标期末”是2023年1月31日，早于本期（2023年二季度，2023年4月1日起）：经济指标是上一期的数",)
    from fuchan_lib.stats.audit import AuditReport
    from fuchan_lib.stats.build import build_all

    assert all_facts(inputs)["经济指标.实绩"].text.startswith("1月份")  # what it would have said
    assert build_all(inputs, AuditReport(()), history).facts["经济指标.实绩"].text is None
