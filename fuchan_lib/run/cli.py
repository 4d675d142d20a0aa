"""The `fuchan` command. Imports are lazy so `fuchan --help` and `fuchan check` start fast.

Every command is one `Command` in `COMMANDS` (purpose, example, arguments, handler); the
Chinese parser (`zh_argparse`) builds help and errors from them.

Exit codes: 0 done; 2 the user's input is wrong (Chinese message on stderr, no traceback);
1 anything else (a short Chinese note and where the details were logged).
"""

from __future__ import annotations

import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

from fuchan_lib.run.zh_argparse import Command, build_parser, configure_console

EXAMPLE_PARAMS = "params/示例县_2023Q1.yaml"
_PARAMS_HELP = f"参数文件（不写则用示例县的 {EXAMPLE_PARAMS}）"
_AS_OF_HELP = "截止日期，如 2023-02-22 或 2023年2月22日（默认取参数文件中的）"


def _params_path(value: str | None) -> Path:
    """The params file given, or the example county's, saying so (a silent 示例县 misleads)."""
    from fuchan_lib.core.params import default_params_path

    if value:
        return Path(value)
    path = default_params_path()
    print(f"未指定参数文件，使用示例县的参数：{path}")
    return path


def _as_of(value: str | None):
    from fuchan_lib.core.params import parse_date_text

    return None if value is None else parse_date_text(value, "--as-of 选项")


def _params_argument(parser, required: bool = False) -> None:
    if required:
        parser.add_argument("params", metavar="参数文件", help="参数文件，如 " + EXAMPLE_PARAMS)
    else:
        parser.add_argument("params", nargs="?", metavar="参数文件", help=_PARAMS_HELP)


def _check_arguments(parser) -> None:
    _params_argument(parser)
    parser.add_argument("--as-of", metavar="日期", help=_AS_OF_HELP)
    parser.add_argument("--输出", "--out", dest="out", metavar="文件夹",
                        help="审核清单（.xlsx，全部错误和警告）存放的文件夹（默认：参数文件所在的文件夹）")


def _check(args) -> int:
    from fuchan_lib.run.check import check_inputs

    print(check_inputs(_params_path(args.params), _as_of(args.as_of),
                       out_dir=Path(args.out) if args.out else None))
    return 0


def _run_arguments(parser) -> None:
    _params_argument(parser)
    parser.add_argument("--as-of", metavar="日期", help=_AS_OF_HELP)
    parser.add_argument("--pdf", action="store_true", help="同时用 LibreOffice 生成 PDF")


def _run(args) -> int:
    from fuchan_lib.run.kernel import start_kernel

    kernel = start_kernel()  # first: it boots while the rest of the program is imported
    try:
        params, as_of = _params_path(args.params), _as_of(args.as_of)
        from fuchan_lib.run.pipeline import run_pipeline

        import gc
        gc.freeze()  # the modules imported so far: out of the way of every later collection
    except BaseException:
        kernel.shutdown()
        raise
    result = run_pipeline(params, as_of=as_of, pdf=args.pdf, kernel=kernel)
    print(result)
    return _done()


def _list(args) -> int:
    from fuchan_lib.core.city_params import is_city_params, load_city_params
    from fuchan_lib.core.params import load_params
    from fuchan_lib.run.history import format_runs, own_runs, scan_runs

    path = _params_path(args.params)
    city = is_city_params(path)
    params = load_city_params(path) if city else load_params(path)
    runs, unreadable = scan_runs(params.output_path, include_failed=True)
    if args.params:  # a county's (or city's) params: its own runs, not its neighbours' in the folder
        name = params.city if city else params.county
        runs, unreadable = own_runs(name, runs, unreadable)
        print(f"{name}的运行（输出文件夹：{params.output_path}）：")
    print(format_runs(runs, unreadable))
    return 0


def _template_arguments(parser) -> None:
    parser.add_argument("dir", metavar="文件夹", help="模板存放的文件夹（没有会自动新建）")
    parser.add_argument("--params", metavar="参数文件",
                        help="参数文件：用其中已有台账的乡镇名单做下拉选项")


def _template(args) -> int:
    from fuchan_lib.ingest.blank_ledgers import write_templates

    for path in write_templates(Path(args.dir), Path(args.params) if args.params else None):
        print(path)
    return 0


def _handout_arguments(parser) -> None:
    _params_argument(parser, required=True)
    parser.add_argument("--输出", "--out", dest="out", metavar="文件夹",
                        help="下发台账存放的文件夹（默认：参数文件旁的 下发台账_<县名>_截至<日期>）")


def _handout(args) -> int:
    from fuchan_lib.run.handout import write_handout

    for path in write_handout(Path(args.params), Path(args.out) if args.out else None):
        print(path)
    return 0


def _new_period_arguments(parser) -> None:
    _params_argument(parser, required=True)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--as-of", metavar="日期", help="新的截止日期，如 2023-02-22")
    group.add_argument("--quarter", metavar="季度", help="新的季度，如 2023Q2")


def _new_period(args) -> int:
    from fuchan_lib.run.period import new_period

    print(new_period(Path(args.params), as_of=_as_of(args.as_of), quarter=args.quarter))
    return 0


