"""Write a corpus of hostile 工业企业台账 files (issue 20): made to break the reader, not by slips.

Usage: python scripts/make_hostile_inputs.py OUT_DIR

Each case is one file, generated (nothing large is committed). `expect` is "error" (exit 2 with
a Chinese message containing `fragment`) or "ok" (exit 0; `fragment`, when given, is a warning
the output must contain). `tests/test_hostile_inputs.py` reads each one in-process and through
`fuchan check` in a subprocess limited to 1 GB of address space and 30 seconds.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import openpyxl
import xlwt

HEADER = ["企业名称", "企业规模", "春节期间状态", "复工日期", "从业人员", "已返岗人数"]
FIRMS = [
    ["甲机械有限公司", "规上", "停产放假", dt.date(2023, 2, 1), 100, 90],
    ["乙纺织有限公司", "规上", "停产放假", dt.date(2023, 2, 6), 80, 70],
    ["丙食品有限公司", "规下", "正常生产", None, 30, 30],
    ["丁建材有限公司", "规下", "停产放假", None, 20, 0],
    ["戊电子有限公司", "规上", "长期停产", None, None, None],
]


@dataclass(frozen=True)
class Case:
    name: str  # file name
    expect: str  # "error" or "ok"
    fragment: str  # in the message (error) or in the output (ok); "" for none
    write: Callable[[Path], None]
    audited: bool = False  # read as it is; the 审核 (not the reader) refuses or warns


def _book(path: Path, rows: list[list], far: dict[str, object] | None = None) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "台账"
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, as a typed name is
    for cell, value in (far or {}).items():
        sheet[cell] = value
    book.save(path)


def _rows(**changes) -> list[list]:
    """The firms with some cells changed: {"row_col": value}, e.g. r0_4=-5 (row 0, column 4)."""
    rows = [list(r) for r in FIRMS]
    for key, value in changes.items():
        r, c = (int(x) for x in re.findall(r"\d+", key))
        rows[r][c] = value
    return [HEADER] + rows


def _rewrite_sheet(path: Path, edit: Callable[[str], str]) -> None:
    """Edit the first worksheet's XML of an .xlsx in place."""
    source = path.read_bytes()
    with zipfile.ZipFile(path.with_suffix(".tmp"), "w", zipfile.ZIP_DEFLATED) as out:
        import io

        with zipfile.ZipFile(io.BytesIO(source)) as original:
            for item in original.infolist():
                data = original.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = edit(data.decode("utf-8")).encode("utf-8")
                out.writestr(item, data)
    path.with_suffix(".tmp").replace(path)


def far_cell(path: Path) -> None:
    _book(path, _rows(), {"XFD1048576": "x"})


