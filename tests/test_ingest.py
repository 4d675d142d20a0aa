"""Reading ledger files: canonical format, real-world mess (DESIGN §6) and the error messages."""

import datetime as dt

import openpyxl
import pandas as pd
import pytest
import xlwt

from fuchan_lib.core import schema
from fuchan_lib.core.exceptions import LedgerError, LedgerProblems
from fuchan_lib.ingest.ledger import ledger_from_rows, read_entries, read_ledger
from make_bad_inputs import write_xlsx  # sheets: {name: rows}; cells as Python values

IND = schema.INDUSTRY
HEADER = ["企业名称", "统一社会信用代码", "乡镇（园区）", "企业规模", "春节期间状态", "复工日期",
          "从业人员", "已返岗人数", "未复工原因"]
ROWS = [
    ["甲公司", "91330100MA0000001A", "城关镇", "规上", "停产放假", dt.datetime(2023, 2, 1), 30, 20, None],
    ["乙公司", None, "城关镇", "规下", "正常生产", None, 12, 12, None],
    ["丙公司", "91330100MA0000003C", "新区", "规下", "停产放假", None, None, None, "缺订单"],
]




def as_text(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value.year}/{value.month}/{value.day}"
    return str(value)


def write_csv(path, rows, encoding):
    text = "\r\n".join(",".join(as_text(v) for v in row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def check_clean(frame, file, sheet):
    """The frame read from HEADER + ROWS, whatever the file format."""
    assert list(frame.columns) == HEADER + [schema.EXPECTED, schema.SOURCE_FILE, schema.SOURCE_SHEET,
                                            schema.SOURCE_ROW]  # an optional column absent: blank
    assert frame[schema.NAME].tolist() == ["甲公司", "乙公司", "丙公司"]
    assert frame[schema.CREDIT_CODE].tolist() == ["91330100MA0000001A", None, "91330100MA0000003C"]
    assert frame[schema.SCALE].tolist() == ["规上", "规下", "规下"]
    assert frame[schema.STATUS].tolist() == ["停产放假", "正常生产", "停产放假"]
    assert frame[schema.RESUMED_ON].tolist()[0] == pd.Timestamp("2023-02-01")
    assert frame[schema.RESUMED_ON].isna().tolist() == [False, True, True]
    assert frame[schema.STAFF].tolist() == [30, 12, pd.NA]
    assert frame[schema.RETURNED].tolist() == [20, 12, pd.NA]
    assert frame[schema.REASON].tolist() == [None, None, "缺订单"]
    assert frame[schema.SOURCE_FILE].tolist() == [file] * 3
    assert frame[schema.SOURCE_SHEET].tolist() == [sheet] * 3
    assert frame[schema.SOURCE_ROW].tolist() == [2, 3, 4]
    assert dict(frame.dtypes.astype(str)) == {
        "企业名称": "object", "统一社会信用代码": "object", "乡镇（园区）": "category",
        "企业规模": "category", "春节期间状态": "category", "复工日期": "datetime64[ns]",
        "从业人员": "Int64", "已返岗人数": "Int64", "未复工原因": "object", "预计复工日期": "object",
        "_文件": "object", "_工作表": "object", "_行号": "int64",
    }


def test_a_canonical_xlsx_reads_to_the_known_frame(tmp_path):
    path = write_xlsx(tmp_path / "工业.xlsx", {"台账": [HEADER, *ROWS]})
    check_clean(read_ledger(path, IND), "工业.xlsx", "台账")


def test_an_xls_file_reads_the_same(tmp_path):
    book = xlwt.Workbook()
    sheet = book.add_sheet("台账")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for i, row in enumerate([HEADER, *ROWS]):
        for j, value in enumerate(row):
            if value is not None:
                sheet.write(i, j, value, date_style if isinstance(value, dt.datetime) else xlwt.Style.default_style)
    path = tmp_path / "工业.xls"
    book.save(str(path))
    check_clean(read_ledger(path, IND), "工业.xls", "台账")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_any_common_chinese_encoding_reads_the_same(tmp_path, encoding):
    path = write_csv(tmp_path / "工业.csv", [HEADER, *ROWS], encoding)
    check_clean(read_ledger(path, IND), "工业.csv", "")


def test_optional_columns_absent_are_filled_with_na_of_the_right_dtype(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"S": [["企业名称", "企业规模", "春节期间状态"],
                                                 ["甲", "规上", "正常生产"]]})
    frame = read_ledger(path, IND)
    assert list(frame.columns[:9]) == HEADER
    assert frame[schema.RESUMED_ON].dtype == "datetime64[ns]"
    assert frame[schema.STAFF].dtype == "Int64"
    assert frame[[schema.CREDIT_CODE, schema.TOWN, schema.REASON]].isna().all().all()
    assert frame[schema.RESUMED_ON].isna().all()


def test_alias_headers_with_spaces_full_width_brackets_units_and_marks(tmp_path):
    header = ["单位名称", "信用代码", "乡镇(园区)", " 规　模 ", "春节期间\n状态", "复工时间",
              "从业人员(人)", "已返岗人数（人）", "备注"]
    path = write_xlsx(tmp_path / "a.xlsx", {"S": [header, *ROWS]})
    check_clean(read_ledger(path, IND), "a.xlsx", "S")


def test_missing_required_columns_are_listed_with_the_columns_found(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"S": [["单位名称", "乡镇", "从业人员"], ["甲", "城关镇", 3]]})
    with pytest.raises(LedgerError) as err:
        read_ledger(path, IND)
    message = str(err.value)
    assert "缺少必需的列「企业规模」「春节期间状态」" in message
    assert "表中找到的列：「单位名称」「乡镇」「从业人员」" in message
    assert "文件“a.xlsx”" in message and "工作表“S”" in message
    assert "规模" in err.value.fix  # the accepted spellings are offered