def _new_county_arguments(parser) -> None:
    parser.add_argument("county", metavar="县名", help="本县（市、区、旗）的名称，如 青石县")
    parser.add_argument("--期", "--quarter", dest="quarter", metavar="季度",
                        help="第一期的季度，如 2024Q1 或 2024年一季度（默认：上半年为今天所在的季度，下半年为明年一季度，即将到来的春节复工期）")
    parser.add_argument("--文件夹", "--folder", dest="folder", metavar="文件夹", default=".",
                        help="项目文件夹：在其中的 params/、narrative/、台账/ 下生成（默认：当前文件夹）")


def _new_county(args) -> int:
    from fuchan_lib.run.new_county import new_county

    print(new_county(args.county, period=args.quarter, folder=Path(args.folder)))
    return 0


def _lab_arguments(parser) -> None:
    parser.add_argument("params", nargs="?", metavar="参数文件",
                        help="参数文件（不写则用 params 文件夹中本县的，有几个时按编号选择；一个也没有时用示例县的）")
    parser.add_argument("--port", type=int, metavar="端口", help="端口（默认：8888 起第一个空闲的）")
    parser.add_argument("--no-browser", action="store_true", help="不自动打开浏览器")


def _lab(args) -> int:
    from fuchan_lib.run.lab import start_lab

    if args.params:
        path = Path(args.params)
    else:  # the county's own params (开始周报.bat passes none), the example only when there are none
        from fuchan_lib.core.params import default_params_path
        from fuchan_lib.run.choose_params import choose_params

        path = choose_params(Path.cwd(), default_params_path)
    return start_lab(path, port=args.port, open_browser=not args.no_browser)


def _rollup_arguments(parser) -> None:
    parser.add_argument("params", metavar="市参数文件", help="市参数文件，如 params/示例市_2023Q1.yaml")


def _rollup(args) -> int:
    from fuchan_lib.run.city import run_rollup

    print(run_rollup(Path(args.params)))
    return _done()


def _done() -> int:
    """After a run: the interpreter's last collection at exit would scan every object the run
    made (~0.2 s on the example county, all of it garbage no one waits for); frozen, it does not."""
    import gc

    gc.freeze()
    return 0


COMMANDS: dict[str, Command] = {c.name: c for c in (
    Command("新县", "为本县生成第一期的参数文件、叙述模板和台账文件夹（不沿用示例县的内容）",
            "fuchan 新县 青石县 --期 2024Q1", _new_county_arguments, _new_county, aliases=("init",)),
    Command("check", "读取并审核台账，列出全部问题并存成 .xlsx 清单（不生成报告）",
            f"fuchan check {EXAMPLE_PARAMS}", _check_arguments, _check),
    Command("run", "生成本周的图表、附表和公文格式的报告（先做 check 的全部检查）",
            f"fuchan run {EXAMPLE_PARAMS} --as-of 2023-02-22", _run_arguments, _run),
    Command("list", "列出本县（写了参数文件时）或输出文件夹中全部的历次运行（含失败的）",
            f"fuchan list {EXAMPLE_PARAMS}", _params_argument, _list),
    Command("template", "生成空白台账模板，发给乡镇填写",
            "fuchan template 台账模板 --params " + EXAMPLE_PARAMS, _template_arguments, _template),
    Command("下发", "按最近一次成功运行，为每个乡镇（园区）生成下周要填的台账（已填好企业、状态和复工日期）",
            f"fuchan 下发 {EXAMPLE_PARAMS} --输出 下发台账", _handout_arguments, _handout,
            aliases=("handout",)),
    Command("new-period", "从当前参数文件生成下一期（新截止日期或新季度）的参数文件",
            f"fuchan new-period {EXAMPLE_PARAMS} --as-of 2023-02-22",
            _new_period_arguments, _new_period),
    Command("lab", "打开中文界面的 JupyterLab 和本周的笔记本（参数文件已填好），按 Ctrl+C 停止",
            f"fuchan lab {EXAMPLE_PARAMS}", _lab_arguments, _lab),
    Command("汇总", "把各县的台账或运行汇总成全市的报告、附表和督办清单",
            "fuchan 汇总 params/示例市_2023Q1.yaml", _rollup_arguments, _rollup, aliases=("rollup",)),
)}


def parser():
    return build_parser(
        "fuchan", "工业和服务业复工复产周报：读台账、算数字、出图表和公文格式的报告。",
        list(COMMANDS.values()),
        epilog=f"不写命令时执行 check；不写参数文件时使用示例县的参数（{EXAMPLE_PARAMS}）。",
    )


def _log_unexpected(exc: BaseException) -> Path:
    folder = Path(tempfile.gettempdir()) / "fuchan-logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"错误详情-{datetime.now():%Y%m%d-%H%M%S-%f}.log"
    path.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    from fuchan_lib.core.exceptions import FuchanError, FuchanInputError

    configure_console()
    try:
        args = parser().parse_args(argv)
        if args.command is None:
            args = parser().parse_args(["check"])
        by_alias = {alias: c for c in COMMANDS.values() for alias in (c.name, *c.aliases)}
        return by_alias[args.command].handler(args)
    except SystemExit as exc:  # argparse after --help (0) or a command-line mistake (2)
        return exc.code if isinstance(exc.code, int) else 2
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
