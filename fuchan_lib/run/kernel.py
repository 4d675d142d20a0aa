"""One Python kernel for all section notebooks of a run, started before the ledgers are read.

A kernel start (~1 s) and its imports (pandas, matplotlib, fuchan_lib: ~1 s) are most of a
notebook's cost. `fuchan run` starts one kernel before it even imports pandas, and asks it to
import what the notebooks need (and register the chart font) while the main process reads and
audits the ledgers; the notebooks then run one after another in that kernel through one client
(papermill accepts a started kernel manager; the engine below reuses the client), with the
namespace reset between them so each notebook sees only its own names. This module imports
no pandas, so the kernel starts first.
"""

from __future__ import annotations

import sys
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
        async def async_start_new_kernel_client(self):
            shared = _CLIENTS.get(id(self.km))
            if shared is None:
                shared = self.km.client()
                shared.start_channels()
                await _connected(shared, self.startup_timeout)
                shared.allow_stdin = False
                _CLIENTS[id(self.km)] = shared
            self.kc = shared
            return shared

        start_new_kernel_client = run_sync(async_start_new_kernel_client)  # papermill's sync path

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


async def _connected(client, timeout: float) -> None:
    """Wait until the kernel answers this client and its iopub subscription receives: the check
    of jupyter_client's wait_for_ready without its last step, 0.2 s of waiting for iopub to fall
    silent (nbclient reads iopub by parent message, so earlier messages do not matter)."""
    import time
    from queue import Empty

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
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


class SharedKernel:
    """A started kernel (jupyter_client AsyncKernelManager) and a client for housekeeping."""

    def __init__(self, cwd: Path, kernel_name: str = "python3"):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.kernel_name = kernel_name
        self._stopped = False
        self.manager = AsyncKernelManager(kernel_name=kernel_name)
        # --IPKernelApp.log_level=CRITICAL: no TCP warning on the console
        run_sync(self.manager.start_kernel)(cwd=str(cwd), extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
        self._client = self.manager.blocking_client()
        self._client.start_channels()
        self._client.execute(WARM_UP, silent=True)  # queued; runs as soon as the kernel is up

    def reset(self, timeout: float = 120) -> None:
        """Forget the previous notebook's names (imported modules stay loaded)."""
        msg_id = self._client.execute(RESET, silent=True)
        while True:
            reply = self._client.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                return

    def shutdown(self) -> None:
        """Stop the kernel (again: a no-op) and remove its connection file. The process is
        killed and reaped here first: jupyter_client would find it still alive right after its
        own kill and poll again only 0.1 s later."""
        from jupyter_core.utils import run_sync

        if self._stopped:
            return
        self._stopped = True
        self._client.stop_channels()
        notebook_client = _CLIENTS.pop(id(self.manager), None)
        if notebook_client is not None:
            notebook_client.stop_channels()
        process = getattr(self.manager.provisioner, "process", None)  # LocalProvisioner's Popen
        try:
            if process is not None:
                process.kill()
                process.wait(timeout=5)
            run_sync(self.manager.shutdown_kernel)(now=True)
        finally:
            self.manager.cleanup_connection_file()  # also when stopping failed: none left in the temp folder


def start_kernel(folder: Path | None = None) -> SharedKernel:
    """Start the shared kernel in `folder` (default: the notebooks' folder); a Chinese
    NotebookError when no Python kernel can be started."""
    from jupyter_client.kernelspec import NoSuchKernel

    from fuchan_lib.core.exceptions import NotebookError

    try:
        return SharedKernel(folder or notebooks_dir())
    except (NoSuchKernel, RuntimeError) as exc:
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
