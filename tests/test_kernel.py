"""The shared kernel: launched before jupyter_client is imported, its connection file removed."""

import json
import subprocess
import sys

import pytest

from fuchan_lib.core.exceptions import NotebookError
from fuchan_lib.run import kernel


def test_a_connection_file_names_five_free_local_ports_and_only_this_user_reads_it():
    path, info = kernel.write_connection_file("python3")
    try:
        assert json.loads(path.read_text(encoding="utf-8")) == info
        ports = [info[k] for k in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")]
        assert len(set(ports)) == 5 and all(1024 <= p < 65536 for p in ports)
        assert info["ip"] == "127.0.0.1" and info["transport"] == "tcp" and len(info["key"]) == 32
        if sys.platform != "win32":
            assert path.stat().st_mode & 0o077 == 0
    finally:
        path.unlink()


def test_without_ipykernel_the_run_says_in_chinese_how_to_install_it(monkeypatch):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(NotebookError, match="请在本环境中安装 ipykernel：python -m pip install ipykernel"):
        kernel.start_kernel()


CHILD = r"""
import json, subprocess, sys, time
seen = {}
original = subprocess.Popen.__init__
def recording(self, args, *more, **options):
    if "fuchan_lib.run.kernel_main" in args:
        seen["jupyter_client imported at launch"] = "jupyter_client" in sys.modules
    original(self, args, *more, **options)
subprocess.Popen.__init__ = recording
import nbformat, tempfile
from pathlib import Path

from fuchan_lib.run.kernel import execute_notebook, start_kernel
k = start_kernel()
k.reset()  # a round trip: the warm-up ran and the kernel answers
folder = Path(tempfile.mkdtemp())
book = nbformat.v4.new_notebook()
book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
cell = nbformat.v4.new_code_cell('params_path = ""\nrun_dir = ""\nas_of = ""')
cell.metadata["tags"] = ["parameters"]
book.cells = [cell, nbformat.v4.new_code_cell("import os\nprint(os.getpid())"),
              nbformat.v4.new_code_cell("import multiprocessing, time\n"
                                        "child = multiprocessing.get_context('fork').Process(target=time.sleep, args=(120,))\n"
                                        "child.start()\nprint(child.pid)")]
nbformat.write(book, folder / "t.ipynb")
(folder / "notebooks").mkdir()
execute_notebook(folder / "t.ipynb", folder, {"params_path": "p", "run_dir": str(folder), "as_of": ""}, k)
done = nbformat.read(folder / "notebooks" / "t.ipynb", as_version=4)
seen["notebook ran in the started kernel"] = done.cells[-2].outputs[0]["text"].strip() == str(k.process.pid)
forked = int(done.cells[-1].outputs[0]["text"])
seen["papermill started another kernel"] = k.manager.has_kernel
seen["alive"] = k.process.poll() is None
k.shutdown()
seen["ended"] = k.process.poll() is not None
seen["connection file left"] = k.connection_file.exists()
def gone(pid):  # no such process, or a zombie left for init to reap
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except FileNotFoundError:
        return True
time.sleep(0.5)
seen["what the kernel forked is gone"] = sys.platform != "linux" or gone(forked)
print(json.dumps(seen))
"""


@pytest.mark.slow
def test_the_kernel_starts_before_jupyter_client_is_imported_and_leaves_nothing_behind():
    result = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "jupyter_client imported at launch": False, "notebook ran in the started kernel": True,
        "papermill started another kernel": False, "alive": True, "ended": True,
        "connection file left": False, "what the kernel forked is gone": True}


def test_a_kernel_that_cannot_be_attached_is_stopped_and_its_connection_file_removed(tmp_path, monkeypatch):
    started = []

    def fake_launch(connection_file, cwd):  # a stand-in process, not a kernel
        started.append((connection_file, subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])))
        return started[-1][1]

    def no_attach(self, kernel_name):
        raise RuntimeError("no client")

    monkeypatch.setattr(kernel, "launch", fake_launch)
    monkeypatch.setattr(kernel.SharedKernel, "_attach", no_attach)
    with pytest.raises(NotebookError, match="无法启动 Python 内核"):
        kernel.start_kernel(tmp_path)
    connection_file, process = started[0]
    assert process.poll() is not None and not connection_file.exists()
