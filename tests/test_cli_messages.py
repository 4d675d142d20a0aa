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


def _break(county, edits, ledger="工业企业台账.xlsx"):
    import openpyxl

    path = county.parent.parent / "data" / "example" / ledger
    book = openpyxl.load_workbook(path)
    for cell, value in edits.items():
        book.active[cell] = value
    book.save(path)


def test_check_says_what_it_read_and_writes_the_list_beside_the_params(capsys, county):
    code, out, err = run_cli(capsys, "check", str(county), "--as-of", "2023年2月15日")
    assert code == 0 and err == ""
    listed = county.parent / "审核清单_示例县_截至20230215.xlsx"
    assert f"全部问题（错误、警告和已说明）见审核清单：{listed}" in out and listed.is_file()
    assert "截止日期：2023年2月15日（命令行 --as-of 指定）" in out
    assert "复工率口径：需复工（已复工 ÷ 节后需复工）" in out
    assert "工业企业台账：文件“工业企业台账.xlsx”工作表“工业企业台账”，表头在第1行，读入1200行" in out
    assert "D列→企业规模" in out
    import pandas as pd

    frame = pd.read_excel(listed, engine="calamine")
    assert len(frame) >= 49  # every warning, not the three examples printed per rule
    assert set(frame["级别"]) == {"警告"}


def test_check_with_four_bad_cells_lists_each_once_and_writes_them_to_the_named_folder(
        capsys, county, tmp_path):
    _break(county, {"F4": "2023-13-01", "D7": "中型", "G9": "三十", "E12": None})
    folder = tmp_path / "清单"
    code, out, err = run_cli(capsys, "check", str(county), "--输出", str(folder))
    assert code == 2
    assert "台账有4处问题，请全部改正后重新运行" in err
    for cell in ("F4", "D7", "G9", "E12"):
        assert err.count(f"（{cell}单元格）。处理办法：") == 1 and cell not in out
    listed = folder / "审核清单_示例县_截至20230215.xlsx"
    assert f"以上问题已写入审核清单：{listed}" in err
    import pandas as pd

    frame = pd.read_excel(listed, engine="calamine")
    cells = frame[frame["规则"] == "台账无法读取"]
    assert list(cells["单元格"]) == ["F4", "D7", "G9", "E12"] and cells["处理办法"].notna().all()
    # the audit ran on everything readable: its warnings are in the same list
    assert set(frame["级别"]) == {"错误", "警告"} and len(frame) > 4


def test_audit_errors_are_printed_once_with_the_list_path(capsys, county):
    _break(county, {f"H{row}": 999 for row in range(2, 28)})  # 26 已返岗人数 over 从业人员
    code, out, err = run_cli(capsys, "check", str(county))
    assert code == 2
    assert "数据审核发现26条错误" in err and "……另有6条，见审核清单" in err
    assert "返岗人数超过从业人员" not in out  # said once, on stderr
    listed = county.parent / "审核清单_示例县_截至20230215.xlsx"
    assert f"全部错误和警告已写入审核清单：{listed}" in err
    import pandas as pd

    frame = pd.read_excel(listed, engine="calamine")
    assert (frame["级别"] == "错误").sum() == 26 and (frame["级别"] == "警告").sum() > 0


def test_a_list_that_cannot_be_written_is_named_with_what_to_do(capsys, county, monkeypatch):
    from contextlib import contextmanager

    from fuchan_lib.core import xlsx

    @contextmanager
    def locked(path):  # the file is open in Excel: every workbook is saved through this
        raise PermissionError(path)
        yield

    monkeypatch.setattr(xlsx, "atomic_write", locked)
    code, _, err = run_cli(capsys, "check", str(county))
    assert code == 2 and "无法写入审核清单" in err and "请关闭该文件后重新运行，或用 --输出 指定另一个文件夹" in err
