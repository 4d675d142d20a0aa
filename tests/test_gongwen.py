"""The 公文 writer, checked by reading the written .docx back (and, where installed, by
LibreOffice as an independent reader)."""

from __future__ import annotations

import datetime
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pdf_layout
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from fuchan_lib.core.exceptions import FuchanError
from fuchan_lib.report.gongwen import (
    Addressee,
    Attachment,
    AttachmentNote,
    Figure,
    Heading,
    Paragraph,
    Run,
    Signature,
    Table,
    Title,
    chinese_numeral,
    split_title,
    write_gongwen,
)
from fuchan_lib.core.params import Fonts
from fuchan_lib.core.text import clean_text
from fuchan_lib.core.wording import format_date
from fuchan_lib.report.gongwen.tables import fit_widths
from fuchan_lib.report.pdf_export import find_soffice, render_pdf

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def write_png(path: Path, width: int, height: int) -> Path:
    """A tiny valid grey PNG, so tests need no image library."""
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def sample_blocks(tmp_path: Path) -> list:
    png = write_png(tmp_path / "chart.png", 400, 200)
    return [
        Title("示例县工业和信息化局关于工业和服务业复工复产工作情况的报告"),
        Addressee("县人大常委会"),
        Paragraph((Run("我受县人民政府委托，向县人大常委会报告全县工业和服务业复工复产工作情况，"
                       "请予审议。"),)),
        Heading(1, "基本情况"),
        Heading(2, "工业复工复产情况", (Run("截止2022年末，全县共有工业企业"), Run("120"),
                                      Run("户，其中：规模以上工业企业"),
                                      Run("【待补充】", missing=True), Run("户。"))),
        Heading(2, "服务业复工营业情况"),
        Heading(3, "限额以上批零住餐企业及大个体",
                (Run("全县共有限额以上批零住餐企业45户\x0b、大个体_x000B_12户。"),)),
        Heading(4, "四级标题"),
        Heading(1, "工作措施"),
        Heading(2, "早谋划，掌握底数"),
        Heading(3, "出台方案"),
        Paragraph((Run("正文\x01内容\x1f。"),)),
        AttachmentNote(("全县工业企业复工复产情况表", "复工复产进度图")),
        Signature("示例县工业和信息化局", datetime.date(2023, 2, 6)),
        Attachment(1, "全县工业企业复工复产情况表", (Table(
            ("序号", "企业名称", "复工率"),
            [(str(i), f"示例县第{i}号企业", "81.3%") for i in range(1, 41)]),)),
        Attachment(2, "复工复产进度图", (Figure(png, "图1  复工复产进度", width_mm=300),)),
    ]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    tmp_path = tmp_path_factory.mktemp("gongwen")
    return write_gongwen(sample_blocks(tmp_path), tmp_path / "报告.docx",
                         title="关于工业和服务业复工复产工作情况的报告", author="示例县工业和信息化局")


@pytest.fixture(scope="module")
def doc(sample):
    return Document(str(sample))


