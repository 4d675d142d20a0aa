"""The weekly notebook (周报.ipynb, the one `fuchan lab` opens) run again and again in one
kernel, as a statistician does in JupyterLab: every run starts and stops the notebooks' own
kernel inside this one, and no file handle or thread may be left behind (a leak once ended a
run with ZMQ's "Too many open files")."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNS = 20
COUNT = """
import os as _os, threading as _threading
print("FDS", len(_os.listdir("/proc/self/fd")) - 1, len(_threading.enumerate()))
"""  # less the descriptor listdir itself holds


def run_cell(client, code: str, timeout: float = 300) -> tuple[str, list[str]]:
    """Execute code in the kernel; its printed text and the names of any errors."""
    msg_id = client.execute(code)
    printed, errors = [], []
    while True:
        message = client.get_iopub_msg(timeout=timeout)
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "stream":
            printed.append(content["text"])
        elif kind == "error":
            errors.append(content["ename"])
        elif kind == "display_data" and "运行已停止" in content["data"].get("text/plain", ""):
            errors.append(content["data"]["text/plain"])  # a Chinese box: the run failed
        elif kind == "status" and content["execution_state"] == "idle":
            return "".join(printed), errors


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts descriptors in /proc")
def test_the_weekly_notebook_runs_twenty_times_in_one_kernel_without_leaking(county):
    from jupyter_client.manager import start_new_kernel

    book = json.loads((ROOT / "notebooks" / "周报.ipynb").read_text(encoding="utf-8"))
    cells = ["".join(c["source"]) for c in book["cells"] if c["cell_type"] == "code"]
    assert cells[0].startswith("params_path")  # the parameters cell, replaced as lab does
    cells[0] = f"params_path = {json.dumps(str(county), ensure_ascii=False)}\nas_of = ''"
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(county.parent))
    try:
        counts = []
        for run in range(RUNS):
            for cell in cells:
                _printed, errors = run_cell(client, cell)
                assert errors == [], (run, cell, errors)
            printed, errors = run_cell(client, COUNT)
            fds, threads = map(int, printed.split("FDS")[1].split())
            counts.append((fds, threads))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    reports = list((county.parent.parent / "outputs").glob("*/*.docx"))
    assert len(reports) == RUNS
    first_fds, first_threads = counts[0]
    # a leak of one socket, pipe or event loop per run would add at least 20 by the last run
    assert all(fds <= first_fds + 3 for fds, _t in counts), counts
    assert all(threads <= first_threads + 1 for _f, threads in counts), counts
