"""`fuchan run`: check -> notebooks (papermill) -> report -> manifest -> atomic move (DESIGN §1).

The ledgers are read, audited and built into the report's parts once, in this process; a
kernel for the notebooks starts at the same time. The notebooks show and save each part from
that result, one after another in the shared kernel; the report is written from the same result.
A run is built in a hidden staging folder inside the output folder and renamed into place
only when everything succeeded, so a failed run never looks like a good one and never
touches earlier runs. The executed notebooks of a failed run are kept under 失败的运行/.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from importlib import metadata
from pathlib import Path

from fuchan_lib import __version__
from fuchan_lib.core import run_folder
from fuchan_lib.core.exceptions import FuchanError, FuchanInputError, NotebookError
from fuchan_lib.core.run_folder import InputFile, Manifest, RunFolder
from fuchan_lib.core.params import Params
from fuchan_lib.ingest.inputs import Inputs, run_params, sha256
from fuchan_lib.run.prepare import Prepared, prepare_from, validate_narrative
from fuchan_lib.stats.build import Built, build_all

SECTION_NOTEBOOKS = ("1_工业.ipynb", "2_服务业.ipynb", "3_经济指标.ipynb", "4_综合.ipynb")


def notebooks_dir() -> Path:
    """The section notebooks shipped with the package (the project's notebooks/ folder)."""
    from fuchan_lib.run.kernel import notebooks_dir as shipped

    folder = shipped()
    if not all((folder / name).is_file() for name in SECTION_NOTEBOOKS):
        raise FuchanError(f"安装不完整：笔记本文件夹“{folder}”中缺少{('、'.join(SECTION_NOTEBOOKS))}。"
                          "请重新安装 fuchan（python -m pip install .）")
    return folder


def notebook_parameters(run_dir: Path, params_path: Path, as_of: date) -> dict[str, str]:
    """What the pipeline passes to every section notebook: paths and the as-of date only."""
    return {"params_path": str(params_path), "run_dir": str(run_dir), "as_of": as_of.isoformat()}


def check_notebook_contract(notebook: Path, passed: dict) -> None:
    """Refuse to pass a parameter the notebook does not declare (papermill only warns)."""
    from fuchan_lib.run.kernel import import_papermill_lean

    declared = set(import_papermill_lean().inspect_notebook(str(notebook)))
    unknown = sorted(set(passed) - declared)
    if unknown:
        raise FuchanError(
            f"笔记本“{notebook.name}”的参数单元没有声明 {', '.join(unknown)}"
            f"（声明的有：{', '.join(sorted(declared)) or '无'}）。请恢复笔记本的 parameters 单元"
        )


def _execute(notebook: Path, run_dir: Path, parameters: dict, kernel) -> float:
    """Run one notebook in the shared kernel into run_dir/notebooks; NotebookError on failure."""
    from fuchan_lib.run.kernel import ENGINE, import_papermill_lean, register_engine

    papermill = import_papermill_lean()
    register_engine()
    check_notebook_contract(notebook, parameters)
    target = RunFolder(run_dir).notebooks / notebook.name
    started = time.perf_counter()
    kernel.reset()
    try:
        papermill.execute_notebook(
            str(notebook), str(target), parameters=parameters, progress_bar=False,
            kernel_name=kernel.kernel_name, km=kernel.manager, start_timeout=120, engine_name=ENGINE,
            request_save_on_cell_execute=False,  # written once at the end (and on an error)
        )
    except papermill.PapermillExecutionError as exc:
        from fuchan_lib.run.notebook_messages import explained_error

        explained = explained_error(json.loads(target.read_text(encoding="utf-8")))
        raise NotebookError(
            f"笔记本“{notebook.name}”的第{exc.exec_count}个代码单元出错："
            + (explained or f"{exc.ename}: {exc.evalue}")
        ) from exc
    return time.perf_counter() - started


def _start_kernel(folder: Path):
    from fuchan_lib.run.kernel import start_kernel

    return start_kernel(folder)


def _run_notebooks(run_dir: Path, parameters: dict, kernel, say) -> dict[str, float]:
    """Run the section notebooks in the shared kernel; each executed notebook is also written as
    a web page (the audit trail without Jupyter) by a thread while the kernel runs the next one,
    when this process would only wait."""
    from fuchan_lib.run.html_export import export_html

    folder = notebooks_dir()
    executed = RunFolder(run_dir).notebooks
    executed.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    with ThreadPoolExecutor(max_workers=1) as pages:
        written = []
        for done, name in enumerate(SECTION_NOTEBOOKS, start=1):
            timings[name] = _execute(folder / name, run_dir, parameters, kernel)
            written.append(pages.submit(export_html, [executed / name], executed))
            say(f"  [{done}/{len(SECTION_NOTEBOOKS)}] {name} 完成（{timings[name]:.1f}秒）")
        waiting = time.perf_counter()
        kernel.shutdown()  # no more notebooks: stopped while the last page is written
        for page in written:
            page.result()
    timings["网页"] = time.perf_counter() - waiting  # what the pages added after the last notebook
    return timings


def _versions() -> dict[str, str]:
    names = ("pandas", "numpy", "matplotlib", "python-docx", "openpyxl", "python-calamine",
             "papermill", "ipykernel", "pydantic")
    found = {"fuchan": __version__, "python": platform.python_version()}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "未安装"
    return found


def _manifest(inputs: Inputs, name: str, timings: dict, built: Built, report: Path,
              gaps: int, audit) -> Manifest:
    p = inputs.params
    facts = built.facts
    return Manifest(
        status=run_folder.STATUS_OK, run=name, county=p.county, as_of=p.as_of,
        created=datetime.now().isoformat(timespec="seconds"), params_file=str(p.source),
        params=p.model_dump(mode="json", by_alias=True, exclude={"base_dir", "source"}),
        params_text=p.source.read_text(encoding="utf-8-sig") if p.source else "",
        inputs=[InputFile(path=str(f), sha256=sha256(f), size=f.stat().st_size) for f in inputs.files()],
        versions=_versions(), timings={k: round(v, 3) for k, v in timings.items()},
        report=report.name, gaps=gaps,
        audit={"错误": len(audit.errors), "警告": len(audit.warnings), "已说明": len(audit.acknowledged)},
        headline={k: facts[k].value for k in run_folder.HEADLINE_KEYS if k in facts},
    )


def _move_into_place(staging: Path, output: Path, base_name: str) -> Path:
    """Rename the finished staging folder to a name no other run has; never overwrite."""
    for attempt in range(1, 1000):
        target = output / (base_name if attempt == 1 else f"{base_name}-{attempt}")
        if target.exists():
            continue
        try:
            os.rename(staging, target)
            return target
        except OSError:
            continue  # another run took the name between the check and the rename
    raise FuchanError(f"输出文件夹“{output}”中同名运行过多，请清理后重试")


def failed_manifest(name: str, place: str, as_of: date, error: str, kind: type[Manifest] = Manifest):
    """The manifest of a failed run of `place` (a county, or a city with `kind` CityManifest)."""
    return kind(status=run_folder.STATUS_FAILED, run=name, county=place, as_of=as_of,
                created=datetime.now().isoformat(timespec="seconds"), error=error)


def keep_failed(staging: Path, output: Path, manifest: Manifest) -> Path:
    """Move a failed run under 失败的运行/, with its manifest saying so (for `fuchan list`)."""
    manifest.write(staging)
    RunFolder(staging).staged_inputs.unlink(missing_ok=True)
    (output / run_folder.FAILED_DIR).mkdir(parents=True, exist_ok=True)
    return _move_into_place(staging, output / run_folder.FAILED_DIR, manifest.run)


@dataclass(frozen=True)
class RunResult:
    run_dir: Path
    report: Path
    pdf: Path | None
    gaps: int
    audit_summary: str
    pdf_note: str | None = None

    def __str__(self) -> str:
        lines = [f"运行文件夹：{self.run_dir}", self.audit_summary,
                 f"计算过程（网页，浏览器可直接打开）：{RunFolder(self.run_dir).notebooks}"
                 f"（{'、'.join(Path(n).stem + '.html' for n in SECTION_NOTEBOOKS)}）"]
        if self.gaps:
            lines.append(f"提示：报告中还有{self.gaps}处【待补充】（黄色标出），请在叙述模板或 Word 中补写。")
        if self.pdf:
            lines.append(f"PDF：{self.pdf}")
        if self.pdf_note:
            lines.append(self.pdf_note)
        lines.append(str(self.report))
        return "\n".join(lines)


def run_pipeline(params_path: str | Path, *, as_of: str | date | None = None, pdf: bool = False,
                 say=print, kernel=None) -> RunResult:
    """The whole weekly run. Raises FuchanInputError (bad input) or NotebookError.

    `kernel`: a `run.kernel.SharedKernel` the caller started earlier (`fuchan run` starts it
    before importing pandas); this function shuts it down. Without one, one is started here."""
    started = time.perf_counter()
    if kernel is None:
        kernel = _start_kernel(notebooks_dir())  # boots and imports while the ledgers are read
    try:
        return _run(params_path, as_of, pdf, say, kernel, started)
    finally:
        kernel.shutdown()


def _keep_problem_list(p: Params, exc: FuchanInputError, audit=None, layouts=None) -> FuchanInputError:
    """A run stopped by ledger problems or audit errors keeps its 审核清单 under 失败的运行/;
    the error returned says where."""
    from fuchan_lib.core.exceptions import LedgerError, ledger_problems
    from fuchan_lib.run.problem_list import problem_frame, write_problem_list

    problems = ledger_problems(exc) if isinstance(exc, LedgerError) else []
    output = p.output_path
    output.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=run_folder.STAGING_PREFIX, dir=output))
    try:
        write_problem_list(problem_frame(problems, audit, layouts),
                           RunFolder(staging).table(run_folder.TABLE_AUDIT))
        kept = keep_failed(staging, output, failed_manifest(
            run_folder.run_name(p.county, p.as_of, datetime.now()), p.county, p.as_of, str(exc)))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return FuchanInputError(f"{exc}\n全部问题已写入审核清单：{RunFolder(kept).table(run_folder.TABLE_AUDIT)}\n"
                            "本次运行没有生成报告，之前的运行结果不受影响。")


