"""`fuchan run`: check -> notebooks (papermill) -> report -> move into place -> manifest (DESIGN §1).

The ledgers are read, audited and built into the report's parts once, in this process; a
kernel for the notebooks starts at the same time. The notebooks show and save each part from
that result, one after another in the shared kernel; the report is written from the same result.
The run folder is built and moved into place by `run.transaction` (as the city run's): a
failed run never looks like a good one and never touches earlier runs; the executed notebooks
of a failed run, or the 审核清单 of a run stopped by its ledgers, are kept under 失败的运行/.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from fuchan_lib.core import run_folder
from fuchan_lib.core.exceptions import FuchanError, FuchanInputError, NotebookError
from fuchan_lib.core.run_folder import InputFile, Manifest, RunFolder
from fuchan_lib.core.params import Params
from fuchan_lib.ingest.inputs import Inputs, run_params
from fuchan_lib.run.prepare import Prepared, UnreadableCells, prepare_from, render_narrative
from fuchan_lib.run.transaction import RunTransaction, manifest_fields
from fuchan_lib.stats.audit import STALE_INDICATORS
from fuchan_lib.stats.build import Built
from fuchan_lib.stats.mentions import other_county_warnings

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


def _run_notebooks(run_dir: Path, parameters: dict, kernel, say) -> dict[str, float]:
    """Run the section notebooks in the shared kernel; each executed notebook is also written as
    a web page (the audit trail without Jupyter) by a thread while the kernel runs the next one,
    when this process would only wait."""
    from fuchan_lib.run.html_export import export_html
    from fuchan_lib.run.kernel import execute_notebook

    folder = notebooks_dir()
    executed = RunFolder(run_dir).notebooks
    executed.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    with ThreadPoolExecutor(max_workers=1) as pages:
        # the page writer built (nbconvert, its templates: ~0.4 s, once) while the first notebook
        # runs, so that no page is still waiting for it when the last notebook is done
        written = [pages.submit(export_html, [], executed)]
        try:
            for done, name in enumerate(SECTION_NOTEBOOKS, start=1):
                timings[name] = execute_notebook(folder / name, run_dir, parameters, kernel)
                written.append(pages.submit(export_html, [executed / name], executed))
                say(f"  [{done}/{len(SECTION_NOTEBOOKS)}] {name} 完成（{timings[name]:.1f}秒）")
        finally:  # no more notebooks: stopped (with anything it forked) before the run folder
            waiting = time.perf_counter()  # is kept or moved, and while the last page is written
            kernel.shutdown()
        for page in written:
            page.result()
    timings["网页"] = time.perf_counter() - waiting  # what the pages added after the last notebook
    return timings


def _manifest(inputs: Inputs, name: str, timings: dict, built: Built, report: Path,
              gaps: int, audit) -> Manifest:
    p = inputs.params
    facts = built.facts
    return Manifest(
        status=run_folder.STATUS_OK, run=name, county=p.county, as_of=p.as_of,
        **manifest_fields(p, timings, report, gaps),
        inputs=[InputFile(path=str(f), sha256=inputs.digest(f), size=f.stat().st_size) for f in inputs.files()],
        audit={"错误": len(audit.errors), "警告": len(audit.warnings), "已说明": len(audit.acknowledged)},
        headline={k: facts[k].value for k in run_folder.HEADLINE_KEYS if k in facts},
    )


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
        from fuchan_lib.run.kernel import start_kernel

        kernel = start_kernel(notebooks_dir())  # boots and imports while the ledgers are read
    try:
        return _run(params_path, as_of, pdf, say, kernel, started)
    finally:
        kernel.shutdown()


def _keep_problem_list(p: Params, exc: FuchanInputError, say, audit=None, layouts=None) -> FuchanInputError:
    """A run stopped by ledger problems or audit errors keeps its 审核清单 under 失败的运行/;
    the error returned says where."""
    from fuchan_lib.core.exceptions import LedgerError, ledger_problems
    from fuchan_lib.run.problem_list import problem_frame, write_problem_list

    problems = ledger_problems(exc) if isinstance(exc, LedgerError) else []
    name = run_folder.run_name(p.county, p.as_of, datetime.now())
    with RunTransaction(p.output_path, name, p.county, p.as_of, say=say) as run:
        write_problem_list(problem_frame(problems, audit, layouts), run.folder.table(run_folder.TABLE_AUDIT))
        kept = run.keep_failed(str(exc))
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


def _write_report(p: Params, built: Built, staging: Path, narrative: list):
    """The report (.docx); python-docx is imported here, off the way to the first notebook."""
    from fuchan_lib.report.document import build_report

    return build_report(p, built, staging, narrative)


def _run(params_path, as_of, pdf, say, kernel, started) -> RunResult:
    from fuchan_lib.core.exceptions import AuditError, LedgerError

    p = run_params(params_path, as_of)
    try:
        prepared: Prepared = prepare_from(p)
    except UnreadableCells as exc:  # with the audit of everything that could be read
        raise _keep_problem_list(p, exc, say, exc.audit, exc.inputs.layouts) from exc
    except LedgerError as exc:
        raise _keep_problem_list(p, exc, say) from exc
    inputs, audit = prepared.inputs, prepared.audit
    try:
        audit.raise_for_errors()
    except AuditError as exc:
        raise _keep_problem_list(p, exc, say, audit, inputs.layouts) from exc
    built = prepared.build()
    narrative = render_narrative(built.facts, prepared.template)
    timings = {"检查": time.perf_counter() - started}
    for line in other_county_warnings(audit.warnings):
        say(line)
    say(f"检查通过（{audit.summary()}），开始运行笔记本……")
    for finding in audit.warnings:
        if finding.rule == STALE_INDICATORS:  # a whole section left out: said, not only listed
            say(f"警告：{finding.message}")
    if prepared.history.last_year_note:
        say(prepared.history.last_year_note)
    say(p.report_date_rule)

    name = run_folder.run_name(p.county, p.as_of, datetime.now())
    transaction = RunTransaction(p.output_path, name, p.county, p.as_of, say=say)
    try:
        with transaction as run:
            run.own(kernel.connection_file)
            staging = run.folder.path
            run.hand_off(prepared, built)
            parameters = notebook_parameters(staging, Path(params_path).resolve(), p.as_of)
            built.facts.to_json(run.folder.facts)
            # the main process waits while the kernel runs the notebooks: meanwhile it writes the
            # 督办 workbooks, and the report too unless the report attaches the notebooks' figures
            figures_attached = "图表" in p.attachments
            from fuchan_lib.run.kernel import import_papermill_lean, register_engine

            import_papermill_lean()  # before the background work below competes for the interpreter
            register_engine()
            with ThreadPoolExecutor(max_workers=1) as pool:
                books = pool.submit(_timed, _write_follow_up, inputs, staging)
                early = None if figures_attached else pool.submit(_timed, _write_report, p, built, staging,
                                                                  narrative)
                timings |= _run_notebooks(staging, parameters, kernel, say)
                (report, gaps), seconds = (early.result() if early
                                           else _timed(_write_report, p, built, staging, narrative))
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
            final = run.commit(_manifest(inputs, name, timings, built, report, gaps, audit))
    except NotebookError as exc:
        if transaction.kept is None:
            raise
        raise NotebookError(
            f"{exc}\n已执行的笔记本保存在：{RunFolder(transaction.kept).notebooks}（可在 JupyterLab 中打开查看出错的单元）。"
            "本次运行没有生成报告，之前的运行结果不受影响。"
        ) from exc
    return RunResult(final, final / report.name, final / pdf_path.name if pdf_path else None,
                     gaps, audit.summary(), pdf_note)
