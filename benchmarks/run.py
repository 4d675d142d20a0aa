"""Performance ratios against floors measured in the same run, on the same machine (DESIGN §7).

Absolute seconds depend on the machine and on whatever else runs on it; a ratio to a floor
measured minutes apart in the same process does not (much). Each measure is paired with the
cheapest thing that does the same kind of work with public tools, and only the ratio is judged:

1. weekly run   `fuchan run` on the example county (this environment: the README install)
                ÷ the lean floor: papermill, from a venv holding only pandas, matplotlib,
                papermill and ipykernel (built by this script, cached), running one notebook
                that imports pandas + matplotlib and saves one PNG; median of 5 paired ratios,
                wall and CPU of all processes (children included)
2. size         all facts and section tables on 10^4 / 10^5 / 10^6 industrial enterprises
                ÷ one `groupby("乡镇（园区）").size()` on the same frame; peak memory of the
                child process (ru_maxrss); time per row
3. reading      `ingest.read_ledger` on a 10^5-row .xlsx ÷ `pandas.read_excel` on the same file
4. report       `gongwen.write_gongwen` with a 10^4-row table ÷ openpyxl writing the same rows
5. province     `fuchan 汇总` on 100 generated counties against fixed limits (issue 14)
6. narrative    `narrative.render_template` on one line of 10^5 placeholders (1.2 million
                characters) ÷ 10 × the same on 10^4: about 1 where rendering grows linearly,
                10 where it grows quadratically (joining runs pairwise did: 0.8 MB took 7 s)

Usage (from the project folder, in the project's environment):

    python benchmarks/run.py                      # everything; rewrites the results block
                                                  # of docs/performance.md
    python benchmarks/run.py --only weekly size   # a subset; prints only
    python benchmarks/run.py --no-write           # print only

Each size runs in its own child process so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # measure the checkout this script is in, not another install
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))  # test-data generators live outside the package
PYTHON = sys.executable
PARAMS = ROOT / "params" / "示例县_2023Q1.yaml"
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- benchmark results: begin -->", "<!-- benchmark results: end -->"
SIZES = (10_000, 100_000, 1_000_000)
SERVICE_ROWS = 2_000  # "small service": the size sweep is about the industry ledger
READ_ROWS = 100_000
TABLE_ROWS = 10_000
REPEATS = 3
GIB = 1024 ** 3


# --------------------------------------------------------------------------- helpers


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def venv_tool(name: str) -> list[str]:
    """The console script of this interpreter's environment (the same venv as PYTHON)."""
    script = Path(PYTHON).parent / name
    if script.exists():
        return [str(script)]
    return [PYTHON, "-m", {"fuchan": "fuchan_lib.run.cli"}.get(name, name)]


def run_child(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the whole child tree, stdout); fails loudly."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, encoding="utf-8")
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"command failed ({done.returncode}): {' '.join(cmd)}\n"
                         f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 ** 2:.1f} GiB"
                break
    except OSError:
        pass
    try:
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "unknown"
    return {
        "cpus": os.cpu_count(),
        "usable cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu model": model,
        "memory": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load average at start (1/5/15 min)": load,
    }


