"""较上年同期: two generated years; last year's run re-counted at the same day after 春节."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

import synthetic
from fuchan_lib.core import run_folder, schema
from fuchan_lib.core.exceptions import ParamsError
from fuchan_lib.core.run_folder import Manifest
from fuchan_lib.ingest.inputs import load_inputs, run_params, with_states
from fuchan_lib.report.narrative import read_template, render_template
from fuchan_lib.run.history import load_history
from fuchan_lib.stats.audit import AuditReport
from fuchan_lib.stats.build import build_all
from fuchan_lib.stats.rates import count_resumption
from fuchan_lib.stats.weekly import enterprise_snapshot
from test_report_text import text_of

LAST_FESTIVAL = date(2022, 2, 1)
SAME_DAY = date(2022, 2, 25)  # this year's 截止日期 2023-02-15 is 春节 2023-01-22 + 24 days


def last_year_frames():
    frames = synthetic.make_county(900, 400, seed=11, spring_festival=LAST_FESTIVAL, as_of=date(2022, 3, 10))
    return with_states(frames[schema.INDUSTRY]), with_states(frames[schema.SERVICE])


def write_run(output: Path, frames, as_of: date, name: str = "示例县_截至20220310_20220311-090000") -> Path:
    """A finished run of last year: manifest (with a headline that is not the same day's) and
    the enterprise snapshot, as the pipeline leaves them."""
    folder = output / name
    folder.mkdir(parents=True)
    Manifest(status=run_folder.STATUS_OK, run=name, county="示例县", as_of=as_of, created="2022-03-11T09:00:00",
             params={"春节": LAST_FESTIVAL.isoformat(), "复工率口径": "需复工"},
             headline={"工业.复工率": 12.3}).write(folder)
    enterprise_snapshot(*frames, as_of).to_csv(run_folder.RunFolder(folder).snapshot, index=False,
                                               encoding="utf-8-sig")
    return folder


def rounded(fraction) -> Decimal:
    return (Decimal(fraction.numerator) / Decimal(fraction.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def change(now, before) -> str:
    diff = rounded(now) - rounded(before)
    return "持平" if diff == 0 else f"{'提高' if diff > 0 else '回落'}{abs(diff)}个百分点"


def test_two_years_give_the_same_day_comparison_counted_by_hand(county):
    frames = last_year_frames()
    inputs = load_inputs(county)
    write_run(inputs.params.output_path, frames, date(2022, 3, 10))
    history = load_history(inputs.params)
    assert history.last_year_note == ("较上年同期：按运行“示例县_截至20220310_20220311-090000”的企业状态，"
                                      "重新计数到上年春节后第24天（2022年2月25日）")
    facts = build_all(inputs, AuditReport(()), history).facts
    # by hand: last year's ledgers counted at 2022-02-25, this year's at 2023-02-15
    industry_then = count_resumption(frames[0], SAME_DAY).rate()
    industry_now = count_resumption(inputs.industry, inputs.params.as_of).rate()
    assert facts["上年同期.工业.复工率"].text == f"{rounded(industry_then)}%"
    assert facts["上年同期.工业.复工率"].text != "12.3%"  # not that run's headline of another day
    assert facts["上年同期.工业.复工率变化"].text == change(industry_now, industry_then)
    services = frames[1][frames[1][schema.CATEGORY] == schema.SERVICE_ABOVE_SCALE]
    above_now = inputs.service[inputs.service[schema.CATEGORY] == schema.SERVICE_ABOVE_SCALE]
    assert facts["上年同期.规上服务业.复工率变化"].text == change(
        count_resumption(above_now, inputs.params.as_of).rate(), count_resumption(services, SAME_DAY).rate())
    text, name = read_template(inputs.params.narrative_path)
    printed = text_of(render_template(text, facts, name))
    expected = f"全县工业企业复工复产率较上年同期（节后第24天）{change(industry_now, industry_then)}。"
    assert expected in printed
    assert "规模以上服务业复工营业率较上年同期（节后第24天）" in printed


def test_a_run_of_last_year_ending_before_the_same_day_gives_no_sentence(county):
    frames = last_year_frames()
    inputs = load_inputs(county)
    write_run(inputs.params.output_path, frames, date(2022, 2, 20))  # day 19 < day 24
    history = load_history(inputs.params)
    assert history.last_year is None
    assert history.last_year_note == ("较上年同期：上年的运行（最晚截至2022年2月20日）没有到春节后第24天的企业状态，"
                                      "报告不写与上年同期的比较")
    facts = build_all(inputs, AuditReport(()), history).facts
    assert facts["上年同期.较同期"].text is None
    text, name = read_template(inputs.params.narrative_path)
    assert "上年同期" not in text_of(render_template(text, facts, name))


def test_params_can_name_last_years_run_elsewhere(county, tmp_path):
    folder = write_run(tmp_path / "去年", last_year_frames(), date(2022, 3, 10))
    params_text = county.read_text(encoding="utf-8") + f"上年同期运行: {folder}\n"
    county.write_text(params_text, encoding="utf-8")
    assert load_history(run_params(county)).last_year.folder == folder.name
    county.write_text(params_text.replace(str(folder), str(tmp_path / "没有这个文件夹")), encoding="utf-8")
    with pytest.raises(ParamsError, match="参数“上年同期运行”写的.*不是一次运行的结果文件夹"):
        load_history(run_params(county))


def test_without_any_run_of_last_year_nothing_is_said(county):
    history = load_history(run_params(county))
    assert history.last_year is None and history.last_year_note is None
