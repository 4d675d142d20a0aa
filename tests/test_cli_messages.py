"""The command line speaks Chinese: a table of what a statistician types, the exit code and
the message fragment they see; no English word from argparse ever reaches them."""

import pytest

from fuchan_lib.run import cli

ARGPARSE_ENGLISH = ("usage", "error:", "options", "positional arguments",
                    "show this help message and exit", "invalid choice", "unrecognized",
                    "required", "argument", "expected")


def run_cli(capsys, *args):
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    "args, code, fragment",
    [
        (["--help"], 0, "用法：fuchan"),
        (["--help"], 0, "check"),
        (["run", "--help"], 0, "生成本周的图表、附表和公文格式的报告"),
        (["run", "--help"], 0, "示例：\n  fuchan run params/示例县_2023Q1.yaml"),
        (["check", "--help"], 0, "显示本说明并退出"),
        (["template", "--help"], 0, "fuchan template 台账模板"),
        (["chek"], 2, "没有“chek”这个命令。是不是想用 fuchan check？"),
        (["rn"], 2, "是不是想用 fuchan run？"),
        (["check", "--asof", "2023-02-22"], 2, "没有选项“--asof”。是不是想用 --as-of？"),
        (["run", "--pfd"], 2, "是不是想用 --pdf？"),
        (["template"], 2, "缺少必填的参数：「文件夹」"),
        (["new-period", "p.yaml"], 2, "须给出以下选项之一：「--as-of」「--quarter」"),
        (["new-period", "p.yaml", "--as-of", "2023-02-22", "--quarter", "2023Q2"], 2,
         "--quarter 不能与 --as-of 同时使用"),
        (["check", "--as-of"], 2, "--as-of 后面要写一个值"),
        (["run", "--pdf=yes"], 2, "--pdf 不接受值“yes”"),
        (["check", "a.yaml", "b.yaml"], 2, "多余的参数：b.yaml"),
        (["check", "--as-of", "2023-2-30"], 2, "“2023-2-30”不是有效日期"),
        (["check", "没有这个.yaml"], 2, "找不到参数文件“没有这个.yaml”"),
    ],
)
def test_cli_answers_in_chinese(capsys, args, code, fragment):
    got, out, err = run_cli(capsys, *args)
    assert got == code, out + err
    shown = out + err
    assert fragment in shown
    for word in ARGPARSE_ENGLISH:
        assert word not in shown.lower(), (word, shown)


def test_errors_go_to_stderr_once_with_the_usage(capsys):
    _, out, err = run_cli(capsys, "chek")
    assert out == "" and err.count("没有“chek”这个命令") == 1 and "用法：fuchan" in err


def test_every_command_has_a_purpose_and_an_example_in_its_help(capsys):
    for command in cli.COMMANDS.values():
        _, out, _ = run_cli(capsys, command.name, "--help")
        assert command.purpose in out and command.example in out
        for word in ARGPARSE_ENGLISH:
            assert word not in out.lower(), (command.name, word)


def test_without_a_params_file_the_example_county_is_named(capsys):
    code, out, _ = run_cli(capsys, "list")
    assert code == 0
    assert out.startswith("未指定参数文件，使用示例县的参数：") and "示例县_2023Q1.yaml" in out.splitlines()[0]


@pytest.mark.parametrize("text, expected", [
    ("2023-2-22", "2023-02-22"), ("2023年2月22日", "2023-02-22"), ("2023/2/22", "2023-02-22"),
    ("2023.02.22", "2023-02-22"), (" 2023-02-22 ", "2023-02-22"),
])
def test_as_of_accepts_the_forms_statisticians_write(text, expected):
    assert cli._as_of(text).isoformat() == expected
