"""The params file: strict keys, real dates, YAML traps, paths relative to the file."""

from datetime import date
from pathlib import Path

import pytest

from fuchan_lib.core.exceptions import ParamsError
from fuchan_lib.core.params import load_params

ROOT = Path(__file__).resolve().parent.parent

BASE = """\
县名: 测试县
报告单位: 测试县工业和信息化局
名录截止日期: 2022-12-31
春节: 2023-01-22
截止日期: 2023-02-15
报告日期: 2023-02-16
数据:
  工业企业台账: data/工业.xlsx
  服务业企业台账: data/服务业.csv
"""


def write(tmp_path, text):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# city params files (市名, 各县) are loaded by tests/test_city_run.py
COUNTY_PARAMS = [p for p in sorted((ROOT / "params").glob("*.yaml"))
                 if "\n市名:" not in "\n" + p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("path", COUNTY_PARAMS, ids=lambda p: p.name)
def test_every_shipped_params_file_loads(path):
    params = load_params(path)
    assert params.ledger("工业企业台账")[0][0].is_file()


def test_paths_are_relative_to_the_params_file(tmp_path):
    params = load_params(write(tmp_path, BASE))
    assert params.ledger("工业企业台账") == [(tmp_path / "data" / "工业.xlsx", None)]
    assert params.output_path == (tmp_path.parent / "outputs").resolve()
    assert params.rate_basis == "需复工" and params.digits == 1


def test_unknown_key_names_the_key_and_the_allowed_ones(tmp_path):
    with pytest.raises(ParamsError, match="未知的参数“截至日期”.*允许的参数有：.*截止日期"):
        load_params(write(tmp_path, BASE + "截至日期: 2023-02-15\n"))


def test_unknown_nested_key_lists_that_level(tmp_path):
    text = BASE.replace("数据:\n", "数据:\n  工业台账: x.xlsx\n")
    with pytest.raises(ParamsError, match="第8行：未知的参数“数据·工业台账”。是不是想写“工业企业台账”？.*「工业企业台账」「服务业企业台账」"):
        load_params(write(tmp_path, text))


def test_impossible_date_is_rejected(tmp_path):
    with pytest.raises(ParamsError, match="“截止日期”的值“2023-02-30”不是有效日期"):
        load_params(write(tmp_path, BASE.replace("2023-02-15", "2023-02-30")))


def test_missing_key_is_named(tmp_path):
    with pytest.raises(ParamsError, match="缺少必填参数“春节”"):
        load_params(write(tmp_path, BASE.replace("春节: 2023-01-22\n", "")))


@pytest.mark.parametrize(
    "line, expected",
    [("主送机关: no", "no"), ("主送机关: 0571", "0571"), ("主送机关: 12:30", "12:30")],
)
def test_yaml_traps_stay_text(tmp_path, line, expected):
    params = load_params(write(tmp_path, BASE + line + "\n"))
    assert params.addressee == expected


def test_as_of_before_spring_festival_is_rejected(tmp_path):
    with pytest.raises(ParamsError, match="截止日期 2023-01-20 早于春节"):
        load_params(write(tmp_path, BASE.replace("截止日期: 2023-02-15", "截止日期: 2023-01-20")))


def test_bad_rate_basis_lists_choices(tmp_path):
    with pytest.raises(ParamsError, match="复工率口径.*需复工"):
        load_params(write(tmp_path, BASE + "复工率口径: 全部\n"))


def test_broken_yaml_names_the_line(tmp_path):
    with pytest.raises(ParamsError, match="第2行"):
        load_params(write(tmp_path, "县名: a\n报告单位: b: c\n"))


@pytest.mark.parametrize(
    "as_of, report_date, rule",
    [
        (None, date(2023, 2, 16), "参数文件“报告日期”"),
        (date(2023, 2, 15), date(2023, 2, 16), "参数文件“报告日期”"),
        (date(2023, 2, 22), date(2023, 2, 23), "成文日期为其后1天"),
        (date(2023, 2, 8), date(2023, 2, 9), "成文日期为其后1天"),
    ],
)
def test_report_date_keeps_the_gap_the_params_state(tmp_path, as_of, report_date, rule):
    """成文日期 = 截止日期 + (报告日期 − 截止日期 of the params file): one rule, stated."""
    params = load_params(write(tmp_path, BASE))  # 截止 2023-02-15, 报告 2023-02-16
    if as_of:
        params = params.with_as_of(as_of)
    assert params.report_date == report_date
    assert rule in params.report_date_rule
    assert f"{report_date.month}月{report_date.day}日" in params.report_date_rule


def test_without_report_date_the_report_is_signed_the_next_day(tmp_path):
    text = "\n".join(line for line in BASE.splitlines() if not line.startswith("报告日期"))
    params = load_params(write(tmp_path, text)).with_as_of(date(2023, 2, 22))
    assert params.report_date == date(2023, 2, 23)
    assert "没有填“报告日期”，取截止日期的次日" in params.report_date_rule


def test_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(ParamsError, match="找不到参数文件"):
        load_params(tmp_path / "nope.yaml")