def part_xml(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


def styles_by_id(doc) -> dict:
    return {s.get(qn("w:styleId")): s for s in doc.styles.element.findall(qn("w:style"))}


def used_style_ids(doc) -> set[str]:
    body = doc.element.body
    return {el.get(qn("w:val")) for el in body.iter(qn("w:pStyle"))}


# ---------------------------------------------------------------- page


def test_page_is_a4_with_gbt_margins(doc):
    section = doc.sections[0]
    for actual, mm in [(section.page_width, 210), (section.page_height, 297),
                       (section.top_margin, 37), (section.bottom_margin, 35),
                       (section.left_margin, 28), (section.right_margin, 26)]:
        assert abs(actual - Mm(mm)) < Mm(0.05)


def test_document_grid_is_22_lines_and_runs_are_condensed_to_28_a_line(doc, sample):
    """A lines-only grid: the 28 characters come from -0.25 pt run spacing (16 - 0.25 = 15.75
    pt; 28 x 15.75 = 441 pt <= 156 mm = 442.2 pt), which every suite reads the same way."""
    grid = doc.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    assert grid.get(qn("w:linePitch")) == "579"
    assert grid.get(qn("w:charSpace")) is None
    assert re.search(r'<w:rPrDefault><w:rPr><w:rFonts [^>]*/><w:spacing w:val="-5"/>',
                     part_xml(sample, "word/styles.xml"))
    assert 28 * (16 - 0.25) <= 156 / 25.4 * 72 < 28 * 16


def test_body_has_exact_28_95pt_spacing_and_two_character_indent(doc):
    body = styles_by_id(doc)["GWBody"]
    spacing = body.find(f"{W}pPr/{W}spacing")
    assert (spacing.get(qn("w:line")), spacing.get(qn("w:lineRule"))) == ("579", "exact")
    ind = body.find(f"{W}pPr/{W}ind")
    assert (ind.get(qn("w:firstLineChars")), ind.get(qn("w:firstLine"))) == ("200", "640")


# ---------------------------------------------------------------- fonts and language


def test_used_styles_name_east_asian_fonts_and_no_theme_fonts(doc):
    styles = styles_by_id(doc)
    used = used_style_ids(doc) | {"Normal", "GWPageNumber"}
    assert {"GWTitle", "GWBody", "GWHeading1", "GWHeading2", "GWHeading3", "GWTable"} <= used
    expected = {"GWTitle": "方正小标宋简体", "GWBody": "仿宋_GB2312", "GWHeading1": "黑体",
                "GWHeading2": "楷体_GB2312", "GWHeading3": "仿宋_GB2312", "Normal": "仿宋_GB2312",
                "GWPageNumber": "宋体"}
    for style_id in used:
        rfonts = styles[style_id].find(f"{W}rPr/{W}rFonts")
        assert rfonts is not None, style_id
        for attr in ("eastAsia", "ascii", "hAnsi"):
            assert rfonts.get(qn(f"w:{attr}")), (style_id, attr)
        if style_id in expected:
            assert rfonts.get(qn("w:eastAsia")) == expected[style_id]
        assert not any(rfonts.get(qn(f"w:{a}")) for a in THEME_ATTRS), style_id
    default_rfonts = doc.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert default_rfonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert not any(default_rfonts.get(qn(f"w:{a}")) for a in THEME_ATTRS)


def test_every_text_run_names_its_east_asian_font(doc, sample):
    runs = [r for r in doc.element.body.iter(qn("w:r")) if r.find(qn("w:t")) is not None]
    assert len(runs) > 40
    for r in runs:
        rfonts = r.find(f"{W}rPr/{W}rFonts")
        assert rfonts is not None and rfonts.get(qn("w:eastAsia")), r.xpath("string(.)")
    footer = part_xml(sample, "word/footer1.xml") if "word/footer1.xml" in zipfile.ZipFile(
        sample).namelist() else ""
    assert 'w:eastAsia="宋体"' in footer


def test_language_is_zh_cn_not_the_templates_japanese(sample):
    """East Asian language zh-CN, Latin en-US: with zh-CN as the Latin language LibreOffice
    breaks digit runs across lines."""
    styles, settings = part_xml(sample, "word/styles.xml"), part_xml(sample, "word/settings.xml")
    assert "ja-JP" not in styles and "ja-JP" not in settings
    assert re.search(r'<w:rPrDefault><w:rPr>.*<w:lang w:val="en-US" w:eastAsia="zh-CN"', styles)
    assert 'w:val="zh-CN"' not in styles
    assert 'w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"' in settings


def test_no_stale_styles_with_effects_part(sample):
    with zipfile.ZipFile(sample) as z:
        names = z.namelist()
        rels = z.read("word/_rels/document.xml.rels").decode()
        content_types = z.read("[Content_Types].xml").decode()
    assert "word/stylesWithEffects.xml" not in names
    assert "stylesWithEffects" not in rels + content_types


def test_font_names_come_from_the_caller(tmp_path):
    fonts = Fonts(标题="小标宋", 正文="仿宋", 一级标题="黑体", 二级标题="楷体", 页码="宋体")
    path = write_gongwen([Title("标题"), Heading(2, "二级"), Paragraph((Run("正文"),))],
                         tmp_path / "a.docx", fonts=fonts, title="t", author="a")
    xml = part_xml(path, "word/styles.xml") + part_xml(path, "word/document.xml")
    assert "GB2312" not in xml and "方正" not in xml
    assert 'w:eastAsia="楷体"' in xml and 'w:eastAsia="仿宋"' in xml


# ---------------------------------------------------------------- page numbers


def footer_paragraph(footer):
    p = footer._element.find(qn("w:p"))
    instr = "".join(t.text for t in p.iter(qn("w:instrText")))
    text = "".join(t.text for t in p.iter(qn("w:t")))
    return p, instr, text


def test_page_numbers_odd_right_even_left_with_page_fields(doc, sample):
    section = doc.sections[0]
    p, instr, text = footer_paragraph(section.footer)
    assert instr.strip() == "PAGE" and text == "— 1 —"
    assert p.find(f"{W}pPr/{W}jc").get(qn("w:val")) == "right"
    assert p.find(f"{W}pPr/{W}ind").get(qn("w:right")) == "280"  # 1字 of 4号 (14 pt)
    p, instr, text = footer_paragraph(section.even_page_footer)
    assert instr.strip() == "PAGE" and text == "— 1 —"
    assert p.find(f"{W}pPr/{W}jc").get(qn("w:val")) == "left"
    assert p.find(f"{W}pPr/{W}ind").get(qn("w:left")) == "280"
    assert "<w:evenAndOddHeaders/>" in part_xml(sample, "word/settings.xml")
    rfonts = p.find(f"{W}r/{W}rPr/{W}rFonts")
    assert rfonts.get(qn("w:eastAsia")) == "宋体"
    style = styles_by_id(doc)["GWPageNumber"]
    assert style.find(f"{W}rPr/{W}sz").get(qn("w:val")) == "28"  # 4号


# ---------------------------------------------------------------- blocks


def test_title_is_split_and_addressee_follows_one_blank_line(doc):
    paragraphs = doc.paragraphs
    assert paragraphs[0].style.style_id == "GWTitle"
    assert paragraphs[0].text == "示例县工业和信息化局关于\n工业和服务业复工复产工作情况的报告"
    assert paragraphs[1].text == ""
    assert paragraphs[2].text == "县人大常委会："
    assert paragraphs[2].paragraph_format.first_line_indent in (None, 0)


@pytest.mark.parametrize("given", ["县人大常委会", "县人大常委会:", "县人大常委会：", " 县人大常委会， "])
def test_addressee_ends_with_one_full_width_colon(tmp_path, given):
    path = write_gongwen([Addressee(given)], tmp_path / "a.docx", title="t", author="a")
    assert Document(str(path)).paragraphs[1].text == "县人大常委会："


def test_headings_are_numbered_in_order_and_reset_under_a_higher_level(doc):
    headings = [p.text.split("。")[0] for p in doc.paragraphs
                if re.match(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.|（\d+）)", p.text)]
    assert headings[:8] == [
        "一、基本情况", "（一）工业复工复产情况", "（二）服务业复工营业情况",
        "1.限额以上批零住餐企业及大个体", "（1）四级标题",
        "二、工作措施", "（一）早谋划，掌握底数", "1.出台方案",
    ]


def test_headings_use_their_level_fonts_and_outline_levels(doc):
    styles = styles_by_id(doc)
    for style_id, font, outline in [("GWHeading1", "黑体", "0"), ("GWHeading2", "楷体_GB2312", "1"),
                                    ("GWHeading3", "仿宋_GB2312", "2"),
                                    ("GWHeading4", "仿宋_GB2312", "3")]:
        style = styles[style_id]
        assert style.find(f"{W}rPr/{W}rFonts").get(qn("w:eastAsia")) == font
        assert style.find(f"{W}rPr/{W}sz").get(qn("w:val")) == "32"  # 3号
        assert style.find(f"{W}pPr/{W}outlineLvl").get(qn("w:val")) == outline


def test_run_in_heading_puts_heading_and_body_in_one_paragraph(doc):
    p = next(p for p in doc.paragraphs if p.text.startswith("（一）工业复工复产情况"))
    assert p.text == "（一）工业复工复产情况。截止2022年末，全县共有工业企业120户，其中：规模以上工业企业【待补充】户。"
    assert p.style.style_id == "GWBody"
    fonts = [r._r.find(f"{W}rPr/{W}rFonts").get(qn("w:eastAsia")) for r in p.runs]
    assert fonts[0] == "楷体_GB2312" and set(fonts[1:]) == {"仿宋_GB2312"}


def test_missing_figures_are_highlighted_and_nothing_else(doc):
    highlighted = [r.text for p in doc.paragraphs for r in p.runs if r.font.highlight_color]
    assert highlighted == ["【待补充】"]


def test_control_characters_never_reach_the_document(doc, sample):
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "全县共有限额以上批零住餐企业45户、大个体12户。" in text
    assert "正文内容。" in text
    assert not re.search(r"[\x00-\x08\x0b-\x1f]|_x000B_", part_xml(sample, "word/document.xml"))


@pytest.mark.parametrize(("raw", "clean"), [
    ("a\x0bb", "ab"),
    ("a_x000B_b", "ab"),
    ("a_x000b_b", "ab"),
    ("行一_x000D__x000A_行二", "行一\n行二"),
    ("a\r\nb\tc", "a\nb\tc"),
    ("\x00\x01\x1f\ufffe", ""),
    ("_x4E2D_", "_x4E2D_"),  # not a control-character escape: kept as written
    (None, ""),
    (12.5, "12.5"),
])
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_attachment_note_aligns_later_names_with_the_first(doc):
    texts = [p.text for p in doc.paragraphs]
    i = next(i for i, t in enumerate(texts) if t.startswith("附件："))
    p1 = doc.paragraphs[i]
    assert texts[i - 1] == ""  # 正文下空一行
    assert p1.text == "附件：1.全县工业企业复工复产情况表"
    p2 = next(p for p in doc.paragraphs if p.text == "2.复工复产进度图")
    ind1, ind2 = (p._p.find(f"{W}pPr/{W}ind") for p in (p1, p2))
    # 左空二字 + "附件："(3字) + "1."(1字) = 6字 left; first line hangs back 4字 / 1字
    assert ind1.get(qn("w:leftChars")) == ind2.get(qn("w:leftChars")) == "600"
    assert ind1.get(qn("w:hangingChars")) == "400" and ind2.get(qn("w:hangingChars")) == "100"


def test_signature_date_has_no_leading_zeros_and_is_four_characters_from_the_right(doc):
    texts = [p.text for p in doc.paragraphs]
    i = texts.index("2023年2月6日")
    assert texts[i - 1] == "示例县工业和信息化局"
    date_p = doc.paragraphs[i]
    ind = date_p._p.find(f"{W}pPr/{W}ind")
    assert ind.get(qn("w:rightChars")) == "400"
    assert date_p._p.find(f"{W}pPr/{W}jc").get(qn("w:val")) == "right"


@pytest.mark.parametrize(("date", "text"), [
    (datetime.date(2023, 2, 6), "2023年2月6日"),
    (datetime.date(2023, 12, 31), "2023年12月31日"),
    (datetime.date(2023, 1, 10), "2023年1月10日"),
])
def test_format_date(date, text):
    assert format_date(date) == text


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (9, "九"), (10, "十"), (11, "十一"),
                                         (20, "二十"), (23, "二十三"), (99, "九十九")])
