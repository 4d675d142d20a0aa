"""The run transaction: a run folder appears whole or not at all; killed runs leave nothing."""

import json
import os
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from fuchan_lib.core import run_folder
from fuchan_lib.core.exceptions import NotebookError
from fuchan_lib.core.run_folder import FAILED_DIR, STAGING_PREFIX, Manifest, RunFolder
from fuchan_lib.run import transaction
from fuchan_lib.run.history import list_runs, previous_run
from fuchan_lib.run.transaction import RunTransaction, take_hand_off

AS_OF = date(2023, 2, 15)
FESTIVAL = date(2023, 1, 22)


def dead_pid() -> int:
    """The pid of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def good_manifest(name: str, as_of: date = AS_OF) -> Manifest:
    return Manifest(status=run_folder.STATUS_OK, run=name, county="本县", as_of=as_of,
                    created="2023-02-16T09:00:00", params={"春节": FESTIVAL.isoformat()})


def killed_run(output, owner: dict, age: float = 0):
    """What a run killed after writing its manifest but before the rename leaves behind."""
    folder = output / f"{STAGING_PREFIX}abc123"
    folder.mkdir(parents=True)
    good_manifest("本县_截至20230215_20230216-090000").write(folder)
    (folder / "本县报告.docx").write_bytes(b"complete-looking")
    RunFolder(folder).owner.write_text(json.dumps(owner), encoding="utf-8")
    if age:
        old = time.time() - age
        os.utime(folder, (old, old))
    return folder


def test_a_killed_run_is_no_run_to_list_or_to_the_next_run(tmp_path):
    killed = killed_run(tmp_path, {"pid": dead_pid(), "host": socket.gethostname(), "started": None})
    assert list_runs(tmp_path, include_failed=True) == []
    assert previous_run(tmp_path, "本县", date(2023, 2, 22), FESTIVAL) is None
    said = []
    with RunTransaction(tmp_path, "本县_截至20230222_20230223-090000", "本县", date(2023, 2, 22),
                        say=said.append) as run:
        assert not killed.exists()
        run.commit(good_manifest(run.name, date(2023, 2, 22)))
    assert said == [f"已删除1个中断的运行留下的临时文件夹：{killed.name}"]
    assert [p.name for p in tmp_path.iterdir()] == [run.name]


@pytest.mark.parametrize("owner, age, stale", [
    ({"pid": "dead", "host": "this"}, 0, True),  # its process has ended
    ({"pid": os.getpid(), "host": "this"}, 0, False),  # a run still going (this process)
    ({"pid": os.getpid(), "host": "this", "started": "0"}, 0, True),  # its pid now belongs to another process
    ({"pid": "dead", "host": "另一台电脑"}, 0, False),  # another computer's run: cannot tell
    (None, 10, False),  # no owner record (older version), just made
    (None, 2 * transaction.OWNERLESS_AGE, True),  # no owner record, hours old
])
def test_a_staging_folder_is_stale_only_when_its_run_cannot_finish(tmp_path, owner, age, stale):
    folder = tmp_path / f"{STAGING_PREFIX}x"
    folder.mkdir()
    if owner is not None:
        owner = owner | {"pid": dead_pid() if owner["pid"] == "dead" else owner["pid"],
                         "host": socket.gethostname() if owner["host"] == "this" else owner["host"]}
        owner.setdefault("started", transaction.process_started(owner["pid"]))
        RunFolder(folder).owner.write_text(json.dumps(owner), encoding="utf-8")
    old = time.time() - age
    os.utime(folder, (old, old))
    assert transaction.is_stale(folder) is stale
    assert transaction.remove_stale_staging(tmp_path, say=lambda _: None) == ([folder] if stale else [])
    assert folder.exists() is not stale


def test_a_committed_run_is_in_place_with_its_manifest_and_nothing_of_the_staging(tmp_path):
    name = "本县_截至20230215_20230216-090000"
    (tmp_path / name).mkdir()  # an earlier run of the same second keeps its name
    with RunTransaction(tmp_path, name, "本县", AS_OF) as run:
        staging = run.folder.path
        assert staging.name.startswith(STAGING_PREFIX) and run.folder.owner.is_file()
        run.hand_off({"frames": 1}, "part")
        assert take_hand_off(run.folder) == ({"frames": 1}, "part")
        (staging / "报告.docx").write_bytes(b"docx")
        assert not run.folder.manifest.exists()  # 成功 only once in place
        final = run.commit(good_manifest(name))
    assert final == tmp_path / f"{name}-2" and not staging.exists()
    assert sorted(p.name for p in final.iterdir()) == ["manifest.json", "报告.docx"]
    assert [r.folder for r in list_runs(tmp_path)] == [final]


def test_a_notebook_error_keeps_the_run_as_failed_without_its_report(tmp_path):
    name = "本市_截至20230215_20230216-090000"
    transaction_ = RunTransaction(tmp_path, name, "本市", AS_OF, kind=run_folder.CityManifest)
    with pytest.raises(NotebookError, match="第3个代码单元出错"):
        with transaction_ as run:
            run.hand_off("inputs")
            run.folder.notebooks.mkdir()
            (run.folder.notebooks / "汇总.ipynb").write_text("{}", encoding="utf-8")
            (run.folder.path / "报告.docx").write_bytes(b"docx")
            raise NotebookError("笔记本“汇总.ipynb”的第3个代码单元出错")
    kept = transaction_.kept
    assert kept == tmp_path / FAILED_DIR / name
    assert sorted(p.name for p in kept.iterdir()) == ["manifest.json", "notebooks"]
    manifest = run_folder.CityManifest.read(kept)
    assert (manifest.status, manifest.county, manifest.level) == ("失败", "本市", "市")
    assert manifest.error == "笔记本“汇总.ipynb”的第3个代码单元出错"
    assert list_runs(tmp_path) == [] and [r.folder for r in list_runs(tmp_path, include_failed=True)] == [kept]


def test_any_other_error_leaves_the_output_folder_as_it_was(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with RunTransaction(tmp_path, "本县_x", "本县", AS_OF) as run:
            run.hand_off("inputs")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_a_failed_manifest_cannot_be_committed(tmp_path):
    with pytest.raises(ValueError, match="失败"):
        with RunTransaction(tmp_path, "本县_x", "本县", AS_OF) as run:
            run.commit(good_manifest("本县_x").model_copy(update={"status": run_folder.STATUS_FAILED}))
    assert list(tmp_path.iterdir()) == []


def test_this_process_is_alive_and_an_ended_one_is_not():
    assert transaction.process_alive(os.getpid())
    assert not transaction.process_alive(dead_pid())


def test_a_killed_runs_kernel_connection_file_goes_with_its_folder_and_nothing_else(tmp_path):
    import tempfile

    handle, name = tempfile.mkstemp(prefix="kernel-fuchan-", suffix=".json")  # as run.kernel makes it
    os.close(handle)
    kernel_file = Path(name)
    elsewhere = tmp_path / "kernel-fuchan-keep.json"  # not in the temp folder: never touched
    elsewhere.write_text("{}", encoding="utf-8")
    output = tmp_path / "outputs"
    killed_run(output, {"pid": dead_pid(), "host": socket.gethostname(), "started": None,
                        "files": [str(kernel_file), str(elsewhere)]})
    try:
        assert len(transaction.remove_stale_staging(output, say=lambda _: None)) == 1
        assert not kernel_file.exists() and elsewhere.exists()
    finally:
        kernel_file.unlink(missing_ok=True)


def test_a_run_records_the_files_it_owns_outside_its_folder(tmp_path):
    with RunTransaction(tmp_path, "本县_x", "本县", AS_OF) as run:
        run.own(tmp_path / "kernel-fuchan-a.json")
        owner = json.loads(run.folder.owner.read_text(encoding="utf-8"))
        assert owner["files"] == [str(tmp_path / "kernel-fuchan-a.json")] and owner["pid"] == os.getpid()
