"""Names that become folder and file names: 县名, 市名, 报告单位 (issue 20).

A county's name is the first part of its run folder's name and of the 审核清单's file name, and
the 报告单位 is the first part of the report's file name. A name is therefore a name, never a
path: no path separators or characters Windows refuses, no "..", no control or bidi characters,
and short enough for a file name. `check_name` is the one test, used by the params models and by
any command that takes a county's name.
"""

from __future__ import annotations

import re

from pydantic import AfterValidator

from fuchan_lib.core.text import BIDI

MAX_NAME_LENGTH = 30
FORBIDDEN = '/\\:*?"<>|'
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def code_point(ch: str) -> str:
    """A character the user cannot see, as they can look it up: U+202E."""
    return f"U+{ord(ch):04X}"


def visible(value: str) -> str:
    """`value` with every control or bidi character shown as its code point (never echoed)."""
    return "".join(f"[{code_point(ch)}]" if ch in BIDI or _CONTROL.match(ch) else ch for ch in value)


def name_problem(value: str) -> str | None:
    """Why `value` cannot be a name (Chinese), or None when it can."""
    if not value.strip():
        return "不能为空"
    if value != value.strip():
        return "前后有空格，请删去"
    bad = sorted({ch for ch in value if ch in FORBIDDEN}, key=value.index)
    if bad:
        return (f"含有不能用在文件名中的字符“{''.join(bad)}”（名称会成为文件夹名和文件名，"
                f"不能含 {' '.join(FORBIDDEN)}），请删去")
    if ".." in value:
        return "含有“..”（名称会成为文件夹名），请删去"
    if value.startswith(".") or value.endswith("."):
        return "不能以“.”开头或结尾（名称会成为文件夹名），请删去"
    hidden = [ch for ch in value if ch in BIDI or _CONTROL.match(ch)]
    if hidden:
        points = "、".join(dict.fromkeys(code_point(ch) for ch in hidden))
        return f"含有看不见的控制字符（{points}），请删去后重新输入这个名称"
    if len(value) > MAX_NAME_LENGTH:
        return f"有{len(value)}个字，太长（最多{MAX_NAME_LENGTH}个字）"
    return None


def check_name(value: str, what: str = "名称") -> str:
    """`value` unchanged when it can be a name; ValueError (Chinese, naming `what`) otherwise."""
    problem = name_problem(value)
    if problem is not None:
        raise ValueError(f"“{what}”的值“{visible(value)}”{problem}")
    return value


def name_validator(what: str) -> AfterValidator:
    """The pydantic validator of a name field (the message reaches the user with its line)."""
    return AfterValidator(lambda value: check_name(value, what))
