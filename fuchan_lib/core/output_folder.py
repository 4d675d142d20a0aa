"""Where the program writes: the output folder checked as configuration, and every path it
writes kept inside the folder it belongs to (issue 20).

- `prepare_output_folder`: 输出目录 made ready for runs, or an `OutputFolderError` saying what
  is wrong with the setting and how to fix it (the disk's root, a file in its place, a folder
  that cannot be created or written), instead of an internal error.
- `inside`: a path resolved and checked to lie under its folder. Names from the user (县名,
  市名, a township) become file and folder names; core/names refuses the hostile ones, and
  this is the second lock, used by every writer of a run, the 审核清单 and the 督办 books.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from fuchan_lib.core.exceptions import FuchanInputError

_SETTING = "参数文件中的“输出目录”"


class OutputFolderError(FuchanInputError):
    """Raised when the output folder (输出目录) cannot hold runs; says how to set it."""


class OutsideFolderError(FuchanInputError):
    """Raised when a path about to be written lies outside the folder it must stay in."""


def inside(folder: str | Path, path: str | Path) -> Path:
    """`path` resolved, when it lies under `folder` (resolved); OutsideFolderError otherwise."""
    root = Path(folder).resolve()
    resolved = Path(path).resolve()
    if resolved != root and root not in resolved.parents:
        raise OutsideFolderError(
            f"程序拒绝写入“{resolved}”：它不在应写入的文件夹“{root}”之内。"
            "请检查县名、市名和乡镇名称中是否有“/”“\\”“..”等路径符号")
    return resolved


def prepare_output_folder(path: str | Path) -> Path:
    """The output folder, resolved, existing and writable; OutputFolderError with the fix."""
    folder = Path(path).resolve()
    if folder == Path(folder.anchor):
        raise OutputFolderError(
            f"输出目录是“{folder}”，即整个磁盘的根目录：运行结果不能直接放在根目录下。"
            f"请把{_SETTING}改为一个专用的文件夹，例如 输出目录: ../outputs")
    if folder.exists() and not folder.is_dir():
        raise OutputFolderError(
            f"输出目录“{folder}”是一个文件，不是文件夹。请把{_SETTING}改为一个文件夹的路径"
            "（例如 ../outputs），或把这个文件移走、改名")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocking = next((p for p in folder.parents if p.exists() and not p.is_dir()), None)
        reason = (f"路径中的“{blocking}”是一个文件" if blocking is not None
                  else _reason(exc))
        raise OutputFolderError(
            f"无法创建输出目录“{folder}”（{reason}）。请检查{_SETTING}的路径是否写对，"
            "或改用一个有写入权限的文件夹") from None
    try:
        fd, probe = tempfile.mkstemp(prefix=".写入测试-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputFolderError(
            f"输出目录“{folder}”不能写入（{_reason(exc)}）。请把{_SETTING}改为有写入权限的文件夹，"
            "或请管理员开放这个文件夹的写入权限") from None
    return folder


def _reason(exc: OSError) -> str:
    return {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.EROFS: "磁盘或文件夹是只读的",
            errno.ENOSPC: "磁盘已满", errno.ENOTDIR: "路径中有一部分是文件而不是文件夹",
            errno.ENAMETOOLONG: "路径太长"}.get(exc.errno, f"系统提示：{exc.strerror or exc}")
