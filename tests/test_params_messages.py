"""Params mistakes as statisticians make them: each named, with its line, all at once."""

from pathlib import Path

import pytest

from fuchan_lib.core.exceptions import ParamsError
from fuchan_lib.core.params import load_params

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
