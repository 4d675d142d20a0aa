"""Blank ledger workbooks for the townships to fill (`fuchan template`).

The templates use the canonical columns of `schema` in schema order, so what comes back reads
through `ingest` without aliases or guessing. Each workbook holds, in this order: the data sheet
(first, and the only sheet whose header fits the ledger, so `ingest` picks it), a 说明 sheet
explaining every column, and a hidden 下拉选项 sheet with the dropdown lists (the 行业 list is
too long for Excel's inline lists, which are limited to 255 characters).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from fuchan_lib.core import schema
from fuchan_lib.core.messages import quoted
from fuchan_lib.core.exceptions import LedgerError, OutputExistsError
from fuchan_lib.core.text import excel_width
from fuchan_lib.core.xlsx import save_workbook

LAST_ROW = 5000  # validations and formats reach this row: far more enterprises than a county has
DATE_FORMAT = "yyyy-mm-dd"
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2099, 12, 31)
MAX_PEOPLE = 1_000_000
LISTS_SHEET = "下拉选项"
NOTES_SHEET = "说明"
UNIT_DEFAULT = "万元"

_HEADER_FONT = Font(bold=True)
_REQUIRED_FONT = Font(bold=True, color="C00000")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")

# what each column means and an example value; required/allowed values come from `schema`
_MEANING: dict[str, tuple[str, str]] = {
    schema.NAME: ("企业（单位）的全称，与营业执照一致；一行填一户企业", "××县××建材有限公司"),
    schema.CREDIT_CODE: (
        "18位统一社会信用代码（营业执照上的代码）。填写后按它识别企业，同一代码不能出现两次",
        "91360000MA35L8K2XF",
    ),
    schema.TOWN: ("企业所在的乡镇、街道或工业园区，用于分乡镇统计复工率", "城关镇"),
    schema.SCALE: ("规上 = 规模以上工业企业（已纳入统计联网直报），规下 = 规模以下工业企业", "规上"),
    schema.CATEGORY: (
        "限上批零住餐 = 限额以上批发、零售、住宿、餐饮企业；大个体 = 纳入统计的大个体户；"
        "规上服务业 = 规模以上服务业企业",
        "限上批零住餐",
    ),
    schema.TRADE: (
        "限上批零住餐和大个体填 批发业、零售业、住宿业、餐饮业之一；"
        "规上服务业填国民经济行业门类名称",
        "零售业",
    ),
    schema.STATUS: (
        "春节期间的状态：正常生产（营业）= 春节期间没有停；停产（停业）放假 = 节日放假、节后需复工；"
        "长期停产（停业）= 节前就已停产停业，不计入需复工",
        "",
    ),
    schema.RESUMED_ON: (
        "节后实际复工（复产、复业）的日期，写成 2023-02-01 这样的日期。"
        "尚未复工的留空；春节期间正常生产（营业）和长期停产（停业）的企业留空",
        "2023-02-01",
    ),
    schema.STAFF: ("企业从业人员总数（人），整数", "120"),
    schema.RETURNED: ("截至填报时已返岗的人数（人），整数，不超过从业人员", "98"),
    schema.REASON: ("尚未复工的原因；已复工的留空", "订单不足"),
    schema.EXPECTED: (
        "尚未复工的企业预计哪天复工：写日期（如 2023-03-10），或“3月上旬”“3月中旬”“3月下旬”“3月底”"
        "（按10日、20日、月末计）；说不准的留空（报告中算“复工时间待定”）。已复工的留空",
        "3月上旬",
    ),
    schema.INDICATOR: ("指标名称；已列出报告用到的指标，可在下方添加其他指标", "规模以上工业总产值"),
    schema.UNIT: ("本期、上年同期、目标的计量单位", "万元"),
    schema.CURRENT: ("本期数（本年累计），数字", "125680"),
    schema.LAST_YEAR: ("上年同期数（同口径累计），数字；与本期一起用于计算同比", "118300"),
    schema.GROWTH: (
        "统计部门公布的同比增速（%），只填数字不带%；如规模以上工业增加值按可比价计算的增速，"
        "无法由本期和上年同期算出，必须填此列。留空则按本期和上年同期计算",
        "6.5",
    ),
    schema.TARGET: ("目标截止日期前要完成的目标值（与单位一致）", "380000"),
    schema.TARGET_GROWTH: ("目标对应的同比增速（%），只填数字", "8"),
}

_RESUMED_RULE = (
    "复工日期的算法：报告按参数文件中的“截止日期”统计，复工日期不晚于截止日期的企业算已复工，"
    "晚于截止日期或留空的算未复工。因此只填实际已复工的日期，不要填计划日期"
    "（预计复工的时间请填在“预计复工日期”列，过了预计日期仍未复工的在督办清单中标为逾期）；每周更新台账时，新复工的企业补上复工日期即可，已填的不要改。"
)



def _existing_towns(params_path: Path) -> list[str]:
    """Distinct non-empty 乡镇（园区） of the params' industry and service ledgers, in file order."""
    from fuchan_lib.ingest.ledger import raise_for_problems, read_entries
    from fuchan_lib.core.params import load_params

    params = load_params(params_path)
    towns: dict[str, None] = {}
    for kind in (schema.INDUSTRY, schema.SERVICE):
        entries = [(path, sheet) for path, sheet in params.ledger(kind) or () if path.exists()]
        if not entries:
            continue
        ledger = raise_for_problems(read_entries(entries, kind, year=params.spring_festival.year,
                                                 towns=params.towns)).frame
        for town in ledger[schema.TOWN].dropna():
            if str(town).strip():
                towns.setdefault(str(town).strip(), None)
    if not towns:
        raise LedgerError(
            f"参数文件“{params_path.name}”所列的工业、服务业台账中没有找到任何乡镇（园区）名称，"
            "无法生成乡镇下拉选项",
            fix="检查台账的“乡镇（园区）”列，或不加 --params 生成模板（乡镇一列可自由填写）",
        )
    return list(towns)


