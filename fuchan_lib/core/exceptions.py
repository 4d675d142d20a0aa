"""The one exception hierarchy. Every message is Chinese, for the statistician.

`FuchanInputError` and its subclasses mean "the user's input is wrong": the CLI exits 2 and
prints the message. Anything else escaping is a bug: the CLI exits 1 and logs the traceback.
"""

from __future__ import annotations


class FuchanError(Exception):
    """Raised for any failure fuchan explains itself; the message is shown to the user."""


class FuchanInputError(FuchanError):
    """Raised when the params file or a ledger is wrong and the user must fix it."""


class ParamsError(FuchanInputError):
    """Raised when the params YAML cannot be read or does not validate; `problems` lists each
    problem without the file name (for a caller that names the file its own way)."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = problems or [message]
        super().__init__(message)


class LedgerError(FuchanInputError):
    """Raised when a ledger cannot be read; names file, sheet, row, column and cell where known."""

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        fix: str | None = None,
        cell: str | None = None,
        enterprise: str | None = None,
    ):
        self.problem, self.file, self.sheet, self.row, self.column, self.fix = (
            problem, file, sheet, row, column, fix,
        )
        self.cell, self.enterprise = cell, enterprise
        super().__init__(self._compose())

    def where(self, *, with_file: bool = True) -> str:
        parts = []
        if with_file and self.file:
            parts.append(f"文件“{self.file}”")
        if with_file and self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            parts.append(f"第{self.row}行" + (f"（{self.enterprise}）" if self.enterprise else ""))
        if self.column:
            parts.append(f"“{self.column}”列")
        return "，".join(parts)

    def what(self) -> str:
        return self.problem + (f"（{self.cell}单元格）" if self.cell else "")

    def _compose(self) -> str:
        where = self.where()
        text = (where + "：" if where else "") + self.what()
        if self.fix:
            text += f"。处理办法：{self.fix}"
        return text


class LedgerProblems(LedgerError):
    """Raised when ledgers have several problems: every one listed, grouped by file and sheet
    (`unlisted` counts those past the per-file limit). Attributes of the first problem are
    kept so a caller that reads `.file`, `.row` still finds the first one."""

    def __init__(self, problems: list[LedgerError], unlisted: dict[tuple, int] | None = None):
        self.problems = [p for e in problems for p in getattr(e, "problems", [e])]
        self.unlisted = dict(unlisted or {})
        for e in problems:
            for key, count in getattr(e, "unlisted", {}).items():
                self.unlisted[key] = self.unlisted.get(key, 0) + count
        first = self.problems[0]
        self.problem, self.file, self.sheet, self.row, self.column, self.fix = (
            first.problem, first.file, first.sheet, first.row, first.column, first.fix,
        )
        self.cell, self.enterprise = first.cell, first.enterprise
        FuchanInputError.__init__(self, self._compose_all())

    def _compose_all(self) -> str:
        groups: dict[tuple, list[LedgerError]] = {}
        for p in self.problems:
            groups.setdefault((p.file or "", p.sheet or ""), []).append(p)
        total = len(self.problems) + sum(self.unlisted.values())
        lines = [f"台账有{total}处问题，请全部改正后重新运行：" if len(groups) > 1 or total > 1
                 else "台账有问题："]
        for (file, sheet), found in groups.items():
            more = self.unlisted.get((file, sheet), 0)
            title = (f"文件“{file}”" if file else "参数文件") + (f"工作表“{sheet}”" if sheet else "")
            count = f"{len(found) + more}处" + (f"，以下列出前{len(found)}处" if more else "")
            lines.append(f"{title}（{count}）：")
            previous_fix = None
            for p in found:
                where = p.where(with_file=False)
                text = (where + "：" if where else "") + p.what()
                if p.fix:
                    text += "。处理办法：" + ("同上" if p.fix == previous_fix else p.fix)
                previous_fix = p.fix
                lines.append(f"  {text}")
            if more:
                lines.append(f"  ……另有{more}处未列出，改正以上问题后再次检查即可看到")
        return "\n".join(lines)


def ledger_problems(error: LedgerError) -> list[LedgerError]:
    """Every single problem an error carries (itself when it is one)."""
    return list(getattr(error, "problems", [error]))


def raise_together(problems, unlisted: dict[tuple, int] | None = None) -> None:
    """Nothing when there are no problems; a lone problem raised as itself; else all of them
    as one LedgerProblems (`unlisted`: those past the per-file limit)."""
    if not problems:
        return
    if len(problems) == 1 and not unlisted:
        raise problems[0]
    raise LedgerProblems(list(problems), unlisted or None)


class AuditError(FuchanInputError):
    """Raised when 数据审核 finds errors; the message lists every finding."""

    def __init__(self, message: str, findings=None):
        self.findings = findings or []
        super().__init__(message)


class TemplateError(FuchanInputError):
    """Raised when the narrative template has an unknown placeholder or bad syntax."""


class NotebookError(FuchanError):
    """Raised when a notebook fails under papermill; names the notebook, cell and kept copy."""


class OutputExistsError(FuchanInputError):
    """Raised when a command would overwrite a file the user already has."""
