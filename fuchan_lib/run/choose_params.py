"""Which params file the statistician means when they name none (`fuchan lab`, 开始周报.bat).

Double-clicking 开始周报.bat must open the county's own week, not the example's. The county
params in the project's params/ folder that are not the shipped examples are the user's: one
is opened at once, several are offered as a numbered list (newest first; Enter takes the
first), and the example is opened only when there is none, with a note on `fuchan 新县`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from fuchan_lib.core.city_params import is_city_params
from fuchan_lib.core.exceptions import FuchanInputError

# the shipped examples say so in their first line ("（示例）", "生成的示例数据") or are 示例县's
_EXAMPLE_MARK = re.compile(r"\A#[^\n]*示例|^县名:\s*示例", re.MULTILINE)


def is_example(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False  # not readable here: `fuchan lab` explains what is wrong when it is chosen
    return bool(_EXAMPLE_MARK.search(text))


def own_params(folder: Path) -> list[Path]:
    """The county params files of `folder`/params that are not examples, newest first."""
    found = [p for p in (Path(folder) / "params").glob("*.y*ml")
             if p.is_file() and not is_city_params(p) and not is_example(p)]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)


def choose_params(folder: Path, example: Callable[[], Path], *, ask: Callable[[str], str] = input,
                  say: Callable[[str], None] = print) -> Path:
    """The user's own params file (asking which when there are several); `example()` when the
    folder has none."""
    found = own_params(folder)
    if not found:
        path = example()
        say(f"params 文件夹中还没有本县的参数文件，打开示例县的：{path}\n"
            "本县第一次使用，请先运行 fuchan 新县 本县县名（如 fuchan 新县 青石县 --期 2024Q1）。")
        return path
    shown = [p.relative_to(folder) if p.is_relative_to(folder) else p for p in found]
    if len(found) == 1:
        say(f"使用参数文件：{shown[0]}")
        return found[0]
    say(f"params 文件夹中有{len(found)}个参数文件（最近改过的在前）：")
    for number, path in enumerate(shown, start=1):
        say(f"  {number}. {path}")
    while True:
        try:
            answer = ask(f"请输入编号（1–{len(found)}），直接按回车选第1个：").strip()
        except EOFError:
            raise FuchanInputError("有几个参数文件，无法询问用哪一个。请在命令中写明，例如："
                                   f"fuchan lab {shown[0]}") from None
        if not answer:
            return found[0]
        if answer.isdigit() and 1 <= int(answer) <= len(found):
            return found[int(answer) - 1]
        say(f"“{answer}”不是1到{len(found)}之间的编号，请重新输入。")
