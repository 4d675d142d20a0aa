"""`fuchan lab`: the statistician's JupyterLab, in Chinese, opened on this week's notebook.

JupyterLab runs in a child process: its English log goes to a file, the user sees a few
Chinese lines (the address, how to stop it), and Ctrl+C stops it at once. The Chinese default
and the open tabs are kept in a hidden folder of the working folder (JUPYTERLAB_SETTINGS_DIR,
JUPYTERLAB_WORKSPACES_DIR of the child only), so the user's other Jupyter installs are untouched.
The committed 周报.ipynb is never opened for editing: a working copy beside the params file's
project gets the params file in its parameters cell, and JupyterLab saves runs into the copy.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from importlib import metadata, util
from pathlib import Path

from fuchan_lib.core.exceptions import FuchanError, FuchanInputError
from fuchan_lib.core.text import atomic_write

WEEKLY_NOTEBOOK = "周报.ipynb"
STATE_DIR = ".fuchan-lab"  # hidden in JupyterLab's file browser
LOCALE = "zh_CN"
LANGUAGE_PACK = "jupyterlab-language-pack-zh-cn"
DEFAULT_PORT = 8888
START_TIMEOUT = 180  # seconds; a first start on a slow office PC takes a while
STOP_TIMEOUT = 20

# Written once into the project's settings folder; what the user changes later (设置 → 语言)
# is kept. News and update checks are off: they reach the internet and pop up in English.
DEFAULT_SETTINGS = {
    "@jupyterlab/translation-extension/plugin": {"locale": LOCALE},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
}


class LabMissingError(FuchanError):
    """Raised when JupyterLab is not installed; the message gives the command that installs it."""


def working_folder(params_path: Path, output_path: Path) -> Path:
    """The folder JupyterLab shows: the one holding both the params file and the output folder
    when that is the params file's folder or the one above it (params/, data/, outputs/ side by
    side), else the params file's own folder."""
    here = params_path.resolve().parent
    try:
        common = Path(os.path.commonpath([here, output_path.resolve()]))
    except ValueError:  # another drive on Windows
        return here
    return common if common in (here, here.parent) else here


def weekly_notebook_template() -> Path:
    from fuchan_lib.run.pipeline import notebooks_dir

    return notebooks_dir() / WEEKLY_NOTEBOOK


def _with_params(book: dict, params_ref: str) -> dict:
    """The notebook with params_path set in its parameters cell (the only change)."""
    from fuchan_lib.run.kernel import with_parameter_defaults

    if with_parameter_defaults(book, {"params_path": params_ref}):
        return book
    raise FuchanError(f"笔记本“{WEEKLY_NOTEBOOK}”没有 parameters 单元，无法填入参数文件。"
                      "请恢复笔记本的 parameters 单元")


def params_reference(params_path: Path, root: Path) -> str:
    """The params file as the notebook in `root` names it: relative, with forward slashes
    (valid on Windows too, and the project folder can move)."""
    return Path(os.path.relpath(params_path.resolve(), root)).as_posix()