def test_chinese_numeral(n, text):
    assert chinese_numeral(n) == text


def test_heading_level_outside_1_to_4_is_refused_in_chinese(tmp_path):
    with pytest.raises(FuchanError, match="标题级别只能是1至4，实际为5"):
        write_gongwen([Heading(5, "五级")], tmp_path / "a.docx", title="t", author="a")


# ---------------------------------------------------------------- title splitting


@pytest.mark.parametrize(("title", "lines"), [
    ("关于复工复产工作情况的报告", ["关于复工复产工作情况的报告"]),
    # 29 字 > 20: two lines, broken after 关于 rather than inside "工业和服务业"
    ("示例县工业和信息化局关于工业和服务业复工复产工作情况的报告",
     ["示例县工业和信息化局关于", "工业和服务业复工复产工作情况的报告"]),
    # "2023" is never split; the break falls at the end of a phrase
    ("关于进一步做好2023年春节后工业和服务业企业复工复产工作的通知",
     ["关于进一步做好2023年春节后", "工业和服务业企业复工复产工作的通知"]),
    # a break after punctuation beats one in the middle of a word
    ("示例县工业和信息化局、示例县商务局、示例县统计局关于复工复产情况的联合报告",
     ["示例县工业和信息化局、示例县商务局、", "示例县统计局关于复工复产情况的联合报告"]),
    ("第一行\n第二行", ["第一行", "第二行"]),  # the caller's own split wins
])
def test_split_title(title, lines):
    assert split_title(title) == lines


