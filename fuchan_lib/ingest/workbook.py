"""Opening ledger files: Excel workbooks through python-calamine (sheets read on demand), CSV
with its encoding detected. Everything here returns plain rows of cells (row 0 = Excel row 1);
what the rows mean is `header` and `ledger`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import python_calamine

from fuchan_lib.core.exceptions import LedgerError
from fuchan_lib.ingest import limits

# .xlsb and .ods are not read: their sheets cannot be sized before python-calamine allocates the
# grid (DESIGN §10), and one far cell would abort the process; Excel and WPS save them as .xlsx
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
LEDGER_SUFFIXES = EXCEL_SUFFIXES + (".csv",)


def _decode(data: bytes, file: str) -> str:
    """CSV bytes -> text: UTF-8 (with or without BOM), then GB18030 (covers GBK), then a guess."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes  # only for the rare file neither fits

    guess = from_bytes(data).best()
    if guess is None:
        raise LedgerError(
            "无法识别文件的文字编码", file=file,
            fix="请用 Excel 或 WPS 打开后另存为“CSV UTF-8（逗号分隔）”或 .xlsx 文件",
        )
    return str(guess)


def read_csv(path: Path) -> list[list]:
    """All rows of a CSV file as lists of strings (ragged rows padded)."""
    limits.check_file_size(path)
    text = _decode(path.read_bytes(), path.name)
    head = text[:4096]
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as err:  # a cell over 128K characters, or a broken quote
        raise LedgerError(f"CSV 文件第{reader.line_num}行无法读取（一个单元格过长或引号不配对：{err}）",
                          file=path.name, fix="请用 Excel 或 WPS 打开检查这一行，另存为 .xlsx 文件") from None
    width = max((len(r) for r in rows), default=0)
    limits.check_grid(len(rows), width, path.name)  # before padding every row to the widest
    return [r + [""] * (width - len(r)) for r in rows]


class Workbook:
    """An open Excel workbook; sheets are read on demand (header probe, then in full)."""

    def __init__(self, path: Path):
        self.file = path.name
        limits.check_workbook(path)  # before the reader allocates (a far cell aborts it)
        with path.open("rb") as handle:
            try:
                self.book = python_calamine.CalamineWorkbook.from_filelike(handle)
            except python_calamine.PasswordError:
                raise LedgerError(
                    "文件设置了打开密码，无法读取", file=self.file,
                    fix="请取消密码后另存一份再使用",
                ) from None
            except python_calamine.CalamineError as err:
                raise LedgerError(
                    f"文件无法作为 Excel 表格打开（{err}）", file=self.file,
                    fix="请确认文件没有损坏：用 Excel 或 WPS 打开后另存为 .xlsx 文件",
                ) from None
        self.names = list(self.book.sheet_names)
        self._sheets: dict[str, python_calamine.CalamineSheet] = {}
        self.visible = [
            m.name for m in self.book.sheets_metadata
            if m.visible == python_calamine.SheetVisibleEnum.Visible
        ]

    def rows(self, name: str, nrows: int | None = None) -> list[list]:
        """Cells of a sheet from A1 (so list positions are Excel positions)."""
        try:
            if name not in self._sheets:  # loading parses the whole sheet: do it once
                self._sheets[name] = self.book.get_sheet_by_name(name)
            return self._sheets[name].to_python(skip_empty_area=False, nrows=nrows)
        except python_calamine.CalamineError as err:
            raise LedgerError(
                f"工作表无法读取（{err}）", file=self.file, sheet=name,
                fix="请用 Excel 或 WPS 打开后另存为 .xlsx 文件",
            ) from None
