"""Earlier runs in the output folder: `fuchan list`, and what this week compares with.

A run folder is a good run iff its manifest says 成功. The previous run of a run is the latest
good run of the same county and 春节 (the same period) with an earlier as-of date.
`load_history` reads what the week-over-week build step needs, once per run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from pydantic import ValidationError

from fuchan_lib.core import schema
from fuchan_lib.core.run_folder import (
    FACTS_FILE, FAILED_DIR, HEADLINE_KEYS, LIST_COLUMNS, MANIFEST_FILE, SNAPSHOT_FILE, STAGING_PREFIX, Manifest,
    RunFolder,
)
from fuchan_lib.core.exceptions import ParamsError
from fuchan_lib.core.params import Params
from fuchan_lib.core.quarters import last_full_month_end
from fuchan_lib.core.text import csv_text
from fuchan_lib.core.wording import format_date, format_percent
from fuchan_lib.ingest.inputs import sha256
from fuchan_lib.stats.facts import FactSet
from fuchan_lib.stats.indicators import before_period
from fuchan_lib.stats.last_year import LastYearRun, days_after_festival, same_day_last_year
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


@dataclass(frozen=True)
class Unreadable:
    """A run folder whose manifest, facts or snapshot cannot be read: skipped, with a warning."""

    folder: Path
    reason: str

    @property
    def warning(self) -> str:
        return f"警告：跳过无法读取的运行“{self.folder.name}”（{self.reason}），改与更早的、能读取的运行比较"


NUMERIC_FACTS = ("count", "percent", "money", "growth")  # progress, points and date facts are text


def _manifest_problem(exc: Exception) -> str:
    """Why a manifest.json cannot be read, in the statistician's words."""
    if isinstance(exc, ValidationError) and exc.errors()[0]["type"] != "json_invalid":
        where = "·".join(str(p) for p in exc.errors()[0]["loc"])
        return f"{MANIFEST_FILE} 中“{where}”的值有误" if where else f"{MANIFEST_FILE} 的内容不是一次运行的记录"
    if isinstance(exc, OSError):
        return f"{MANIFEST_FILE} 无法打开"
    return f"{MANIFEST_FILE} 已损坏（不是完整的 JSON）"


def scan_runs(output: Path, include_failed: bool) -> tuple[list[RunRecord], list[Unreadable]]:
    """Runs whose manifest reads (good ones, and failed ones if asked), newest as-of first, and
    the folders whose manifest does not. Staging folders are never read: a run still being
    built (or killed while it was) is no run."""
    manifests = list(output.glob(f"*/{MANIFEST_FILE}"))
    if include_failed:
        manifests += list(output.glob(f"{FAILED_DIR}/*/{MANIFEST_FILE}"))
    records, unreadable = [], []
    for path in manifests:
        if path.parent.name.startswith(STAGING_PREFIX):
            continue
        try:
            manifest = Manifest.read(path.parent)
        except (OSError, ValueError) as exc:  # ValidationError and JSON errors are ValueErrors
            unreadable.append(Unreadable(path.parent, _manifest_problem(exc)))
            continue
        if manifest.ok or include_failed:
            records.append(RunRecord(path.parent, manifest))
    records.sort(key=lambda r: (r.as_of, r.manifest.created), reverse=True)
    return records, sorted(unreadable, key=lambda u: u.folder.name, reverse=True)


def list_runs(output: Path, *, include_failed: bool = False) -> list[RunRecord]:
    """Good runs in the output folder (and failed ones if asked), newest as-of first."""
    return scan_runs(output, include_failed)[0]


def own_runs(county: str, records: list[RunRecord], unreadable: list[Unreadable] = (),
             spring_festival: date | None = None) -> tuple[list[RunRecord], list[Unreadable]]:
    """A county's (or city's) own runs among an output folder's (of one 春节 when given) and
    its own unreadable folders (named "<county>_截至…" by the run): not its neighbours'."""
    runs = [r for r in records if r.manifest.county == county
            and (spring_festival is None or r.manifest.spring_festival == spring_festival.isoformat())]
    return runs, [u for u in unreadable if u.folder.name.startswith(f"{county}_")]


