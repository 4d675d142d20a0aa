"""PDF rendering with LibreOffice: errors in Chinese, the user's .docx left untouched."""

from __future__ import annotations

import hashlib
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from fuchan_lib.report import render
from fuchan_lib.core.exceptions import FuchanError
from fuchan_lib.report.gongwen import Paragraph, Run, Title, write_gongwen
from fuchan_lib.report.render import _copy_for_libreoffice, find_soffice, render_pdf


@pytest.fixture
def docx(tmp_path) -> Path:
    return write_gongwen([Title("关于复工复产工作情况的报告"), Paragraph((Run("正文。"),))],
                         tmp_path / "报告.docx", title="t", author="a")


def test_missing_libreoffice_is_reported_in_chinese(docx, tmp_path, monkeypatch):
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    with pytest.raises(FuchanError, match="未找到 LibreOffice"):
        render_pdf(docx, tmp_path / "out")


def test_missing_input_is_reported_in_chinese(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "find_soffice", lambda: "/usr/bin/soffice")
    with pytest.raises(FuchanError, match="不存在"):
        render_pdf(tmp_path / "无.docx", tmp_path / "out")


def test_a_file_that_is_not_a_docx_is_reported_in_chinese(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "find_soffice", lambda: "/usr/bin/soffice")
    bad = tmp_path / "坏.docx"
    bad.write_text("not a zip")
    with pytest.raises(FuchanError, match="不是有效的 Word"):
        render_pdf(bad, tmp_path / "out")


def test_conversion_that_produces_no_pdf_is_reported(docx, tmp_path, monkeypatch):
    """soffice exits 0 even when it fails; the missing PDF is what must be caught."""
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setattr(render, "find_soffice", lambda: str(fake))
    with pytest.raises(FuchanError, match="未能把“报告.docx”转换为 PDF：Error: source file"):
        render_pdf(docx, tmp_path / "out")
    assert not (tmp_path / "out" / "报告.pdf").exists()


def test_copy_for_libreoffice_swaps_the_character_grid_for_condensed_spacing(docx, tmp_path):
    copy = tmp_path / "copy.docx"
    _copy_for_libreoffice(docx, copy)
    with zipfile.ZipFile(copy) as z:
        document, styles = z.read("word/document.xml"), z.read("word/styles.xml")
    assert b'<w:docGrid w:type="lines" w:linePitch="579"/>' in document
    assert re.search(rb'<w:rPrDefault><w:rPr><w:rFonts [^>]*/><w:spacing w:val="-5"/><w:kern ',
                     styles)
    with zipfile.ZipFile(docx) as z:
        assert b'w:charSpace="-848"' in z.read("word/document.xml")


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_render_pdf_writes_an_a4_pdf_and_leaves_the_docx_alone(docx, tmp_path):
    before = hashlib.sha256(docx.read_bytes()).hexdigest()
    pdf = render_pdf(docx, tmp_path / "输出")
    assert pdf == tmp_path / "输出" / "报告.pdf" and pdf.stat().st_size > 1000
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "(A4)" in info
    assert hashlib.sha256(docx.read_bytes()).hexdigest() == before
    assert list((tmp_path / "输出").iterdir()) == [pdf]