@pytest.mark.parametrize(("name", "lines"), [
    ("示例县阳月客运有限公司", ["示例县阳月客运", "有限公司"]),  # was 示例县阳月客 / 运有限公司
    ("示例县福山食府有限公司", ["示例县福山食府", "有限公司"]),
    ("示例县元蓝茶业有限责任公司", ["示例县元蓝茶业", "有限责任公司"]),
])
def test_a_firm_name_in_a_narrow_cell_breaks_before_its_business_form(name, lines):
    assert split_title(name, max_width=7.5) == lines


def test_split_title_never_starts_a_line_with_closing_punctuation():
    title = "关于印发《示例县2023年春节后重大工程重点企业复工复产复业工作方案》的通知"
    lines = split_title(title)
    assert "".join(lines) == title and len(lines) == 2
    assert all(line[0] not in "，。、）》" for line in lines)


# ---------------------------------------------------------------- tables and figures


def test_table_header_repeats_and_is_bold_with_borders(doc):
    table = doc.tables[0]
    rows = table._tbl.findall(qn("w:tr"))
    assert len(rows) == 41
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert all(r.find(f"{W}trPr/{W}tblHeader") is None for r in rows[1:])
    assert [c.text for c in table.rows[0].cells] == ["序号", "企业名称", "复工率"]
    assert [c.text for c in table.rows[40].cells] == ["40", "示例县第40号企业", "81.3%"]
    head_run = rows[0].find(f".//{W}r")
    assert head_run.find(f"{W}rPr/{W}b") is not None
    assert head_run.find(f"{W}rPr/{W}rFonts").get(qn("w:eastAsia")) == "黑体"
    body_run = rows[1].find(f".//{W}r")
    assert body_run.find(f"{W}rPr/{W}rFonts").get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert body_run.find(f"{W}rPr/{W}sz").get(qn("w:val")) == "24"  # 12 pt
    borders = table._tbl.find(f"{W}tblPr/{W}tblBorders")
    assert {b.tag[len(W):] for b in borders} == {"top", "left", "bottom", "right", "insideH", "insideV"}
    assert table._tbl.find(f"{W}tblPr/{W}jc").get(qn("w:val")) == "center"
    widths = [int(g.get(qn("w:w"))) for g in table._tbl.iter(qn("w:gridCol"))]
    assert sum(widths) <= round(156 / 25.4 * 1440)


