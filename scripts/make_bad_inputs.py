"""Write a corpus of messy ledger files (DESIGN §6) derived from one small clean county.

Usage: python scripts/make_bad_inputs.py OUT_DIR

Every case in `CASES` is one file. Its expected outcome is either "same" (reads to exactly the
canonical frame of the clean ledger of its kind) or "error" (refused with a LedgerError naming
the file and, where the problem is in a cell, the sheet, row and column given in the case).
`tests/test_bad_inputs.py` writes the corpus into a temporary folder and checks every case.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import openpyxl
import pandas as pd
import xlwt

from fuchan_lib.core import schema
from synthetic import make_county

IND, SRV, IDX = schema.INDUSTRY, schema.SERVICE, schema.INDICATORS
SHEET = "台账"
BAD_ROW = 4  # 0-based data row the error cases corrupt: Excel row 6 under a one-row header


def clean_frames() -> dict[str, pd.DataFrame]:
    """The clean ledgers every case starts from (60 industry, 40 service enterprises)."""
    return make_county(60, 40, seed=7)


def _cell(value):
    """A frame value as a plain Python cell (None for missing)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def table(frame: pd.DataFrame) -> list[list]:
    """Header + rows of Python cells."""
    return [list(frame.columns)] + [[_cell(v) for v in row] for row in frame.itertuples(index=False)]


def write_xlsx(path: Path, sheets: dict[str, list[list]], merges: tuple[str, ...] = ()) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for rng in merges:
            sheet.merge_cells(rng)
    book.save(path)
    return path


def _text(value, date_format: str = "{y}-{m:02d}-{d:02d}") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return date_format.format(y=value.year, m=value.month, d=value.day)
    return str(value)


def write_csv(path: Path, rows: list[list], encoding: str, date_format="{y}/{m}/{d}") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows([[_text(v, date_format) for v in row] for row in rows])
    return path


def write_xls(path: Path, rows: list[list]) -> Path:
    book = xlwt.Workbook()
    sheet = book.add_sheet(SHEET)
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                style = date_style if isinstance(value, dt.datetime) else xlwt.Style.default_style
                sheet.write(i, j, value, style)
    book.save(str(path))
    return path


# --- transformations of a table (header row + data rows) ----------------------------------------


def _map_column(rows, name, fn):
    """Apply fn(value, i) to every data cell of column `name`."""
    j = rows[0].index(name)
    return [rows[0]] + [r[:j] + [fn(r[j], i)] + r[j + 1:] for i, r in enumerate(rows[1:])]


def _set(rows, i, name, value):
    """Data row i (0-based), column `name` := value."""
    j = rows[0].index(name)
    out = [list(r) for r in rows]
    out[i + 1][j] = value
    return out


def _rename(rows, renames: dict[str, str]):
    return [[renames.get(h, h) for h in rows[0]]] + rows[1:]


def _drop(rows, name):
    j = rows[0].index(name)
    return [r[:j] + r[j + 1:] for r in rows]


def _dates(fmt: Callable[[dt.datetime], object]):
    return lambda rows: _map_column(rows, schema.RESUMED_ON, lambda v, i: fmt(v) if v else v)


def _every_other(fn):
    """fn applied to every other value; keeps typed cells in between (mixed columns are real)."""
    return lambda v, i: fn(v) if v is not None and i % 2 == 0 else v


def _with_serial(rows):
    return [["序号"] + rows[0]] + [[i + 1] + r for i, r in enumerate(rows[1:])]


def _blank(width):
    return [None] * width


# --- the cases ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One corpus file: how to write it and what reading it must give."""

    name: str
    kind: str
    expect: str  # "same" | "error"
    write: Callable[[dict[str, list[list]], Path], Path]  # (clean tables by kind, stem) -> file
    row: int | None = None  # for "error": the Excel row named, None for file-level errors
    column: str | None = None  # for "error": the column named (as in the file's header)
    sheet: str | None = None  # passed to read_ledger
    year: int | None = None  # passed to read_ledger
    note: str = ""  # the DESIGN §6 item it covers
    match: str = ""  # for "error": a phrase the message must contain
    expected_sheet: str | None = field(default=SHEET)  # the sheet the error names


