"""The city params file: strict keys named with the allowed ones, one source per county."""

from datetime import date

import pytest

from fuchan_lib.core.city_params import load_city_params
from fuchan_lib.core.exceptions import ParamsError

BASE = """\
市名: 测试市
报告单位: 测试市工业和信息化局
截止日期: 2023-02-15
报告日期: 2023-02-16
各县:
  - 名称: 甲县
    参数: 甲县.yaml
  - 名称: 乙县
    运行: ../outputs/乙县_截至20230215
"""


def write(tmp_path, text):
    path = tmp_path / "city.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_counties_keep_their_order_and_paths_are_relative_to_the_file(tmp_path):
    city = load_city_params(write(tmp_path, BASE))
    assert [c.name for c in city.counties] == ["甲县", "乙县"]
    assert city.resolve(city.counties[0].params) == tmp_path / "甲县.yaml"
    assert city.resolve(city.counties[1].run) == (tmp_path.parent / "outputs" / "乙县_截至20230215")
    assert city.as_of == date(2023, 2, 15) and city.rate_basis == "需复工"
    assert city.addressee == "市人大常委会" and not city.different_as_of_allowed


def test_unknown_key_names_the_key_and_the_allowed_ones(tmp_path):
    with pytest.raises(ParamsError, match="未知的参数“县名”.*允许的参数有：「市名」「主送机关」「报告单位」.*「各县」"):
        load_city_params(write(tmp_path, BASE + "县名: 甲县\n"))


def test_unknown_key_in_a_county_lists_that_level(tmp_path):
    text = BASE.replace("    参数: 甲县.yaml", "    参数: 甲县.yaml\n    台账: x.xlsx")
    with pytest.raises(ParamsError, match="各县·第1条·台账.*允许的参数有：「名称」「参数」「运行」"):
        load_city_params(write(tmp_path, text))


def test_a_county_needs_exactly_one_source(tmp_path):
    text = BASE.replace("    参数: 甲县.yaml", "    参数: 甲县.yaml\n    运行: x")
    with pytest.raises(ParamsError, match="“甲县”应写“参数”.*或“运行”.*二者之一"):
        load_city_params(write(tmp_path, text))


def test_a_county_listed_twice_is_refused(tmp_path):
    with pytest.raises(ParamsError, match="重复列出了：甲县"):
        load_city_params(write(tmp_path, BASE + "  - 名称: 甲县\n    参数: b.yaml\n"))


@pytest.mark.parametrize("value, allowed", [("是", True), ("否", False)])
def test_different_as_of_dates_are_allowed_only_when_asked(tmp_path, value, allowed):
    city = load_city_params(write(tmp_path, BASE + f"允许截止日期不同: {value}\n"))
    assert city.different_as_of_allowed is allowed


def test_yes_no_other_than_chinese_is_refused_with_the_choices(tmp_path):
    with pytest.raises(ParamsError, match="“允许截止日期不同”的值“yes”不在允许范围内"):
        load_city_params(write(tmp_path, BASE + "允许截止日期不同: yes\n"))


def test_impossible_date_is_rejected(tmp_path):
    with pytest.raises(ParamsError, match="“截止日期”的值“2023-02-30”不是有效日期"):
        load_city_params(write(tmp_path, BASE.replace("2023-02-15", "2023-02-30")))


def test_a_city_file_is_told_from_a_county_file(tmp_path):
    from fuchan_lib.core.city_params import is_city_params

    assert is_city_params(write(tmp_path, BASE))
    county = tmp_path / "county.yaml"
    county.write_text("县名: 甲县\n", encoding="utf-8")
    assert not is_city_params(county) and not is_city_params(tmp_path / "missing.yaml")


def test_the_fields_county_and_city_params_share_are_declared_once():
    from fuchan_lib.core.city_params import CityParams
    from fuchan_lib.core.params import Params, ReportParams

    shared = set(ReportParams.model_fields)
    assert {"organisation", "as_of", "rate_basis", "digits", "narrative", "output_dir", "fonts"} <= shared
    for level in (Params, CityParams):
        assert shared <= set(level.model_fields)
        assert not shared & set(vars(level).get("__annotations__", {}))  # none declared again
