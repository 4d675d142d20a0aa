"""PDF rendering of a finished .docx with LibreOffice (`fuchan run --pdf`, and tests).

LibreOffice cannot squeeze 3号 characters into Word's 28-per-line character grid (a negative
`w:charSpace`): it gives each character two grid cells, 14 per line. So the PDF is made from
a temporary copy whose grid is lines-only, with the 0.25 pt condensed character spacing that
gives the same 28 characters per line. The user's .docx is never changed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from fuchan_lib.core.exceptions import FuchanError

TIMEOUT_S = 180
_CONDENSE_TWENTIETHS = -5  # 16 pt - 0.25 pt = 15.75 pt; 28 × 15.75 pt < 156 mm


def find_soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _copy_for_libreoffice(docx_path: Path, target: Path) -> None:
    """Copy the .docx, replacing a negative character grid by lines + condensed spacing."""
    with zipfile.ZipFile(docx_path) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        document = zin.read("word/document.xml")
        squeezed = re.search(rb'<w:docGrid [^>]*w:charSpace="-\d+"', document) is not None
        for item in zin.infolist():
            data = zin.read(item.filename)
            if squeezed and item.filename == "word/document.xml":
                data = re.sub(rb'(<w:docGrid [^>]*)w:type="linesAndChars"', rb'\1w:type="lines"', data)
                data = re.sub(rb'(<w:docGrid [^>]*) w:charSpace="-?\d+"', rb"\1", data)
            elif squeezed and item.filename == "word/styles.xml":
                spacing = f'<w:spacing w:val="{_CONDENSE_TWENTIETHS}"/>'.encode()
                # w:spacing follows w:rFonts (and precedes w:kern, w:sz) in CT_RPr
                data = re.sub(rb"(<w:rPrDefault>\s*<w:rPr>\s*<w:rFonts [^>]*/>)",
                              rb"\1" + spacing, data, count=1)
            zout.writestr(item, data)


def render_pdf(docx_path: Path, out_dir: Path) -> Path:
    """Convert docx_path to <out_dir>/<stem>.pdf with LibreOffice and return the PDF path.

    Raises FuchanError (Chinese) when LibreOffice is missing or produces no PDF; soffice exits
    0 even when conversion fails, so the PDF's existence is what counts.
    """
    docx_path, out_dir = Path(docx_path), Path(out_dir)
    soffice = find_soffice()
    if soffice is None:
        raise FuchanError("未找到 LibreOffice（soffice），无法生成 PDF；请安装 LibreOffice，"
                          "或不加 --pdf 只生成 Word 文档")
    if not docx_path.is_file():
        raise FuchanError(f"要转换的文件“{docx_path}”不存在")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{docx_path.stem}.pdf"
    with tempfile.TemporaryDirectory(prefix="fuchan-soffice-") as tmp:
        tmp_dir = Path(tmp)
        work = tmp_dir / "in" / docx_path.name
        work.parent.mkdir()
        try:
            _copy_for_libreoffice(docx_path, work)
        except (zipfile.BadZipFile, KeyError) as exc:
            raise FuchanError(f"“{docx_path}”不是有效的 Word（.docx）文件，无法生成 PDF") from exc
        command = [
            soffice, "--headless", "--norestore",
            f"-env:UserInstallation={(tmp_dir / 'profile').as_uri()}",
            "--convert-to", "pdf", "--outdir", str(tmp_dir / "out"), str(work),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired as exc:
            raise FuchanError(f"LibreOffice 转换“{docx_path.name}”超过{TIMEOUT_S}秒未完成") from exc
        produced = tmp_dir / "out" / f"{docx_path.stem}.pdf"
        if not produced.is_file() or produced.stat().st_size == 0:
            detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
            raise FuchanError(f"LibreOffice 未能把“{docx_path.name}”转换为 PDF"
                              + (f"：{' '.join(detail)}" if detail else ""))
        shutil.move(produced, target)
    return target