def test_table_cells_are_single_spaced_off_the_grid(doc):
    style = styles_by_id(doc)["GWTable"]
    assert style.find(f"{W}pPr/{W}snapToGrid").get(qn("w:val")) == "0"
    assert style.find(f"{W}pPr/{W}spacing").get(qn("w:lineRule")) == "auto"


def test_table_row_with_wrong_length_is_refused(tmp_path):
    with pytest.raises(FuchanError, match="表格第2行有1列，表头有2列"):
        write_gongwen([Table(("a", "b"), [("1", "2"), ("3",)])], tmp_path / "a.docx",
                      title="t", author="a")


def test_given_column_widths_are_kept(tmp_path):
    path = write_gongwen([Table(("a", "b"), [("1", "2")], col_widths_mm=(20, 40))],
                         tmp_path / "a.docx", title="t", author="a")
    widths = [g.get(qn("w:w")) for g in Document(str(path)).tables[0]._tbl.iter(qn("w:gridCol"))]
    assert widths == ["1134", "2268"]  # 20 mm and 40 mm in twips


def test_figure_is_clamped_to_156mm_in_a_single_spaced_centred_paragraph(doc):
    shapes = doc.inline_shapes
    assert len(shapes) == 1
    assert shapes[0].width == Mm(156)
    assert shapes[0].height == Mm(78)  # the 2:1 picture keeps its aspect ratio
    p = next(p for p in doc.paragraphs if p._p.find(f".//{W}drawing") is not None)
    assert p.style.style_id == "GWFigure"
    style = styles_by_id(doc)["GWFigure"]
    assert style.find(f"{W}pPr/{W}spacing").get(qn("w:lineRule")) == "auto"
    assert style.find(f"{W}pPr/{W}jc").get(qn("w:val")) == "center"
    after = p._p.getnext()
    assert after.xpath("string(.)") == "图1  复工复产进度"


def test_missing_picture_is_reported_in_chinese(tmp_path):
    with pytest.raises(FuchanError, match="图片文件.*不存在"):
        write_gongwen([Figure(tmp_path / "nope.png", "图")], tmp_path / "a.docx",
                      title="t", author="a")


def test_attachment_starts_a_page_with_label_on_line_1_and_title_on_line_3(doc):
    texts = [p.text for p in doc.paragraphs]
    i = texts.index("附件1")
    label = doc.paragraphs[i]
    assert label.paragraph_format.page_break_before
    assert label.runs[0]._r.find(f"{W}rPr/{W}rFonts").get(qn("w:eastAsia")) == "黑体"
    assert texts[i + 1] == "" and texts[i + 2] == "全县工业企业复工复产情况表"
    assert doc.paragraphs[i + 2].style.style_id == "GWAttachTitle"


