"""The read-and-audit-once step every run starts from: ledgers read, history loaded, every
grouping and the indicator rows counted, the narrative template read, audit done.

The county run, `fuchan check`, the notebooks run alone and the city roll-up all start here, so
each input is read, counted and audited once per run (DESIGN §1): the audit's 已复工 counts are
the ones the facts state, and the template the audit scans for firm names is the one rendered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.exceptions import LedgerProblems
from fuchan_lib.core.params import Params
from fuchan_lib.ingest.inputs import Inputs, read_inputs, run_params
from fuchan_lib.stats.audit import (AuditReport, audit, direction_mark_findings, row_issue_findings,
                                    stale_indicator_findings, unreported_findings)
from fuchan_lib.stats.facts import FactSet, indicator_rows
from fuchan_lib.stats.groupings import Groupings, count_groupings
from fuchan_lib.stats.growth import IndicatorGrowth
from fuchan_lib.stats.ledger_changes import change_findings
from fuchan_lib.stats.weekly import History, PreviousRun, WeekChange, week_change


def read_narrative(params: Params) -> tuple[str, str]:
    """The narrative template's text and its name for messages: read once per run."""
    from fuchan_lib.report.narrative import read_template

    return read_template(params.narrative_path)


def audit_inputs(inputs: Inputs, previous: PreviousRun | None = None,
                 groupings: Groupings | None = None, template: tuple[str, str] | None = None,
                 stale_indicators: tuple[str, ...] = (), change: WeekChange | None = None) -> AuditReport:
    """The audit of this run's ledgers (against the previous run's counts and snapshot when
    known, and why the 经济指标 are not this period's when they are not:
    run.history.stale_indicators). `groupings`, `template`: the run's counts and narrative
    template and week-over-week comparison (counted, read and compared here when not given)."""
    p = inputs.params
    groupings = count_groupings(inputs.industry, inputs.service, p.as_of) if groupings is None else groupings
    current = {schema.INDUSTRY: groupings.industry.total.resumed, schema.SERVICE: groupings.service.total.resumed}
    ledgers = {schema.INDUSTRY: inputs.industry, schema.SERVICE: inputs.service}
    indicator_files = "、".join(f.name for f in inputs.files_of(schema.INDICATORS)) or schema.INDICATORS
    found = (row_issue_findings(inputs.issues) + unreported_findings(inputs.unreported_towns, p)
             + narrative_mentions(inputs, read_narrative(p) if template is None else template)
             + direction_mark_findings(inputs.layouts)
             + stale_indicator_findings(stale_indicators, indicator_files)
             + week_changes(inputs, change or week_change(inputs.industry, inputs.service, p.as_of, previous)))
    return audit(ledgers, p, previous_resumed=previous.resumed if previous else None,
                 current_resumed=current, extra=found, groupings=groupings)


def week_changes(inputs: Inputs, change: WeekChange) -> list:
    """Warnings for firms that left, came or changed since the previous run (stats.ledger_changes)."""
    comparison = change.comparison
    if comparison is None:
        return []
    where = [schema.SOURCE_FILE, schema.SOURCE_SHEET, schema.SOURCE_ROW]
    provenance = pd.concat([df.reindex(columns=where) for df in (inputs.industry, inputs.service)],
                           ignore_index=True)
    return change_findings(comparison, provenance)


class UnreadableCells(LedgerProblems):
    """Raised when ledger cells cannot be read: carries what was read, counted and audited, so
    one check lists the unreadable cells and every audit finding together."""

    def __init__(self, prepared: "Prepared"):
        inputs, report = prepared.inputs, prepared.audit
        self.prepared, self.inputs, self.audit = prepared, inputs, report
        super().__init__(list(inputs.problems), inputs.unlisted or None)
        if report.errors:
            shown = "\n".join(f"  {f.describe()}" for f in report.errors[:20])
            more = f"\n  ……另有{len(report.errors) - 20}条，见审核清单" if len(report.errors) > 20 else ""
            self.args = (f"{self.args[0]}\n数据审核另发现{len(report.errors)}条错误：\n{shown}{more}",)


def narrative_mentions(inputs: Inputs, template: tuple[str, str]) -> list:
    """Warnings for the other counties and the firms the narrative template (text, name) names
    (see stats.mentions); other counties first, as `check` prints them first."""
    from fuchan_lib.report.narrative import template_lines
    from fuchan_lib.stats.mentions import firm_mentions, other_county_findings

    p = inputs.params
    text, name = template
    lines = [(line.number, line.text) for line in template_lines(text)]
    others = tuple(c for c in counties_beside(p.source) if c != p.county)
    return (other_county_findings(lines, p.county, name, p.narrative_path, others)
            + firm_mentions(lines, [inputs.industry, inputs.service], p.as_of, p.county, name, others))


_COUNTY_LINE = re.compile(r"^\s*(?:-\s*)?(?:县名|名称)\s*:\s*['\"]?([^\s#'\"]+)", re.MULTILINE)


def counties_beside(params_path: Path | None) -> list[str]:
    """The 县名 of every params file in the folder of `params_path` (and the counties a city
    params file there lists): names another county's text would carry into this one."""
    if params_path is None:
        return []
    names: dict[str, None] = {}
    for path in sorted(Path(params_path).parent.glob("*.y*ml")):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # not a params file we can read: it names no county
        names.update(dict.fromkeys(m for m in _COUNTY_LINE.findall(text) if m[-1] in "县区市旗"))
    return list(names)


@dataclass(frozen=True)
class Prepared:
    """A run's inputs read once, counted once, audited once, and what earlier runs said."""

    inputs: Inputs
    audit: AuditReport
    history: History
    groupings: Groupings
    indicator_rows: list[IndicatorGrowth]
    template: tuple[str, str]  # the narrative template: text, name for messages
    change: WeekChange  # the enterprise snapshot and its comparison with the previous run's

    def build(self):
        """Every part of the report (stats.build) from what was read and counted here."""
        from fuchan_lib.stats.build import build_all

        return build_all(self.inputs, self.audit, self.history, self.groupings, self.indicator_rows,
                         self.change)


def prepare(params_path: str | Path, as_of: str | date | None = None) -> Prepared:
    """Read the ledgers, load the history of earlier runs and audit: everything a run starts from."""
    return prepare_from(run_params(params_path, as_of))


def prepare_from(params: Params) -> Prepared:
    """`prepare` for params already loaded (check and run keep them to name the 审核清单)."""
    from fuchan_lib.run.history import load_history

    inputs = read_inputs(params)
    prepared = prepare_inputs(inputs, load_history(inputs.params, inputs.files_of(schema.INDICATORS), digest=inputs.digest))
    if inputs.problems:
        raise UnreadableCells(prepared)
    return prepared


def prepare_inputs(inputs: Inputs, history: History) -> Prepared:
    """`prepare` for ledgers already read: count, read the template, audit."""
    p = inputs.params
    previous = history.previous
    groupings = count_groupings(inputs.industry, inputs.service, p.as_of)
    template = read_narrative(p)
    change = week_change(inputs.industry, inputs.service, p.as_of, previous)
    report = audit_inputs(inputs, previous, groupings, template, history.stale_indicators, change)
    rows = indicator_rows(inputs.indicators, inputs.enterprise_indicators, p)
    return Prepared(inputs, report, history, groupings, rows, template, change)


def render_narrative(facts: FactSet, template: tuple[str, str]) -> list:
    """The narrative template rendered once against this run's facts (before any notebook
    runs, so a misspelt placeholder fails fast): the blocks the report writes."""
    from fuchan_lib.report.narrative import render_template

    text, name = template
    return render_template(text, facts, name)