def _choices(column: schema.Column, towns: list[str] | None) -> tuple[str, ...]:
    if column.name == schema.TOWN:
        return tuple(towns or ())
    return column.choices


def _add_lists(book: Workbook, columns, towns) -> dict[str, str]:
    """Write each dropdown list into a column of the hidden sheet (after the lists of another
    ledger already there); canonical name -> range."""
    lists = {c.name: _choices(c, towns) for c in columns if _choices(c, towns)}
    if not lists:
        return {}
    if LISTS_SHEET in book.sheetnames:
        sheet = book[LISTS_SHEET]
        first = sheet.max_column + 1
    else:
        sheet, first = book.create_sheet(LISTS_SHEET), 1
    sheet.sheet_state = "hidden"
    ranges = {}
    for j, (name, choices) in enumerate(lists.items(), start=first):
        letter = get_column_letter(j)
        sheet.cell(row=1, column=j, value=f"下拉选项-{name}")  # not a column name: never a ledger
        for i, choice in enumerate(choices, start=2):
            sheet.cell(row=i, column=j, value=choice)
        sheet.column_dimensions[letter].width = max(map(excel_width, choices)) + 4
        last = len(choices) + 1
        ranges[name] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${last}"
    return ranges


def _validation(column: schema.Column, list_range: str | None) -> DataValidation | None:
    """The Excel data validation of one column (with a Chinese prompt and error), if any."""
    name = column.name
    if list_range is not None:
        town = name == schema.TOWN
        dv = DataValidation(type="list", formula1=list_range, allow_blank=not column.required)
        dv.error = (
            "不在本县乡镇（园区）名单中。确认是新的乡镇（园区）请点“是”" if town
            else "请从下拉列表中选择，不要手工输入其他写法"
        )
        dv.errorStyle = "warning" if town else "stop"
        dv.prompt = "请从下拉列表中选择"
    elif column.kind == "date":
        dv = DataValidation(
            type="date", operator="between", allow_blank=True,
            formula1=str(int(to_excel(FIRST_DATE))), formula2=str(int(to_excel(LAST_DATE))),
        )
        dv.error = "请填写日期，如 2023-02-01；尚未复工的留空"
        dv.prompt = "实际复工日期，如 2023-02-01；未复工留空"
    elif column.kind == "int":
        dv = DataValidation(
            type="whole", operator="between", allow_blank=True,
            formula1="0", formula2=str(MAX_PEOPLE),
        )
        dv.error = "请填写不小于0的整数（人数）"
        dv.prompt = "整数（人）"
    elif column.kind == "number":
        dv = DataValidation(
            type="decimal", operator="between", allow_blank=True,
            formula1="-1000000000000", formula2="1000000000000",
        )
        dv.error = "请填写数字（不要带单位或%）"
        dv.prompt = "数字，不带单位或%"
    else:
        return None
    dv.errorTitle = f"“{name}”填写有误"
    dv.promptTitle = name
    dv.showErrorMessage = True
    dv.showInputMessage = True
    return dv


def _column_width(column: schema.Column, choices: tuple[str, ...]) -> float:
    by_kind = {"text": 16, "code": 22, "date": 13, "int": 12, "number": 14, "choice": 10}
    width = max([by_kind[column.kind], excel_width(column.name), *map(excel_width, choices)])
    if column.name == schema.NAME:
        width = 36
    elif column.name == schema.REASON:
        width = 30
    return width + 3