def test_core_properties_and_no_leftover_temporary_file(doc, sample):
    assert doc.core_properties.title == "关于工业和服务业复工复产工作情况的报告"
    assert doc.core_properties.author == "示例县工业和信息化局"
    assert doc.core_properties.language == "zh-CN"
    assert [p.name for p in sample.parent.iterdir() if p.suffix == ".part"] == []


# ---------------------------------------------------------------- LibreOffice as reader


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    tmp_path = tmp_path_factory.mktemp("lo")
    line = "甲乙丙丁戊己庚辛壬癸" * 6  # 60 字, no punctuation: 26 + 28 + 6 on the grid
    blocks = [
        Title("关于复工复产工作情况的报告"),
        Addressee("县人大常委会"),
        Heading(1, "基本情况"),
        Paragraph((Run(line),)),
        Attachment(1, "情况表", (Table(("序号", "名称"), [("1", "甲"), ("2", "乙")]),)),
    ]
    docx = write_gongwen(blocks, tmp_path / "lo.docx", title="t", author="a")
    return render_pdf(docx, tmp_path / "pdf")


@pytest.mark.slow  # LibreOffice renders it
def test_libreoffice_renders_two_a4_pages_with_text_and_page_numbers(rendered):
    info = subprocess.run(["pdfinfo", str(rendered)], capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+2\b", info)
    assert "(A4)" in info
    text = subprocess.run(["pdftotext", "-layout", str(rendered), "-"],
                          capture_output=True, text=True).stdout
    pages = text.split("\f")
    assert "关于复工复产工作情况的报告" in pages[0] and "一、基本情况" in pages[0]
    assert re.search(r"—\s*1\s*—", pages[0]) and re.search(r"—\s*2\s*—", pages[1])
    assert "附件" in pages[1] and "情况表" in pages[1]
    body_lines = [re.sub(r"\s", "", ln) for ln in pages[0].splitlines() if "甲乙" in ln or "癸" in ln]
    assert [len(ln) for ln in body_lines] == [26, 28, 6]  # 28 characters per line


NUMBERS = "截至2023年2月15日，全县已复工复产企业1077户，复工率88.8%，规上工业增加值22.59亿元；"
FILLER = "甲乙丙丁戊己庚辛壬癸"


@pytest.fixture(scope="module")
def page_rules(tmp_path_factory) -> tuple[list, list]:
    """Two documents rendered by LibreOffice: three pages of number-dense text, and one whose
    body ends on the last line of page 1, so that the 落款 would open page 2 alone."""
    if find_soffice() is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) or poppler-utils is not installed")
    tmp_path = tmp_path_factory.mktemp("rules")
    numbers = [Paragraph((Run("".join((FILLER * 3)[:k] + NUMBERS for k in range(start, start + 7))),))
               for start in range(0, 28, 7)]  # 28 offsets: numbers meet the line end everywhere
    ending = [AttachmentNote(("情况表", "进度图")),
              Signature("示例县工业和信息化局", datetime.date(2023, 2, 16))]
    closing = Paragraph((Run(FILLER * 6 + "。"),))  # a last paragraph of 3 lines
    dense = [Title("关于复工复产工作情况的报告"), Addressee("县人大常委会"),
             Paragraph((Run(FILLER * 20),)), *numbers, closing, *ending]
    # rows: title 0, blank 1, addressee 2, heading 3, then 26 + 28 x 17 characters: rows 4-21
    full_page = [Title("关于复工复产工作情况的报告"), Addressee("县人大常委会"), Heading(1, "基本情况"),
                 Paragraph((Run((FILLER * 60)[:26 + 28 * 7]),)),
                 Paragraph((Run((FILLER * 60)[:26 + 28 * 9]),)), *ending]
    result = []
    for name, blocks in (("dense", dense), ("full", full_page)):
        docx = write_gongwen(blocks, tmp_path / f"{name}.docx", title="t", author="a")
        result.append(pdf_layout.pages(render_pdf(docx, tmp_path / name, say=lambda _: None)))
    return tuple(result)


@pytest.mark.slow  # LibreOffice renders it
def test_libreoffice_sets_28_characters_a_line_and_22_lines_a_page(page_rules):
    dense, _ = page_rules
    assert len(dense) >= 4
    full_cjk = pdf_layout.plain_full_lines(dense)
    assert len(full_cjk) >= 5 and all(abs(len(t) - 28) <= 1 for t in full_cjk), full_cjk
    for page in dense[:-2]:  # full pages (the last two may give lines to the kept 落款): 22 lines
        rows = pdf_layout.grid_rows(pdf_layout.body(page))
        assert rows[-1] == 21 and len(set(rows)) == len(rows), rows
    assert len(pdf_layout.grid_rows(pdf_layout.body(dense[1]))) == 22