def versions() -> dict:
    from importlib import metadata

    found = {}
    for name in ("pandas", "numpy", "matplotlib", "papermill", "ipykernel", "nbformat",
                 "openpyxl", "python-calamine", "python-docx"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


class Results:
    """Rows of the final table plus free-form notes, printed and written to the doc."""

    def __init__(self):
        self.rows: list[dict] = []
        self.notes: list[str] = []

    def add(self, measure, value, floor, target, unit="s", lower_is_better=True):
        ratio = value / floor if floor else float("nan")
        met = None if target is None else (ratio <= target if lower_is_better else ratio >= target)
        self.rows.append(dict(measure=measure, value=value, floor=floor, ratio=ratio,
                              target=target, met=met, unit=unit))
        print(f"  {measure}: {value:.3f} {unit} / {floor:.3f} {unit} = {ratio:.2f}"
              + ("" if target is None else f" (target ≤ {target})"), flush=True)

    def add_absolute(self, measure, value, limit, unit):
        """A measure judged against an absolute limit (peak memory), not a floor."""
        self.rows.append(dict(measure=measure, value=value, floor=None, ratio=None,
                              target=limit, met=value < limit, unit=unit))
        print(f"  {measure}: {value:.0f} {unit} (target < {limit:.0f} {unit})", flush=True)

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  · {text}", flush=True)

    def table(self) -> str:
        head = "| measure | value | floor | ratio | target | met? |\n|---|---:|---:|---:|---:|:-:|"
        lines = [head]
        for r in self.rows:
            if r["ratio"] is None:
                lines.append(f"| {r['measure']} | {r['value']:.0f} {r['unit']} | — | — | "
                             f"< {r['target']:.0f} {r['unit']} | {'yes' if r['met'] else 'NO'} |")
                continue
            value = _fmt(r["value"], r["unit"])
            floor = _fmt(r["floor"], r["unit"])
            target = "—" if r["target"] is None else f"≤ {r['target']}"
            met = "—" if r["met"] is None else ("yes" if r["met"] else "NO")
            lines.append(f"| {r['measure']} | {value} | {floor} | {r['ratio']:.2f} | {target} | {met} |")
        return "\n".join(lines)


def _fmt(x: float, unit: str) -> str:
    if unit == "s":
        return f"{x * 1000:.1f} ms" if x < 1 else f"{x:.2f} s"
    return f"{x:.3g} {unit}"


# --------------------------------------------------------------------------- 1. weekly run

FLOOR_NOTEBOOK_CODE = """\
import pandas as pd
import matplotlib
matplotlib.use("Agg")
from matplotlib.figure import Figure

fig = Figure(figsize=(6, 4))
fig.subplots().plot(pd.Series([3, 1, 4, 1, 5, 9, 2, 6]))
fig.savefig("floor.png", dpi=150)
"""



def write_floor_notebook(folder: Path) -> Path:
    """A minimal valid nbformat-4 notebook, written as plain JSON (no nbformat in this process)."""
    notebook = {
        "cells": [{"cell_type": "code", "execution_count": None, "id": "floor", "metadata": {},
                   "outputs": [], "source": FLOOR_NOTEBOOK_CODE.splitlines(keepends=True)}],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                    "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    path = folder / "floor.ipynb"
    path.write_text(json.dumps(notebook, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_temp_params(folder: Path) -> Path:
    """The example params with every path made absolute and 输出目录 pointing into folder.

    Paths in a params file are relative to the file itself, so a copy elsewhere must resolve
    them against the original's folder. Loaded with BaseLoader (all strings), as fuchan does.
    """
    import yaml

    raw = yaml.load(PARAMS.read_text(encoding="utf-8-sig"), Loader=yaml.BaseLoader)

    def absolute(value: str) -> str:
        return str((PARAMS.parent / value).resolve())

    data = {}
    for kind, source in raw["数据"].items():
        if isinstance(source, dict):
            data[kind] = {**source, "路径": absolute(source["路径"])}
        else:
            data[kind] = absolute(source)
    raw["数据"] = data
    if "叙述模板" in raw:
        raw["叙述模板"] = absolute(raw["叙述模板"])
    raw["输出目录"] = str(folder / "outputs")
    path = folder / PARAMS.name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


LEAN_PACKAGES = ("pandas", "matplotlib", "papermill", "ipykernel")
LEAN_VENV = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "fuchan-bench" / "lean-venv"
WEEKLY_PAIRS = 5


def lean_venv() -> Path:
    """A venv holding only pandas, matplotlib, papermill and ipykernel (DESIGN §7), built once
    and kept in the user's cache folder; returns its papermill script."""
    papermill = LEAN_VENV / "bin" / "papermill"
    if not papermill.exists():
        print(f"  building the lean venv in {LEAN_VENV} (once)", flush=True)
        shutil.rmtree(LEAN_VENV, ignore_errors=True)
        subprocess.run([PYTHON, "-m", "venv", str(LEAN_VENV)], check=True)
        subprocess.run([str(LEAN_VENV / "bin" / "python"), "-m", "pip", "install", "-q", *LEAN_PACKAGES],
                       check=True)
    return papermill


def compile_fuchan() -> None:
    """Bytecode for the fuchan_lib that `fuchan` imports, as a regular `pip install` writes it and
    as an editable install's first run does. Where PYTHONDONTWRITEBYTECODE is set (this project's
    sandbox) nothing would write it, and every measured run would compile the package from source
    in both of its processes, while the floor's packages were compiled by pip."""
    subprocess.run([PYTHON, "-c", "import compileall, os, fuchan_lib; "
                    "compileall.compile_dir(os.path.dirname(fuchan_lib.__file__), quiet=1)"], check=True)


def bench_weekly(results: Results) -> None:
    print("1. weekly run (fuchan run vs the lean floor: papermill on one pandas+matplotlib notebook "
          "in a venv with only pandas, matplotlib, papermill and ipykernel)", flush=True)
    papermill = lean_venv()
    with tempfile.TemporaryDirectory(prefix="fuchan-bench-") as tmp:
        tmp = Path(tmp)
        floor_nb = write_floor_notebook(tmp)
        params = write_temp_params(tmp)
        floor_cmd = [str(papermill), str(floor_nb), str(tmp / "floor_out.ipynb"),
                     "--no-progress-bar", "-k", "python3", "--cwd", str(tmp)]
        run_cmd = venv_tool("fuchan") + ["run", str(params)]
        compile_fuchan()
        run_child(floor_cmd, cwd=tmp)  # warm-up: first-start costs (font cache)
        run_child(run_cmd, cwd=tmp)
        pairs = []
        for _ in range(WEEKLY_PAIRS):  # paired, so a busy spell hits both sides of a ratio
            pairs.append((run_child(floor_cmd, cwd=tmp)[:2], run_child(run_cmd, cwd=tmp)[:2]))
        if not (tmp / "floor.png").is_file():
            raise SystemExit("the floor notebook did not write floor.png")
        manifests = sorted((tmp / "outputs").glob("*/manifest.json"))
        if len(manifests) != WEEKLY_PAIRS + 1:
            raise SystemExit(f"expected {WEEKLY_PAIRS + 1} run folders, found {len(manifests)}")
        steps = json.loads(manifests[-1].read_text(encoding="utf-8"))["耗时秒"]
    wall = statistics.median(run[0] / floor[0] for floor, run in pairs)
    cpu = statistics.median(run[1] / floor[1] for floor, run in pairs)
    floor_wall = statistics.median(f[0] for f, _ in pairs)
    floor_cpu = statistics.median(f[1] for f, _ in pairs)
    # value = median ratio × median floor, so the table's ratio column is the median of ratios
    results.add(f"weekly run ÷ lean floor, wall (median of {WEEKLY_PAIRS} paired ratios)",
                wall * floor_wall, floor_wall, 1.3)
    results.add("weekly run ÷ lean floor, CPU of all processes (self + children)",
                cpu * floor_cpu, floor_cpu, 2.5)
    results.note("fuchan run steps in the last run's manifest (s; notebooks one after another in "
                 "one kernel): " + ", ".join(f"{k} {v:.2f}" for k, v in steps.items()))
    results.note("weekly pairs (wall s, CPU s) floor → fuchan run: " + "; ".join(
        f"{f[0]:.2f}/{f[1]:.2f} → {r[0]:.2f}/{r[1]:.2f}" for f, r in pairs))


# --------------------------------------------------------------------------- 2. size


def as_ingested(frame, kind: str, file: str, sheet: str):
    """A synthetic (clean) frame in the exact dtype shape `ingest.read_ledger` returns.

    read_ledger gives every canonical column in schema order: text/code/choice as object with
    None for blanks, dates as datetime64[ns], int as Int64, number as Float64, then _文件 and
    _工作表 (object) and _行号 (int64, the Excel row; header on row 1).
    """
    import numpy as np
    import pandas as pd

    from fuchan_lib.core import schema

    n = len(frame)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    for column in schema.COLUMNS_BY_KIND[kind]:
        values = frame[column.name] if column.name in frame else pd.Series([None] * n)
        if column.kind == "date":
            out[column.name] = pd.to_datetime(values).to_numpy(dtype="datetime64[ns]")
        elif column.kind == "int":
            out[column.name] = pd.array(values.to_numpy(dtype=object), dtype="Int64")
        elif column.kind == "number":
            out[column.name] = pd.array(values.to_numpy(dtype=object), dtype="Float64")
        elif column.kind == "choice":
            out[column.name] = pd.Categorical(values.astype(object), categories=list(column.choices))
        elif column.name in schema.GROUPING_TEXT:
            out[column.name] = pd.Categorical(values.astype(object))
        else:
            text = np.array(values.astype(object), dtype=object)
            text[pd.isna(text)] = None
            out[column.name] = pd.Series(text, dtype=object)
    out[schema.SOURCE_FILE] = pd.Series([file] * n, dtype=object)
    out[schema.SOURCE_SHEET] = pd.Series([sheet] * n, dtype=object)
    out[schema.SOURCE_ROW] = np.arange(2, n + 2, dtype="int64")
    return out


def check_shape_against_ingest(frames: dict, tmp: Path) -> None:
    """The shaped frames equal what read_ledger returns for the same data written as CSV."""
    import pandas as pd

    from fuchan_lib.core import schema
    import synthetic
    from fuchan_lib.ingest.ledger import read_ledger

    for kind in (schema.INDUSTRY, schema.SERVICE):
        [path] = synthetic.write_county({kind: frames[kind]}, tmp, fmt="csv")
        read = read_ledger(path, kind, year=2023)
        shaped = as_ingested(frames[kind], kind, path.name, "")
        pd.testing.assert_frame_equal(shaped, read, check_dtype=True)


def load_example_params():
    from fuchan_lib.core.params import load_params

    return load_params(PARAMS)


def child_size(n: int) -> dict:
    """Runs in a child process: build n industrial enterprises, time all facts vs a groupby."""
    from fuchan_lib.stats import facts
    from fuchan_lib.core import schema
    from fuchan_lib.stats import annex_tables
    from fuchan_lib.stats.groupings import count_groupings
    import synthetic
    from fuchan_lib.ingest.inputs import Inputs, with_states

    params = load_example_params()
    started = time.perf_counter()
    county = synthetic.make_county(n, SERVICE_ROWS)
    build = time.perf_counter() - started
    if n <= 10_000:
        with tempfile.TemporaryDirectory(prefix="fuchan-bench-") as tmp:
            check_shape_against_ingest(county, Path(tmp))
    frames = {kind: as_ingested(frame, kind, f"{kind}.xlsx", kind) for kind, frame in county.items()}
    del county
    # as load_inputs hands them on: with the status codes derived once when the run reads them
    inputs = Inputs(params, with_states(frames[schema.INDUSTRY]), with_states(frames[schema.SERVICE]),
                    frames[schema.INDICATORS], frames[schema.ENTERPRISE_INDICATORS])
    rss_inputs = _current_rss()

    def all_facts():
        groupings = count_groupings(inputs.industry, inputs.service, params.as_of)
        facts.industry_facts(inputs.industry, params, groupings.industry)
        facts.service_facts(inputs.service, params, groupings.service)
        annex_tables.category_table(groupings, params)
        annex_tables.trade_table(groupings, params)
        annex_tables.town_table(groupings, inputs.industry, inputs.service, params, inputs.unreported_towns)
        annex_tables.not_resumed_table(inputs.industry, inputs.service, params)
        annex_tables.curve_frame(inputs.industry, inputs.service, params)

    all_facts()  # warm-up: first-call imports and caches are not what grows with size
    facts_s = median_time(all_facts, REPEATS)
    # the floor on the frame as ingested (乡镇 is categorical there), and on 乡镇 as plain text
    floor_s = median_time(lambda: inputs.industry.groupby(schema.TOWN, observed=True).size(),
                          2 * REPEATS + 1)
    town_text = inputs.industry[schema.TOWN].astype(object)
    floor_text_s = median_time(lambda: town_text.groupby(town_text).size(), 2 * REPEATS + 1)
    return {
        "n": n, "build_s": build, "facts_s": facts_s, "floor_s": floor_s, "floor_text_s": floor_text_s,
        "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_inputs_mib": rss_inputs,
        "frame_mib": inputs.industry.memory_usage(deep=True).sum() / 2 ** 20,
    }


def _current_rss() -> float | None:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def bench_size(results: Results) -> None:
    print(f"2. size (all facts vs one groupby; {', '.join(f'{n:,}' for n in SIZES)} rows)",
          flush=True)
    found = []
    for n in SIZES:
        _, _, out = run_child([PYTHON, str(Path(__file__).resolve()), "--child-size", str(n)])
        found.append(json.loads(out.strip().splitlines()[-1]))
    for r in found:
        results.add(f"facts at {r['n']:,} rows ÷ groupby on 乡镇 as ingested (categorical)",
                    r["facts_s"], r["floor_s"], 10)
        results.add(f"facts at {r['n']:,} rows ÷ groupby on 乡镇 as plain text",
                    r["facts_s"], r["floor_text_s"], 10)
    big = found[-1]
    results.add_absolute(f"peak memory at {big['n']:,} rows (child ru_maxrss)",
                         big["maxrss_mib"], GIB / 2 ** 20, "MiB")
    growth = "; ".join(
        f"{r['n']:,}: {r['facts_s'] / r['n'] * 1e6:.2f} µs/row facts, "
        f"{r['floor_s'] / r['n'] * 1e6:.3f} µs/row groupby" for r in found)
    results.note(f"time per row — {growth}")
    results.note("memory — " + "; ".join(
        f"{r['n']:,}: peak {r['maxrss_mib']:.0f} MiB, after building inputs "
        f"{r['rss_inputs_mib']:.0f} MiB, industry frame {r['frame_mib']:.0f} MiB (deep)"
        for r in found))
    results.note("synthetic build (make_county) — " + "; ".join(
        f"{r['n']:,}: {r['build_s']:.2f} s" for r in found))


# --------------------------------------------------------------------------- 3. reading


def bench_reading(results: Results) -> None:
    print(f"3. reading ({READ_ROWS:,}-row .xlsx: read_ledger vs pandas.read_excel)", flush=True)
    import pandas as pd

    from fuchan_lib.core import schema
    import synthetic
    from fuchan_lib.ingest.ledger import read_ledger

    county = synthetic.make_county(READ_ROWS, 0)
    with tempfile.TemporaryDirectory(prefix="fuchan-bench-") as tmp:
        [path] = synthetic.write_county({schema.INDUSTRY: county[schema.INDUSTRY]}, Path(tmp))
        ours = median_time(lambda: read_ledger(path, schema.INDUSTRY, year=2023), 2)
        with warnings.catch_warnings():  # pandas 3 announces calamine as the future default
            warnings.simplefilter("ignore")
            floor = median_time(lambda: pd.read_excel(path), 1)
        engine = pd.get_option("io.excel.xlsx.reader")
        rows = len(read_ledger(path, schema.INDUSTRY, year=2023))
        size = path.stat().st_size
    if rows != READ_ROWS:
        raise SystemExit(f"read_ledger returned {rows} rows, expected {READ_ROWS}")
    results.add(f"read_ledger, {READ_ROWS:,}-row .xlsx ({size / 2 ** 20:.1f} MiB)", ours, floor, 0.5)
    results.note(f"pandas.read_excel ran with its default engine (io.excel.xlsx.reader={engine!r}, "
                 "i.e. openpyxl in pandas 3.x); read_ledger reads with python-calamine")


# --------------------------------------------------------------------------- 4. report


def bench_report(results: Results) -> None:
    print(f"4. report ({TABLE_ROWS:,}-row table: write_gongwen vs openpyxl)", flush=True)
    import openpyxl

    from fuchan_lib.report import gongwen
    import synthetic

    industry = synthetic.make_county(TABLE_ROWS, 0)["工业企业台账"]
    header = ("企业名称", "乡镇（园区）", "企业规模", "春节期间状态", "复工日期", "未复工原因")
    rows = [tuple("" if v is None or v != v else str(v)[:10] if k == "复工日期" else str(v)
                  for k, v in zip(header, record))
            for record in industry[list(header)].astype(object).itertuples(index=False)]
    with tempfile.TemporaryDirectory(prefix="fuchan-bench-") as tmp:
        tmp = Path(tmp)

        def docx():
            blocks = [gongwen.Title("附表"), gongwen.Table(header=header, rows=rows)]
            gongwen.write_gongwen(blocks, tmp / "report.docx", title="附表", author="统计局")

        def xlsx():
            book = openpyxl.Workbook()
            sheet = book.active
            sheet.append(header)
            for row in rows:
                sheet.append(row)
            book.save(tmp / "rows.xlsx")

        docx()  # warm-up (imports, template)
        ours = median_time(docx, REPEATS)
        floor = median_time(xlsx, REPEATS)
    results.add(f"write_gongwen, {TABLE_ROWS:,}-row table", ours, floor, 2.0)


# --------------------------------------------------------------------------- 5. province
# (issue 14: the city roll-up at scale; this section is self-contained)

PROVINCE_COUNTIES = 100
PROVINCE_SIZES = (2_500, 10_000)  # enterprises per county (70 % industry, 30 % services)
PROVINCE_LIMITS = {"runs": 30.0, "ledgers": 180.0}  # seconds, on this machine (issue 14)


def _province(root: Path, per_county: int) -> tuple[Path, Path]:
    """100 generated counties as CSV ledgers + params and as finished run folders (manifest,
    facts.json and the enterprise snapshot, written by the same library calls as `fuchan run`);
    returns the two city params files (from run folders, from ledgers)."""
    from datetime import date

    import synthetic
    from generate_city_example import county_params_text

    from fuchan_lib.core import schema
    from fuchan_lib.core import run_folder
    from fuchan_lib.stats import weekly

    as_of = date(2023, 2, 15)
    entries_runs, entries_ledgers = [], []
    for i in range(1, PROVINCE_COUNTIES + 1):
        name = f"第{i:03d}县"
        frames = synthetic.make_county(per_county * 7 // 10, per_county * 3 // 10, seed=1000 + i,
                                       county=name)
        del frames[schema.INDICATORS], frames[schema.ENTERPRISE_INDICATORS]
        synthetic.write_county(frames, root / "data" / name, "csv")
        (root / "params" / f"{name}.yaml").write_text(
            county_params_text(name, f"../data/{name}", fmt="csv", indicators=False),
            encoding="utf-8")
        run = root / "runs" / f"{name}_截至20230215"
        run.mkdir(parents=True)
        run_folder.Manifest(status=run_folder.STATUS_OK, run=run.name, county=name, as_of=as_of,
                        created="2023-02-16T09:00:00",
                        params={"春节": "2023-01-22", "复工率口径": "需复工", "名录截止日期": "2022-12-31"},
                        ).write(run)
        (run / run_folder.FACTS_FILE).write_text("[]", encoding="utf-8")
        weekly.enterprise_snapshot(frames[schema.INDUSTRY], frames[schema.SERVICE], as_of).to_csv(
            run / run_folder.SNAPSHOT_FILE, index=False, encoding="utf-8-sig")
        entries_runs.append(f"  - 名称: {name}\n    运行: ../runs/{run.name}")
        entries_ledgers.append(f"  - 名称: {name}\n    参数: {name}.yaml")
    head = ("市名: 测试省\n报告单位: 测试省工业和信息化厅\n截止日期: 2023-02-15\n报告日期: 2023-02-16\n")
    files = []
    for label, entries in (("runs", entries_runs), ("ledgers", entries_ledgers)):
        path = root / "params" / f"省_{label}.yaml"
        path.write_text(head + "各县:\n" + "\n".join(entries) + f"\n输出目录: ../out_{label}\n",
                        encoding="utf-8")
        files.append(path)
    return files[0], files[1]


_PEAK_WRAPPER = ("import json, resource, subprocess, sys\n"
                 "done = subprocess.run(sys.argv[1:], capture_output=True, text=True, encoding='utf-8')\n"
                 "sys.stdout.write(done.stdout)\nsys.stderr.write(done.stderr)\n"
                 "print(json.dumps(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
                 "sys.exit(done.returncode)\n")


def _rollup_measured(city: Path, results: Results) -> tuple[float, float, Path]:
    """(wall seconds, peak RSS MiB of the largest process of the run, the city run folder);
    notes the CPU seconds of all its processes (the kernel included)."""
    wall, cpu, out = run_child([PYTHON, "-c", _PEAK_WRAPPER, *venv_tool("fuchan"), "汇总", str(city)])
    lines = out.strip().splitlines()
    results.note(f"{city.stem}: wall {wall:.1f} s, CPU {cpu:.1f} s (all processes)")
    return wall, int(lines[-1]) / 1024, Path(lines[-2]).parent


def _floor_runs(runs: Path) -> float:
    """Reading every run folder's snapshot with pandas and one groupby of counts per county."""
    import pandas as pd

    started = time.perf_counter()
    frames = [pd.read_csv(p, encoding="utf-8-sig").assign(county=p.parent.name)
              for p in sorted(runs.glob("*/企业状态.csv"))]
    pd.concat(frames, ignore_index=True).groupby(["county", "在产"]).size()
    return time.perf_counter() - started


def bench_province(results: Results) -> None:
    print(f"5. province roll-up ({PROVINCE_COUNTIES} counties × "
          f"{' / '.join(f'{n:,}' for n in PROVINCE_SIZES)} enterprises)", flush=True)
    timings = {}
    for per_county in PROVINCE_SIZES:
        total = PROVINCE_COUNTIES * per_county
        with tempfile.TemporaryDirectory(prefix="fuchan-province-") as tmp:
            root = Path(tmp)
            (root / "params").mkdir()
            started = time.perf_counter()
            from_runs, from_ledgers = _province(root, per_county)
            results.note(f"{total:,} enterprises: generating the province took "
                         f"{time.perf_counter() - started:.0f} s (not measured below)")
            floor = _floor_runs(root / "runs")
            wall, peak, folder_runs = _rollup_measured(from_runs, results)
            timings[("runs", total)] = wall
            results.add(f"roll-up from run folders, {total:,} enterprises ÷ pandas reading the "
                        "snapshots + one groupby", wall, floor, None)
            results.add_absolute(f"roll-up from run folders, {total:,} enterprises (limit "
                                 f"{PROVINCE_LIMITS['runs']:.0f} s)", wall, PROVINCE_LIMITS["runs"], "s")
            results.add_absolute(f"peak memory, roll-up from run folders, {total:,}", peak,
                                 2 * GIB / 2 ** 20, "MiB")
            if per_county == PROVINCE_SIZES[-1]:
                wall, peak, folder_ledgers = _rollup_measured(from_ledgers, results)
                timings[("ledgers", total)] = wall
                results.add_absolute(f"roll-up from ledgers (read + audit), {total:,} enterprises "
                                     f"(limit {PROVINCE_LIMITS['ledgers']:.0f} s)", wall,
                                     PROVINCE_LIMITS["ledgers"], "s")
                results.add_absolute(f"peak memory, roll-up from ledgers, {total:,}", peak,
                                     2 * GIB / 2 ** 20, "MiB")
                same = [json.loads((f / "facts.json").read_text(encoding="utf-8"))
                        for f in (folder_runs, folder_ledgers)]
                keyed = [{f["key"]: f["text"] for f in facts} for facts in same]
                assert keyed[0]["合计.复工率"] == keyed[1]["合计.复工率"], "runs and ledgers disagree"
                results.note(f"from run folders and from ledgers: the same 合计.复工率 "
                             f"({keyed[0]['合计.复工率']}) and the same facts: "
                             f"{keyed[0] == keyed[1]}")
    small, big = (PROVINCE_COUNTIES * n for n in PROVINCE_SIZES)
    per = {n: timings[("runs", n)] / n * 1e6 for n in (small, big)}
    marginal = (timings[("runs", big)] - timings[("runs", small)]) / (big - small) * 1e6
    results.note(f"linearity (run folders): {per[small]:.1f} µs/enterprise at {small:,}, "
                 f"{per[big]:.1f} at {big:,}; marginal {marginal:.1f} µs/enterprise "
                 f"(the rest is fixed cost: kernel start, imports, the .docx)")


# --------------------------------------------------------------------------- 6. narrative

NARRATIVE_REPEATS = (10_000, 100_000)  # "a{{b{工业.企业数}" repeated on one line


def bench_narrative(results: Results) -> None:
    small, big = NARRATIVE_REPEATS
    print(f"6. narrative (one template line of {small:,} and {big:,} placeholders: "
          "render_template, linear growth)", flush=True)
    from fuchan_lib.report.narrative import render_template
    from fuchan_lib.stats.facts import FactSet

    facts = FactSet()
    facts.count("工业.企业数", 1200, "工业企业数")
    line = "a{{b{工业.企业数}"
    render_template(line, facts)  # warm-up (regex, imports)
    seconds = {n: median_time(lambda n=n: render_template(line * n, facts), REPEATS) for n in (small, big)}
    results.add(f"render_template, {big:,} placeholders on one line ({len(line) * big / 1e6:.1f} million "
                f"characters) ÷ {big // small} × {small:,}", seconds[big], big // small * seconds[small], 2.0)


# --------------------------------------------------------------------------- main

BENCHES = {"weekly": bench_weekly, "size": bench_size, "reading": bench_reading,
           "report": bench_report, "province": bench_province, "narrative": bench_narrative}


def write_doc(results: Results, info: dict, started: datetime, seconds: float, argv: list[str]) -> None:
    block = "\n".join([
        BEGIN,
        f"Measured {started:%Y-%m-%d %H:%M} in {seconds:.0f} s with:",
        "",
        "```bash",
        f"python benchmarks/run.py {' '.join(argv)}".rstrip(),
        "```",
        "",
        "Machine: " + "; ".join(f"{k}: {v}" for k, v in info["machine"].items()) + ".",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()) + ".",
        "",
        results.table(),
        "",
        *[f"- {note}" for note in results.notes],
        END,
    ])
    DOC.parent.mkdir(parents=True, exist_ok=True)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=list(BENCHES), help="run these measures only")
    parser.add_argument("--no-write", action="store_true", help=f"do not update {DOC.relative_to(ROOT)}")
    parser.add_argument("--child-size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_size:
        print(json.dumps(child_size(args.child_size)))
        return 0
    if shutil.which("papermill", path=str(Path(PYTHON).parent)) is None:
        print("note: no papermill script beside the interpreter; using python -m papermill")
    started_at, started = datetime.now(), time.perf_counter()
    info = {"machine": machine(), "versions": versions()}
    for key, value in info["machine"].items():
        print(f"{key}: {value}")
    results = Results()
    for name in args.only or BENCHES:
        BENCHES[name](results)
    seconds = time.perf_counter() - started
    print()
    print(results.table())
    print(f"\ntotal {seconds:.0f} s")
    if not args.no_write and not args.only:
        write_doc(results, info, started_at, seconds, argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