def _timed(step, *args):
    started = time.perf_counter()
    return step(*args), time.perf_counter() - started


def _write_follow_up(inputs: Inputs, staging: Path) -> None:
    """The townships' 督办 workbooks (report.follow_up_books) into the run folder."""
    from fuchan_lib.report.follow_up_books import FOLDER, write_county_books
    from fuchan_lib.stats.follow_up import county_follow_up

    p = inputs.params
    write_county_books(staging / FOLDER, county_follow_up(
        inputs.industry, inputs.service, p.spring_festival, p.as_of, p.towns),
        county=p.county, as_of=p.as_of)


def _write_report(p: Params, built: Built, staging: Path):
    """The report (.docx); python-docx is imported here, off the way to the first notebook."""
    from fuchan_lib.report.document import build_report

    return build_report(p, built, staging)


def _run(params_path, as_of, pdf, say, kernel, started) -> RunResult:
    from fuchan_lib.core.exceptions import AuditError, LedgerError
    from fuchan_lib.run.notebook import stage

    p = run_params(params_path, as_of)
    try:
        prepared: Prepared = prepare_from(p)
    except LedgerError as exc:
        raise _keep_problem_list(p, exc) from exc
    inputs, audit = prepared.inputs, prepared.audit
    try:
        audit.raise_for_errors()
    except AuditError as exc:
        raise _keep_problem_list(p, exc, audit, inputs.layouts) from exc
    built = build_all(inputs, audit, prepared.history)
    validate_narrative(built.facts, p)
    timings = {"检查": time.perf_counter() - started}
    say(f"检查通过（{audit.summary()}），开始运行笔记本……")
    say(p.report_date_rule)

    output = p.output_path
    output.mkdir(parents=True, exist_ok=True)
    name = run_folder.run_name(p.county, p.as_of, datetime.now())
    staging = Path(tempfile.mkdtemp(prefix=run_folder.STAGING_PREFIX, dir=output))
    try:
        stage(RunFolder(staging), prepared, built)
        parameters = notebook_parameters(staging, Path(params_path).resolve(), p.as_of)
        built.facts.to_json(RunFolder(staging).facts)
        # the main process waits while the kernel runs the notebooks: meanwhile it writes the
        # 督办 workbooks, and the report too unless the report attaches the notebooks' figures
        figures_attached = "图表" in p.attachments
        from fuchan_lib.run.kernel import import_papermill_lean, register_engine

        import_papermill_lean()  # before the background work below competes for the interpreter
        register_engine()
        with ThreadPoolExecutor(max_workers=1) as pool:
            books = pool.submit(_timed, _write_follow_up, inputs, staging)
            early = None if figures_attached else pool.submit(_timed, _write_report, p, built, staging)
            timings |= _run_notebooks(staging, parameters, kernel, say)
            (report, gaps), seconds = early.result() if early else _timed(_write_report, p, built, staging)
            timings["报告"] = seconds
            timings["督办"] = books.result()[1]
        pdf_path, pdf_note = None, None
        if pdf:
            from fuchan_lib.report.pdf_export import find_soffice, render_pdf

            if find_soffice() is None:
                pdf_note = ("未生成 PDF：本机没有安装 LibreOffice（soffice）。"
                            "请安装 LibreOffice 后重试，或用 Word/WPS 打开报告另存为 PDF")
            else:
                pdf_path = render_pdf(report, staging, say=say)
        timings["合计"] = time.perf_counter() - started
        _manifest(inputs, name, timings, built, report, gaps, audit).write(staging)
        RunFolder(staging).staged_inputs.unlink()
    except NotebookError as exc:
        for written in staging.glob("*.docx"):  # written beside the notebooks: not a report now
            written.unlink()
        kept = keep_failed(staging, output, failed_manifest(name, p.county, p.as_of, str(exc)))
        raise NotebookError(
            f"{exc}\n已执行的笔记本保存在：{RunFolder(kept).notebooks}（可在 JupyterLab 中打开查看出错的单元）。"
            "本次运行没有生成报告，之前的运行结果不受影响。"
        ) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    final = _move_into_place(staging, output, name)
    return RunResult(final, final / report.name, final / pdf_path.name if pdf_path else None,
                     gaps, audit.summary(), pdf_note)
