"""The read-and-audit-once step every run starts from: ledgers read, history loaded, audit done.

The county run, `fuchan check`, the notebooks run alone and the city roll-up all start here, so
each input is read and audited once per run (DESIGN §1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fuchan_lib.core import schema
from fuchan_lib.core.exceptions import LedgerProblems
from fuchan_lib.core.params import Params
from fuchan_lib.ingest.inputs import Inputs, read_inputs, run_params
from fuchan_lib.stats.audit import AuditReport, audit, row_issue_findings, unreported_findings
from fuchan_lib.stats.facts import FactSet
from fuchan_lib.stats.rates import count_resumption
from fuchan_lib.stats.weekly import History


def audit_inputs(inputs: Inputs, previous_resumed: dict[str, int] | None = None) -> AuditReport:
    """The audit of this run's ledgers (with the previous run's resumed counts when known)."""
    ledgers = {schema.INDUSTRY: inputs.industry, schema.SERVICE: inputs.service}
    current = {kind: count_resumption(df, inputs.params.as_of).resumed for kind, df in ledgers.items()}
    found = (row_issue_findings(inputs.issues) + unreported_findings(inputs.unreported_towns(), inputs.params)
             + narrative_mentions(inputs))
    return audit(ledgers, inputs.params, previous_resumed=previous_resumed, current_resumed=current,
                 extra=found)


class UnreadableCells(LedgerProblems):
    """Raised when ledger cells cannot be read: carries what was read and the audit of it, so
    one check lists the unreadable cells and every audit finding together."""

    def __init__(self, inputs: Inputs, report: AuditReport):
        self.inputs, self.audit = inputs, report
        super().__init__(list(inputs.problems), inputs.unlisted or None)
        if report.errors:
            shown = "\n".join(f"  {f.describe()}" for f in report.errors[:20])
            more = f"\n  ……另有{len(report.errors) - 20}条，见审核清单" if len(report.errors) > 20 else ""
            self.args = (f"{self.args[0]}\n数据审核另发现{len(report.errors)}条错误：\n{shown}{more}",)


def narrative_mentions(inputs: Inputs) -> list:
    """Warnings for the other counties and the firms the narrative template names (see
    stats.mentions); other counties first, as `check` prints them first."""
    from fuchan_lib.report.narrative import read_template, template_lines
    from fuchan_lib.stats.mentions import firm_mentions, other_county_findings

    p = inputs.params
    text, name = read_template(p.narrative_path)
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
    """A run's inputs read once, audited once, and what earlier runs said (read once)."""

    inputs: Inputs
    audit: AuditReport
    history: History


def prepare(params_path: str | Path, as_of: str | date | None = None) -> Prepared:
    """Read the ledgers, load the history of earlier runs and audit: everything a run starts from."""
    return prepare_from(run_params(params_path, as_of))


def prepare_from(params: Params) -> Prepared:
    """`prepare` for params already loaded (check and run keep them to name the 审核清单)."""
    from fuchan_lib.run.history import load_history

    inputs = read_inputs(params)
    history = load_history(inputs.params)
    previous = history.previous
    report = audit_inputs(inputs, previous.resumed if previous else None)
    if inputs.problems:
        raise UnreadableCells(inputs, report)
    return Prepared(inputs, report, history)


def validate_narrative(facts: FactSet, params: Params) -> int:
    """Render the narrative template against this run's facts (before any notebook runs, so a
    misspelt placeholder fails fast); returns the number of 【待补充】 gaps it will leave."""
    from fuchan_lib.report.narrative import count_gaps, read_template, render_template

    text, name = read_template(params.narrative_path)
    return count_gaps(render_template(text, facts, name))
