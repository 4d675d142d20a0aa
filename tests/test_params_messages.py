"""Params mistakes as statisticians make them: each named, with its line, all at once."""

from pathlib import Path

import pytest

from fuchan_lib.core.exceptions import ParamsError
from pydantic import Field

from fuchan_lib.core.params import StrictModel, UserPercent, load_model, load_params

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "params" / "示例县_2023Q1.yaml").read_text(encoding="utf-8")
LINE = {key: n for n, line in enumerate(EXAMPLE.splitlines(), 1)
        for key in ("小数位数", "复工率口径", "截止日期", "主送机关", "县名")
        if line.startswith(key + ":")}


def load(tmp_path, text):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return load_params(path)


@pytest.mark.parametrize(
    "old, new, fragments",
    [
        ("小数位数: 1", "小数位数：1",
         [f"第{LINE['小数位数']}行第5列：用了中文冒号“：”", "原文：小数位数：1", "改为：小数位数: 1"]),
        ("小数位数: 1", "小数位数:1", [f"第{LINE['小数位数']}行第5列：英文冒号“:”后面少了一个空格",
                                  "改为：小数位数: 1"]),
        ("小数位数: 1", "小数位数:\t1", [f"第{LINE['小数位数']}行第6列：有制表符（Tab 键）"]),
        ("复工率口径: 需复工", "复工率口径: “需复工”", [f"第{LINE['复工率口径']}行", "值两边用了中文引号"]),
        ("复工率口径: 需复工", "复工率口径: 需要复工",
         ["可选：「需复工」「含正常生产」。是不是想写“需复工”？"]),
        ("截止日期: 2023-02-15", "截至日期: 2023-02-15",
         [f"第{LINE['截止日期']}行：未知的参数“截至日期”。是不是想写“截止日期”？"]),
        ("主送机关: 县人大常委会", "主送机关: 县人大: 常委会",
         [f"第{LINE['主送机关']}行第", "值里有“: ”：请给整个值加英文引号"]),
        ("县名: 示例县", "县名: \"示例县", [f"第{LINE['县名']}行：引号没有配对"]),
        ("  服务业企业台账", "   服务业企业台账", ["缩进没有对齐"]),
    ],
)
def test_each_slip_is_named_at_its_line(tmp_path, old, new, fragments):
    assert old in EXAMPLE
    with pytest.raises(ParamsError) as err:
        load(tmp_path, EXAMPLE.replace(old, new))
    message = str(err.value)
    for fragment in fragments:
        assert fragment in message
    assert "could not" not in message and "found character" not in message


def test_a_misspelt_key_is_not_also_reported_missing(tmp_path):
    with pytest.raises(ParamsError) as err:
        load(tmp_path, EXAMPLE.replace("截止日期: 2023", "截至日期: 2023"))
    assert "缺少必填参数" not in str(err.value)


def test_every_problem_of_the_file_at_once(tmp_path):
    text = (EXAMPLE.replace("小数位数: 1", "小数位数: 一")
            .replace("复工率口径: 需复工", "复工率口径: 需要复工")
            .replace("主送机关: 县人大常委会", "主送机关：县人大常委会"))
    with pytest.raises(ParamsError) as err:
        load(tmp_path, text)
    message = str(err.value)
    assert "有3处问题" in message  # read past the colon slip to the two values
    assert "用了中文冒号" in message and "“需要复工”" in message and "“一”" in message


def test_all_validation_problems_listed_with_lines(tmp_path):
    text = EXAMPLE.replace("小数位数: 1", "小数位数: 一").replace("复工率口径: 需复工", "复工率口径: 需要复工")
    with pytest.raises(ParamsError) as err:
        load(tmp_path, text)
    message = str(err.value)
    assert "有2处问题" in message
    assert f"第{LINE['复工率口径']}行：参数“复工率口径”" in message
    assert f"第{LINE['小数位数']}行：参数“小数位数”的值“一”" in message


def test_a_key_written_twice_is_reported(tmp_path):
    with pytest.raises(ParamsError, match=f"“截止日期”写了两次（另一处在第{LINE['截止日期']}行）"):
        load(tmp_path, EXAMPLE + "截止日期: 2023-02-16\n")


@pytest.mark.parametrize("written", ["2023年2月15日", "2023-2-15", "2023/2/15"])
def test_dates_in_the_forms_the_cli_accepts(tmp_path, written):
    params = load(tmp_path, EXAMPLE.replace("截止日期: 2023-02-15", f"截止日期: {written}"))
    assert params.as_of.isoformat() == "2023-02-15"


@pytest.mark.parametrize("key, written, said", [
    ("小数位数", "9", "应为 0 到 4 之间的整数"),
    ("小数位数", "-1", "应为 0 到 4 之间的整数"),
    ("小数位数", "2.5", "应为 0 到 4 之间的整数"),
    ("小数位数", "两位", "应为 0 到 4 之间的整数"),
    ("到岗率门槛", "120", "应为大于0、不超过100的百分数，如 90 或 90%"),
    ("到岗率门槛", "0", "应为大于0、不超过100的百分数，如 90 或 90%"),
    ("到岗率门槛", "九成", "应为大于0、不超过100的百分数，如 90 或 90%"),
])
def test_a_bounded_number_out_of_range_is_told_its_range(tmp_path, key, written, said):
    text = EXAMPLE.replace("小数位数: 1", f"小数位数: {written}") if key == "小数位数" else \
        EXAMPLE.replace("到岗率门槛: 90", f"到岗率门槛: {written}")
    assert text != EXAMPLE
    with pytest.raises(ParamsError) as err:
        load(tmp_path, text)
    assert f"参数“{key}”的值“{written}”{said}" in str(err.value)


class Bounded(StrictModel):
    """Fields bounded every other way, as a later params key might be."""

    weeks: int = Field(default=1, ge=1, alias="周数")
    share: float = Field(default=0.5, gt=0, lt=1, alias="比例")
    percent: UserPercent = Field(default=80.0, ge=50, le=100, alias="门槛")


@pytest.mark.parametrize("line, said", [
    ("周数: 0", "参数“周数”的值“0”应为不小于1的整数"),
    ("周数: 三", "参数“周数”的值“三”应为不小于1的整数"),
    ("比例: 1", "参数“比例”的值“1”应为大于0、小于1的数"),
    ("比例: 一半", "参数“比例”的值“一半”应为大于0、小于1的数"),
    ("门槛: 30%", "参数“门槛”的值“30”应为 50 到 100 之间的百分数，如 80 或 80%"),
])
def test_every_bounded_field_gets_its_range_from_its_declaration(tmp_path, line, said):
    path = tmp_path / "b.yaml"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ParamsError) as err:
        load_model(path, Bounded, "")
    assert said in str(err.value)
