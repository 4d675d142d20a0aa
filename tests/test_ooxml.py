"""Every Office file fuchan writes passes an OOXML validator (openxml-audit, a port of the Open
XML SDK's checks): schema errors are real and fail; app-compatibility warnings are judged one
by one below."""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
import pytest

from fuchan_lib.core.xlsx import order_font_children
from fuchan_lib.ingest.blank_ledgers import write_templates
from fuchan_lib.report.gongwen import (
    Addressee, Attachment, AttachmentNote, Figure, Heading, Paragraph, Run, Signature, Table,
    Title, write_gongwen,
)
from fuchan_lib.report.xlsx_tables import write_tables_xlsx

openxml_audit = pytest.importorskip("openxml_audit")

# Excel_InlineStrCells: openpyxl writes text cells inline; Excel reads them as they are and only
# moves them into a shared-string table when the user saves, which changes nothing they see.
ACCEPTED_WARNINGS = {"Excel_InlineStrCells"}


def problems(path: Path) -> list[str]:
    result = openxml_audit.OpenXmlValidator().validate(str(path))
    return [f"{e.severity.value} {e.id} {e.part_uri} {e.description[:200]}" for e in result.errors
            if e.severity.value != "warning" or e.id not in ACCEPTED_WARNINGS]


def test_the_gongwen_docx_is_valid(tmp_path):
    from test_gongwen import write_png

    png = write_png(tmp_path / "chart.png", 300, 150)
    blocks = [
        Title("示例县工业和信息化局关于工业和服务业复工复产工作情况的报告"),
        Addressee("县人大常委会"),
        Heading(1, "基本情况"),
        Heading(2, "工业", (Run("全县"), Run("【待补充】", missing=True))),
        Paragraph((Run("截至2023年2月15日，复工率88.8%。"),)),
        AttachmentNote(("情况表", "进度图")),
        Signature("示例县工业和信息化局", datetime.date(2023, 2, 16)),
        Attachment(1, "情况表", (Table(("类别·行业", "复工率"),
                                       [("规上服务业·水利、环境和公共设施管理业", "88.8%")]),)),
        Attachment(2, "进度图", (Figure(png, "图1　进度"),)),
    ]
    path = write_gongwen(blocks, tmp_path / "报告.docx", title="t", author="a")
    assert problems(path) == []


def test_tables_and_blank_ledgers_are_valid(tmp_path):
    frame = pd.DataFrame({"企业名称": ["甲"], "复工率": [81.25],
                          "复工日期": [pd.Timestamp("2023-02-01")]})
    paths = [write_tables_xlsx({"表": frame}, tmp_path / "表.xlsx", percent_columns=["复工率"])]
    paths += write_templates(tmp_path / "模板")
    for path in paths:
        assert problems(path) == [], path.name


def test_font_children_are_put_in_schema_order():
    xml = ('<fonts count="2"><font><name val="Calibri"/><family val="2"/><b val="1"/>'
           '<color theme="1"/><sz val="11"/><scheme val="minor"/></font><font/></fonts>')
    assert order_font_children(xml) == (
        '<fonts count="2"><font><b val="1"/><sz val="11"/><color theme="1"/><name val="Calibri"/>'
        '<family val="2"/><scheme val="minor"/></font><font/></fonts>')
