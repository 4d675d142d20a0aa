"""`fuchan 汇总`: read every county once, check they can be added up, then a city run folder.

A county is read from its params file (ledgers read and audited as for a county run, with the
city's 截止日期) or from a finished county run folder (its manifest and enterprise snapshot).
Every problem with the sources is collected and refused at once, naming the counties. The run
folder is built through `run.transaction`, like a county run. Like a county run, every figure,
附表 and chart is built once (`stats.city_build`); the city notebook shows that result and
writes its tables and charts (handed over by the transaction), while the 督办 workbooks are
written beside it.
"""

from __future__ import annotations

import sys

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from fuchan_lib.core.city_params import CityParams, load_city_params
from fuchan_lib.core.exceptions import FuchanInputError, NotebookError
from fuchan_lib.ingest.inputs import load_inputs, sha256
from fuchan_lib.core import run_folder
from fuchan_lib.run import history
from fuchan_lib.stats import weekly
from fuchan_lib.stats import rollup
from fuchan_lib.stats import city_build
from fuchan_lib.stats.build import Part
from fuchan_lib.stats.facts import FactSet

CITY_NOTEBOOK = "汇总.ipynb"
SOURCE_PARAMS, SOURCE_RUN = "参数", "运行"


def _source(name: str, kind: str, path: Path, as_of: date, files) -> run_folder.CountySourceRecord:
    """Where a county's data came from, for the manifest: kind, path and files with hashes."""
    return run_folder.CountySourceRecord(
        name=name, kind=kind, path=str(path), as_of=as_of,
        files=[run_folder.InputFile(path=str(f), sha256=sha256(f), size=f.stat().st_size) for f in files])


@dataclass(frozen=True)
class Rollup:
    """Everything a city run needs, read once: the params, counties, the combined enterprises."""

    params: CityParams
    counties: list[rollup.CountyLedgers]
    sources: list[run_folder.CountySourceRecord]
    city: rollup.CityLedgers
    basis: rollup.CityBasis
    previous: history.RunRecord | None
    warnings: list[str]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.counties]

    def for_notebook(self) -> "Rollup":
        """The same without each county's own ledgers: the notebook counts the combined ones,
        and the handover is half the size."""
        bare = [replace(c, industry=c.industry.iloc[:0], service=c.service.iloc[:0])
                for c in self.counties]
        return replace(self, counties=bare)


def _from_params(source, city: CityParams) -> tuple[rollup.CountyLedgers, run_folder.CountySourceRecord]:
    from fuchan_lib.run.prepare import audit_inputs

    path = city.resolve(source.params)
    if not path.is_file():
        raise FuchanInputError(f"{source.name}：找不到参数文件“{path}”")
    inputs = load_inputs(path, city.as_of)
    p = inputs.params
    if p.county != source.name:
        raise FuchanInputError(f"{source.name}：参数文件“{path.name}”中的县名是“{p.county}”，"
                               f"与市参数文件“各县”中的名称“{source.name}”不一致，请改成一致")
    report = audit_inputs(inputs)
    if report.errors:
        shown = "；".join(f.describe() for f in report.errors[:3])
        more = f"等{len(report.errors)}条" if len(report.errors) > 3 else ""
        raise FuchanInputError(f"{source.name}：台账审核有错误（{shown}{more}），请该县改正后再汇总")
    county = rollup.CountyLedgers(source.name, inputs.industry, inputs.service, p.as_of,
                                  p.spring_festival, p.rate_basis, p.directory_date, p.towns)
    files = tuple([path] + inputs.files())
    return county, _source(source.name, SOURCE_PARAMS, path, p.as_of, files)


