"""`fuchan run`: check -> notebooks (papermill) -> report -> manifest -> atomic move (DESIGN §1).

A run is built in a hidden staging folder inside the output folder and renamed into place
only when everything succeeded, so a failed run never looks like a good one and never
touches earlier runs. The executed notebooks of a failed run are kept under 失败的运行/.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from importlib import metadata
from pathlib import Path

from fuchan_lib import __version__
from fuchan_lib.core import schema
from fuchan_lib.stats import sections as sec
from fuchan_lib.run.check import audit_inputs, validate_narrative
from fuchan_lib.core.exceptions import FuchanError, NotebookError
from fuchan_lib.stats.facts import FactSet
from fuchan_lib.run.history import FAILED_DIR, MANIFEST, STATUS_OK, previous_run
from fuchan_lib.ingest.inputs import Inputs, load_inputs, sha256

SECTION_NOTEBOOKS = ("1_工业.ipynb", "2_服务业.ipynb", "3_经济指标.ipynb", "4_综合.ipynb")
FACTS_FILE = "facts.json"


def notebooks_dir() -> Path:
    folder = Path(__file__).resolve().parents[2] / "notebooks"
    if not folder.is_dir():
        raise FuchanError(f"找不到笔记本文件夹“{folder}”。请从项目文件夹安装（pip install -e .）")
    return folder


def notebook_parameters(run_dir: Path, params_path: Path, as_of: date) -> dict[str, str]:
    """What the pipeline passes to every section notebook: paths and the as-of date only."""
    return {"params_path": str(params_path), "run_dir": str(run_dir), "as_of": as_of.isoformat()}


def check_notebook_contract(notebook: Path, passed: dict) -> None:
    """Refuse to pass a parameter the notebook does not declare (papermill only warns)."""
    import papermill

    declared = set(papermill.inspect_notebook(str(notebook)))
    unknown = sorted(set(passed) - declared)
    if unknown:
        raise FuchanError(
            f"笔记本“{notebook.name}”的参数单元没有声明 {', '.join(unknown)}"
            f"（声明的有：{', '.join(sorted(declared)) or '无'}）。请恢复笔记本的 parameters 单元"
        )


def _execute(notebook: Path, run_dir: Path, parameters: dict) -> float:
    """Run one notebook into run_dir/notebooks; return seconds; NotebookError on failure."""
    import papermill
    from jupyter_client.kernelspec import NoSuchKernel

    check_notebook_contract(notebook, parameters)
    target = run_dir / "notebooks" / notebook.name
    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(notebook), str(target), parameters=parameters, progress_bar=False,
            kernel_name="python3", start_timeout=120,
            # the kernel's folder, not papermill's cwd=: that chdirs this whole process, and
            # notebooks run in threads at once leave it in notebooks/ (a notebook calling
            # run_pipeline, like 周报.ipynb, then resolves relative paths from there)
            resources={"metadata": {"path": str(notebook.parent)}},
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],  # no TCP warning on the console
        )
    except papermill.PapermillExecutionError as exc:
        raise NotebookError(
            f"笔记本“{notebook.name}”的第{exc.exec_count}个代码单元出错：{exc.ename}: {exc.evalue}"
        ) from exc
    except (NoSuchKernel, RuntimeError) as exc:
        raise NotebookError(
            f"无法启动 Python 内核运行“{notebook.name}”（{exc}）。"
            "请在本环境中安装 ipykernel：python -m pip install ipykernel"
        ) from exc
    finally:
        from jupyter_core.utils import ensure_event_loop

        ensure_event_loop().close()  # papermill leaves this worker thread's event loop open
    return time.perf_counter() - started


def import_papermill_lean():
    """Import papermill once, in this thread, without jupyterlab's rfc3987-syntax.

    nbformat's validator imports jsonschema's format checkers, which load rfc3987-syntax
    (~1.3 s, a jupyterlab dependency) when it is installed; notebook validation uses none of
    its formats, and jsonschema treats a failed import as "format not checked". Marking the
    module absent keeps every run from paying for it; threads then share the one import.
    """
    sys.modules.setdefault("rfc3987_syntax", None)
    import papermill

    return papermill


def _run_notebooks(run_dir: Path, parameters: dict, say) -> dict[str, float]:
    import_papermill_lean()
    folder = notebooks_dir()
    (run_dir / "notebooks").mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    with ThreadPoolExecutor(max_workers=len(SECTION_NOTEBOOKS)) as pool:
        futures = {name: pool.submit(_execute, folder / name, run_dir, parameters)
                   for name in SECTION_NOTEBOOKS}
        for done, (name, future) in enumerate(futures.items(), start=1):
            timings[name] = future.result()
            say(f"  [{done}/{len(futures)}] {name} 完成（{timings[name]:.1f}秒）")
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


def _headline(facts: FactSet) -> dict:
    keys = ("工业.复工率", "工业.规上.复工率", "工业.规下.复工率", "限上和大个体.复工率",
            "规上服务业.复工率", "工业.已复工", "服务业.已复工")
    return {k: facts[k].value for k in keys if k in facts} | {
        "resumed": {schema.INDUSTRY: facts["工业.已复工"].value, schema.SERVICE: facts["服务业.已复工"].value}
    }


def _manifest(inputs: Inputs, run_name: str, timings: dict, facts: FactSet, report: Path,
              gaps: int, audit) -> dict:
    p = inputs.params
    return {
        "状态": STATUS_OK,
        "运行": run_name,
        "县名": p.county,
        "截止日期": p.as_of.isoformat(),
        "生成时间": datetime.now().isoformat(timespec="seconds"),
        "参数文件": str(p.source),
        "参数": json.loads(p.model_dump_json(by_alias=True, exclude={"base_dir", "source"})),
        "参数原文": p.source.read_text(encoding="utf-8-sig") if p.source else "",
        "输入文件": [{"路径": str(f), "sha256": sha256(f), "字节": f.stat().st_size}
                     for f in inputs.files()],
        "版本": _versions(),
        "耗时秒": {k: round(v, 3) for k, v in timings.items()},
        "报告": report.name,
        "待补充处数": gaps,
        "审核": {"错误": len(audit.errors), "警告": len(audit.warnings), "已说明": len(audit.acknowledged)},
        "主要数字": _headline(facts),
    }


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


def _keep_failed(staging: Path, output: Path, run_name: str, inputs: Inputs, error: str) -> Path:
    """Move a failed run under 失败的运行/, with a manifest saying so (for `fuchan list`)."""
    record = {"状态": "失败", "运行": run_name, "县名": inputs.params.county,
              "截止日期": inputs.params.as_of.isoformat(),
              "生成时间": datetime.now().isoformat(timespec="seconds"), "错误": error}
    (staging / MANIFEST).write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    (output / FAILED_DIR).mkdir(parents=True, exist_ok=True)
    return _move_into_place(staging, output / FAILED_DIR, run_name)


@dataclass(frozen=True)
class RunResult:
    run_dir: Path
    report: Path
    pdf: Path | None
    gaps: int
    audit_summary: str
    pdf_note: str | None = None

    def __str__(self) -> str:
        lines = [f"运行文件夹：{self.run_dir}", self.audit_summary]
        if self.gaps:
            lines.append(f"提示：报告中还有{self.gaps}处【待补充】（黄色标出），请在叙述模板或 Word 中补写。")
        if self.pdf:
            lines.append(f"PDF：{self.pdf}")
        if self.pdf_note:
            lines.append(self.pdf_note)
        lines.append(str(self.report))
        return "\n".join(lines)


def run_pipeline(params_path: Path, *, as_of: date | None = None, pdf: bool = False,
                 say=print) -> RunResult:
    """The whole weekly run. Raises FuchanInputError (bad input) or NotebookError."""
    started = time.perf_counter()
    inputs = load_inputs(params_path, as_of)
    p = inputs.params
    validate_narrative(inputs)
    previous = previous_run(p.output_path, p.county, p.as_of, p.spring_festival)
    audit = audit_inputs(inputs, previous.resumed if previous else None)
    audit.raise_for_errors()
    timings = {"检查": time.perf_counter() - started}
    say(f"检查通过（{audit.summary()}），开始运行笔记本……")
    say(p.report_date_rule)

    output = p.output_path
    output.mkdir(parents=True, exist_ok=True)
    run_name = f"{p.county}_截至{p.as_of:%Y%m%d}_{datetime.now():%Y%m%d-%H%M%S}"
    staging = Path(tempfile.mkdtemp(prefix=".运行中-", dir=output))
    try:
        parameters = notebook_parameters(staging, Path(params_path).resolve(), p.as_of)
        timings |= _run_notebooks(staging, parameters, say)
        from fuchan_lib.report.document import build_report
        from fuchan_lib.report.follow_up_books import FOLDER, write_county_books
        from fuchan_lib.stats.follow_up import county_follow_up

        step = time.perf_counter()
        facts = FactSet.from_folder(staging / sec.FACTS_DIR)
        facts.to_json(staging / FACTS_FILE)
        report, gaps = build_report(p, staging)
        write_county_books(staging / FOLDER, county_follow_up(
            inputs.industry, inputs.service, p.spring_festival, p.as_of, p.towns),
            county=p.county, as_of=p.as_of)
        timings["报告"] = time.perf_counter() - step
        pdf_path, pdf_note = None, None
        if pdf:
            from fuchan_lib.report.render import find_soffice, render_pdf

            if find_soffice() is None:
                pdf_note = ("未生成 PDF：本机没有安装 LibreOffice（soffice）。"
                            "请安装 LibreOffice 后重试，或用 Word/WPS 打开报告另存为 PDF")
            else:
                pdf_path = render_pdf(report, staging, say=say)
        timings["合计"] = time.perf_counter() - started
        manifest = _manifest(inputs, run_name, timings, facts, report, gaps, audit)
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
    except NotebookError as exc:
        kept = _keep_failed(staging, output, run_name, inputs, str(exc))
        raise NotebookError(
            f"{exc}\n已执行的笔记本保存在：{kept / 'notebooks'}（可在 JupyterLab 中打开查看出错的单元）。"
            "本次运行没有生成报告，之前的运行结果不受影响。"
        ) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    final = _move_into_place(staging, output, run_name)
    return RunResult(final, final / report.name, final / pdf_path.name if pdf_path else None,
                     gaps, audit.summary(), pdf_note)