def _x(fn):
    """Writer of one xlsx sheet from a transformed industry table."""
    return lambda t, stem: write_xlsx(stem.with_suffix(".xlsx"), {SHEET: fn(t[IND])})


def _two_row_header(t, stem):
    rows = _with_serial(t[IND])
    head = rows[0]
    top = [h if h not in (schema.RESUMED_ON, schema.STAFF, schema.RETURNED) else None for h in head]
    bottom = [None] * len(head)
    d, s = head.index(schema.RESUMED_ON), head.index(schema.STAFF)
    top[d], bottom[d] = "复工情况", "复工时间"
    top[s], bottom[s], bottom[s + 1] = "用工情况（人）", "从业人员", "已返岗"
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    merges = [f"{letters[s]}2:{letters[s + 1]}2"] + [
        f"{letters[j]}2:{letters[j]}3" for j, h in enumerate(top) if bottom[j] is None and h
    ]
    sheet = [["示例县工业企业复工复产台账"], top, bottom, *rows[1:]]
    return write_xlsx(stem.with_suffix(".xlsx"), {SHEET: sheet}, tuple(merges))


def _totals_rows(t, stem):
    rows = _with_serial(t[IND])
    width = len(rows[0])
    staff = rows[0].index(schema.STAFF)
    total = _blank(width)
    total[0], total[staff] = "合计", sum(r[staff] or 0 for r in rows[1:])
    subtotal = _blank(width)
    subtotal[1] = "其中：规上企业小计"
    body = rows[1:]
    sheet = [rows[0], total, *body[:20], subtotal, *body[20:], ["总计", *_blank(width - 1)]]
    return write_xlsx(stem.with_suffix(".xlsx"), {SHEET: sheet})


def _trailing_blanks(t, stem):
    rows = t[IND]
    width = len(rows[0])
    tail = [_blank(width)] * 5 + [["注：复工日期留空表示未复工"], ["填表人：张三", None, None, "联系电话：0791-1234567"]]
    tail += [[None, "  ", "\u3000"]] * 3
    return write_xlsx(stem.with_suffix(".xlsx"), {SHEET: rows + tail})


def _sheets(t, stem):
    return write_xlsx(stem.with_suffix(".xlsx"), {
        "填表说明": [["填表说明"], ["1. 复工日期填写实际复工的日期"]],
        SHEET: t[IND],
        "服务业": t[SRV],
        "Sheet3": [],
    })


def _two_weeks(t, stem):
    return write_xlsx(stem.with_suffix(".xlsx"), {"2月8日": t[IND][:10], SHEET: t[IND]})


def _messy_text(rows):
    rows = _map_column(rows, schema.NAME, lambda v, i: [f" {v}", f"{v}\u3000", f"{v[:3]} {v[3:]}",
                                                         f"{v[:3]}_x000B_{v[3:]}", v][i % 5])
    rows = _map_column(rows, schema.TOWN, lambda v, i: f"\u3000{v} " if v and i % 3 == 0 else v)
    return _map_column(rows, schema.CREDIT_CODE,
                       lambda v, i: f" {v[:8]} {v[8:].lower()}" if v and i % 4 == 0 else v)


def _file(content: bytes, suffix: str):
    def write(t, stem):
        path = stem.with_suffix(suffix)
        path.write_bytes(content)
        return path
    return write


