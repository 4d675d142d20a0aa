"""Earlier runs: `fuchan list`, and the week-over-week comparison with the previous run.

A run folder is a good run iff its manifest says 成功. The previous run of a run is the latest
good run of the same county and 春节 (the same period) with an earlier as-of date. Each run keeps
a snapshot of every enterprise's state (企业状态.csv) so the next week can name who changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.stats.facts import FactSet
from fuchan_lib.core.params import Params
from fuchan_lib.stats.rates import status_flags
from fuchan_lib.core.wording import format_percent, interval_words, points_phrase
from fuchan_lib.stats.lists import county_towns
from fuchan_lib.stats.reasons import most_resumed_towns

MANIFEST = "manifest.json"
STATUS_OK = "成功"
FAILED_DIR = "失败的运行"
SNAPSHOT = "企业状态.csv"
GROUPS = ("工业", "工业.规上", "工业.规下", "限上和大个体", "规上服务业", "服务业")


@dataclass(frozen=True)
class RunRecord:
    folder: Path
    county: str
    as_of: date
    spring_festival: str
    created: str
    headline: dict
    status: str = STATUS_OK
    basis: str = ""  # 复工率口径 of that run: rates of different 口径 are not compared

    @property
    def resumed(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.headline.get("resumed", {}).items() if v is not None}


def list_runs(output: Path, *, include_failed: bool = False) -> list[RunRecord]:
    """Good runs in the output folder (and failed ones if asked), newest as-of first."""
    manifests = list(output.glob(f"*/{MANIFEST}"))
    if include_failed:
        manifests += list(output.glob(f"{FAILED_DIR}/*/{MANIFEST}"))
    records = []
    for manifest in manifests:
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            as_of = date.fromisoformat(data["截止日期"])
        except (OSError, ValueError, KeyError):
            continue  # an unreadable manifest is not a run we can describe
        if data.get("状态") != STATUS_OK and not include_failed:
            continue
        records.append(RunRecord(
            folder=manifest.parent, county=data.get("县名", ""), as_of=as_of,
            spring_festival=str(data.get("参数", {}).get("春节", "")), created=data.get("生成时间", ""),
            headline=data.get("主要数字", {}), status=data.get("状态", ""),
            basis=str(data.get("参数", {}).get("复工率口径", "")),
        ))
    return sorted(records, key=lambda r: (r.as_of, r.created), reverse=True)


def previous_run(output: Path, county: str, as_of: date, spring_festival: date | None = None) -> RunRecord | None:
    for record in list_runs(output):
        same_period = spring_festival is None or record.spring_festival == spring_festival.isoformat()
        if record.county == county and same_period and record.as_of < as_of:
            return record
    return None


def format_runs(records: list[RunRecord]) -> str:
    """`fuchan list`: one line per run, newest first, with the headline rates."""
    if not records:
        return "输出文件夹中还没有运行记录。"
    columns = ("截止日期", "县名", "状态", "工业", "规上工业", "限上和大个体", "规上服务业", "生成时间", "文件夹")
    keys = ("工业.复工率", "工业.规上.复工率", "限上和大个体.复工率", "规上服务业.复工率")
    lines = ["　".join(columns)]
    for r in records:
        rates = [format_percent(r.headline.get(k)) or "—" for k in keys]
        lines.append("　".join([r.as_of.isoformat(), r.county, r.status, *rates,
                               r.created.replace("T", " "), r.folder.name]))
    lines.append("（复工率按参数文件的口径；失败的运行保存在“失败的运行”文件夹，不参与周比）")
    return "\n".join(lines)


LEDGER = "台账"
# the canonical columns a snapshot keeps, so a city roll-up can rebuild both ledgers from it
SNAPSHOT_LEDGER_COLUMNS = (schema.CREDIT_CODE, schema.SCALE, schema.CATEGORY, schema.TRADE,
                           schema.STATUS, schema.RESUMED_ON, schema.STAFF, schema.RETURNED,
                           schema.REASON)


def enterprise_snapshot(industry: pd.DataFrame, service: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """One row per enterprise: key, name, group, whether it counts as resumed (or running), and
    its canonical ledger columns (for the city roll-up, which reads finished runs)."""
    parts = []
    for kind, df, group in ((schema.INDUSTRY, industry, schema.industry_group_label(industry[schema.SCALE])),
                            (schema.SERVICE, service, service[schema.CATEGORY])):
        flags = status_flags(df, as_of)
        key = df[schema.CREDIT_CODE].astype(object).where(df[schema.CREDIT_CODE].notna(), df[schema.NAME])
        part = pd.DataFrame({
            "键": key.to_numpy(), "企业名称": df[schema.NAME].to_numpy(),
            "乡镇（园区）": df[schema.TOWN].to_numpy(), "规模或类别": group.to_numpy(),
            "在产": flags.resumed | flags.running, LEDGER: kind,
        })
        for column in SNAPSHOT_LEDGER_COLUMNS:
            if column in df:
                part[column] = df[column].to_numpy()
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def ledgers_from_snapshot(snapshot: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(industry, service) canonical frames rebuilt from a run's snapshot, as ingestion gives
    them (choice columns categorical, counts Int64, dates datetime64)."""
    ledgers = []
    for kind in (schema.INDUSTRY, schema.SERVICE):
        rows = snapshot[snapshot[LEDGER] == kind]
        frame = pd.DataFrame(index=range(len(rows)))
        for column in schema.COLUMNS_BY_KIND[kind]:
            values = rows[column.name].to_numpy() if column.name in rows else None
            if column.kind == "choice":
                frame[column.name] = pd.Categorical(values, categories=list(column.choices))
            elif column.kind == "date":
                frame[column.name] = pd.to_datetime(values)
            elif column.kind == "int":
                frame[column.name] = pd.array(values, dtype="Int64")
            elif column.name in schema.GROUPING_TEXT:
                frame[column.name] = pd.Categorical(values)
            else:
                frame[column.name] = pd.Series(values, dtype=object)
        ledgers.append(frame)
    return ledgers[0], ledgers[1]


