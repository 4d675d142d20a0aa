"""One Python kernel for all section notebooks of a run, started before the ledgers are read.

A kernel start (~1 s) and its imports (pandas, matplotlib, fuchan_lib: ~1 s) are most of a
notebook's cost. `fuchan run` starts one kernel before it even imports pandas, and asks it to
import what the notebooks need (and register the chart font) while the main process reads and
audits the ledgers; the notebooks then run one after another in that kernel through one client
(papermill accepts a started kernel manager; the engine below reuses the client), with the
namespace reset between them so each notebook sees only its own names. This module imports
no pandas, so the kernel starts first.

The kernel process is launched by this module, before jupyter_client is imported (~0.13 s of
imports, and its kernelspec search imports IPython and ipykernel into this process): it writes a
connection file with free local ports, starts ipykernel (`run.kernel_main -f <file>`) as
jupyter_client's launcher would (its own session, stdin a pipe, JPY_PARENT_PID so the kernel
ends with this process), and then talks to it with jupyter_client's clients, the way a console
attaches to an existing kernel. Papermill is handed an unstarted kernel manager, and the engine
below gives it the started kernel's client instead of starting one.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

# what every section notebook needs; loaded while the main process checks the ledgers
# gc.freeze(): the imported modules' objects leave the collector's view, so the full collection
# in every reset (IPython's output-cache flush) and the automatic ones during a notebook scan
# only what the notebooks made (reset: ~0.1 s -> ~2 ms)
# openpyxl and a first chart drawn into memory: their first-use costs (~0.2 s) are paid while
# the kernel would wait for the run's inputs, not in the first notebook that saves a table or chart
WARM_UP = ("import fuchan_lib.run.notebook, fuchan_lib.report.xlsx_tables, IPython.display, openpyxl\n"
           "import fuchan_lib.report.figures as _f; _f.use_cjk_font(); _f.warm_up(); del _f\n"
           "import gc as _gc; _gc.freeze(); del _gc")
RESET = "get_ipython().reset(new_session=True)"  # fresh names and In[1] numbering per notebook


def import_papermill_lean():
    """Import papermill without jupyterlab's rfc3987-syntax.

    nbformat's validator imports jsonschema's format checkers, which load rfc3987-syntax
    (~1.3 s, a jupyterlab dependency) when it is installed; notebook validation uses none of
    its formats, and jsonschema treats a failed import as "format not checked". Marking the
    module absent keeps every run from paying for it.
    """
    sys.modules.setdefault("rfc3987_syntax", None)
    import papermill
    import papermill.execute

    from fuchan_lib.run.notebook_messages import chinese_failure_banners

    chinese_failure_banners(papermill.execute)
    return papermill


ENGINE = "fuchan-shared-kernel"


_REGISTERED: list[str] = []  # the engine is registered once per process
_CLIENTS: dict[int, object] = {}  # id(kernel manager) -> the one notebook client of that kernel
_KERNELS: dict[int, "SharedKernel"] = {}  # id(kernel manager handed to papermill) -> its kernel


def notebooks_dir() -> Path:
    """The notebooks shipped with the package (the project's notebooks/ folder, as package data)."""
    from importlib.util import find_spec

    return Path(find_spec("fuchan_lib.notebooks").submodule_search_locations[0])


def register_engine() -> None:
    """Register papermill's nbclient engine variant for a shared kernel: it leaves the kernel
    running and gives every notebook the same started client (nbclient would start, wait for
    and leave open a new one per notebook when it does not own the kernel)."""
    if _REGISTERED:
        return  # by an earlier notebook of this process
    papermill = import_papermill_lean()
    from jupyter_core.utils import run_sync
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class _Client(PapermillNotebookClient):
        async def async_start_new_kernel(self, **kwargs):
            """The kernel is running already (SharedKernel started it)."""

        async def async_start_new_kernel_client(self):
            shared = _CLIENTS.get(id(self.km))
            if shared is None:
                kernel = _KERNELS[id(self.km)]
                shared = kernel.notebook_client()
                shared.start_channels()
                await _connected(shared, self.startup_timeout, kernel.process)
                shared.allow_stdin = False
                _CLIENTS[id(self.km)] = shared
            self.kc = shared
            return shared

        start_new_kernel = run_sync(async_start_new_kernel)  # papermill's sync path
        start_new_kernel_client = run_sync(async_start_new_kernel_client)

    class _Engine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kwargs.pop("input_path", None)
            return _Client(nb_man, kernel_name=kernel_name, startup_timeout=start_timeout,
                           timeout=execution_timeout, log=papermill.engines.logger,
                           log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
                           **kwargs).execute()

    papermill_engines.register(ENGINE, _Engine)
    _REGISTERED.append(ENGINE)


async def _connected(client, timeout: float, process: subprocess.Popen) -> None:
    """Wait until the kernel answers this client and its iopub subscription receives: the check
    of jupyter_client's wait_for_ready without its last step, 0.2 s of waiting for iopub to fall
    silent (nbclient reads iopub by parent message, so earlier messages do not matter)."""
    import time
    from queue import Empty

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the kernel exited with code {process.returncode}")
        client.kernel_info()
        try:
            reply = await client.shell_channel.get_msg(timeout=1)
        except Empty:
            continue
        if reply["msg_type"] != "kernel_info_reply":
            continue
        try:
            await client.iopub_channel.get_msg(timeout=0.2)  # not subscribed yet: ask again
        except Empty:
            continue
        client._handle_kernel_info_reply(reply)
        return
    raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")


def _free_ports(count: int) -> list[int]:
    """Local TCP ports free right now, as jupyter_client picks them (bind to port 0, release)."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


CONNECTION_PREFIX = "kernel-fuchan-"  # the connection files of our kernels, in the temp folder


def write_connection_file(kernel_name: str) -> tuple[Path, dict]:
    """A kernel connection file (readable by this user only) and its content."""
    names = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")
    info = dict(zip(names, _free_ports(len(names))), ip="127.0.0.1", transport="tcp",
                key=secrets.token_hex(16), signature_scheme="hmac-sha256", kernel_name=kernel_name)
    handle, name = tempfile.mkstemp(prefix=CONNECTION_PREFIX, suffix=".json")  # mode 0600
    with os.fdopen(handle, "w", encoding="utf-8") as f:
        json.dump(info, f)
    return Path(name), info


KERNEL_MAIN = "fuchan_lib.run.kernel_main"  # ipykernel's launcher without its debugger


def launch(connection_file: Path, cwd: Path) -> subprocess.Popen:
    """`python -m fuchan_lib.run.kernel_main` (ipykernel) of this environment, as jupyter_client's
    launcher starts a kernel:
    in its own session (so an interrupt reaches its children), stdin a pipe, JPY_PARENT_PID set
    (the kernel ends when this process does). On Windows jupyter_client's own launcher, which
    passes the parent as a handle."""
    argv = [sys.executable, "-m", KERNEL_MAIN, "-f", str(connection_file),
            "--IPKernelApp.log_level=CRITICAL",  # no TCP warning on the console
            "--HistoryManager.enabled=False"]  # the run's code is not the user's IPython history
    env = {k: v for k, v in os.environ.items() if k != "PYTHONEXECUTABLE"}
    if sys.platform == "win32":
        from jupyter_client.launcher import launch_kernel

        return launch_kernel(argv, cwd=str(cwd), env=env)
    env["JPY_PARENT_PID"] = str(os.getpid())
    return subprocess.Popen(argv, stdin=subprocess.PIPE, cwd=str(cwd), env=env, start_new_session=True)


class SharedKernel:
    """A kernel process this module started, its connection and a client for housekeeping."""

    def __init__(self, cwd: Path, kernel_name: str = "python3"):
        self.kernel_name = kernel_name
        self._stopped = False
        self.connection_file, self._info = write_connection_file(kernel_name)
        try:
            self.process = launch(self.connection_file, cwd)  # first: it boots while we import
            try:
                self._attach(kernel_name)
            except BaseException:
                self.process.kill()
                self.process.wait(timeout=5)
                raise
        except BaseException:
            self.connection_file.unlink(missing_ok=True)
            raise

    def _attach(self, kernel_name: str) -> None:
        from jupyter_client.blocking import BlockingKernelClient
        from jupyter_client.manager import AsyncKernelManager

        # papermill and nbclient want a kernel manager; this one is never started (the engine
        # below finds the kernel by it), so it never looks up kernelspecs or launches anything
        self.manager = AsyncKernelManager(kernel_name=kernel_name)
        self._client = BlockingKernelClient()
        self._client.load_connection_info(self._info)
        self._client.start_channels()
        self._client.execute(WARM_UP, silent=True)  # queued; runs as soon as the kernel is up
        _KERNELS[id(self.manager)] = self

    def notebook_client(self):
        """An asynchronous client of this kernel for nbclient, alive while the process is."""
        from jupyter_client.asynchronous import AsyncKernelClient

        process = self.process

        class _Client(AsyncKernelClient):
            async def is_alive(self) -> bool:
                return process.poll() is None

        client = _Client()
        client.load_connection_info(self._info)
        return client

    def reset(self, timeout: float = 120) -> None:
        """Forget the previous notebook's names (imported modules stay loaded)."""
        from queue import Empty

        msg_id = self._client.execute(RESET, silent=True)
        waited = 0.0
        while True:
            try:
                reply = self._client.get_shell_msg(timeout=1)
            except Empty:
                waited += 1
                if self.process.poll() is not None or waited >= timeout:
                    raise RuntimeError("the kernel did not answer") from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                return

    def shutdown(self) -> None:
        """Stop the kernel (again: a no-op): its clients closed, the process and its children
        (report.charts_ahead) killed, the process reaped, its connection file removed."""
        if self._stopped:
            return
        self._stopped = True
        self._client.stop_channels()
        notebook_client = _CLIENTS.pop(id(self.manager), None)
        if notebook_client is not None:
            notebook_client.stop_channels()
        _KERNELS.pop(id(self.manager), None)
        try:
            if sys.platform == "win32":
                self.process.kill()
            else:  # its own session (launch): the group is the kernel and what it forked
                with contextlib.suppress(ProcessLookupError):  # all of it gone already
                    os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
            if self.process.stdin is not None:
                self.process.stdin.close()
        finally:
            self.connection_file.unlink(missing_ok=True)  # also when stopping failed: none left behind


def start_kernel(folder: Path | None = None) -> SharedKernel:
    """Start the shared kernel in `folder` (default: the notebooks' folder); a Chinese
    NotebookError when no Python kernel can be started."""
    from importlib.util import find_spec

    from fuchan_lib.core.exceptions import NotebookError

    try:
        if find_spec("ipykernel") is None:
            raise RuntimeError("ipykernel is not installed")
        return SharedKernel(folder or notebooks_dir())
    except (OSError, RuntimeError) as exc:
        raise NotebookError(
            f"无法启动 Python 内核运行笔记本（{exc}）。"
            "请在本环境中安装 ipykernel：python -m pip install ipykernel"
        ) from exc


def check_notebook_contract(notebook: Path, passed: dict) -> None:
    """Refuse to pass a parameter the notebook does not declare (papermill only warns)."""
    from fuchan_lib.core.exceptions import FuchanError

    declared = set(import_papermill_lean().inspect_notebook(str(notebook)))
    unknown = sorted(set(passed) - declared)
    if unknown:
        raise FuchanError(
            f"笔记本“{notebook.name}”的参数单元没有声明 {', '.join(unknown)}"
            f"（声明的有：{', '.join(sorted(declared)) or '无'}）。请恢复笔记本的 parameters 单元"
        )


def with_parameter_defaults(book: dict, values: dict) -> bool:
    """Set the defaults of the notebook's parameters cell to `values` (lines `name = …` whose
    name `values` gives; comments kept); False when it has no parameters cell. A run's copy
    then shows this run's params, not the example's the shipped notebook names."""
    import json

    for cell in book["cells"]:
        if "parameters" not in cell.get("metadata", {}).get("tags", []):
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        lines = []
        for line in source.splitlines(keepends=True):
            name, _, rest = line.partition("=")
            if rest and name.strip() in values:
                comment = rest[rest.index("#"):].rstrip("\n") if "#" in rest else ""
                end = "\n" if line.endswith("\n") else ""
                line = f"{name.strip()} = {json.dumps(values[name.strip()], ensure_ascii=False)}"
                line += f"  {comment}{end}" if comment else end
            lines.append(line)
        cell["source"] = "".join(lines) if isinstance(cell["source"], str) else lines
        return True
    return False


def execute_notebook(notebook: Path, run_dir: Path, parameters: dict, kernel: SharedKernel) -> float:
    """Run one notebook in the shared kernel into run_dir/notebooks; seconds taken, or a
    NotebookError saying in Chinese which cell failed and why."""
    import json
    import time

    from fuchan_lib.core.exceptions import NotebookError
    from fuchan_lib.core.run_folder import RunFolder

    papermill = import_papermill_lean()
    import nbformat  # after papermill_lean (it keeps rfc3987-syntax out)

    register_engine()
    check_notebook_contract(notebook, parameters)
    target = RunFolder(run_dir).notebooks / notebook.name
    started = time.perf_counter()
    kernel.reset()
    book = nbformat.read(notebook, as_version=4)
    with_parameter_defaults(book, parameters)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(book, target)  # the run's copy, run in place (papermill records its path)
    try:
        papermill.execute_notebook(
            str(target), str(target), parameters=parameters, progress_bar=False,
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