CASES: tuple[Case, ...] = (
    # -- formats and encodings
    Case("clean_xlsx", IND, "same", _x(lambda r: r), note="规范格式"),
    Case("csv_utf8", IND, "same",
         lambda t, s: write_csv(s.with_suffix(".csv"), t[IND], "utf-8"), note="CSV UTF-8"),
    Case("csv_utf8_bom", IND, "same",
         lambda t, s: write_csv(s.with_suffix(".csv"), t[IND], "utf-8-sig"), note="CSV UTF-8 带 BOM"),
    Case("csv_gbk", IND, "same",
         lambda t, s: write_csv(s.with_suffix(".csv"), t[IND], "gbk"), note="中文 Windows 的 GBK CSV"),
    Case("csv_gb18030_chinese_dates", IND, "same",
         lambda t, s: write_csv(s.with_suffix(".csv"), t[IND], "gb18030", "{y}年{m}月{d}日"),
         note="GB18030 CSV，日期写成 2023年2月1日"),
    Case("xls", IND, "same", lambda t, s: write_xls(s.with_suffix(".xls"), t[IND]), note=".xls 文件"),
    Case("service_csv_gbk", SRV, "same",
         lambda t, s: write_csv(s.with_suffix(".csv"), t[SRV], "gbk"), note="服务业台账 GBK CSV"),
    Case("indicators_text_numbers", IDX, "same",
         lambda t, s: write_xlsx(s.with_suffix(".xlsx"), {SHEET: _map_column(
             _map_column(t[IDX], schema.CURRENT, lambda v, i: f"{v:,.1f}万元" if v else v),
             schema.GROWTH, lambda v, i: f"{v}%" if v is not None else "—")}),
         note="经济指标：“12,345.6万元”、“6.2%”、“—”"),
    # -- layout
    Case("title_rows", IND, "same",
         lambda t, s: write_xlsx(s.with_suffix(".xlsx"), {SHEET: [
             ["示例县工业企业复工复产台账"], ["填报单位：示例县工信局", None, None, None, "截至2023年2月15日"], [],
             *t[IND]]}),
         note="表头上方有标题行"),
    Case("two_row_merged_header", IND, "same", _two_row_header, note="两行合并表头"),
    Case("serial_column", IND, "same", _x(_with_serial), note="序号列"),
    Case("totals_rows", IND, "same", _totals_rows, note="合计行（在第一行）、小计、总计"),
    Case("trailing_blank_rows", IND, "same", _trailing_blanks, note="末尾空行和表下注释"),
    Case("several_sheets", IND, "same", _sheets, note="多个工作表，自动选表头相符的"),
    Case("sheet_by_name", IND, "same", _two_weeks, sheet=SHEET, note="多周工作表，按名称指定"),
    Case("alias_headers", IND, "same", _x(lambda r: _rename(r, {
        schema.NAME: "单位名称", schema.SCALE: "规模", schema.RESUMED_ON: "复工时间",
        schema.STAFF: "从业人员（人）", schema.RETURNED: "返岗人数", schema.TOWN: "所属乡镇",
        schema.CREDIT_CODE: "社会信用代码", schema.STATUS: "春节期间生产状态", schema.REASON: "备注"})),
        note="列名别名"),
    Case("header_spaces_and_brackets", IND, "same", _x(lambda r: _rename(r, {
        schema.NAME: " 企业　名称 ", schema.TOWN: "乡镇(园区)", schema.STATUS: "春节期间\n状态",
        schema.STAFF: "*从业人员"})),
        note="表头带空格、换行、半角括号、星号"),
    Case("columns_shuffled_and_extra", IND, "same",
         _x(lambda r: [[row[j] for j in (8, 0, 4, 3, 2, 1, 7, 6, 5)] + [x] for row, x in
                       zip(r, ["联系人", *(["王五"] * (len(r) - 1))])]),
         note="列顺序不同、多出无关列"),
    # -- numbers as text
    Case("numbers_thousands", IND, "same",
         _x(lambda r: _map_column(r, schema.STAFF, _every_other(lambda v: f"{v:,}"))), note="“1,234”"),
    Case("numbers_spaces", IND, "same",
         _x(lambda r: _map_column(r, schema.STAFF, _every_other(
             lambda v: f"{v // 10} {v % 10}" if v >= 10 else f" {v} "))), note="“12 516”"),
    Case("numbers_full_width", IND, "same",
         _x(lambda r: _map_column(r, schema.RETURNED, _every_other(
             lambda v: str(v).translate(str.maketrans("0123456789", "０１２３４５６７８９"))))),
         note="全角数字“１２３”"),
    Case("numbers_with_unit", IND, "same",
         _x(lambda r: _map_column(r, schema.STAFF, _every_other(lambda v: f"{v}人"))), note="“30人”"),
    # -- dates
    Case("dates_chinese", IND, "same", _x(_dates(lambda d: f"{d.year}年{d.month}月{d.day}日")),
         note="“2023年2月1日”"),
    Case("dates_dots", IND, "same", _x(_dates(lambda d: f"{d.year}.{d.month}.{d.day}")), note="“2023.2.1”"),
    Case("dates_slashes", IND, "same", _x(_dates(lambda d: f"{d.year}/{d.month}/{d.day}")), note="“2023/2/1”"),
    Case("dates_dashes", IND, "same", _x(_dates(lambda d: f"{d.year}-{d.month}-{d.day}")), note="“2023-2-1”"),
    Case("dates_without_year", IND, "same", _x(_dates(lambda d: f"{d.month}月{d.day}日")), year=2023,
         note="“2月1日”，年份由参数给出"),
    Case("dates_excel_serials", IND, "same",
         _x(_dates(lambda d: (d - dt.datetime(1899, 12, 30)).days)), note="Excel 日期序号"),
    Case("dates_yyyymmdd", IND, "same", _x(_dates(lambda d: d.year * 10000 + d.month * 100 + d.day)),
         note="20230201"),
    Case("dates_not_resumed_words", IND, "same",
         _x(lambda r: _map_column(r, schema.RESUMED_ON, lambda v, i: v or ["未复工", "—", "/", None][i % 4])),
         note="未复工写作“未复工”“—”“/”"),
    # -- choices and text
    Case("scale_yes_no", IND, "same", _x(lambda r: _rename(_map_column(
        r, schema.SCALE, lambda v, i: "是" if v == "规上" else "否"), {schema.SCALE: "是否规上"})),
        note="“是/否”"),
    Case("scale_check_mark", IND, "same", _x(lambda r: _map_column(
        r, schema.SCALE, lambda v, i: "√" if v == "规上" else "规模以下")), note="“√”"),
    Case("status_aliases", IND, "same", _x(lambda r: _map_column(r, schema.STATUS, lambda v, i: {
        "停产放假": ["放假", "停产", "停产放假"][i % 3], "正常生产": "正常", "长期停产": "长期停工"}[v])),
        note="状态简写"),
    Case("stray_spaces_and_escapes", IND, "same", _x(_messy_text),
         note="多余空格、全角空格、_x000B_、小写代码"),
    # -- refused, with the cell named
    Case("missing_required_column", IND, "error", _x(lambda r: _drop(r, schema.STATUS)), row=1,
         match="缺少必需的列「春节期间状态」", note="缺必需列"),
    Case("unknown_scale", IND, "error", _x(lambda r: _set(r, BAD_ROW, schema.SCALE, "中型")),
         row=BAD_ROW + 2, column=schema.SCALE, match="请改为以下之一：「规上」「规下」", note="未知取值"),
    Case("unknown_status", IND, "error", _x(lambda r: _set(r, BAD_ROW, schema.STATUS, "半停产")),
         row=BAD_ROW + 2, column=schema.STATUS, match="「正常生产」「停产放假」「长期停产」", note="未知状态"),
    Case("impossible_date", IND, "error", _x(lambda r: _set(r, BAD_ROW, schema.RESUMED_ON, "2023-13-01")),
         row=BAD_ROW + 2, column=schema.RESUMED_ON, match="不是有效日期", note="不存在的日期"),
    Case("date_without_year_no_year_given", IND, "error", _x(_dates(lambda d: f"{d.month}月{d.day}日")),
         row=2, column=schema.RESUMED_ON, match="没有写年份", note="“2月1日”但未给年份"),
    Case("two_digit_year", IND, "error", _x(lambda r: _set(r, BAD_ROW, schema.RESUMED_ON, "23.2.1")),
         row=BAD_ROW + 2, column=schema.RESUMED_ON, match="不是有效日期", note="两位年份"),
    Case("words_in_staff", IND, "error", _x(lambda r: _set(r, BAD_ROW, schema.STAFF, "三十")),
         row=BAD_ROW + 2, column=schema.STAFF, match="不是整数", note="人数写成汉字"),
    Case("fraction_in_staff", IND, "error", _x(lambda r: _set(r, BAD_ROW, schema.STAFF, 12.5)),
         row=BAD_ROW + 2, column=schema.STAFF, match="不是整数", note="人数有小数"),
    Case("boolean_in_staff", IND, "error", _x(lambda r: _set(r, BAD_ROW, schema.RETURNED, True)),
         row=BAD_ROW + 2, column=schema.RETURNED, match="TRUE", note="逻辑值"),
    Case("code_stored_as_number", IND, "error",
         _x(lambda r: _set(r, BAD_ROW, schema.CREDIT_CODE, 913699011234567890)),
         row=BAD_ROW + 2, column=schema.CREDIT_CODE, match="后几位可能已丢失", note="代码存成数字"),
    Case("blank_status", IND, "error", _x(lambda r: _set(r, BAD_ROW, schema.STATUS, "  ")),
         row=BAD_ROW + 2, column=schema.STATUS, match="不能为空", note="必填项为空"),
    Case("blank_name", IND, "error", _x(lambda r: _set(r, BAD_ROW, schema.NAME, None)),
         row=BAD_ROW + 2, column=schema.NAME, match="不能为空", note="企业名称为空"),
    Case("bad_cell_under_alias_and_title", IND, "error",
         lambda t, s: write_xlsx(s.with_suffix(".xlsx"), {SHEET: [["示例县工业企业台账"], *_rename(
             _set(t[IND], BAD_ROW, schema.RESUMED_ON, "下周"), {schema.RESUMED_ON: "复工时间"})]}),
         row=BAD_ROW + 3, column="复工时间", match="该列按“复工日期”读取", note="标题行下的别名列"),
    Case("csv_bad_number", SRV, "error",
         lambda t, s: write_csv(s.with_suffix(".csv"), _set(t[SRV], BAD_ROW, schema.STAFF, "约20"), "gbk"),
         row=BAD_ROW + 2, column=schema.STAFF, expected_sheet=None, match="不是整数", note="CSV 中的坏值"),
    Case("indicator_wrong_unit", IDX, "error",
         lambda t, s: write_xlsx(s.with_suffix(".xlsx"), {SHEET: _set(t[IDX], 2, schema.CURRENT, "6.3亿元")}),
         row=4, column=schema.CURRENT, match="不是数字", note="金额带了别的单位"),
    Case("ambiguous_columns", IND, "error",
         _x(lambda r: _rename(r, {schema.TOWN: "乡镇", schema.REASON: "园区"})), row=1,
         match="这几列都可以当作“乡镇（园区）”", note="两列都像同一列"),
    # -- refused, file level
    Case("no_sheet_fits", IND, "error",
         lambda t, s: write_xlsx(s.with_suffix(".xlsx"), {"服务业": t[SRV], "说明": [["说明"]]}),
         expected_sheet=None, match="没有一个工作表像是工业企业台账", note="没有相符的工作表"),
    Case("unknown_sheet_name", IND, "error", _sheets, sheet="2月15日", expected_sheet=None,
         match="没有名为“2月15日”的工作表", note="指定的工作表不存在"),
    Case("html_disguised_as_xls", IND, "error",
         _file("<html><body><table><tr><td>企业名称</td></tr></table></body></html>".encode(), ".xls"),
         expected_sheet=None, match="网页（HTML）格式", note="网页另存的 .xls"),
    Case("corrupt_xlsx", IND, "error", _file(b"PK\x03\x04 truncated", ".xlsx"), expected_sheet=None,
         match="文件不完整", note="损坏的文件"),
    Case("wrong_extension", IND, "error", _file("企业名称\n".encode(), ".txt"), expected_sheet=None,
         match="不支持", note="不支持的格式"),
)


def clean_tables() -> dict[str, list[list]]:
    return {kind: table(frame) for kind, frame in clean_frames().items()}


def write_cases(out_dir: Path) -> dict[str, Path]:
    """Write the clean reference ledgers and every case; returns case name -> file."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = clean_tables()
    for kind in (IND, SRV, IDX):
        write_xlsx(out_dir / f"reference_{kind}.xlsx", {SHEET: tables[kind]})
    return {case.name: case.write(tables, out_dir / case.name) for case in CASES}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    paths = write_cases(Path(argv[0]))
    for case in CASES:
        where = f"row {case.row} column {case.column}" if case.expect == "error" else ""
        print(f"{paths[case.name].name:40} {case.kind:8} {case.expect:5} {where:30} {case.note}")
    print(f"{len(CASES)} cases written to {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