def changes_since(previous: pd.DataFrame, current: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(newly resumed, newly stopped) enterprises between two snapshots, matched by key."""
    merged = current.merge(previous[["键", "在产"]], on="键", how="left", suffixes=("", "_上周"))
    before = merged["在产_上周"].astype("boolean").fillna(False).astype(bool)
    columns = ["企业名称", "乡镇（园区）", "规模或类别"]
    newly_resumed = merged[merged["在产"] & ~before][columns]
    newly_stopped = merged[~merged["在产"] & before][columns]
    return newly_resumed.reset_index(drop=True), newly_stopped.reset_index(drop=True)


def week_over_week_facts(current: FactSet, params: Params, previous: RunRecord | None,
                         changes: tuple[pd.DataFrame, pd.DataFrame] | None,
                         ledgers: tuple[pd.DataFrame, ...] | None = None) -> FactSet:
    """周比 facts; without a previous run every one has no value, so the text says nothing."""
    facts = FactSet()
    facts.date("周比.上期截止日期", previous.as_of if previous else None, "上次运行的截止日期")
    compared, since = interval_words(previous.as_of if previous else None, params.as_of)
    facts.text("周比.较上期", compared, "与上次运行比较的说法：相隔7天为“较上周”，否则“较2月1日”")
    facts.text("周比.期间", since, "上次运行以来的说法：相隔7天为“本周”，否则“2月1日以来”")
    old = FactSet.from_json(previous.folder / "facts.json") if previous else None
    for group in GROUPS:
        key = f"{group}.复工率"
        comparable = old is not None and key in old and previous.basis == params.rate_basis
        before = old[key].value if comparable else None
        phrase = points_phrase(current[key].value, before, params.digits) if before is not None else None
        facts.text(f"周比.{group}.复工率变化", phrase, f"{group}复工率较上次运行的变化", kind="points")
        resumed_key = f"{group}.已复工"
        was = old[resumed_key].value if old is not None and resumed_key in old else None
        now = current[resumed_key].value
        added = None if was is None or now < was else now - was  # a fall is not "新增"
        facts.count(f"周比.{group}.新增复工", added, f"{group}已复工户数较上次运行的增加（减少时没有值）")
    newly_resumed, newly_stopped = changes if changes else (None, None)
    towns = county_towns(*(ledgers or ()), listed=params.towns)
    facts.text("周比.新复工较多乡镇", most_resumed_towns(newly_resumed, towns),
               "上次运行以来新复工企业最多的乡镇（园区）")
    facts.count("周比.新复工企业数", None if newly_resumed is None else len(newly_resumed),
                "上次运行后新复工（含新开业）的企业数")
    facts.count("周比.新停产企业数", None if newly_stopped is None else len(newly_stopped),
                "上次运行时在产、本次不在产的企业数")
    return facts


def read_snapshot(path: Path) -> pd.DataFrame:
    text = {"键": str, schema.CREDIT_CODE: str, schema.NAME: str, schema.TOWN: str,
            schema.REASON: str, schema.TRADE: str}
    return pd.read_csv(path, encoding="utf-8-sig", dtype=text, keep_default_na=False,
                       na_values=[""], parse_dates=[schema.RESUMED_ON])


TREND_SERIES = {"工业.复工率": "工业", "工业.规上.复工率": "规上工业", "工业.规下.复工率": "规下工业",
                "限上和大个体.复工率": "限上批零住餐和大个体", "规上服务业.复工率": "规上服务业"}


def rate_trend(output: Path, params: Params, current: FactSet) -> pd.DataFrame:
    """复工率 (percent) of every earlier good run of this county and period, plus this run.

    One row per as-of date (the newest run of a date wins), index 截止日期."""
    rows: dict[date, dict] = {}
    for record in reversed(list_runs(output)):  # oldest first, so newer runs of a date overwrite
        if (record.county == params.county and record.as_of < params.as_of
                and record.spring_festival == params.spring_festival.isoformat()):
            rows[record.as_of] = {name: record.headline.get(key) for key, name in TREND_SERIES.items()}
    rows[params.as_of] = {name: current[key].value for key, name in TREND_SERIES.items()}
    frame = pd.DataFrame.from_dict(rows, orient="index").sort_index().astype(float)
    frame.index = pd.to_datetime(frame.index)
    frame.index.name = "截止日期"
    return frame
