"""Cell-value parsing: hand-checked known answers for every accepted form and the refusals."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from fuchan_lib.core import schema
from fuchan_lib.ingest import values

SCALE = next(c for c in schema.INDUSTRY_COLUMNS if c.name == schema.SCALE)
STATUS = next(c for c in schema.INDUSTRY_COLUMNS if c.name == schema.STATUS)
TRADE = next(c for c in schema.SERVICE_COLUMNS if c.name == schema.TRADE)


def cells(*items):
    return pd.Series(list(items), dtype=object)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  甲公司 ", "甲公司"),
        ("甲\x0b公司", "甲公司"),
        ("甲_x000B_公司", "甲公司"),
        ("示例　县 宏达\n建材", "示例县宏达建材"),
        ("ABC  Co.,\u00a0Ltd", "ABC Co., Ltd"),
        ("\u200b乙公司\ufeff", "乙公司"),
        (1.0, "1"),
        (dt.date(2023, 2, 1), "2023-02-01"),
        ("", None),
        ("　 ", None),
        (None, None),
    ],
)
def test_clean_text_removes_control_characters_and_stray_spaces(raw, expected):
    assert values.parse_text(cells(raw)).tolist() == [expected]


def test_clean_text_keeps_dtype_object_with_none():
    out = values.parse_text(cells("a", None, ""))
    assert out.dtype == object
    assert out.tolist() == ["a", None, None]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234", 1234), ("12 516", 12516), ("１２３", 123), ("30人", 30), ("30名", 30),
        (30, 30), (30.0, 30), (" 7 ", 7), ("0", 0),
    ],
)
def test_integers_in_the_forms_statisticians_type(raw, expected):
    parsed = values.parse_number(cells(raw), schema.STAFF, integer=True)
    assert parsed.values.dtype == "Int64"
    assert parsed.values.tolist() == [expected]
    assert not parsed.bad.any()


@pytest.mark.parametrize("raw", ["12.5", 12.5, "abc", "30户", True, dt.date(2023, 2, 1), "1,2",
                                 1e20, 9.3e18, "99999999999999999999"])
def test_integers_refuse_fractions_words_and_dates(raw):
    parsed = values.parse_number(cells(raw), schema.STAFF, integer=True)
    assert parsed.bad.tolist() == [True]
    assert parsed.values.isna().all()


@pytest.mark.parametrize(
    ("column", "raw", "expected"),
    [
        (schema.CURRENT, "5.2万元", 5.2), (schema.CURRENT, "1,234.5", 1234.5),
        (schema.CURRENT, "－3.5", -3.5), (schema.GROWTH, "−3.5", -3.5),
        (schema.GROWTH, "5.2%", 5.2), (schema.GROWTH, "５．２％", 5.2),
        (schema.CURRENT, ".5", 0.5), (schema.CURRENT, 8.25, 8.25),
    ],
)
def test_numbers_with_units_signs_and_full_width_digits(column, raw, expected):
    parsed = values.parse_number(cells(raw), column)
    assert parsed.values.dtype == "Float64"
    assert parsed.values.tolist() == [pytest.approx(expected)]
    assert not parsed.bad.any()


@pytest.mark.parametrize(
    ("column", "raw"),
    [(schema.CURRENT, "5.2%"), (schema.GROWTH, "5.2万元"), (schema.CURRENT, "5.2亿元"),
     (schema.CURRENT, "约100"), (schema.CURRENT, float("inf"))],
)
def test_numbers_refuse_a_unit_that_does_not_belong_to_the_column(column, raw):
    assert values.parse_number(cells(raw), column).bad.tolist() == [True]


@pytest.mark.parametrize("raw", ["", "-", "—", "——", "/", "无", None, "  "])
def test_placeholders_mean_blank_in_number_columns(raw):
    parsed = values.parse_number(cells(raw), schema.STAFF, integer=True)
    assert parsed.values.isna().all()
    assert not parsed.bad.any()


FEB_1 = pd.Timestamp("2023-02-01")


@pytest.mark.parametrize(
    "raw",
    [
        "2023年2月1日", "2023.2.1", "2023/2/1", "2023-2-1", "2023-02-01", "2023 年 2 月 1 日",
        "２０２３年２月１日", "2023-02-01 00:00:00", "2023-02-01 08:30", "20230201", 20230201,
        44958, 44958.0, 44958.75, "44958", dt.datetime(2023, 2, 1, 8, 30), dt.date(2023, 2, 1),
        "2月1日", "2.1",
    ],
)
def test_dates_in_every_accepted_form_mean_the_same_day(raw):
    parsed = values.parse_date(cells(raw), year=2023)
    assert parsed.values.dtype == "datetime64[ns]"
    assert parsed.values.tolist() == [FEB_1]
    assert not parsed.bad.any()


@pytest.mark.parametrize(
    "raw", ["2023-13-01", "2023-2-30", "明天", "23.2.1", 5, 1e9, True, "1899-12-31", dt.time(8)]
)
def test_impossible_dates_are_bad(raw):
    parsed = values.parse_date(cells(raw), year=2023)
    assert parsed.bad.tolist() == [True]
    assert parsed.values.isna().all()


@pytest.mark.parametrize("raw, shown", [
    (dt.datetime(2607, 9, 1), "2607-09-01"),  # became 2023-02-10 through a nanosecond overflow
    (dt.date(9999, 12, 31), "9999-12-31"),  # was reported as 1816年3月29日
    (dt.datetime(1900, 1, 1), "1900-01-01"),
    (dt.date(2101, 1, 1), "2101-01-01"),
])
def test_a_date_cell_outside_1990_to_2100_is_bad_and_shown_as_entered(raw, shown):
    parsed = values.parse_date(cells(raw))
    assert parsed.bad.tolist() == [True]
    assert parsed.values.isna().all()
    problem, _ = values.describe_problem(next(c for c in schema.INDUSTRY_COLUMNS if c.kind == "date"), raw)
    assert problem == f"日期“{shown}”不在1990年至2100年之间"


def test_date_cells_at_the_edges_of_the_range_are_read():
    parsed = values.parse_date(cells(dt.date(1990, 1, 1), dt.datetime(2100, 12, 31, 23, 59)))
    assert parsed.values.tolist() == [pd.Timestamp("1990-01-01"), pd.Timestamp("2100-12-31")]


def test_a_date_without_year_is_bad_unless_the_year_is_given():
    assert values.parse_date(cells("2月1日")).bad.tolist() == [True]
    problem, fix = values.describe_problem(
        next(c for c in schema.INDUSTRY_COLUMNS if c.kind == "date"), "2月1日"
    )
    assert "没有写年份" in problem
    assert "2023年2月1日" in fix


@pytest.mark.parametrize("raw", ["", None, "未复工", "—", "/"])
def test_blank_or_not_resumed_dates_are_nat_not_bad(raw):
    parsed = values.parse_date(cells(raw), year=2023)
    assert parsed.values.isna().all()
    assert not parsed.bad.any()


@pytest.mark.parametrize(
    ("column", "raw", "expected"),
    [
        (SCALE, "规上", "规上"), (SCALE, " 规 模 以 上 ", "规上"), (SCALE, "规模以下工业企业", "规下"),
        (SCALE, "是", "规上"), (SCALE, "√", "规上"), (SCALE, "否", "规下"),
        (STATUS, "停产放假", "停产放假"), (STATUS, "放假", "停产放假"), (STATUS, "正常", "正常生产"),
        (TRADE, "水利、环境和公共设施管理", "水利、环境和公共设施管理业"), (TRADE, "批发", "批发业"),
        (SCALE, None, None), (SCALE, "　", None),
    ],
)
def test_choices_map_aliases_to_canonical_values(column, raw, expected):
    parsed = values.parse_choice(cells(raw), column)
    assert parsed.values.tolist() == [expected]
    assert not parsed.bad.any()


def test_unknown_choice_is_bad_and_the_message_lists_allowed_values():
    parsed = values.parse_choice(cells("规上", "中型", None), SCALE)
    assert parsed.bad.tolist() == [False, True, False]
    assert parsed.values.tolist() == ["规上", None, None]
    problem, fix = values.describe_problem(SCALE, "中型")
    assert problem == "值“中型”不是允许的取值"
    assert fix.startswith("请改为以下之一：「规上」「规下」")


@pytest.mark.parametrize(
    ("raw", "expected", "bad"),
    [
        ("91330100 1234567890", "913301001234567890", False),
        ("９１３３０１００ｍａ２ｇ", "91330100MA2G", False),
        (123456789.0, "123456789", False),
        (913301001234567890.0, None, True),  # stored as a number: last digits already lost
        ("", None, False),
    ],
)
def test_codes_are_squeezed_and_upper_cased(raw, expected, bad):
    parsed = values.parse_code(cells(raw))
    assert parsed.bad.tolist() == [bad]
    if not bad:
        assert parsed.values.tolist() == [expected]


def test_parsing_maps_unique_values_back_to_every_row():
    raw = cells("30人", None, "30人", "x", "30", 30.0, "")
    parsed = values.parse_number(raw, schema.STAFF, integer=True)
    assert parsed.values.tolist() == [30, pd.NA, 30, pd.NA, 30, 30, pd.NA]
    assert parsed.bad.tolist() == [False, False, False, True, False, False, False]


def test_true_is_not_taken_for_one():
    parsed = values.parse_number(cells(1, True, 1), schema.STAFF, integer=True)
    assert parsed.bad.tolist() == [False, True, False]
    assert parsed.values.tolist()[0] == 1


def test_empty_column_parses_to_empty_results():
    parsed = values.parse_date(cells(), year=2023)
    assert len(parsed.values) == 0 and parsed.bad.dtype == np.bool_