def write_working_copy(params_path: Path, root: Path) -> tuple[Path, bool]:
    """Write root/周报_<params>.ipynb for this params file; return it and whether it was new.

    A copy made from the same notebook for the same params file is kept as it is (the user's
    outputs and edits stay); a copy from an older notebook is replaced."""
    template = weekly_notebook_template()
    text = template.read_text(encoding="utf-8")
    params_ref = params_reference(params_path, root)
    origin = {"notebook": WEEKLY_NOTEBOOK, "sha256": hashlib.sha256(text.encode()).hexdigest(),
              "params_path": params_ref}
    target = root / f"{Path(WEEKLY_NOTEBOOK).stem}_{params_path.stem}.ipynb"
    if target.is_file():
        try:
            existing = json.loads(target.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            existing = {}
        if existing.get("metadata", {}).get("fuchan") == origin:
            return target, False
    book = _with_params(json.loads(text), params_ref)
    book["metadata"]["fuchan"] = origin
    with atomic_write(target) as temporary:
        temporary.write_text(json.dumps(book, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return target, True


def write_default_settings(settings_dir: Path) -> None:
    """The project's JupyterLab defaults (Chinese interface), without overwriting the user's."""
    for plugin, values in DEFAULT_SETTINGS.items():
        path = settings_dir / f"{plugin}.jupyterlab-settings"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values, ensure_ascii=False, indent=2), encoding="utf-8")


def install_command() -> str:
    """The one command that installs the `lab` extra into the Python running fuchan."""
    try:
        requirements = metadata.requires("fuchan") or []
    except metadata.PackageNotFoundError:
        requirements = []
    lab = [r.split(";")[0].strip() for r in requirements if 'extra == "lab"' in r]
    packages = " ".join(f'"{r}"' for r in lab or ["jupyterlab", LANGUAGE_PACK])
    return f'"{sys.executable}" -m pip install {packages}'


def require_jupyterlab() -> bool:
    """Raise LabMissingError without JupyterLab; return whether the Chinese pack is there."""
    if util.find_spec("jupyterlab") is None:
        raise LabMissingError(
            "没有安装 JupyterLab。请在命令行运行下面这一条命令安装，然后再运行 fuchan lab：\n"
            f"    {install_command()}"
        )
    try:
        metadata.version(LANGUAGE_PACK)
    except metadata.PackageNotFoundError:
        return False
    return True


def port_is_free(port: int) -> bool:
    """Whether nothing listens on 127.0.0.1:port (JupyterLab binds there and only there)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def choose_port(wanted: int | None) -> int:
    """The port asked for, if free; else the first free one from 8888 on."""
    if wanted is not None:
        if not port_is_free(wanted):
            raise FuchanInputError(f"端口 {wanted} 已被占用（也许 JupyterLab 已经开着）。"
                                   "请换一个端口，例如：fuchan lab --port 9000")
        return wanted
    for port in range(DEFAULT_PORT, DEFAULT_PORT + 50):
        if port_is_free(port):
            return port
    raise FuchanError(f"端口 {DEFAULT_PORT}–{DEFAULT_PORT + 49} 都被占用。"
                      "请用 --port 指定一个空闲端口，例如：fuchan lab --port 9000")


@dataclass(frozen=True)
class LabSession:
    """Everything needed to start JupyterLab for one params file, decided before starting."""

    root: Path
    notebook: Path
    notebook_is_new: bool
    params_ref: str
    port: int
    token: str
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        page = urllib.parse.quote(self.notebook.relative_to(self.root).as_posix())
        return f"{self.base_url}/lab/tree/{page}?token={self.token}"

    def command(self) -> list[str]:
        command = [sys.executable, "-m", "jupyterlab", "--no-browser",
                   "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
                   "--ServerApp.port_retries=0", f"--ServerApp.root_dir={self.root}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI run as root
            command.append("--ServerApp.allow_root=True")
        return command

    def environment(self) -> dict[str, str]:
        state = self.root / STATE_DIR
        return os.environ | {"JUPYTER_TOKEN": self.token,  # not on the command line: ps shows it
                             "JUPYTERLAB_SETTINGS_DIR": str(state / "user-settings"),
                             "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"),
                             "PYTHONIOENCODING": "utf-8"}


def prepare_session(params_path: Path, port: int | None = None) -> LabSession:
    """Check the params, pick the working folder, write the notebook copy and the settings."""
    from fuchan_lib.core.params import load_params

    params = load_params(params_path)
    port = choose_port(port)
    root = working_folder(params_path, params.output_path)
    notebook, is_new = write_working_copy(params_path, root)
    state = root / STATE_DIR
    write_default_settings(state / "user-settings")
    return LabSession(root=root, notebook=notebook, notebook_is_new=is_new,
                      params_ref=params_reference(params_path, root),
                      port=port, token=secrets.token_hex(24),
                      log=state / "jupyterlab.log")


def _wait_until_ready(session: LabSession, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    status = f"{session.base_url}/api/status?token={session.token}"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise FuchanError(f"JupyterLab 没有启动成功（退出码 {server.returncode}）。"
                              f"详细信息见日志：{session.log}")
        try:
            with urllib.request.urlopen(status, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    _stop(server)
    raise FuchanError(f"JupyterLab 在 {START_TIMEOUT} 秒内没有启动完成，已停止。"
                      f"详细信息见日志：{session.log}")


def _stop(server: subprocess.Popen) -> int:
    """Ask JupyterLab to shut down (kernels included); force it only if it does not.

    SIGTERM, not SIGINT: Jupyter always stops cleanly on SIGTERM, while SIGINT is ignored when
    fuchan was started in the background by a script (the ignoring is inherited), which made
    every stop wait the whole STOP_TIMEOUT (24 s) before the server was terminated."""
    if server.poll() is None and os.name != "nt":  # on Windows the console's Ctrl+C reached it
        server.send_signal(signal.SIGTERM)
    try:
        return server.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        server.terminate()
        return server.wait(STOP_TIMEOUT)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _stop_like_ctrl_c_on_terminate() -> None:
    """`kill` (SIGTERM) stops JupyterLab as Ctrl+C does: Python's default would end this
    process at once and leave the server, its kernels and the port running."""
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)


def _greeting(session: LabSession, chinese: bool, browser_opened: bool) -> str:
    lines = [
        f"JupyterLab 已启动。工作文件夹：{session.root}",
        f"本周的笔记本：{session.notebook.name}（参数文件：{session.params_ref}）"
        + ("" if session.notebook_is_new else "，沿用上次的笔记本"),
        "浏览器" + ("已自动打开；如果没有，" if browser_opened else "") + "请打开下面的地址：",
        f"    {session.url}",
        "在笔记本里点菜单“运行 → 运行所有单元格”生成本周报告。",
        "用完后先保存笔记本，再在本窗口按 Ctrl+C 停止 JupyterLab。",
    ]
    if not chinese:
        lines.insert(1, f"提示：没有安装中文语言包，界面是英文的。安装命令：{install_command()}")
    return "\n".join(lines)


def start_lab(params_path: Path, *, port: int | None = None, open_browser: bool = True) -> int:
    """Run JupyterLab until Ctrl+C; return 0 when it stopped cleanly."""
    chinese = require_jupyterlab()
    session = prepare_session(params_path, port)
    print(f"正在启动 JupyterLab（端口 {session.port}）……", flush=True)
    _stop_like_ctrl_c_on_terminate()
    with open(session.log, "w", encoding="utf-8") as log:
        # stdin is no terminal, so Jupyter stops on Ctrl+C without asking "y/n" first
        server = subprocess.Popen(session.command(), cwd=session.root, env=session.environment(),
                                  stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_ready(session, server)
            opened = False
            if open_browser:
                import webbrowser

                opened = webbrowser.open(session.url)
            print(_greeting(session, chinese, opened), flush=True)
            code = server.wait()  # also ends when the user picks 文件 → 关闭 in JupyterLab
        except KeyboardInterrupt:
            print("正在停止 JupyterLab……", flush=True)
            _stop(server)
            print("JupyterLab 已停止。", flush=True)
            return 0
        except BaseException:
            _stop(server)
            raise
    if code != 0:
        raise FuchanError(f"JupyterLab 意外退出（退出码 {code}）。详细信息见日志：{session.log}")
    print("JupyterLab 已停止。", flush=True)
    return 0
