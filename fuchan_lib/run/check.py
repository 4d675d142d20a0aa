"""`fuchan check`: ingest and audit, then a short Chinese summary for the statistician."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fuchan_lib.core import schema
from fuchan_lib.stats.audit import AuditReport, audit
from fuchan_lib.ingest.inputs import Inputs, load_inputs
from fuchan_lib.stats.facts import indicator_omissions
from fuchan_lib.stats.rates import count_resumption
from fuchan_lib.core.params import Params
from fuchan_lib.core.wording import format_date
from fuchan_lib.stats.facts import FactSet
from fuchan_lib.stats.weekly import History


def audit_inputs(inputs: Inputs, previous_resumed: dict[str, int] | None = None) -> AuditReport:
    """The audit of this run's ledgers (with the previous run's resumed counts when known)."""
    ledgers = {schema.INDUSTRY: inputs.industry, schema.SERVICE: inputs.service}
    current = {kind: count_resumption(df, inputs.params.as_of).resumed for kind, df in ledgers.items()}
    return audit(ledgers, inputs.params, previous_resumed=previous_resumed, current_resumed=current,
                 extra=narrative_mentions(inputs))


def narrative_mentions(inputs: Inputs) -> list:
    """Warnings for firms the narrative template names (see stats.mentions)."""
    from fuchan_lib.report.narrative import read_template, template_lines
    from fuchan_lib.stats.mentions import firm_mentions

    p = inputs.params
    text, name = read_template(p.narrative_path)
    lines = [(line.number, line.text) for line in template_lines(text)]
    return firm_mentions(lines, [inputs.industry, inputs.service], p.as_of, p.county, name)


@dataclass(frozen=True)
class Prepared:
    """A run's inputs read once, audited once, and what earlier runs said (read once)."""

    inputs: Inputs
    audit: AuditReport
    history: History


def prepare(params_path: str | Path, as_of: str | date | None = None) -> Prepared:
    """Read the ledgers, load the history of earlier runs and audit: everything a run starts from."""
    from fuchan_lib.run.history import load_history

    inputs = load_inputs(params_path, as_of)
    history = load_history(inputs.params)
    previous = history.previous
    return Prepared(inputs, audit_inputs(inputs, previous.resumed if previous else None), history)


def validate_narrative(facts: FactSet, params: Params) -> int:
    """Render the narrative template against this run's facts (before any notebook runs, so a
    misspelt placeholder fails fast); returns the number of 【待补充】 gaps it will leave."""
    from fuchan_lib.report.narrative import count_gaps, read_template, render_template

    text, name = read_template(params.narrative_path)
    return count_gaps(render_template(text, facts, name))


def summarise(inputs: Inputs, report: AuditReport) -> str:
    p = inputs.params
    industry, service = inputs.industry, inputs.service
    scales = industry[schema.SCALE].value_counts()
    categories = service[schema.CATEGORY].value_counts()
    lines = [
        f"参数文件：{p.source}",
        f"{p.county}　截止日期：{format_date(p.as_of)}　复工率口径：{p.rate_basis}",
        f"工业企业台账：{len(industry)}户（规上{scales.get(schema.ABOVE_SCALE, 0)}户、"
        f"规下{scales.get(schema.BELOW_SCALE, 0)}户）",
        f"服务业企业台账：{len(service)}户（"
        + "、".join(f"{c}{categories.get(c, 0)}户" for c in schema.CATEGORIES) + "）",
    ]
    if inputs.indicators is not None:
        lines.append(f"经济指标：{len(inputs.indicators)}项")
    if inputs.enterprise_indicators is not None:
        lines.append(f"企业指标：{len(inputs.enterprise_indicators)}行")
    omitted = indicator_omissions(inputs.indicators, inputs.enterprise_indicators, p)
    if omitted:
        lines.append("报告中不写的经济指标分句（数据中没有对应的数）：")
        lines.extend("  " + line for line in omitted)
    lines.append(p.report_date_rule)
    lines.append(report.summary())
    for finding in report.errors[:20]:
        lines.append("  " + finding.describe())
    if len(report.errors) > 20:
        lines.append(f"  ……另有{len(report.errors) - 20}条错误未列出")
    by_rule: dict[str, list] = {}
    for finding in report.warnings:
        by_rule.setdefault(finding.rule, []).append(finding)
    for rule, found in by_rule.items():
        lines.append(f"  警告“{rule}”{len(found)}条，例如：")
        lines.extend("    " + f.describe() for f in found[:3])
    if report.warnings:
        lines.append("  全部警告见运行文件夹中的“tables/审核清单.xlsx”。")
    explained: dict[tuple[str, str], list[str]] = {}
    for finding in report.acknowledged:
        explained.setdefault((finding.rule, finding.note), []).append(finding.enterprise)
    for (rule, note), names in explained.items():
        shown = "、".join(names[:3]) + (f"等{len(names)}户" if len(names) > 3 else "")
        lines.append(f"  已说明“{rule}”{len(names)}条（{shown}）：{note}")
    lines.append("检查未通过：请先改正上面的错误。" if report.errors else "检查通过。")
    return "\n".join(lines)


def check_inputs(params_path: Path, as_of: date | None = None) -> str:
    """Read, audit and summarise; raises AuditError (exit 2) after printing when errors exist."""
    from fuchan_lib.stats.build import build_all

    prepared = prepare(params_path, as_of)
    inputs, report = prepared.inputs, prepared.audit
    text = summarise(inputs, report)
    if report.errors:
        print(text)
        report.raise_for_errors()
    validate_narrative(build_all(inputs, report, prepared.history).facts, inputs.params)
    return text
