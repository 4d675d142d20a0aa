"""The `fuchan` command. Imports are lazy so `fuchan --help` and `fuchan check` start fast.

Exit codes: 0 done; 2 the user's input is wrong (Chinese message on stderr, no traceback);
1 anything else (a short Chinese note and where the details were logged).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fuchan", description="工业和服务业复工复产周报：读台账、算数字、出图表和公文格式的报告。"
    )
    commands = parser.add_subparsers(dest="command", metavar="命令")
    check = commands.add_parser("check", help="读取并审核台账，打印摘要（不生成报告）")
    check.add_argument("params", nargs="?", help="参数文件（默认：示例县）")
    check.add_argument("--as-of", help="截止日期，如 2023-02-15（默认取参数文件）")
    run = commands.add_parser("run", help="生成本周的图表、附表和报告")
    run.add_argument("params", nargs="?", help="参数文件（默认：示例县）")
    run.add_argument("--as-of", help="截止日期，如 2023-02-15（默认取参数文件）")
    run.add_argument("--pdf", action="store_true", help="同时用 LibreOffice 生成 PDF")
    listing = commands.add_parser("list", help="列出输出文件夹中的历次运行")
    listing.add_argument("params", nargs="?", help="参数文件（默认：示例县）")
    template = commands.add_parser("template", help="生成空白台账模板，发给乡镇填写")
    template.add_argument("dir", help="模板存放的文件夹")
    template.add_argument("--params", help="参数文件：用其中已有台账的乡镇名单做下拉选项")
    period = commands.add_parser("new-period", help="从当前参数文件生成下一期的参数文件")
    period.add_argument("params", help="当前的参数文件")
    group = period.add_mutually_exclusive_group(required=True)
    group.add_argument("--as-of", help="新的截止日期，如 2023-02-22")
    group.add_argument("--quarter", help="新的季度，如 2023Q2")
    return parser


def _params_path(value: str | None) -> Path:
    from fuchan_lib.core.params import default_params_path

    return Path(value) if value else default_params_path()


def _as_of(value: str | None):
    from datetime import date

    from fuchan_lib.core.exceptions import ParamsError

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ParamsError(f"--as-of 的值“{value}”不是有效日期，请写成 2023-02-15 的格式") from None


def _check(args) -> int:
    from fuchan_lib.run.check import check_inputs

    report = check_inputs(_params_path(args.params), _as_of(args.as_of))
    print(report)
    return 0


def _run(args) -> int:
    from fuchan_lib.run.pipeline import run_pipeline

    result = run_pipeline(_params_path(args.params), as_of=_as_of(args.as_of), pdf=args.pdf)
    print(result)
    return 0


def _list(args) -> int:
    from fuchan_lib.run.history import format_runs, list_runs
    from fuchan_lib.core.params import load_params

    params = load_params(_params_path(args.params))
    print(format_runs(list_runs(params.output_path, include_failed=True)))
    return 0


def _template(args) -> int:
    from fuchan_lib.ingest.blank_ledgers import write_templates

    for path in write_templates(Path(args.dir), _params_path(args.params) if args.params else None):
        print(path)
    return 0


def _new_period(args) -> int:
    from fuchan_lib.run.period import new_period

    print(new_period(Path(args.params), as_of=_as_of(args.as_of), quarter=args.quarter))
    return 0


COMMANDS = {"check": _check, "run": _run, "list": _list, "template": _template,
            "new-period": _new_period}


def _log_unexpected(exc: BaseException) -> Path:
    folder = Path(tempfile.gettempdir()) / "fuchan-logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"错误详情-{datetime.now():%Y%m%d-%H%M%S-%f}.log"
    path.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    from fuchan_lib.core.exceptions import FuchanError, FuchanInputError

    for stream in (sys.stdout, sys.stderr):  # Chinese output on any console
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    parser = _parser()
    args = parser.parse_args(argv)
    command = COMMANDS.get(args.command or "check")
    if args.command is None:
        args = parser.parse_args(["check"])
    try:
        return command(args)
    except FuchanInputError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except FuchanError as exc:
        print(f"失败：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: keep the traceback for the developers, not the user
        log = _log_unexpected(exc)
        print(f"程序内部出错（{type(exc).__name__}），这不是台账的问题。"
              f"详细信息已记录在：{log}\n请把该文件发给技术支持。", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