def earlier_runs(output: Path, county: str, as_of: date, spring_festival: date) -> list[RunRecord]:
    """Good runs of this county (or city) and 春节 with an earlier as-of date, newest first."""
    return [r for r in own_runs(county, list_runs(output), (), spring_festival)[0] if r.as_of < as_of]


def previous_run(output: Path, county: str, as_of: date, spring_festival: date) -> RunRecord | None:
    """The latest good run of this county (or city) and 春节 with an earlier as-of date."""
    return next(iter(earlier_runs(output, county, as_of, spring_festival)), None)


def read_snapshot(path: Path) -> pd.DataFrame:
    text = {"键": str, schema.CREDIT_CODE: str, schema.NAME: str, schema.TOWN: str,
            schema.REASON: str, schema.TRADE: str, schema.EXPECTED: str}
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=text, keep_default_na=False, na_values=[""])
    for name in frame.columns:
        if frame[name].dtype == object or isinstance(frame[name].dtype, pd.StringDtype):
            frame[name] = frame[name].map(csv_text)  # written by text.write_csv
    if schema.RESUMED_ON in frame:  # snapshots of older runs keep only key, name, group and state
        frame[schema.RESUMED_ON] = pd.to_datetime(frame[schema.RESUMED_ON])
    return frame


def _read_previous(record: RunRecord) -> PreviousRun:
    """Facts and snapshot of an earlier run; ValueError (Chinese) when they cannot be used."""
    folder = RunFolder(record.folder)
    try:
        facts = FactSet.from_json(folder.facts)
    except (OSError, ValueError, TypeError, AttributeError):
        raise ValueError(f"{FACTS_FILE} 无法读取或已损坏") from None
    for fact in facts:
        if fact.kind in NUMERIC_FACTS and not (fact.value is None or _is_number(fact.value)):
            raise ValueError(f"{FACTS_FILE} 中“{fact.key}”的值不是数字")
    try:
        snapshot = read_snapshot(folder.snapshot) if folder.snapshot.is_file() else None
    except (OSError, ValueError, TypeError):
        raise ValueError(f"{SNAPSHOT_FILE} 无法读取或已损坏") from None
    if snapshot is not None and not ({"键", "在产"} <= set(snapshot.columns) and snapshot["在产"].dtype == bool):
        raise ValueError(f"{SNAPSHOT_FILE} 缺少“键”“在产”列或其值有误")  # what changes_since compares
    return PreviousRun(record.as_of, record.manifest.rate_basis, facts, snapshot)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _indicator_period(manifest: Manifest) -> date | None:
    """指标期末 of a run: its params', else the month before its as-of date (as Params does)."""
    stated = manifest.params.get("指标期末")
    try:
        return date.fromisoformat(str(stated)) if stated else last_full_month_end(manifest.as_of)
    except ValueError:
        return None


def stale_indicators(params: Params, runs: list[RunRecord], files: list[Path],
                     digest: Callable[[Path], str] = sha256) -> tuple[str, ...]:
    """Why this run's 经济指标 (`files`, as read) are not this period's (empty when nothing says
    so): 指标期末 before the period began, or every file byte-identical (sha256) to an input of a
    run of this county with an earlier 指标期末, i.e. last period's figures under this period's name.
    `digest`: the run's file hashes (ingest.Inputs.digest: each file hashed once per run)."""
    found = [reason] if (reason := before_period(params.indicator_period, params.as_of)) else []
    digests = {digest(f) for f in files}
    for record in runs if digests else []:
        end = _indicator_period(record.manifest)
        if (record.manifest.county == params.county and end is not None and end < params.indicator_period
                and digests <= {f.sha256 for f in record.manifest.inputs}):
            found.append(f"经济指标文件“{'、'.join(f.name for f in files)}”与截至{format_date(record.as_of)}的运行"
                         f"（指标期末{format_date(end)}）读的文件完全相同，本期“指标期末”却是"
                         f"{format_date(params.indicator_period)}：文件像是还没有换成本期的数")
            break
    return tuple(found)


