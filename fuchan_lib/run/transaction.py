"""One run transaction: a run folder is built hidden and appears only whole (DESIGN §4).

Every command that writes a run folder goes through `RunTransaction`: the county run, the
审核清单 of a run stopped by its ledgers, and the city roll-up.

- At start, staging folders left by runs whose process is gone (killed, power cut) are removed.
  A staging folder records who builds it (pid, host, the process's start time), so a later run
  can tell a dead run's folder from a live one, also when the pid has been reused; it records the
  run's kernel connection file too (`own`), removed with the folder of a killed run.
- The run's inputs and built parts reach the notebooks as one pickle (`hand_off`): it keeps
  every dtype exactly (categoricals, nullable integers, datetimes, the facts), loads in
  milliseconds and is private to the run: written into a folder this process created moments
  before, read by kernels of the same environment, deleted before the move.
- `commit` renames the folder into place under a name no run has and only then writes the
  manifest that says 成功: a folder without a manifest is no run to `fuchan list` or the history.
- A failed run (a notebook error, or a run stopped with its 审核清单) is kept under 失败的运行/
  with a manifest saying 失败; any other error removes the staging folder.
"""

from __future__ import annotations

import json
import os
import pickle
import platform
import shutil
import socket
import tempfile
import time
from datetime import date, datetime
from importlib import metadata
from pathlib import Path

from fuchan_lib import __version__
from fuchan_lib.core import run_folder
from fuchan_lib.core.exceptions import FuchanError, NotebookError
from fuchan_lib.core.output_folder import inside, prepare_output_folder
from fuchan_lib.core.run_folder import FAILED_DIR, STAGING_PREFIX, Manifest, RunFolder
from fuchan_lib.ingest.inputs import sha256

OWNERLESS_AGE = 3600  # seconds: a staging folder without an owner record (older versions) is stale after this


class RunTransaction:
    """`with RunTransaction(...) as run:` build into `run.folder`, then `run.commit(manifest)`.

    Leaving the block without a commit keeps the run under 失败的运行/ when the error is one of
    `keep_on` (its notebooks are what the user needs to see), and removes it otherwise."""

    def __init__(self, output: Path, name: str, place: str, as_of: date, *,
                 kind: type[Manifest] = Manifest, keep_on: tuple[type[BaseException], ...] = (NotebookError,),
                 say=print):
        self.output, self.name, self.place, self.as_of = Path(output), name, place, as_of
        self.kind, self.keep_on, self.say = kind, keep_on, say
        self.folder: RunFolder | None = None
        self.final: Path | None = None  # the run folder in place, after commit
        self.kept: Path | None = None  # the failed run under 失败的运行/, after keep_failed

    def __enter__(self) -> "RunTransaction":
        self.output = prepare_output_folder(self.output)  # a bad 输出目录 named as configuration
        remove_stale_staging(self.output, self.say)
        self.folder = RunFolder(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.output))
        self._owned: list[str] = []
        self.own()
        return self

    def own(self, *files: Path) -> None:
        """Record files of this run outside its folder (its kernel's connection file): a later
        run removes them with the staging folder if this one is killed."""
        self._owned += [str(f) for f in files]
        record = owner_record() | {"files": self._owned}
        self.folder.owner.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")

    def __exit__(self, kind, exc, traceback) -> bool:
        if self.final is not None or self.kept is not None:
            return False
        if exc is not None and isinstance(exc, self.keep_on):
            try:
                self.keep_failed(str(exc))
            except BaseException:
                shutil.rmtree(self.folder.path, ignore_errors=True)
                raise
            return False
        shutil.rmtree(self.folder.path, ignore_errors=True)
        return False

    def hand_off(self, *parts) -> Path:
        """Give the notebooks of this run what this process read and built (`take_hand_off`)."""
        with self.folder.staged_inputs.open("wb") as handle:
            pickle.dump(parts, handle, protocol=pickle.HIGHEST_PROTOCOL)
        return self.folder.staged_inputs

    def commit(self, manifest: Manifest) -> Path:
        """Move the finished run into place, then write its manifest (成功) there."""
        if not manifest.ok:
            raise ValueError(f"commit takes a successful run's manifest, got status {manifest.status!r}")
        self._strip()
        self.final = move_into_place(self.folder.path, self.output, self.name)
        manifest.write(self.final)
        return self.final

    def keep_failed(self, error: str) -> Path:
        """Move the run under 失败的运行/ with a manifest saying 失败 and why (for `fuchan list`);
        a report written beside the notebooks is removed: a failed run has no report."""
        for written in self.folder.path.glob("*.docx"):
            written.unlink()
        self._strip()
        (self.output / FAILED_DIR).mkdir(parents=True, exist_ok=True)
        self.kept = move_into_place(self.folder.path, self.output / FAILED_DIR, self.name)
        self.kind(status=run_folder.STATUS_FAILED, run=self.name, county=self.place, as_of=self.as_of,
                  created=datetime.now().isoformat(timespec="seconds"), error=error).write(self.kept)
        return self.kept

    def _strip(self) -> None:
        """What only a staging folder holds: the hand-off and the owner record."""
        self.folder.staged_inputs.unlink(missing_ok=True)
        self.folder.owner.unlink(missing_ok=True)