def far_cell_behind_a_small_dimension(path: Path) -> None:
    far_cell(path)
    _rewrite_sheet(path, lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:F6"', xml))


def far_row_without_cell_references(path: Path) -> None:
    _book(path, _rows())
    _rewrite_sheet(path, lambda xml: xml.replace(
        "</sheetData>", '<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))


def lying_dimension(path: Path) -> None:
    _book(path, _rows())
    _rewrite_sheet(path, lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml))


def formatted_far_cell(path: Path) -> None:
    """A far cell with a format and no value: not data, so the sheet reads."""
    _book(path, _rows())
    _rewrite_sheet(path, lambda xml: xml.replace(
        "</sheetData>", '<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>'))


def wide_and_deep(path: Path) -> None:
    _book(path, _rows(), {"GR100000": "x"})  # 200 columns × 100,000 rows = 20 million cells


def zip_bomb(path: Path) -> None:
    _book(path, _rows())
    source = path.read_bytes()
    import io

    # compression level 1: the 300 MB stand in the zip directory all the same (1.4 MB on disk,
    # about 230 times smaller), written in 0.3 s instead of 0.9 s
    with zipfile.ZipFile(io.BytesIO(source)) as original, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                out.writestr(item, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with out.open(item.filename, "w", force_zip64=True) as stream:
                stream.write(head)
                padding = b"<!--" + b" " * (2**20 - 7) + b"-->"
                for _ in range(300):  # 300 MB of spaces in a comment
                    stream.write(padding)
                stream.write(b"</sheetData>" + tail)


def truncated(path: Path) -> None:
    _book(path, _rows())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def text_named_xlsx(path: Path) -> None:
    path.write_text("企业名称,企业规模\n甲,规上\n", encoding="utf-8")


def text_named_xls(path: Path) -> None:
    path.write_text("这不是表格，只是一段文字\n", encoding="gb18030")


def far_cell_xls(path: Path) -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("台账")
    for i, row in enumerate(_rows()):
        for j, value in enumerate(row):
            if isinstance(value, dt.date):
                value = value.isoformat()
            if value is not None:
                sheet.write(i, j, value)
    sheet.write(65535, 255, "x")
    book.save(str(path))


def _csv(path: Path, text: str, encoding: str) -> None:
    lines = [",".join("" if v is None else str(v) for v in row) for row in _rows()]
    path.write_bytes(("\n".join(lines).replace("甲机械有限公司", text) + "\n").encode(encoding))


def nul_in_csv(path: Path) -> None:
    _csv(path, "甲机械\x00有限公司", "utf-8")


def utf16_csv(path: Path) -> None:
    _csv(path, "甲机械有限公司", "utf-16")


def utf16_without_bom_csv(path: Path) -> None:
    _csv(path, "甲机械有限公司", "utf-16-le")


def binary_csv(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 64)


def huge_cell_csv(path: Path) -> None:
    _csv(path, '"' + "甲" * 200_000 + '"', "utf-8")


def wide_csv(path: Path) -> None:
    """One header row of 100,000 columns: padding every row to it would fill memory."""
    lines = [",".join("" if v is None else str(v) for v in row) for row in _rows()]
    path.write_text("\n".join([lines[0] + "," * 100_000] + lines[1:]) + "\n", encoding="utf-8")


def dates_out_of_range(path: Path) -> None:
    _book(path, _rows(r0_3=dt.datetime(2607, 9, 1), r1_3=dt.datetime(9999, 12, 31)))


def negative_counts(path: Path) -> None:
    _book(path, _rows(r0_4=-5, r1_5=-10))


def implausible_staff(path: Path) -> None:
    _book(path, _rows(r0_4=10**12, r0_5=10))


def huge_number(path: Path) -> None:
    _book(path, _rows(r0_4=1e20))


def reversed_name(path: Path) -> None:
    _book(path, _rows(r0_0="甲机械\u202e司公限有"))


def formula_names(path: Path) -> None:
    _book(path, _rows(r0_0='=HYPERLINK("http://example.invalid","点我")', r1_0="+1+1+cmd"))


CASES: tuple[Case, ...] = (
    Case("远处单元格.xlsx", "error", "超过了程序能读的范围", far_cell),
    Case("远处单元格_小范围声明.xlsx", "error", "超过了程序能读的范围", far_cell_behind_a_small_dimension),
    Case("远处行_无单元格引用.xlsx", "error", "超过了程序能读的范围", far_row_without_cell_references),
    Case("又宽又深.xlsx", "error", "超过了程序能读的范围", wide_and_deep),
    Case("范围声明过大.xlsx", "ok", "", lying_dimension),
    Case("远处只有格式.xlsx", "ok", "", formatted_far_cell),
    Case("压缩炸弹.xlsx", "error", "解压后有300 MB", zip_bomb),
    Case("不完整.xlsx", "error", "文件不完整", truncated),
    Case("其实是文本.xlsx", "error", "文件不是 Excel 表格", text_named_xlsx),
    Case("其实是文本.xls", "error", "文件不是 Excel 表格", text_named_xls),
    Case("远处单元格.xls", "error", "超过了程序能读的范围", far_cell_xls),
    Case("含NUL.csv", "ok", "", nul_in_csv),
    Case("UTF16.csv", "ok", "", utf16_csv),
    Case("UTF16无BOM.csv", "ok", "", utf16_without_bom_csv),
    Case("二进制.csv", "error", "", binary_csv),
    Case("超长单元格.csv", "error", "一个单元格过长", huge_cell_csv),
    Case("极宽.csv", "error", "超过了程序能读的范围", wide_csv),
    Case("日期超出范围.xlsx", "error", "不在1990年至2100年之间", dates_out_of_range),
    Case("人数为负.xlsx", "error", "从业人员为负数", negative_counts, audited=True),
    Case("从业人员过多.xlsx", "ok", "从业人员过多", implausible_staff, audited=True),
    Case("人数过大.xlsx", "error", "太大，不可能是人数", huge_number),
    Case("名称倒序字符.xlsx", "ok", "含文字方向控制字符", reversed_name, audited=True),
    Case("名称像公式.xlsx", "ok", "", formula_names),
)


def write_all(out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for case in CASES:
        path = out_dir / case.name
        case.write(path)
        written[case.name] = path
    return written


if __name__ == "__main__":
    for name, path in write_all(Path(sys.argv[1])).items():
        print(f"{name}\t{path.stat().st_size}")
