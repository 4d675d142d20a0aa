"""`fuchan check`: ingest and audit, then a short Chinese summary for the statistician."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fuchan_lib.core import schema
from fuchan_lib.core.params import Params
from fuchan_lib.core.wording import format_date
from fuchan_lib.ingest.inputs import Inputs, run_params
from fuchan_lib.ingest.sheet import describe_mappings
from fuchan_lib.run.prepare import Prepared, UnreadableCells, prepare_from, render_narrative
from fuchan_lib.stats.audit import WEEK_RULES
from fuchan_lib.stats.facts import indicator_omissions
from fuchan_lib.stats.mentions import other_county_warnings

RATE_BASIS_TEXT = {"需复工": "已复工 ÷ 节后需复工", "含正常生产": "（春节期间正常生产 + 已复工）÷（企业总数 − 长期停产）"}


def describe_choices(params: Params, as_of_given: bool) -> list[str]:
    """The as-of date and 口径 in use, and where they came from."""
    source = "命令行 --as-of 指定" if as_of_given else "参数文件“截止日期”"
    return [f"参数文件：{params.source}",
            f"{params.county}　截止日期：{format_date(params.as_of)}（{source}）",
            f"复工率口径：{params.rate_basis}（{RATE_BASIS_TEXT.get(params.rate_basis, '')}）"]


def town_sources(inputs: Inputs) -> list[str]:
    """Where each township's name came from (the column, a sheet's or a file's name), and the
    townships listed in params with no rows this week (未报送)."""
    lines, by_name = [], {}
    for layout in inputs.layouts:
        for column, value, source in layout.named:
            if column == schema.TOWN:
                by_name.setdefault(value, []).append(source)
    if by_name:
        lines.append("乡镇（园区）取自工作表名或文件名的（台账中有“乡镇（园区）”列的，以该列为准）：")
        lines.extend(f"  {town}：取自{'、'.join(dict.fromkeys(sources))}" for town, sources in by_name.items())
    from_column = [t for t in inputs.towns_in_ledgers if t not in by_name]
    if from_column and by_name:
        lines.append(f"  其余{len(from_column)}个乡镇（园区）取自台账的“乡镇（园区）”列")
    missing = inputs.unreported_towns
    if missing:
        lines.append(f"未报送的乡镇（园区）（参数“乡镇”中列出、本期台账中没有企业）：{'、'.join(missing)}")
    return lines


def summarise(prepared: Prepared, as_of_given: bool = False, listed_in: Path | None = None) -> str:
    """What was read and how, the counts, and the audit's warnings (errors are raised, so each
    is printed once, on stderr)."""
    inputs, report = prepared.inputs, prepared.audit
    p = inputs.params
    industry, service = inputs.industry, inputs.service
    scales = {k: v.total for k, v in prepared.groupings.industry.by_kind.items()}
    categories = {k: v.total for k, v in prepared.groupings.service.by_kind.items()}
    lines = other_county_warnings(report.warnings) + describe_choices(p, as_of_given)
    lines.append("读取的台账（工作表、表头行，以及每一列从哪一列读入）：")
    lines.extend(describe_mappings(inputs.layouts))
    if inputs.skipped:
        lines.append(f"没有读入的工作表和文件（{len(inputs.skipped)}个，不是台账）：")
        lines.extend("  " + s.describe() for s in inputs.skipped)
    lines.extend(town_sources(inputs))
    lines += [
        f"工业企业台账：{len(industry)}户（规上{scales.get(schema.ABOVE_SCALE, 0)}户、"
        f"规下{scales.get(schema.BELOW_SCALE, 0)}户）",
        f"服务业企业台账：{len(service)}户（"
        + "、".join(f"{c}{categories.get(c, 0)}户" for c in schema.CATEGORIES) + "）",
    ]
    if inputs.indicators is not None:
        lines.append(f"经济指标：{len(inputs.indicators)}项")
    if inputs.enterprise_indicators is not None:
        lines.append(f"企业指标：{len(inputs.enterprise_indicators)}行")
    history = prepared.history
    omitted = indicator_omissions(inputs.indicators, prepared.indicator_rows, p, history.stale_indicators)
    if omitted:
        lines.append("报告中不写的经济指标分句（数据中没有对应的数）：")
        lines.extend("  " + line for line in omitted)
    if history.last_year_note:
        lines.append(history.last_year_note)
    lines.append(p.report_date_rule)
    lines.append(report.summary())
    by_rule: dict[str, list] = {}
    for finding in report.warnings:
        by_rule.setdefault(finding.rule, []).append(finding)
    for rule, found in by_rule.items():
        if rule in WEEK_RULES:  # the firms changed since last week: every one named
            lines.append(f"  警告“{rule}”{len(found)}条：" + "、".join(f.enterprise for f in found))
            continue
        lines.append(f"  警告“{rule}”{len(found)}条，例如：")
        lines.extend("    " + f.describe() for f in found[:3])
    explained: dict[tuple[str, str], list[str]] = {}
    for finding in report.acknowledged:
        explained.setdefault((finding.rule, finding.note), []).append(finding.enterprise)
    for (rule, note), names in explained.items():
        shown = "、".join(names[:3]) + (f"等{len(names)}户" if len(names) > 3 else "")
        lines.append(f"  已说明“{rule}”{len(names)}条（{shown}）：{note}")
    if listed_in is not None:
        lines.append(f"全部问题（错误、警告和已说明）见审核清单：{listed_in}")
    if not report.errors:
        lines.append("检查通过。")
    return "\n".join(lines)


def check_inputs(params_path: Path, as_of: str | date | None = None, *,
                 out_dir: Path | None = None, say=print) -> str:
    """Read, audit and summarise; every problem goes into the 审核清单 .xlsx beside the params
    file (or in `out_dir`). Ledger problems and audit errors are raised (exit 2) after the
    summary of what was read has been said, so each message is printed once."""
    from fuchan_lib.core.exceptions import FuchanInputError, LedgerError, ledger_problems
    from fuchan_lib.run.problem_list import list_path, problem_frame, write_problem_list

    params = run_params(params_path, as_of)
    listed_in = list_path(params, out_dir)
    try:
        prepared = prepare_from(params)
    except UnreadableCells as exc:  # every unreadable cell and every audit finding, listed together
        write_problem_list(problem_frame(ledger_problems(exc), exc.audit, exc.inputs.layouts), listed_in)
        say(summarise(exc.prepared, as_of is not None))
        raise FuchanInputError(f"{exc}\n以上问题已写入审核清单：{listed_in}（警告也在其中）") from exc
    except LedgerError as exc:
        write_problem_list(problem_frame(ledger_problems(exc), None), listed_in)
        say("\n".join(describe_choices(params, as_of is not None)))
        raise FuchanInputError(f"{exc}\n以上问题已写入审核清单：{listed_in}") from exc
    inputs, report = prepared.inputs, prepared.audit
    write_problem_list(problem_frame([], report, inputs.layouts), listed_in)
    text = summarise(prepared, as_of is not None, None if report.errors else listed_in)
    if report.errors:
        say(text)
        report.raise_for_errors(listed_in=listed_in)
    render_narrative(prepared.build().facts, prepared.template)
    return text