@pytest.mark.slow  # LibreOffice renders it
def test_libreoffice_never_breaks_a_number_across_lines(page_rules):
    dense, _ = page_rules
    ends = [r.text[-1] for page in dense for r in pdf_layout.body(page) if r.text]
    assert sum(ch.isdigit() or ch in ".%" for ch in ends) >= 3  # numbers do reach line ends
    assert pdf_layout.split_numbers(dense) == []


@pytest.mark.slow  # LibreOffice renders it
def test_page_numbers_alternate_sides(page_rules):
    dense, _ = page_rules
    for number, page in enumerate(dense, start=1):
        (mark,) = pdf_layout.footer(page)
        assert re.sub(r"\s", "", mark.text) == f"—{number}—"
        if number % 2:
            assert mark.x1 > pdf_layout.RIGHT - 16 - 3 and mark.x0 > 300, (number, mark)
        else:
            assert mark.x0 < pdf_layout.LEFT + 16 + 3 and mark.x1 < 300, (number, mark)


@pytest.mark.slow  # LibreOffice renders it
def test_the_signature_never_stands_on_a_page_without_body_text(page_rules):
    for document in page_rules:
        page = next(p for p in document if any(r.text == "2023年2月16日" for r in p))
        texts = [r.text for r in pdf_layout.body(page)]
        assert texts.index("示例县工业和信息化局") == texts.index("2023年2月16日") - 1
        before = texts[:next(i for i, t in enumerate(texts) if t.startswith("附件："))]
        assert before and before[-1].strip(), texts  # body text above the 附件说明
    _, full = page_rules
    assert len(full) == 2  # without the rule, page 2 would hold only the 附件说明 and 落款
    assert any(FILLER in r.text for r in pdf_layout.body(full[1]))


def test_a_document_ending_with_a_table_ends_with_a_paragraph(tmp_path):
    blocks = [Attachment(1, "表", (Table(("a",), [("1",)]),))]
    body = Document(str(write_gongwen(blocks, tmp_path / "a.docx", title="t", author="a"))).element.body
    assert [el.tag[len(W):] for el in body][-3:] == ["tbl", "p", "sectPr"]


# ---------------------------------------------------------------- column widths


@pytest.mark.parametrize(("natural", "minimum", "total", "widths"), [
    ([100, 200, 300], [50, 50, 50], 1200, [200, 400, 600]),  # narrow table widened to the 版心
    ([100, 200, 300], [50, 50, 50], 450, [100, 175, 175]),  # widest capped at one level
    ([100, 600], [100, 300], 500, [100, 400]),  # never below a minimum...
    ([300, 300], [300, 300], 300, [150, 150]),  # ...unless the minimums alone do not fit
])
def test_fit_widths(natural, minimum, total, widths):
    result = fit_widths(natural, minimum, total)
    assert sum(result) == total and all(abs(a - b) <= 1 for a, b in zip(result, widths))