def _fill_data_sheet(sheet: Worksheet, columns, ranges: dict[str, str], towns) -> None:
    for j, column in enumerate(columns, start=1):
        letter = get_column_letter(j)
        cell = sheet.cell(row=1, column=j, value=column.name)
        cell.font = _REQUIRED_FONT if column.required else _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        dimension = sheet.column_dimensions[letter]
        dimension.width = _column_width(column, _choices(column, towns))
        if column.kind == "date":
            dimension.number_format = DATE_FORMAT  # column style: applies to what is typed in
        elif column.kind == "code":
            dimension.number_format = "@"  # text, so an all-digit code keeps every digit
        validation = _validation(column, ranges.get(column.name))
        if validation is not None:
            validation.add(f"{letter}2:{letter}{LAST_ROW}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 22


def _allowed_text(column: schema.Column, towns) -> str:
    if column.name == schema.TOWN:
        return "从下拉列表选择本县乡镇（园区）" if towns else "自由填写"
    if column.choices:
        return quoted(column.choices)
    return {
        "text": "文字", "code": "18位字母和数字", "date": "日期（yyyy-mm-dd），或留空",
        "int": "不小于0的整数，或留空", "number": "数字（不带单位和%），或留空",
    }[column.kind]


def _fill_notes_sheet(sheet: Worksheet, kind: str, columns, towns) -> None:
    """The notes of one ledger, below those of another ledger already on the sheet."""
    data_note = (
        f"请在工作表“{kind}”中填写：第1行是表头，不要改动、删除或调换列；"
        "从第2行起一行一户企业（经济指标表一行一个指标），不要插入合计行、标题行或合并单元格。"
    )
    notes = [
        (f"{kind}填写说明", True),
        (data_note, False),
        ("表头为红色的列必须填写；带下拉箭头的单元格请从列表中选择。", False),
    ]
    if kind == schema.INDICATORS:
        notes.append(("金额单位一般为万元；增速、目标增速填百分数的数字部分（如增长6.5%填 6.5）。", False))
    row = sheet.max_row + 3 if sheet.max_row > 1 else 1
    for text, bold in notes:
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = Font(bold=True, size=14) if bold else Font()
        row += 1
    row += 1
    for j, label in enumerate(("列名", "含义", "是否必填", "可填的值", "填写样例"), start=1):
        cell = sheet.cell(row=row, column=j, value=label)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for column in columns:
        row += 1
        meaning, example = _MEANING[column.name]
        if column.name == schema.STATUS:
            example = column.choices[1]
        cells = (column.name, meaning, "必填" if column.required else "选填",
                 _allowed_text(column, towns), example)
        for j, value in enumerate(cells, start=1):
            sheet.cell(row=row, column=j, value=value).alignment = _WRAP
    if any(c.kind == "date" for c in columns):
        row += 2
        sheet.cell(row=row, column=1, value=_RESUMED_RULE)
    for letter, width in zip("ABCDE", (18, 60, 10, 40, 26)):
        sheet.column_dimensions[letter].width = width


def ledger_workbook(kinds: tuple[str, ...], towns: list[str] | None) -> Workbook:
    """A workbook with one blank data sheet per ledger kind (named after it, first), the 说明
    sheet and the hidden dropdown lists (`towns`: the 乡镇 dropdown; None for free text)."""
    book = Workbook()
    book.remove(book.active)
    data_sheets = [book.create_sheet(kind) for kind in kinds]
    notes = book.create_sheet(NOTES_SHEET)
    for kind, data in zip(kinds, data_sheets):
        columns = schema.COLUMNS_BY_KIND[kind]
        _fill_data_sheet(data, columns, _add_lists(book, columns, towns), towns)
        _fill_notes_sheet(notes, kind, columns, towns)
    book.active = 0
    return book


def _workbook(kind: str, towns: list[str] | None) -> Workbook:
    book = ledger_workbook((kind,), towns)
    data = book[kind]
    if kind == schema.INDICATORS:
        for i, indicator in enumerate(schema.SEED_INDICATORS, start=2):
            data.cell(row=i, column=1, value=indicator)
            data.cell(row=i, column=2, value=UNIT_DEFAULT)
    return book


TEMPLATE_KINDS = (schema.INDUSTRY, schema.SERVICE, schema.INDICATORS)


def write_templates(folder: Path, params_path: Path | None = None) -> list[Path]:
    """Write the three blank ledgers into `folder`; never overwrites. Returns the files written.

    With `params_path`, the 乡镇（园区） dropdown lists the towns found in that county's current
    ledgers; without it the column is free text.
    """
    folder = Path(folder)
    targets = [folder / f"{kind}.xlsx" for kind in TEMPLATE_KINDS]
    if folder.exists() and not folder.is_dir():
        raise OutputExistsError(f"“{folder}”是一个文件而不是文件夹，请换一个文件夹名存放模板")
    for path in targets:  # check all first: never leave a half-written set
        if path.exists():
            raise OutputExistsError(
                f"文件“{path}”已存在，为免覆盖已填写的内容，没有生成模板。"
                "请换一个文件夹，或先把已有文件移走或改名"
            )
    towns = _existing_towns(Path(params_path)) if params_path is not None else None
    folder.mkdir(parents=True, exist_ok=True)
    for kind, path in zip(TEMPLATE_KINDS, targets):
        save_workbook(_workbook(kind, towns), path)
    return targets
