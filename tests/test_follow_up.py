"""督办 lists: per township, in the county's order, adding up to the county's 未复工企业清单."""

from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from fuchan_lib.report.follow_up_books import write_county_books
from fuchan_lib.stats.follow_up import (
    county_follow_up, follow_up_summary, not_resumed_rows, town_order,
)
from small_counties import industry, service

FESTIVAL, AS_OF = date(2023, 1, 22), date(2023, 2, 15)

INDUSTRY = industry([
    ("甲厂", "A1", "西镇", "规下", "停产放假", None, "订单不足"),
    ("乙厂", "A2", "东镇", "规上", "停产放假", "2023-02-10", None),
    ("丙厂", "A3", "东镇", "规上", "停产放假", "2023-02-16", "设备检修"),  # after the as-of date
    ("丁厂", "A4", None, "规下", "停产放假", None, "用工不足"),
    ("戊厂", "A5", "西镇", "规上", "长期停产", None, "拟注销"),  # not needing: not on the list
    ("己厂", "A6", "西镇", "规上", "停产放假", None, "用电受限"),
])
SERVICE = service([
    ("甲店", "B1", "东镇", "大个体", "零售业", "停业放假", None, "客流不足"),
    ("乙店", "B2", "南乡", "限上批零住餐", "餐饮业", "停业放假", None, None),
    ("丙店", "B3", "南乡", "规上服务业", "教育", "正常营业", None, None),
])


def test_townships_come_in_order_of_first_appearance_with_blank_last():
    assert town_order(INDUSTRY, SERVICE) == ["西镇", "东镇", "南乡", "未填"]


def test_lists_hold_the_not_resumed_firms_of_each_township_with_days_since_the_festival():
    lists = county_follow_up(INDUSTRY, SERVICE, FESTIVAL, AS_OF)
    assert list(lists) == ["西镇", "东镇", "南乡", "未填"]
    # 西镇: 规上 first (standard order), then 规下; 戊厂 is 长期停产, not on the list
    assert list(lists["西镇"]["企业名称"]) == ["己厂", "甲厂"]
    assert list(lists["东镇"]["企业名称"]) == ["丙厂", "甲店"]
    assert list(lists["南乡"]["企业名称"]) == ["乙店"]
    assert list(lists["未填"]["企业名称"]) == ["丁厂"]
    east = lists["东镇"]
    assert list(east.columns) == ["序号", "企业名称", "统一社会信用代码", "规模或类别", "行业",
                                  "未复工原因", "春节后天数"]
    assert list(east["统一社会信用代码"]) == ["A3", "B1"]
    assert list(east["规模或类别"]) == ["规上工业", "大个体"]
    assert set(east["春节后天数"]) == {24}  # 1月22日 to 2月15日


def test_township_lists_add_up_to_the_county_list():
    county = not_resumed_rows(INDUSTRY, SERVICE, AS_OF)
    lists = county_follow_up(INDUSTRY, SERVICE, FESTIVAL, AS_OF)
    stacked = pd.concat(lists.values(), ignore_index=True)
    assert len(stacked) == len(county) == 6
    assert sorted(stacked["统一社会信用代码"]) == sorted(county["统一社会信用代码"])


def test_summary_counts_per_township_and_group_with_a_total_row():
    summary = follow_up_summary(county_follow_up(INDUSTRY, SERVICE, FESTIVAL, AS_OF))
    assert list(summary.columns) == ["乡镇（园区）", "未复工企业", "规上工业", "规下工业",
                                     "限上批零住餐", "大个体"]
    assert summary.values.tolist() == [
        ["西镇", 2, 1, 1, 0, 0],
        ["东镇", 2, 1, 0, 0, 1],
        ["南乡", 1, 0, 0, 1, 0],
        ["未填", 1, 0, 1, 0, 0],
        ["合计", 6, 2, 2, 1, 1],
    ]


def test_workbooks_print_the_summary_on_one_page_and_each_township_apart(tmp_path):
    lists = county_follow_up(INDUSTRY, SERVICE, FESTIVAL, AS_OF)
    paths = write_county_books(tmp_path, lists, county="测试县", as_of=AS_OF)
    assert [p.name for p in paths] == ["汇总.xlsx", "01_西镇.xlsx", "02_东镇.xlsx", "03_南乡.xlsx",
                                       "04_未填.xlsx"]
    summary = load_workbook(paths[0])["汇总"]
    assert summary.page_setup.fitToHeight == 1 and summary.page_setup.fitToWidth == 1
    assert summary.sheet_properties.pageSetUpPr.fitToPage
    assert "测试县未复工企业督办汇总（截至2023年2月15日）" in summary.oddHeader.center.text
    east = load_workbook(paths[2])["未复工企业"]
    assert east.page_setup.orientation == "landscape" and east.print_title_rows == "$1:$1"
    assert [c.value for c in east[2]][1:3] == ["丙厂", "A3"]


def test_follow_up_workbooks_pass_the_ooxml_validator(tmp_path):
    from fuchan_lib.report.follow_up_books import write_city_book

    audit = pytest.importorskip("openxml_audit")
    lists = county_follow_up(INDUSTRY, SERVICE, FESTIVAL, AS_OF)
    paths = write_county_books(tmp_path, lists, county="测试县", as_of=AS_OF)
    paths.append(write_city_book(tmp_path / "市", 1, "测试县", lists, AS_OF))
    for path in paths:
        result = audit.OpenXmlValidator().validate(str(path))
        assert [e.description for e in result.errors if e.id != "Excel_InlineStrCells"] == [], path.name


def test_a_city_workbook_lists_every_township_in_order_on_one_sheet(tmp_path):
    from fuchan_lib.report.follow_up_books import write_city_book

    lists = county_follow_up(INDUSTRY, SERVICE, FESTIVAL, AS_OF)
    book = load_workbook(write_city_book(tmp_path, 3, "测试县", lists, AS_OF))
    assert book.sheetnames == ["汇总", "未复工企业"]
    rows = list(book["未复工企业"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (1, "西镇", "己厂"), (2, "西镇", "甲厂"), (3, "东镇", "丙厂"), (4, "东镇", "甲店"),
        (5, "南乡", "乙店"), (6, "未填", "丁厂")]