def test_an_unknown_choice_value_names_row_column_cell_and_allowed_values(tmp_path):
    rows = [HEADER, *ROWS]
    rows[2] = list(rows[2])
    rows[2][3] = "中型"
    path = write_xlsx(tmp_path / "a.xlsx", {"S": rows})
    with pytest.raises(LedgerError) as err:
        read_ledger(path, IND)
    e = err.value
    assert (e.file, e.sheet, e.row, e.column) == ("a.xlsx", "S", 3, "企业规模")
    assert "值“中型”不是允许的取值（D3单元格）" in str(e)
    assert "请改为以下之一：「规上」「规下」" in str(e)


def test_a_bad_date_message_says_how_to_write_one(tmp_path):
    rows = [HEADER, *ROWS]
    rows[3] = list(rows[3])
    rows[3][5] = "2023-13-01"
    path = write_xlsx(tmp_path / "a.xlsx", {"S": rows})
    with pytest.raises(LedgerError, match=r"第4行（[^）]+），“复工日期”列：值“2023-13-01”不是有效日期（F4单元格）"
                                          r"。处理办法：请改为 2023年2月1日 这样的日期或留空"):
        read_ledger(path, IND)


def test_every_bad_cell_is_listed_with_its_cell_and_fix(tmp_path):
    rows = [HEADER] + [[f"企业{i}", None, None, "规上", "放假", "坏日期", "x", None, None]
                       for i in range(3)]
    path = write_xlsx(tmp_path / "a.xlsx", {"S": rows})
    with pytest.raises(LedgerProblems) as err:
        read_ledger(path, IND)
    assert err.value.row == 2 and err.value.column == "复工日期"
    cells = [(p.cell, p.column, p.enterprise) for p in err.value.problems]
    assert cells == [("F2", "复工日期", "企业0"), ("G2", "从业人员", "企业0"),
                     ("F3", "复工日期", "企业1"), ("G3", "从业人员", "企业1"),
                     ("F4", "复工日期", "企业2"), ("G4", "从业人员", "企业2")]
    text = str(err.value)
    assert "文件“a.xlsx”工作表“S”（6处）：" in text
    assert "第2行（企业0），“复工日期”列：值“坏日期”不是有效日期（F2单元格）。处理办法：请改为 2023年2月1日" in text
    assert "第3行（企业1），“复工日期”列：值“坏日期”不是有效日期（F3单元格）。处理办法：请改为 2023年2月1日" in text
    assert text.count("处理办法：请只填写人数") == 3  # a fix is repeated for each cell


