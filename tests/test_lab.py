"""`fuchan lab`: the working folder, the notebook copy, the Chinese settings, and a real server
started and stopped the way a user does (no browser: the REST API answers what the page shows)."""

import contextlib
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from importlib import resources
from pathlib import Path

import papermill
import pytest

from fuchan_lib.run import cli, lab
from fuchan_lib.run.pipeline import notebooks_dir

NOTEBOOK_COPY = "周报_示例县_2023Q1.ipynb"


def _zh_cn_messages() -> dict:
    pack = resources.files("jupyterlab_language_pack_zh_CN")
    path = pack / "locale" / "zh_CN" / "LC_MESSAGES" / "jupyterlab.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(("params", "outputs", "expected"), [
    ("proj/params/本县.yaml", "proj/outputs", "proj"),          # the example layout
    ("proj/本县.yaml", "proj/outputs", "proj"),                 # outputs inside the params folder
    ("a/b/params/本县.yaml", "a/outputs", "a/b/params"),        # too far up: the params folder
    ("proj/params/本县.yaml", "elsewhere/outputs", "proj/params"),
])
def test_working_folder_holds_params_and_outputs_when_they_are_close(tmp_path, params, outputs,
                                                                     expected):
    assert lab.working_folder(tmp_path / params, tmp_path / outputs) == (tmp_path / expected)


def test_working_copy_has_the_params_file_and_the_committed_notebook_is_untouched(county):
    committed = notebooks_dir() / lab.WEEKLY_NOTEBOOK
    before = _sha256(committed)
    root = county.parent.parent
    copy, is_new = lab.write_working_copy(county, root)
    assert is_new and copy == root / NOTEBOOK_COPY
    assert _sha256(committed) == before
    declared = papermill.inspect_notebook(str(copy))
    assert declared["params_path"]["default"] == '"params/示例县_2023Q1.yaml"'
    assert declared["as_of"]["default"] == '""'
    original = json.loads(committed.read_text(encoding="utf-8"))["cells"]
    made = json.loads(copy.read_text(encoding="utf-8"))["cells"]
    changed = [i for i, (a, b) in enumerate(zip(original, made)) if a != b]
    assert len(made) == len(original) and len(changed) == 1  # the parameters cell only


def test_working_copy_keeps_the_users_results_and_replaces_a_copy_of_an_older_notebook(county):
    root = county.parent.parent
    copy, _ = lab.write_working_copy(county, root)
    book = json.loads(copy.read_text(encoding="utf-8"))
    book["cells"][2]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["完成\n"]}]
    copy.write_text(json.dumps(book, ensure_ascii=False), encoding="utf-8")
    again, is_new = lab.write_working_copy(county, root)
    assert again == copy and not is_new and "完成" in copy.read_text(encoding="utf-8")

    book["metadata"]["fuchan"]["sha256"] = "0" * 64  # made from last month's notebook
    copy.write_text(json.dumps(book, ensure_ascii=False), encoding="utf-8")
    _, is_new = lab.write_working_copy(county, root)
    assert is_new and "完成" not in copy.read_text(encoding="utf-8")


def test_chinese_default_is_written_once_and_the_users_choice_stays(tmp_path):
    lab.write_default_settings(tmp_path)
    setting = tmp_path / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"
    assert json.loads(setting.read_text(encoding="utf-8")) == {"locale": "zh_CN"}
    setting.write_text('{"locale": "en"}', encoding="utf-8")  # 设置 → 语言 → English
    lab.write_default_settings(tmp_path)
    assert json.loads(setting.read_text(encoding="utf-8")) == {"locale": "en"}


def test_without_jupyterlab_the_message_gives_the_one_install_command(monkeypatch, capsys):
    real = lab.util.find_spec
    monkeypatch.setattr(lab.util, "find_spec",
                        lambda name: None if name == "jupyterlab" else real(name))
    assert cli.main(["lab"]) == 1
    message = capsys.readouterr().err
    assert "没有安装 JupyterLab" in message and "Traceback" not in message
    command = message.splitlines()[-1].strip()
    assert command.startswith(f'"{sys.executable}" -m pip install ')
    assert '"jupyterlab<4.6,>=4.5"' in command and "jupyterlab-language-pack-zh-cn" in command


