"""Earlier runs in the output folder: `fuchan list`, and what this week compares with.

A run folder is a good run iff its manifest says 成功. The previous run of a run is the latest
good run of the same county and 春节 (the same period) with an earlier as-of date.
`load_history` reads what the week-over-week build step needs, once per run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.run_folder import (FAILED_DIR, HEADLINE_KEYS, LIST_COLUMNS, MANIFEST_FILE, STAGING_PREFIX,
                                        Manifest, RunFolder)
from fuchan_lib.core.params import Params
from fuchan_lib.core.wording import format_percent
from fuchan_lib.stats.facts import FactSet
from fuchan_lib.stats.weekly import History, PreviousRun


@dataclass(frozen=True)
class RunRecord:
    folder: Path
    manifest: Manifest

    @property
    def as_of(self) -> date:
        return self.manifest.as_of

    @property
    def status(self) -> str:
        return self.manifest.status

    @property
    def basis(self) -> str:
        """复工率口径 of that run: rates of different 口径 are not compared."""
        return self.manifest.rate_basis


def list_runs(output: Path, *, include_failed: bool = False) -> list[RunRecord]:
    """Good runs in the output folder (and failed ones if asked), newest as-of first. Staging
    folders are never read: a run still being built (or killed while it was) is no run."""
    manifests = list(output.glob(f"*/{MANIFEST_FILE}"))
    if include_failed:
        manifests += list(output.glob(f"{FAILED_DIR}/*/{MANIFEST_FILE}"))
    records = []
    for path in manifests:
        if path.parent.name.startswith(STAGING_PREFIX):
            continue
        try:
            manifest = Manifest.read(path.parent)
        except (OSError, ValueError):
            continue  # an unreadable manifest is not a run we can describe
        if manifest.ok or include_failed:
            records.append(RunRecord(path.parent, manifest))
    return sorted(records, key=lambda r: (r.as_of, r.manifest.created), reverse=True)


def earlier_runs(output: Path, county: str, as_of: date, spring_festival: date) -> list[RunRecord]:
    """Good runs of this county (or city) and 春节 with an earlier as-of date, newest first."""
    return [r for r in list_runs(output) if r.manifest.county == county and r.as_of < as_of
            and r.manifest.spring_festival == spring_festival.isoformat()]


def previous_run(output: Path, county: str, as_of: date, spring_festival: date) -> RunRecord | None:
    """The latest good run of this county (or city) and 春节 with an earlier as-of date."""
    return next(iter(earlier_runs(output, county, as_of, spring_festival)), None)


def read_snapshot(path: Path) -> pd.DataFrame:
    text = {"键": str, schema.CREDIT_CODE: str, schema.NAME: str, schema.TOWN: str,
            schema.REASON: str, schema.TRADE: str}
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=text, keep_default_na=False, na_values=[""])
    if schema.RESUMED_ON in frame:  # snapshots of older runs keep only key, name, group and state
        frame[schema.RESUMED_ON] = pd.to_datetime(frame[schema.RESUMED_ON])
    return frame


def load_history(params: Params) -> History:
    """The previous run (facts, snapshot) and the headline rates of every earlier run."""
    earlier = earlier_runs(params.output_path, params.county, params.as_of, params.spring_festival)
    rates: dict[date, dict] = {}
    for record in reversed(earlier):  # oldest first, so the newest run of a date wins
        rates[record.as_of] = {k: record.manifest.headline.get(k) for k in HEADLINE_KEYS}
    previous = None
    for record in earlier:
        folder = RunFolder(record.folder)
        try:
            facts = FactSet.from_json(folder.facts)
        except (OSError, ValueError):
            continue  # a run whose facts cannot be read cannot be compared with
        snapshot = read_snapshot(folder.snapshot) if folder.snapshot.is_file() else None
        previous = PreviousRun(record.as_of, record.manifest.rate_basis, facts, snapshot)
        break
    return History(previous=previous, earlier_rates=rates)


def format_runs(records: list[RunRecord]) -> str:
    """`fuchan list`: one line per run, newest first, with the headline rates."""
    if not records:
        return "输出文件夹中还没有运行记录。"
    columns = ("截止日期", "县名", "状态", *LIST_COLUMNS.values(), "生成时间", "文件夹")
    lines = ["　".join(columns)]
    for r in records:
        m = r.manifest
        rates = [format_percent(m.headline.get(k)) or "—" for k in LIST_COLUMNS]
        lines.append("　".join([r.as_of.isoformat(), m.county, m.status, *rates,
                               m.created.replace("T", " "), r.folder.name]))
    lines.append("（复工率按参数文件的口径；失败的运行保存在“失败的运行”文件夹，不参与周比）")
    return "\n".join(lines)