def _from_run(source, city: CityParams) -> tuple[rollup.CountyLedgers, run_folder.CountySourceRecord]:
    folder = city.resolve(source.run)
    manifest_path = folder / run_folder.MANIFEST_FILE
    if not folder.is_dir():
        raise FuchanInputError(f"{source.name}：找不到运行文件夹“{folder}”")
    try:
        manifest = run_folder.Manifest.read(folder)
    except (OSError, ValueError):
        raise FuchanInputError(f"{source.name}：运行文件夹“{folder.name}”中没有可读的 manifest.json，"
                               "不是一次完成的运行") from None
    if not manifest.ok or folder.parent.name == run_folder.FAILED_DIR:
        raise FuchanInputError(f"{source.name}：运行“{folder.name}”没有成功（状态：{manifest.status}），"
                               "请该县重新运行成功后再汇总")
    if manifest.county != source.name:
        raise FuchanInputError(f"{source.name}：运行“{folder.name}”是“{manifest.county}”的，"
                               f"与市参数文件“各县”中的名称“{source.name}”不一致")
    snapshot_path = folder / run_folder.SNAPSHOT_FILE
    snapshot = history.read_snapshot(snapshot_path) if snapshot_path.is_file() else None
    if snapshot is None or weekly.LEDGER not in snapshot:
        raise FuchanInputError(f"{source.name}：运行“{folder.name}”缺少完整的{run_folder.SNAPSHOT_FILE}"
                               "（旧版本生成的运行），请用当前版本重新运行该县")
    industry, service = weekly.ledgers_from_snapshot(snapshot)
    as_of, directory = manifest.as_of, manifest.params.get("名录截止日期")
    county = rollup.CountyLedgers(
        source.name, industry, service, as_of, date.fromisoformat(manifest.spring_festival),
        manifest.rate_basis, date.fromisoformat(directory) if directory else None,
        tuple(manifest.params.get("乡镇") or ()))
    files = tuple(f for f in (manifest_path, folder / run_folder.FACTS_FILE, snapshot_path) if f.is_file())
    return county, _source(source.name, SOURCE_RUN, folder, as_of, files)


def prepare(params_path: str | Path) -> Rollup:
    """Read and check every county; RollupError (exit 2) naming every problem at once."""
    city = load_city_params(params_path)
    counties, sources, problems = [], [], []
    for source in city.counties:
        try:
            read = _from_params if source.params is not None else _from_run
            county, record = read(source, city)
        except FuchanInputError as exc:
            problems.append(str(exc) if str(exc).startswith(source.name) else f"{source.name}：{exc}")
            continue
        counties.append(county)
        sources.append(record)
    if not problems:
        problems = rollup.check_consistency(counties, city.rate_basis, city.as_of,
                                            city.different_as_of_allowed)
    if problems:
        listed = "\n".join(f"  {i}. {p}" for i, p in enumerate(problems, start=1))
        raise rollup.RollupError(f"不能汇总{city.city}的数据，共{len(problems)}个问题：\n{listed}")
    combined = rollup.combine(counties)
    basis = rollup.city_basis(counties, city.rate_basis, city.digits)
    previous = history.previous_run(city.output_path, city.city, city.as_of, basis.spring_festival)
    return Rollup(city, counties, sources, combined, basis, previous,
                  rollup.duplicate_warnings(combined.duplicates))


def previous_facts(r: Rollup) -> FactSet | None:
    if r.previous is None or not (r.previous.folder / run_folder.FACTS_FILE).is_file():
        return None
    if r.previous.basis != r.params.rate_basis:
        return None  # rates of another 口径 are not compared
    try:
        return FactSet.from_json(r.previous.folder / run_folder.FACTS_FILE)
    except (OSError, ValueError, TypeError, AttributeError):  # a damaged earlier roll-up: said, not compared
        print(f"警告：上次汇总“{r.previous.folder.name}”的 {run_folder.FACTS_FILE} 无法读取或已损坏，"
              "本次不写与上次汇总的比较", file=sys.stderr)
        return None


def load_handover(run_dir: str | Path, params_path: str | Path) -> tuple[Rollup, Part]:
    """What `fuchan 汇总` read and built, for the city notebook; read and built afresh when the
    notebook runs alone in JupyterLab."""
    from fuchan_lib.run.transaction import take_hand_off

    handed = take_hand_off(run_folder.RunFolder(run_dir))
    if handed is not None:
        return handed
    r = prepare(params_path)
    return r, build(r)


def build(r: Rollup) -> Part:
    """The city's build step (stats.city_build) on what was read."""
    return city_build.build(r.params, r.city, r.counties, r.basis, r.warnings, previous_facts(r))