def test_notebook_instructions_name_the_menus_of_chinese_jupyterlab():
    messages = _zh_cn_messages()
    menus = {v[0] for k, v in messages.items() if k.startswith("menu\x04")}
    items = {v[0] for k, v in messages.items() if isinstance(v, list)}
    named = []
    for path in sorted(notebooks_dir().glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                named += re.findall(r"“([^”]+?) → ([^”]+?)”", "".join(cell["source"]))
    assert ("运行", "运行所有单元格") in named
    assert all(menu in menus and item in items for menu, item in named), named
    assert messages["menu\x04Run"] == ["运行"] and messages["Run All Cells"] == ["运行所有单元格"]


def _free_local_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def lab_server(county: Path, port: int, cwd: Path, runtime: Path, stderr=subprocess.DEVNULL, **options):
    """`fuchan lab` as a user starts it, in its own session (fuchan and its JupyterLab one process
    group), killed whole when the test ends however it went, and after 300 s at the latest."""
    server = subprocess.Popen(
        [sys.executable, "-m", "fuchan_lib.run.cli", "lab", str(county), "--port", str(port),
         "--no-browser"], cwd=cwd, env=os.environ | {"JUPYTER_RUNTIME_DIR": str(runtime)},
        stdout=subprocess.PIPE, stderr=stderr, text=True, encoding="utf-8", start_new_session=True,
        **options)
    watchdog = threading.Timer(300, os.killpg, (server.pid, signal.SIGKILL))  # never hang the run
    watchdog.start()
    try:
        yield server
    finally:
        watchdog.cancel()
        with contextlib.suppress(ProcessLookupError):  # the group may have ended already
            os.killpg(server.pid, signal.SIGKILL)  # whatever is left of it
        server.wait()
        server.stdout.close()
        if server.stderr is not None:
            server.stderr.close()


def greeting(server) -> list[str]:
    """What `fuchan lab` prints up to its last greeting line (the one naming Ctrl+C)."""
    printed = []
    for line in server.stdout:
        printed.append(line)
        if "Ctrl+C" in line:
            break
    return printed


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as answer:
        assert answer.status == 200
        return json.loads(answer.read().decode("utf-8"))


@pytest.mark.slow
@pytest.mark.skipif(os.name == "nt", reason="Ctrl+C is sent as SIGINT here")
def test_fuchan_lab_serves_the_weekly_notebook_in_chinese_and_stops_on_ctrl_c(county, tmp_path):
    committed = notebooks_dir() / lab.WEEKLY_NOTEBOOK
    before = _sha256(committed)
    elsewhere = tmp_path / "别的文件夹"
    elsewhere.mkdir()
    port = _free_local_port()
    with lab_server(county, port, elsewhere, tmp_path / "runtime", stderr=subprocess.PIPE) as server:
        printed = greeting(server)
        url = next((line.strip() for line in printed if "token=" in line), None)
        assert url, "".join(printed) + server.stderr.read()
        assert "Ctrl+C" in "".join(printed) and "运行 → 运行所有单元格" in "".join(printed)
        parts = urllib.parse.urlsplit(url)
        assert parts.netloc == f"127.0.0.1:{port}"
        assert urllib.parse.unquote(parts.path) == f"/lab/tree/{NOTEBOOK_COPY}"
        token = urllib.parse.parse_qs(parts.query)["token"][0]
        base = f"http://127.0.0.1:{port}"

        setting = _get_json(f"{base}/lab/api/settings/"
                            f"@jupyterlab/translation-extension:plugin?token={token}")
        assert setting["settings"]["locale"] == "zh_CN"
        languages = _get_json(f"{base}/lab/api/translations/?token={token}")["data"]
        assert "zh_CN" in languages
        strings = _get_json(f"{base}/lab/api/translations/zh_CN?token={token}")["data"]
        assert strings["jupyterlab"]["menu\x04Run"] == ["运行"]

        name = urllib.parse.quote(NOTEBOOK_COPY)
        opened = _get_json(f"{base}/api/contents/{name}?token={token}")
        assert opened["type"] == "notebook"
        parameters = "".join(opened["content"]["cells"][1]["source"])
        assert 'params_path = "params/示例县_2023Q1.yaml"' in parameters
        with pytest.raises(urllib.error.HTTPError):  # the token is required
            _get_json(f"{base}/api/contents/{name}")

        server.send_signal(signal.SIGINT)  # what Ctrl+C does in the console
        assert server.wait(60) == 0
        assert "JupyterLab 已停止" in server.stdout.read()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # nothing listens any more
    assert _sha256(committed) == before


def test_windows_double_click_file_installs_the_lab_extra_and_runs_fuchan_lab():
    root = Path(__file__).resolve().parent.parent
    raw = (root / "开始周报.bat").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # a BOM breaks cmd's first line
    assert raw.count(b"\r\n") == raw.count(b"\n")  # CRLF throughout, or labels misbehave
    lines = raw.decode("utf-8").splitlines()
    switch = lines.index("chcp 65001 >nul")  # before it cmd reads the file as GBK: ASCII only
    assert all(line.isascii() for line in lines[:switch])
    assert '".venv\\Scripts\\python" -m pip install -e ".[lab]"' in lines
    assert '".venv\\Scripts\\fuchan" lab %*' in lines
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "开始周报.bat" in readme and ".venv\\Scripts\\fuchan lab" in readme


def test_a_port_in_use_is_named_before_anything_starts(county, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli.main(["lab", str(county), "--port", str(port), "--no-browser"]) == 2
    assert f"端口 {port} 已被占用" in capsys.readouterr().err
    assert not (county.parent.parent / NOTEBOOK_COPY).exists()


@pytest.mark.slow
@pytest.mark.skipif(os.name == "nt", reason="SIGTERM is a POSIX signal")
def test_fuchan_lab_stopped_with_kill_stops_jupyterlab_too(county, tmp_path):
    """`kill` (SIGTERM) used to end fuchan alone, leaving JupyterLab serving the port."""
    port = _free_local_port()
    with lab_server(county, port, tmp_path, tmp_path / "runtime") as server:
        greeting(server)
        server.terminate()
        assert server.wait(60) == 0
        assert "JupyterLab 已停止" in server.stdout.read()
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0  # nothing listens any more
        with pytest.raises(ProcessLookupError):  # and no process of the session is left
            os.killpg(server.pid, 0)


@pytest.mark.slow
@pytest.mark.skipif(os.name == "nt", reason="SIGTERM and inherited SIG_IGN are POSIX")
def test_fuchan_lab_started_by_a_script_stops_in_seconds_not_after_the_timeout(county, tmp_path):
    """A script's background job ignores SIGINT, and JupyterLab inherited that: stopping it with
    SIGINT waited the whole STOP_TIMEOUT (24 s measured) before the server was terminated."""
    port = _free_local_port()
    with lab_server(county, port, tmp_path, tmp_path / "runtime",
                    preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) as server:
        greeting(server)
        started = time.monotonic()
        server.terminate()
        assert server.wait(60) == 0
        stopped = time.monotonic() - started
        assert stopped < 5, stopped  # 0.5 s on an idle machine, 3–4 s with load 6–9 on 2 cores
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0
