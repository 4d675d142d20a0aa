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
    """Raised when a ledger cannot be read; names file, sheet, row and column where known."""

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        fix: str | None = None,
    ):
        self.problem, self.file, self.sheet, self.row, self.column, self.fix = (
            problem, file, sheet, row, column, fix,
        )
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = []
        if self.file:
            where.append(f"文件“{self.file}”")
        if self.sheet:
            where.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            where.append(f"第{self.row}行")
        if self.column:
            where.append(f"“{self.column}”列")
        text = ("，".join(where) + "：" if where else "") + self.problem
        if self.fix:
            text += f"。处理办法：{self.fix}"
        return text


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