def test_a_whole_column_of_bad_cells_lists_the_first_fifty(tmp_path):
    rows = [HEADER] + [[f"企业{i}", None, None, "规上", "放假", "坏日期"] for i in range(120)]
    path = write_xlsx(tmp_path / "a.xlsx", {"S": rows})
    with pytest.raises(LedgerProblems) as err:
        read_ledger(path, IND)
    assert len(err.value.problems) == 50 and err.value.unlisted == {("a.xlsx", "S"): 70}
    assert "（120处，以下列出前50处）" in str(err.value) and "另有70处未列出" in str(err.value)


def test_a_required_blank_value_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"S": [HEADER, ["甲", None, None, "规上", None]]})
    with pytest.raises(LedgerError, match="第2行（甲），“春节期间状态”列：不能为空（E2单元格）"):
        read_ledger(path, IND)


# --- DESIGN §6: real-world layout --------------------------------------------------------------

def test_title_rows_serial_column_totals_first_footnote_and_trailing_blanks(tmp_path):
    rows = [
        ["示例县工业企业复工复产台账"],
        ["填报单位：城关镇", None, None, None, "截至2023年2月15日"],
        [],
        ["序号", *HEADER],
        ["合计", None, None, None, None, None, None, "42", "32", None],
        *[[i + 1, *row] for i, row in enumerate(ROWS)],
        [None, "小计"],
        [],
        ["注：复工日期留空表示未复工"],
        ["填表人：张三", None, None, None, None, "联系电话：123"],
        [None] * 10,
    ]
    path = write_xlsx(tmp_path / "a.xlsx", {"台账": rows})
    frame = read_ledger(path, IND)
    assert frame[schema.NAME].tolist() == ["甲公司", "乙公司", "丙公司"]
    assert frame[schema.SOURCE_ROW].tolist() == [6, 7, 8]
    assert frame[schema.STAFF].tolist() == [30, 12, pd.NA]


def test_two_row_merged_header_is_combined(tmp_path):
    top = ["序号", "企业名称", "统一社会信用代码", "乡镇（园区）", "企业规模", "春节期间状态",
           "复工情况", None, "用工情况（人）", None, "未复工原因"]
    bottom = [None, None, None, None, None, None, "是否复工", "复工日期", "从业人员", "已返岗", None]
    rows = [["xx县工业企业复工复产台账"], top, bottom]
    rows += [[i + 1, *row[:5], "是" if row[5] else "否", *row[5:]] for i, row in enumerate(ROWS)]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "台账"
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("G2:H2")
    sheet.merge_cells("I2:J2")
    sheet.merge_cells("B2:B3")
    path = tmp_path / "a.xlsx"
    book.save(path)
    frame = read_ledger(path, IND)
    assert frame[schema.RESUMED_ON].tolist()[0] == pd.Timestamp("2023-02-01")
    assert frame[schema.STAFF].tolist() == [30, 12, pd.NA]
    assert frame[schema.RETURNED].tolist() == [20, 12, pd.NA]
    assert frame[schema.SOURCE_ROW].tolist() == [4, 5, 6]


def test_top_row_of_a_two_row_header_names_the_column_when_the_bottom_is_a_subtotal(tmp_path):
    top = ["企业名称", "企业规模", "春节期间状态", "从业人员", None]
    bottom = [None, None, None, "合计", "已返岗人数"]
    path = write_xlsx(tmp_path / "a.xlsx", {"S": [top, bottom, ["甲", "规上", "正常生产", 9, 8]]})
    frame = read_ledger(path, IND)
    assert (frame[schema.STAFF].tolist(), frame[schema.RETURNED].tolist()) == ([9], [8])


