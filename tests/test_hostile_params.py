"""Hostile params files: bounded, refused before anything is built from them (issue 20)."""

import time
from pathlib import Path

import pytest

from fuchan_lib.core.exceptions import ParamsError
from fuchan_lib.core.params import load_params

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "params" / "示例县_2023Q1.yaml").read_text(encoding="utf-8")
ADDRESSEE_LINE = next(n for n, line in enumerate(EXAMPLE.splitlines(), 1) if line.startswith("主送机关:"))


def refused(tmp_path, text: str) -> str:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParamsError) as err:
        load_params(path)
    return str(err.value)


def alias_bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_its_first_anchor_before_it_is_expanded(tmp_path):
    started = time.perf_counter()
    message = refused(tmp_path, EXAMPLE + alias_bomb())
    assert time.perf_counter() - started < 2  # expanded, 9^10 items would never finish
    first = len(EXAMPLE.splitlines()) + 1
    assert f"第{first}行第5列：用了 YAML 的锚点或引用" in message
    assert "参数文件从不需要它们" in message


def test_a_merge_key_and_an_undefined_alias_are_refused_too(tmp_path):
    assert "锚点或引用" in refused(tmp_path, EXAMPLE + "字体:\n  <<: {标题: 黑体}\n  正文: *f\n")
    assert "锚点或引用" in refused(tmp_path, EXAMPLE + "x: *f\n")


def test_a_params_file_over_one_megabyte_is_refused_without_being_parsed(tmp_path):
    message = refused(tmp_path, EXAMPLE + "#" * 1_100_000 + "\n")
    assert "有1.1 MB，太大（最多 1 MB）" in message


@pytest.mark.parametrize("byte, point", [("\x00", "U+0000"), ("\x07", "U+0007"), ("\x1b", "U+001B")])
def test_a_control_character_is_named_by_code_point_at_its_line_and_never_echoed(tmp_path, byte, point):
    message = refused(tmp_path, EXAMPLE.replace("主送机关: 县人大", f"主送机关: 县人{byte}大"))
    assert f"第{ADDRESSEE_LINE}行：有看不见的控制字符（{point}）" in message
    assert f"原文：主送机关: 县人[{point}]大常委会" in message
    assert byte not in message
    assert "special characters" not in message


@pytest.mark.parametrize("line", [
    '主送机关: !!python/object/apply:os.system ["echo hi"]',
    '主送机关:!!python/object/apply:os.system ["echo hi"]',
    "主送机关: !!python/name:os.system",
    "主送机关: !!str 县人大常委会",
])
def test_a_tag_is_refused_and_the_corrected_line_drops_it(tmp_path, line):
    message = refused(tmp_path, EXAMPLE.replace("主送机关: 县人大常委会", line))
    assert f"第{ADDRESSEE_LINE}行第" in message and "请删去标签" in message
    corrected = [part for part in message.split("改为：")[1:]]
    assert corrected and all("!" not in part.splitlines()[0] for part in corrected)


@pytest.mark.parametrize("value", ["[" * 50_000 + "]" * 50_000, "{a: " * 30 + "1" + "}" * 30])
def test_nesting_deeper_than_twenty_levels_is_refused_not_a_stack_overflow(tmp_path, value):
    message = refused(tmp_path, EXAMPLE.replace("主送机关: 县人大常委会", f"主送机关: {value}"))
    assert f"第{ADDRESSEE_LINE}行第" in message and "层次太深（超过20层）" in message
    assert len(message) < 1000  # the quoted line is cut short