def last_year_run(params: Params, runs: list[RunRecord]) -> tuple[LastYearRun | None, str | None]:
    """The run of last year's 春节 to compare with at the same day after 春节 (the one named
    by params 上年同期运行, else the latest of this county in the output folder whose snapshot
    reaches that day), and a line saying which, or why none: (None, None) when nothing is there."""
    if params.last_year_run:
        folder = params.resolve(params.last_year_run)
        try:
            candidates = [RunRecord(folder, Manifest.read(folder))]
        except (OSError, ValueError):
            raise ParamsError(f"参数“上年同期运行”写的“{params.last_year_run}”不是一次运行的结果文件夹"
                              f"（{folder} 中没有可读的 manifest.json）。请写上年同期某次运行的文件夹，或删去这一行") from None
    else:
        year = str(params.spring_festival.year - 1)
        candidates = [r for r in runs if r.manifest.county == params.county
                      and r.manifest.spring_festival[:4] == year and r.manifest.ok]
    if not candidates:
        return None, None
    days = days_after_festival(params)
    for record in candidates:  # newest as-of first
        try:
            festival = date.fromisoformat(record.manifest.spring_festival)
        except ValueError:
            continue
        day = same_day_last_year(params, festival)
        snapshot = RunFolder(record.folder).snapshot
        if record.as_of < day or not snapshot.is_file():
            continue
        try:
            frame = read_snapshot(snapshot)
        except (OSError, ValueError, TypeError):
            continue  # a damaged snapshot cannot be re-counted: an older run may still serve
        if {schema.STATUS, schema.RESUMED_ON} <= set(frame.columns):  # older runs kept only 在产
            found = LastYearRun(record.folder.name, festival, record.as_of, frame)
            return found, (f"较上年同期：按运行“{record.folder.name}”的企业状态，重新计数到上年春节后第{days}天"
                           f"（{format_date(day)}）")
    latest = candidates[0]
    return None, (f"较上年同期：上年的运行（最晚截至{format_date(latest.as_of)}）没有到春节后第{days}天的企业状态，"
                  "报告不写与上年同期的比较")


def load_history(params: Params, indicator_files: tuple[Path, ...] | list[Path] = (), say=print,
                 digest: Callable[[Path], str] = sha256) -> History:
    """The previous run (facts, snapshot), the headline rates of every earlier run, and whether
    the 经济指标 (`indicator_files`, as read) are this period's. A run
    folder that cannot be read is skipped with a one-line warning (`say`); the comparison is
    with the latest run that can be read."""
    records, unreadable = scan_runs(params.output_path, False)
    own, unreadable = own_runs(params.county, records, unreadable, params.spring_festival)
    earlier = [r for r in own if r.as_of < params.as_of]
    rates: dict[date, dict] = {}
    for record in reversed(earlier):  # oldest first, so the newest run of a date wins
        rates[record.as_of] = {k: record.manifest.headline.get(k) for k in HEADLINE_KEYS}
    previous = None
    for record in earlier:
        try:
            previous = _read_previous(record)
            break
        except ValueError as exc:
            unreadable.append(Unreadable(record.folder, str(exc)))
    for skipped in unreadable:
        say(skipped.warning)
    last_year, note = last_year_run(params, records)
    return History(previous=previous, earlier_rates=rates,
                   stale_indicators=stale_indicators(params, records, list(indicator_files), digest),
                   last_year=last_year, last_year_note=note)


def format_runs(records: list[RunRecord], unreadable: list[Unreadable] = ()) -> str:
    """`fuchan list`: one line per run, newest first, with the headline rates; the folders whose
    manifest cannot be read last, as 无法读取 with the reason."""
    if not records and not unreadable:
        return "输出文件夹中还没有运行记录。"
    columns = ("截止日期", "县名", "状态", *LIST_COLUMNS.values(), "生成时间", "文件夹")
    lines = ["　".join(columns)]
    for r in records:
        m = r.manifest
        rates = [format_percent(m.headline.get(k)) or "—" for k in LIST_COLUMNS]
        lines.append("　".join([r.as_of.isoformat(), m.county, m.status, *rates,
                               m.created.replace("T", " "), r.folder.name]))
    for u in unreadable:
        lines.append(f"无法读取　{u.folder.name}：{u.reason}（不参与周比；可删去或移出这个文件夹）")
    lines.append("（复工率按参数文件的口径；失败的运行保存在“失败的运行”文件夹，不参与周比）")
    return "\n".join(lines)