def test_the_sheet_whose_header_fits_is_chosen(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {
        "说明": [["本表说明"], ["请按要求填写"]],
        "工业": [HEADER, *ROWS],
        "空表": [],
    })
    check_clean(read_ledger(path, IND), "a.xlsx", "工业")


def test_the_sheet_argument_picks_by_name_and_an_unknown_name_lists_the_sheets(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"2月8日": [HEADER, ROWS[0]], "2月15日": [HEADER, *ROWS]})
    check_clean(read_ledger(path, IND, sheet="2月15日"), "a.xlsx", "2月15日")
    # without 工作表, both weeks are read: the firm in both is counted once and named as entered twice
    both = read_entries([(path, None)], IND)
    assert len(both.frame) == len(ROWS)
    assert [(i.rule, i.sheet, i.row) for i in both.issues][:1] == [("信用代码重复", "2月15日", 2)]
    assert "工作表“2月8日”第2行" in both.issues[0].message
    with pytest.raises(LedgerError, match="没有名为“2月1日”的工作表。处理办法：现有工作表：「2月8日」「2月15日」"):
        read_ledger(path, IND, sheet="2月1日")


def test_when_no_sheet_fits_each_sheet_is_listed_with_what_it_lacks(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {
        "甲": [["企业名称", "企业规模"], ["x", "规上"]],
        "乙": [["名称", "类别"], ["y", "z"]],
    })
    with pytest.raises(LedgerError) as err:
        read_ledger(path, IND)
    assert "没有一个工作表像是工业企业台账" in str(err.value)
    assert "“甲”缺少「春节期间状态」" in str(err.value)
    assert "“乙”缺少「企业规模」「春节期间状态」" in str(err.value)


def test_two_alias_columns_for_one_canonical_column_are_refused(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"S": [["企业名称", "企业规模", "春节期间状态", "乡镇", "园区"],
                                                 ["甲", "规上", "正常生产", "城关镇", "工业园"]]})
    with pytest.raises(LedgerError, match="「乡镇」「园区」这几列都可以当作“乡镇（园区）”"):
        read_ledger(path, IND)


def test_a_canonical_column_wins_over_an_alias_column(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"S": [
        ["企业名称", "企业规模", "春节期间状态", "备注", "未复工原因"],
        ["甲", "规上", "停产放假", "联系人：王五", "缺工"],
    ]})
    assert read_ledger(path, IND)[schema.REASON].tolist() == ["缺工"]


def test_dates_without_year_use_the_year_argument(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"S": [HEADER, ["甲", None, None, "规上", "放假", "2月3日"]]})
    assert read_ledger(path, IND, year=2023)[schema.RESUMED_ON].tolist() == [pd.Timestamp("2023-02-03")]
    with pytest.raises(LedgerError, match="没有写年份"):
        read_ledger(path, IND)


def test_control_characters_and_x000b_escapes_are_removed(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"S": [HEADER, ["甲_x000B_公司", None, "城关_x000D_镇",
                                                           "规上", "正常生产"]]})
    frame = read_ledger(path, IND)
    assert frame[schema.NAME].tolist() == ["甲公司"]
    assert frame[schema.TOWN].tolist() == ["城关镇"]


