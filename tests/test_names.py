"""Names are names, never paths: 县名, 市名, 报告单位 refused at their params line (issue 20)."""

from pathlib import Path

import pytest

from fuchan_lib.core.city_params import load_city_params
from fuchan_lib.core.exceptions import ParamsError
from fuchan_lib.core.names import check_name, name_problem
from fuchan_lib.core.params import load_params

ROOT = Path(__file__).resolve().parent.parent
COUNTY = (ROOT / "params" / "示例县_2023Q1.yaml").read_text(encoding="utf-8")
CITY = (ROOT / "params" / "示例市_2023Q1.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name, fragment", [
    ("../../../逃逸县", "“/”"),
    ("..\\..\\逃逸县", "“\\”"),
    ("示例县_截至20230215_20230216-090000/tables/注入", "“/”"),
    ("C:逃逸县", "“:”"),
    ("县*?", "“*?”"),
    ("..逃逸县", "“..”"),
    ("逃逸县.", "以“.”开头或结尾"),
    ("示例\u202e县", "U+202E"),
    ("示例\u2066县", "U+2066"),
    ("示例\x00县", "U+0000"),
    ("示例\n县", "U+000A"),
    ("长" * 31, "有31个字，太长（最多30个字）"),
    (" 示例县", "前后有空格"),
])
def test_a_hostile_name_is_refused_with_the_reason(name, fragment):
    assert fragment in name_problem(name)


@pytest.mark.parametrize("name", ["示例县", "东湖区", "长" * 30, "某某县（市）", "A县·新区"])
def test_an_ordinary_name_is_accepted(name):
    assert name_problem(name) is None
    assert check_name(name) == name


def test_the_message_never_echoes_a_control_character():
    with pytest.raises(ValueError) as err:
        check_name("示例\u202e县", "县名")
    assert "\u202e" not in str(err.value)
    assert "示例[U+202E]县" in str(err.value)


def _line(text, key):
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(key + ":"))


@pytest.mark.parametrize("key, value", [
    ("县名", '"../../../逃逸县"'),
    ("报告单位", '"..\\\\局"'),
    ("县名", '"示例\\u202e县"'),
])
def test_a_county_params_name_is_refused_at_its_line(tmp_path, key, value):
    old = next(line for line in COUNTY.splitlines() if line.startswith(key + ":"))
    path = tmp_path / "p.yaml"
    path.write_text(COUNTY.replace(old, f"{key}: {value}"), encoding="utf-8")
    with pytest.raises(ParamsError) as err:
        load_params(path)
    assert f"第{_line(COUNTY, key)}行：“{key}”的值" in str(err.value)


@pytest.mark.parametrize("key", ["市名", "报告单位"])
def test_a_city_params_name_is_refused_at_its_line(tmp_path, key):
    old = next(line for line in CITY.splitlines() if line.startswith(key + ":"))
    path = tmp_path / "c.yaml"
    path.write_text(CITY.replace(old, f'{key}: "../../逃逸市"'), encoding="utf-8")
    with pytest.raises(ParamsError) as err:
        load_city_params(path)
    assert f"第{_line(CITY, key)}行：“{key}”的值“../../逃逸市”含有不能用在文件名中的字符“/”" in str(err.value)