def test_attachment_table_fills_the_text_width_numbers_right_and_whole(tmp_path):
    # "\n" marks where a header or a trade may break (report.document.BREAKS)
    trades = ["水利、环境和\n公共设施管理业", "居民服务、修理和\n其他服务业", "零售业"]
    header = ("类别", "行业", "企业\n总数", "春节期间\n正常", "长期停产\n停业", "节后\n需复工", "已复工", "复工率")
    rows = [("规上服务业", t, "1077", "123", "52", "902", "792", "100.0%") for t in trades]
    path = write_gongwen([Table(header, rows, merge_first_column=True, smallest_font_pt=10.5)],
                         tmp_path / "t.docx", title="t", author="a")
    tbl = Document(str(path)).tables[0]._tbl
    widths = [int(g.get(qn("w:w"))) for g in tbl.iter(qn("w:gridCol"))]
    assert abs(sum(widths) - round(156 / 25.4 * 1440)) <= len(widths)  # the full 版心 (8844 twips)
    body = tbl.findall(qn("w:tr"))[1:]
    aligns = [[tc.find(f"{W}p/{W}pPr/{W}jc").get(qn("w:val")) for tc in tr.findall(qn("w:tc"))]
              for tr in body]
    assert aligns == [["left", "left"] + ["right"] * 6] * 3
    for tr in body:  # numbers are never wrapped
        assert all(c.find(f".//{W}br") is None for c in tr.findall(qn("w:tc"))[2:])
    category = body[0].findall(qn("w:tc"))[0]
    assert [t.text for t in category.iter(qn("w:t"))] == ["规上服务业"]  # whole, not wrapped
    merged = [tr.findall(qn("w:tc"))[0].find(f"{W}tcPr/{W}vMerge") for tr in body]
    assert merged[0].get(qn("w:val")) == "restart" and all(m.get(qn("w:val")) is None for m in merged[1:])
    for tr, trade in zip(body[:2], trades):  # long names break after "、" or where marked
        pieces = [t.text for t in tr.findall(qn("w:tc"))[1].iter(qn("w:t"))]
        assert "".join(pieces) == trade.replace("\n", "") and len(pieces) >= 2
        assert all(p.endswith(("、", "和")) for p in pieces[:-1]), pieces
    short = [t.text for t in body[2].findall(qn("w:tc"))[1].iter(qn("w:t"))]
    assert short == ["零售业"]
    heads = [["".join(t.text for t in tc.iter(qn("w:t")))] + [t.text for t in tc.iter(qn("w:t"))]
             for tc in tbl.findall(qn("w:tr"))[0].findall(qn("w:tc"))]
    for whole, *lines in heads:  # headers broken only where marked
        marked = header[[h.replace("\n", "") for h in header].index(whole)]
        assert lines == [whole] or lines == marked.split("\n"), (whole, lines)


def test_signature_and_attachment_note_are_kept_with_the_body(doc):
    paragraphs = doc.paragraphs
    i = next(i for i, p in enumerate(paragraphs) if p.text.startswith("附件："))
    j = next(i for i, p in enumerate(paragraphs) if p.text == "2023年2月6日")
    assert paragraphs[i - 2].text.startswith("正文内容")  # the last body paragraph
    chain = paragraphs[i - 2:j]
    assert all(p.paragraph_format.keep_with_next for p in chain), [p.text for p in chain]
    assert not paragraphs[j].paragraph_format.keep_with_next  # the date does not pull 附件1 up
    assert all(p.paragraph_format.keep_together for p in paragraphs[i:j] if p.text.startswith(("附件", "2.")))


def test_font_table_names_our_faces_as_chinese_with_an_alternate(sample):
    """Word and WPS use w:altName when a face is missing: stock Windows has 仿宋 and 楷体 but not
    the _GB2312 faces. The template's table listed Japanese faces and none of ours."""
    table = part_xml(sample, "word/fontTable.xml")
    assert "ＭＳ" not in table
    for name, alternate in (("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体"), ("黑体", "SimHei"),
                            ("方正小标宋简体", "宋体")):
        assert re.search(f'<w:font w:name="{name}"><w:altName w:val="{alternate}"/>'
                         '<w:charset w:val="86"/>', table), name


def test_no_template_thumbnail_or_stale_app_properties(sample):
    """The template's preview picture and its "Microsoft Macintosh Word, 1 page, 0 words"
    describe another file; file browsers show them."""
    with zipfile.ZipFile(sample) as z:
        assert not [n for n in z.namelist() if "thumbnail" in n]
        assert "thumbnail" not in z.read("_rels/.rels").decode()
        app = z.read("docProps/app.xml").decode()
    assert "<Application>fuchan</Application>" in app and "<Pages>" not in app


@pytest.mark.parametrize("columns, font, sizes_tried", [
    (3, 12, 1),  # fits at 小四: the widths of that size are worked out once, for both font and widths
    (14, 10.5, 2),  # tried at 小四, set in 五号: each size's widths once
])
def test_a_tables_widths_are_worked_out_once_per_font_size_tried(monkeypatch, columns, font, sizes_tried):
    from fuchan_lib.report.gongwen import tables

    seen = []
    original = tables._width_levels
    monkeypatch.setattr(tables, "_width_levels", lambda *a: seen.append(a[-1]) or original(*a))
    header = tuple(f"第{j}列名称" for j in range(columns))
    rows = [tuple(f"{1000 + j}.5" for j in range(columns))] * 3
    xml = tables.table_xml(Table(header, rows, smallest_font_pt=10.5), Fonts())
    assert len(seen) == sizes_tried and seen[-1] == font
    assert f'<w:sz w:val="{int(font * 2)}"/>' in xml