def take_hand_off(folder: RunFolder) -> tuple | None:
    """What `RunTransaction.hand_off` gave this run's notebooks; None outside such a run."""
    if not folder.staged_inputs.is_file():
        return None
    with folder.staged_inputs.open("rb") as handle:
        return pickle.load(handle)


def move_into_place(staging: Path, output: Path, base_name: str) -> Path:
    """Rename a finished staging folder to a name no other run has; never overwrite."""
    for attempt in range(1, 1000):
        target = inside(output, output / (base_name if attempt == 1 else f"{base_name}-{attempt}"))
        if target.exists():
            continue
        try:
            os.rename(staging, target)
            return target
        except OSError:
            continue  # another run took the name between the check and the rename
    raise FuchanError(f"输出文件夹“{output}”中同名运行过多，请清理后重试")


# --- stale staging folders ---------------------------------------------------------------------

def owner_record(pid: int | None = None) -> dict:
    """Who builds a staging folder: enough to tell later whether that process is still running."""
    pid = os.getpid() if pid is None else pid
    return {"pid": pid, "host": socket.gethostname(), "started": process_started(pid)}


def process_started(pid: int) -> str | None:
    """A process's start time as the kernel counts it (Linux /proc), to tell a reused pid from
    the process that recorded it; None where /proc is not available."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]  # field 22 (starttime); fields after ")" start at 3


def process_alive(pid: int) -> bool:
    """Whether a process with this pid runs on this computer (without signalling it)."""
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill would terminate it there
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() == 5  # access denied: it exists
        code = ctypes.c_ulong()
        try:
            return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == 259
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def is_stale(staging: Path) -> bool:
    """A staging folder whose run can no longer finish: its process is gone (or its pid now
    belongs to another process). A folder of another computer sharing the output folder is
    never stale here; one without an owner record is stale once an hour old."""
    try:
        owner = json.loads(RunFolder(staging).owner.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        try:
            return time.time() - staging.stat().st_mtime > OWNERLESS_AGE
        except OSError:
            return False  # removed meanwhile
    if owner.get("host") != socket.gethostname():
        return False
    pid = owner.get("pid")
    if not isinstance(pid, int) or not process_alive(pid):
        return True
    return owner.get("started") is not None and owner["started"] != process_started(pid)


def remove_stale_staging(output: Path, say=print) -> list[Path]:
    """Remove the staging folders of runs that were killed, and their kernel connection files;
    one line says which."""
    stale = sorted(f for f in output.glob(STAGING_PREFIX + "*") if f.is_dir() and is_stale(f))
    for folder in stale:
        for owned in owned_files(folder):
            owned.unlink(missing_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
    if stale:
        say(f"已删除{len(stale)}个中断的运行留下的临时文件夹：{'、'.join(f.name for f in stale)}")
    return stale


def owned_files(staging: Path) -> list[Path]:
    """The kernel connection files a staging folder's run recorded: only our kernels' files
    directly in the temp folder, whatever else the record says."""
    from fuchan_lib.run.kernel import CONNECTION_PREFIX

    try:
        listed = json.loads(RunFolder(staging).owner.read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        return []
    temp = Path(tempfile.gettempdir()).resolve()
    paths = [Path(f) for f in listed if isinstance(f, str)]
    return [p for p in paths if p.parent.resolve() == temp and p.name.startswith(CONNECTION_PREFIX)
            and p.suffix == ".json"]


# --- what every manifest records -----------------------------------------------------------------

def versions() -> dict[str, str]:
    """The versions a run used (manifest 版本)."""
    names = ("pandas", "numpy", "matplotlib", "python-docx", "openpyxl", "python-calamine",
             "papermill", "ipykernel", "pydantic")
    found = {"fuchan": __version__, "python": platform.python_version()}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "未安装"
    return found


def manifest_fields(params, timings: dict[str, float], report: Path, gaps: int) -> dict:
    """The manifest fields a county run and a city run fill alike, from their params model."""
    return dict(
        created=datetime.now().isoformat(timespec="seconds"), params_file=str(params.source),
        params=params.model_dump(mode="json", by_alias=True, exclude={"base_dir", "source"}),
        params_sha256=sha256(params.source) if params.source else "",  # the values, not the text
        versions=versions(), timings={k: round(v, 3) for k, v in timings.items()},
        report=report.name, gaps=gaps,
    )