def test_service_ledger_and_indicator_ledger(tmp_path):
    service = write_xlsx(tmp_path / "s.xlsx", {"S": [
        ["单位名称", "类别", "行业", "春节期间状态", "复工日期"],
        ["超市", "限额以上", "零售", "营业", None],
        ["物业", "规上服务业", "租赁和商务服务业", "停业放假", "2023.2.6"],
    ]})
    frame = read_ledger(service, schema.SERVICE)
    assert frame[schema.CATEGORY].tolist() == ["限上批零住餐", "规上服务业"]
    assert frame[schema.TRADE].tolist() == ["零售业", "租赁和商务服务业"]
    assert frame[schema.STATUS].tolist() == ["正常营业", "停业放假"]

    indicators = write_csv(tmp_path / "i.csv", [
        ["指标", "单位", "本期", "上年同期", "增速（%）"],
        ["规模以上工业总产值", "万元", "\"12,345.6\"", "10000", "-"],
        ["规模以上工业增加值", "万元", "5.2万元", "", "3.5%"],
        ["合计", "万元", "1", "1", ""],
    ], "gbk")
    frame = read_ledger(indicators, schema.INDICATORS)
    assert frame[schema.INDICATOR].tolist() == ["规模以上工业总产值", "规模以上工业增加值"]
    assert frame[schema.CURRENT].tolist() == [12345.6, 5.2]
    assert frame[schema.LAST_YEAR].tolist() == [10000.0, pd.NA]
    assert frame[schema.GROWTH].tolist() == [pd.NA, 3.5]
    assert frame[schema.TARGET].dtype == "Float64"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.txt", b"x", "不支持“.txt”格式的文件"),
        ("a.xls", b"<html><table><tr><td>1</td></tr></table></html>", "网页（HTML）格式"),
        ("b.xls", b"\xef\xbb\xbf<html><table></table></html>", "网页（HTML）格式"),  # with a BOM
        ("c.xlsx", b"  \r\n<!DOCTYPE html><html></html>", "网页（HTML）格式"),
        ("a.xlsx", b"not a zip", "文件不是 Excel 表格"),
        ("b.xlsx", b"PK\x03\x04 cut short", "文件不完整"),
    ],
)
def test_files_that_are_not_ledgers_are_refused_in_chinese(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LedgerError, match=message):
        read_ledger(path, IND)


def test_a_missing_file_is_a_ledger_error(tmp_path):
    with pytest.raises(LedgerError, match="找不到工业企业台账文件或文件夹"):
        read_ledger(tmp_path / "无.xlsx", IND)


def test_an_unknown_kind_is_a_programming_error(tmp_path):
    with pytest.raises(ValueError, match="kind must be one of"):
        ledger_from_rows([], "台账")


def test_a_header_with_no_data_gives_an_empty_frame_with_all_columns():
    frame = ledger_from_rows([HEADER, [None] * 9], IND, file="a.csv")
    assert len(frame) == 0
    assert list(frame.columns[:9]) == HEADER


def test_the_layout_shows_sheet_header_rows_and_aliased_columns(tmp_path):
    rows = [["示例县工业企业复工复产台账"], [],
            ["序号", "单位名称", "规模", "春节期间状态", "复工时间", "联系电话"],
            [1, "甲公司", "规上", "停产放假", "2023-02-01", ""]]
    path = write_xlsx(tmp_path / "a.xlsx", {"台账": rows})
    read = read_entries([(path, None)], IND)
    frame, (layout,) = read.frame, read.mappings
    assert len(frame) == 1 and layout.sheet == "台账" and layout.header_rows == (3, 3)
    assert layout.columns[:2] == (("企业名称", "B", "单位名称"), ("企业规模", "C", "规模"))
    text = layout.describe()
    assert text.startswith("工业企业台账：文件“a.xlsx”工作表“台账”，表头在第3行，读入1行")
    assert "B列“单位名称”→企业名称" in text and "D列→春节期间状态" in text and "E列“复工时间”→复工日期" in text
    assert "文件中没有的列（按空白处理）：「统一社会信用代码」「乡镇（园区）」" in text
    assert "没有用到的列：「联系电话」" in text


def test_the_workbook_check_names_a_web_page_saved_as_excel(tmp_path):
    """One check of the first bytes says both "not a workbook" and "a web page" (ingest.limits)."""
    from fuchan_lib.ingest import limits

    for name, head, message in (("a.xls", b"<html><table></table></html>", "网页（HTML）格式"),
                                ("b.xls", b"plain text", "文件不是 Excel 表格")):
        path = tmp_path / name
        path.write_bytes(head)
        with pytest.raises(LedgerError, match=message):
            limits.check_workbook(path)
