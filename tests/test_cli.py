"""`fuchan` as the statistician runs it: exit codes, Chinese messages, never a traceback."""

import subprocess
import sys

import pytest

from fuchan_lib.run import cli


def fuchan(*args, cwd=None):
    """`fuchan` as its own process, as the statistician starts it."""
    return subprocess.run([sys.executable, "-m", "fuchan_lib.run.cli", *map(str, args)], capture_output=True,
                          text=True, encoding="utf-8", cwd=cwd, timeout=300)


@pytest.fixture
def fuchan_here(capsys):
    """`fuchan` in this process: `cli.main`, which the console script and `python -m` call and
    exit with, so the exit code and both streams are the process's (one test above starts the
    process itself)."""
    def run(*args):
        code = cli.main([str(a) for a in args])
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(["fuchan", *map(str, args)], code, out, err)

    return run


def test_check_prints_the_example_summary():
    result = fuchan("check")
    assert result.returncode == 0, result.stderr
    assert "工业企业台账：1200户（规上123户、规下1077户）" in result.stdout
    assert "截止日期：2023年2月15日" in result.stdout and result.stdout.rstrip().endswith("检查通过。")


def test_check_with_as_of_override(county, fuchan_here):
    result = fuchan_here("check", county, "--as-of", "2023-02-08")
    assert result.returncode == 0 and "截止日期：2023年2月8日" in result.stdout


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: t + "截至日期: 2023-02-15\n", "未知的参数“截至日期”"),
        (lambda t: t.replace("截止日期: 2023-02-15", "截止日期: 2023-02-30"), "不是有效日期"),
        (lambda t: t.replace("../data/example/工业企业台账.xlsx", "../data/example/没有这个.xlsx"),
         "找不到工业企业台账文件"),
    ],
)
def test_bad_params_exit_2_with_a_chinese_message(county, edit, message, fuchan_here):
    county.write_text(edit(county.read_text(encoding="utf-8")), encoding="utf-8")
    result = fuchan_here("check", county)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("command", ["check", pytest.param("run", marks=pytest.mark.slow)])  # run: a kernel
def test_audit_error_stops_check_and_run(county, command, fuchan_here):
    import pandas as pd

    ledger = county.parent.parent / "data" / "example" / "工业企业台账.xlsx"
    df = pd.read_excel(ledger, engine="calamine")
    df.loc[4, "已返岗人数"] = df.loc[4, "从业人员"] + 5
    df["复工日期"] = pd.to_datetime(df["复工日期"])
    df.to_excel(ledger, index=False)
    result = (fuchan if command == "run" else fuchan_here)(command, county)  # run: its own kernel
    assert result.returncode == 2, result.stderr
    assert "返岗人数超过从业人员" in result.stderr and "第6行" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (county.parent.parent / "outputs").exists() or not any(
        (county.parent.parent / "outputs").glob("*/manifest.json"))


def test_bad_as_of_is_refused(fuchan_here):
    result = fuchan_here("check", "--as-of", "2023-2-30")
    assert result.returncode == 2 and "不是有效日期" in result.stderr


def test_unexpected_error_exits_1_and_logs_details(monkeypatch, capsys):
    def boom(_args):
        raise ZeroDivisionError("bug")

    from dataclasses import replace

    monkeypatch.setitem(cli.COMMANDS, "check", replace(cli.COMMANDS["check"], handler=boom))
    assert cli.main(["check"]) == 1
    err = capsys.readouterr().err
    assert "程序内部出错" in err and "详细信息已记录在" in err and "Traceback" not in err
    log = err.split("详细信息已记录在：")[1].split("\n")[0]
    from pathlib import Path

    assert "ZeroDivisionError" in Path(log).read_text(encoding="utf-8")


@pytest.mark.slow
def test_run_prints_the_report_path_last(county):
    result = fuchan("run", county)
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.endswith("（截至2023年2月15日）.docx") and "outputs" in last
    listing = fuchan("list", county)
    assert listing.returncode == 0 and "2023-02-15" in listing.stdout and "88.8%" in listing.stdout


@pytest.mark.slow  # `fuchan run` starts its kernel before reading the template
def test_misspelt_placeholder_fails_before_any_notebook_runs(county):
    template = county.parent.parent / "narrative" / "示例县.md"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("{工业.长期停产}", "{工业.长期停厂}"), encoding="utf-8")
    result = fuchan("run", county)
    assert result.returncode == 2
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "{工业.长期停产}" in l)
    assert f"叙述模板“示例县.md”第{line}行：没有名为“{{工业.长期停厂}}”的数字" in result.stderr
    assert "{工业.长期停产}" in result.stderr  # suggested
    assert not (county.parent.parent / "outputs").exists() or not any(
        (county.parent.parent / "outputs").glob("*/manifest.json"))


@pytest.mark.slow
def test_added_placeholder_appears_in_the_report(county):
    import docx

    template = county.parent.parent / "narrative" / "示例县.md"
    template.write_text(template.read_text(encoding="utf-8") + "全县工业企业返岗率{工业.返岗率}。\n",
                        encoding="utf-8")
    result = fuchan("run", county)
    assert result.returncode == 0, result.stderr
    text = "\n".join(p.text for p in docx.Document(result.stdout.strip().splitlines()[-1]).paragraphs)
    import re

    assert re.search(r"全县工业企业返岗率\d+\.\d%。", text)
