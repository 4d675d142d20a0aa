"""Notebooks say what the command line says: a Chinese message box, never a traceback.

Each notebook's first code cell calls `speak_chinese()`. From then on an error fuchan explains
(`FuchanError`: params, ledgers, audit, template) is shown as a styled box with the same words
`fuchan check` prints, and the run stops there (the cell still fails, so Jupyter's "run all"
and papermill go no further) without a traceback. Library warnings
(pandas' Pandas4Warning and the like) are kept from the statistician, who cannot act on them.
Anything else is a bug and keeps its traceback for the developers.
"""

from __future__ import annotations

import html
import warnings

STOPPED = "运行已停止。改正后请重新运行本笔记本。"

_BOX = (
    '<div style="border:2px solid #c0392b;border-radius:6px;background:#fdf2f0;'
    'padding:12px 16px;margin:6px 0;font-size:15px;line-height:1.7;color:#222">'
    '<div style="font-weight:bold;color:#c0392b;margin-bottom:6px">{title}</div>'
    '<div style="white-space:pre-wrap">{message}</div>'
    f'<div style="margin-top:6px;color:#666">{STOPPED}</div></div>'
)


def error_box(exc: BaseException) -> str:
    """The HTML box for one explained error (the message escaped, line breaks kept)."""
    from fuchan_lib.core.exceptions import FuchanInputError

    title = "输入有误，请改正：" if isinstance(exc, FuchanInputError) else "运行失败："
    return _BOX.format(title=title, message=html.escape(str(exc)))


def _show(shell, etype, value, tb, tb_offset=None) -> list[str]:
    """IPython's custom exception handler: the box instead of the traceback (the cell still
    counts as failed)."""
    from IPython.display import display

    display({"text/html": error_box(value), "text/plain": f"{value}\n{STOPPED}"}, raw=True)
    return []


def quiet_library_warnings() -> None:
    """Hide warnings raised by libraries (deprecations, future changes, font fallbacks)."""
    warnings.filterwarnings("ignore")
    warnings.filterwarnings("default", module="fuchan_lib")


def speak_chinese() -> None:
    """In a notebook kernel: explained errors as Chinese boxes, library warnings hidden.
    Outside IPython (a plain script) nothing changes."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    from fuchan_lib.core.exceptions import FuchanError

    shell.set_custom_exc((FuchanError,), _show)
    quiet_library_warnings()


def explained_error(notebook: dict) -> str | None:
    """The message of the box an executed notebook (JSON) shows, if a cell stopped with one."""
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/plain", "")
            text = "".join(text) if isinstance(text, list) else text
            if text.endswith(STOPPED):
                return text[: -len(STOPPED)].rstrip()
    return None


def chinese_failure_banners(execute_module) -> None:
    """papermill marks a failed notebook with two English banners (at the top, and above the
    cell that failed); in the notebooks fuchan runs they say it in Chinese."""
    style = execute_module.ERROR_STYLE
    execute_module.ERROR_MESSAGE_TEMPLATE = (
        f'<span {style}>运行在代码单元 <a href="#papermill-error-cell">[%s]</a> 处停止，原因见该单元的输出。</span>')
    execute_module.ERROR_ANCHOR_MSG = f'<span id="papermill-error-cell" {style}>运行在这里停止：</span>'