def write_follow_up(r: Rollup, run_dir: str | Path) -> list[Path]:
    """督办: one workbook per county (its 汇总 and one sheet per township), numbered in city order."""
    from fuchan_lib.report.follow_up_books import FOLDER, write_city_book
    from fuchan_lib.stats.follow_up import county_follow_up

    written = []
    for number, county in enumerate(r.counties, start=1):
        lists = county_follow_up(county.industry, county.service, county.spring_festival,
                                 county.as_of, county.towns)
        written.append(write_city_book(Path(run_dir) / FOLDER, number, county.name, lists, county.as_of))
    return written


def _manifest(r: Rollup, run_name: str, timings: dict, facts: FactSet, report: Path,
              gaps: int) -> run_folder.CityManifest:
    from fuchan_lib.run.transaction import manifest_fields

    p = r.params
    fields = manifest_fields(p, timings, report, gaps)
    fields["params"] |= {"春节": r.basis.spring_festival.isoformat()}
    return run_folder.CityManifest(
        status=run_folder.STATUS_OK, run=run_name, county=p.city, as_of=p.as_of, **fields,
        counties=list(r.sources), audit={"警告": len(r.warnings)},
        headline={k: facts[k].value for k in ("合计.复工率", *run_folder.TREND_SERIES) if k in facts},
    )


@dataclass(frozen=True)
class CityRunResult:
    run_dir: Path
    report: Path
    gaps: int
    warnings: list[str]
    as_of_note: str | None

    def __str__(self) -> str:
        lines = [f"运行文件夹：{self.run_dir}"]
        if self.as_of_note:
            lines.append(self.as_of_note + "（已在报告中说明）")
        if self.warnings:
            lines.append(f"审核警告{len(self.warnings)}条（全部见 tables/{run_folder.TABLE_AUDIT}），例如：")
            lines.extend("  " + w for w in self.warnings[:5])
        if self.gaps:
            lines.append(f"提示：报告中还有{self.gaps}处【待补充】（黄色标出），请在叙述模板或 Word 中补写。")
        lines.append(str(self.report))
        return "\n".join(lines)


def run_rollup(params_path: str | Path, say=print) -> CityRunResult:
    """The whole city run. Raises RollupError/ParamsError (exit 2) or NotebookError."""
    from fuchan_lib.report.city_report import build_city_report
    from fuchan_lib.run.kernel import execute_notebook, notebooks_dir, start_kernel
    from fuchan_lib.run.transaction import RunTransaction

    started = time.perf_counter()
    r = prepare(params_path)
    p = r.params
    part = build(r)
    timings = {"读取和检查": time.perf_counter() - started}
    say(f"已读取{len(r.counties)}个县（{'、'.join(r.names)}），共{len(r.city.industry)}户工业企业、"
        f"{len(r.city.service)}户服务业企业，开始汇总……")
    run_name = run_folder.run_name(p.city, p.as_of, datetime.now())
    transaction = RunTransaction(p.output_path, run_name, p.city, p.as_of,
                                 kind=run_folder.CityManifest, say=say)
    try:
        with transaction as run:
            staging = run.folder.path
            run.hand_off(r.for_notebook(), part)
            part.facts.to_json(run.folder.facts)
            parameters = {"params_path": str(Path(params_path).resolve()), "run_dir": str(staging)}
            run.folder.notebooks.mkdir()
            with ThreadPoolExecutor(max_workers=1) as pool:  # 督办 needs no figure: write it meanwhile
                books = pool.submit(write_follow_up, r, staging)
                kernel = start_kernel(notebooks_dir())
                run.own(kernel.connection_file)
                try:
                    timings[CITY_NOTEBOOK] = execute_notebook(notebooks_dir() / CITY_NOTEBOOK, staging,
                                                              parameters, kernel)
                finally:
                    kernel.shutdown()
                books.result()
            step = time.perf_counter()
            report, gaps = build_city_report(p, staging, part)
            timings["报告"] = time.perf_counter() - step
            timings["合计"] = time.perf_counter() - started
            final = run.commit(_manifest(r, run_name, timings, part.facts, report, gaps))
    except NotebookError as exc:
        if transaction.kept is None:
            raise
        raise NotebookError(f"{exc}\n已执行的笔记本保存在：{run_folder.RunFolder(transaction.kept).notebooks}。"
                            "本次汇总没有生成报告，之前的运行结果不受影响。") from exc
    return CityRunResult(final, final / report.name, gaps, r.warnings,
                         rollup.as_of_note(r.counties))
