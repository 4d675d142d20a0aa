"""PDF rendering with LibreOffice: errors in Chinese, the user's .docx left untouched."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from fuchan_lib.report import pdf_export
from fuchan_lib.core.exceptions import FuchanError
from fuchan_lib.report.gongwen import Paragraph, Run, Title, write_gongwen
from fuchan_lib.report.pdf_export import find_soffice, render_pdf


@pytest.fixture
def docx(tmp_path) -> Path:
    return write_gongwen([Title("关于复工复产工作情况的报告"), Paragraph((Run("正文。"),))],
                         tmp_path / "报告.docx", title="t", author="a")


def test_missing_libreoffice_is_reported_in_chinese(docx, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_export.shutil, "which", lambda name: None)
    with pytest.raises(FuchanError, match="未找到 LibreOffice"):
        render_pdf(docx, tmp_path / "out")


def test_missing_input_is_reported_in_chinese(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_export, "find_soffice", lambda: "/usr/bin/soffice")
    with pytest.raises(FuchanError, match="不存在"):
        render_pdf(tmp_path / "无.docx", tmp_path / "out")


def test_a_file_that_is_not_a_docx_is_reported_in_chinese(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_export, "find_soffice", lambda: "/usr/bin/soffice")
    bad = tmp_path / "坏.docx"
    bad.write_text("not a zip")
    with pytest.raises(FuchanError, match="不是有效的 Word"):
        render_pdf(bad, tmp_path / "out")


def test_conversion_that_produces_no_pdf_is_reported(docx, tmp_path, monkeypatch):
    """soffice exits 0 even when it fails; the missing PDF is what must be caught."""
    fake = tmp_path / "office-stub"  # not LibreOffice: a script that fails as soffice does
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setattr(pdf_export, "find_soffice", lambda: str(fake))
    with pytest.raises(FuchanError, match="未能把“报告.docx”转换为 PDF：Error: source file"):
        render_pdf(docx, tmp_path / "out")
    assert not (tmp_path / "out" / "报告.pdf").exists()


def test_the_delivered_file_is_converted_byte_for_byte(docx, tmp_path, monkeypatch):
    """No adjusted copy: LibreOffice gets exactly the bytes the director receives."""
    seen = {}

    def fake_run(command, **kwargs):
        source = Path(command[-1])
        seen["bytes"] = source.read_bytes()
        out = Path(command[command.index("--outdir") + 1])
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{source.stem}.pdf").write_bytes(b"%PDF-1.4 fake")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(pdf_export, "find_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(pdf_export.subprocess, "run", fake_run)
    monkeypatch.setattr(pdf_export, "installed_families", lambda: None)
    render_pdf(docx, tmp_path / "out", say=lambda _: None)
    assert seen["bytes"] == docx.read_bytes()


@pytest.mark.parametrize(("font", "role"), [
    ("仿宋_GB2312", pdf_export.SERIF), ("仿宋", pdf_export.SERIF), ("宋体", pdf_export.SERIF),
    ("方正小标宋简体", pdf_export.SERIF), ("黑体", pdf_export.SANS), ("微软雅黑", pdf_export.SANS),
    ("SimHei", pdf_export.SANS), ("楷体_GB2312", pdf_export.KAI), ("KaiTi", pdf_export.KAI),
])
def test_substitutes_are_chosen_by_role(font, role):
    assert pdf_export.role_candidates(font) == role
    assert pdf_export.KAI[-len(pdf_export.SERIF):] == pdf_export.SERIF  # 楷体 falls back to serif, never sans


def test_only_missing_faces_are_substituted_and_each_is_reported(docx):
    fonts = pdf_export.document_fonts(docx)
    assert set(fonts) == {"仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"}
    installed = {"仿宋_GB2312", "Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Sans CJK JP"}
    chosen, unmatched = pdf_export.plan_substitutions(fonts, installed)
    assert "仿宋_GB2312" not in chosen  # installed: used as it is
    assert chosen["黑体"] == "Noto Sans CJK SC" and chosen["方正小标宋简体"] == "Noto Serif CJK SC"
    assert chosen["楷体_GB2312"] == "Noto Serif CJK SC" and not unmatched
    lines = pdf_export.describe_substitutions(chosen, unmatched)
    assert lines == ["PDF 字体替换（本机未安装这些公文字体，PDF 中改用免费简体中文字体，Word 文档本身不变）："
                     + "；".join(f"{a} → {b}" for a, b in chosen.items())]
    chosen, unmatched = pdf_export.plan_substitutions(["黑体"], {"Noto Serif CJK SC"})
    assert chosen == {} and unmatched == ["黑体"]
    assert "fonts-noto-cjk" in pdf_export.describe_substitutions(chosen, unmatched)[0]


def test_fontconfig_file_maps_each_missing_face(tmp_path):
    conf = pdf_export.fontconfig_file({"仿宋_GB2312": "Noto Serif CJK SC", "A&B": "Noto Sans CJK SC"},
                                  tmp_path).read_text(encoding="utf-8")
    assert "<include ignore_missing=\"yes\">" in conf
    assert ("<string>仿宋_GB2312</string></test><edit name=\"family\" mode=\"assign\" "
            "binding=\"strong\"><string>Noto Serif CJK SC</string>") in conf
    assert "<string>A&amp;B</string>" in conf


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.slow  # LibreOffice
def test_render_pdf_writes_an_a4_pdf_and_leaves_the_docx_alone(docx, tmp_path):
    before = hashlib.sha256(docx.read_bytes()).hexdigest()
    pdf = render_pdf(docx, tmp_path / "输出")
    assert pdf == tmp_path / "输出" / "报告.pdf" and pdf.stat().st_size > 1000
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "(A4)" in info
    assert hashlib.sha256(docx.read_bytes()).hexdigest() == before
    assert list((tmp_path / "输出").iterdir()) == [pdf]


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.slow  # LibreOffice
def test_missing_gongwen_faces_are_replaced_on_purpose_and_said(docx, tmp_path):
    """Without the mapping LibreOffice drew 仿宋 with a sans-serif Japanese face."""
    installed = pdf_export.installed_families()
    if installed is None or "Noto Serif CJK SC" not in installed or "仿宋_GB2312" in installed:
        pytest.skip("needs fontconfig with Noto Serif CJK SC and without 仿宋_GB2312")
    said = []
    pdf = render_pdf(docx, tmp_path / "out", say=said.append)
    assert len(said) == 1 and "仿宋_GB2312 → Noto Serif CJK SC" in said[0]
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "NotoSerifCJK" in fonts  # the body text is set in the serif face
