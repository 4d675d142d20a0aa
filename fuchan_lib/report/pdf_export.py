"""PDF rendering of the delivered .docx with LibreOffice (`fuchan run --pdf`, and tests).

The .docx is converted exactly as delivered: its layout (a lines-only grid with condensed run
spacing, see gongwen.styles) renders at 28 × 22 in LibreOffice as in Word and WPS.

Fonts: the 公文 faces (仿宋_GB2312, 方正小标宋简体, ...) are often missing where the PDF is
made, and LibreOffice's own fallback picks whatever CJK face fontconfig ranks first, often a
Japanese one. So each missing face is mapped on purpose, by role, to a freely licensed
Simplified Chinese face that is installed (serif for 仿宋/宋体/楷体/小标宋, sans for 黑体),
through a fontconfig file used by this conversion only, and the substitutions are reported.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from fuchan_lib.core.exceptions import FuchanError

TIMEOUT_S = 180

# freely licensed Simplified Chinese faces, best first (Noto CJK / 思源: SIL OFL; AR PL: Arphic)
SERIF = ("Noto Serif CJK SC", "Noto Serif SC", "Source Han Serif SC", "Source Han Serif CN",
         "AR PL UMing CN")
SANS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
        "WenQuanYi Zen Hei")
KAI = ("AR PL UKai CN", *SERIF)
_RFONTS_EAST_ASIA = re.compile(rb'<w:rFonts [^>]*w:eastAsia="([^"]+)"')


def find_soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def role_candidates(font: str) -> tuple[str, ...]:
    """Substitutes for a 公文 face by its role: 黑体 -> sans; 楷体 -> a 楷 face, else serif;
    仿宋, 宋体, 小标宋 and anything else -> serif."""
    name = font.lower()
    if "黑" in font or "hei" in name:
        return SANS
    if "楷" in font or "kai" in name:
        return KAI
    return SERIF


def installed_families() -> set[str] | None:
    """Font families fontconfig knows (every localised name), or None without fontconfig."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    listing = subprocess.run([fc_list, "--format", "%{family}\n"], capture_output=True,
                             text=True, timeout=60).stdout
    names = (name.strip() for line in listing.splitlines() for name in line.split(","))
    return {name for name in names if name}


def document_fonts(docx_path: Path) -> list[str]:
    """East Asian font names the document asks for, in order of first use."""
    names: dict[str, None] = {}
    with zipfile.ZipFile(docx_path) as z:
        for part in z.namelist():
            if part.startswith("word/") and part.endswith(".xml"):
                for match in _RFONTS_EAST_ASIA.finditer(z.read(part)):
                    names.setdefault(match.group(1).decode("utf-8"), None)
    return list(names)


def plan_substitutions(fonts: list[str], installed: set[str]) -> tuple[dict[str, str], list[str]]:
    """({missing face: installed substitute}, [missing faces with no free substitute])."""
    chosen, unmatched = {}, []
    for font in fonts:
        if font in installed:
            continue
        substitute = next((c for c in role_candidates(font) if c in installed), None)
        if substitute is None:
            unmatched.append(font)
        else:
            chosen[font] = substitute
    return chosen, unmatched


def fontconfig_file(substitutions: dict[str, str], folder: Path) -> Path:
    """A fonts.conf: the system's configuration plus one rule per missing face."""
    system = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
    rules = "".join(
        f'<match target="pattern"><test name="family" compare="eq"><string>{escape(src)}</string>'
        f'</test><edit name="family" mode="assign" binding="strong"><string>{escape(dst)}</string>'
        f"</edit></match>\n"
        for src, dst in substitutions.items())
    path = folder / "fonts.conf"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                    f'<fontconfig>\n<include ignore_missing="yes">{escape(system)}</include>\n'
                    f"{rules}</fontconfig>\n", encoding="utf-8")
    return path


def describe_substitutions(substitutions: dict[str, str], unmatched: list[str]) -> list[str]:
    """What the user is told, in Chinese."""
    lines = []
    if substitutions:
        pairs = "；".join(f"{src} → {dst}" for src, dst in substitutions.items())
        lines.append(f"PDF 字体替换（本机未安装这些公文字体，PDF 中改用免费简体中文字体，"
                     f"Word 文档本身不变）：{pairs}")
    if unmatched:
        lines.append(f"PDF 中“{'、'.join(unmatched)}”本机未安装，也没有可替换的免费简体中文字体，"
                     "由 LibreOffice 自选字体，字形可能不规范；可安装 Noto CJK 字体"
                     "（Debian/Ubuntu：apt install fonts-noto-cjk）")
    return lines


def render_pdf(docx_path: Path, out_dir: Path, *, say: Callable[[str], None] = print) -> Path:
    """Convert docx_path, unchanged, to <out_dir>/<stem>.pdf with LibreOffice; return the path.

    Raises FuchanError (Chinese) when LibreOffice is missing or produces no PDF; soffice exits
    0 even when conversion fails, so the PDF's existence is what counts. Font substitutions
    are reported through `say`.
    """
    docx_path, out_dir = Path(docx_path), Path(out_dir)
    soffice = find_soffice()
    if soffice is None:
        raise FuchanError("未找到 LibreOffice（soffice），无法生成 PDF；请安装 LibreOffice，"
                          "或不加 --pdf 只生成 Word 文档")
    if not docx_path.is_file():
        raise FuchanError(f"要转换的文件“{docx_path}”不存在")
    try:
        fonts = document_fonts(docx_path)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise FuchanError(f"“{docx_path}”不是有效的 Word（.docx）文件，无法生成 PDF") from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{docx_path.stem}.pdf"
    with tempfile.TemporaryDirectory(prefix="fuchan-soffice-") as tmp:
        tmp_dir = Path(tmp)
        env = dict(os.environ)
        installed = installed_families()
        if installed is not None:
            substitutions, unmatched = plan_substitutions(fonts, installed)
            if substitutions:
                env["FONTCONFIG_FILE"] = str(fontconfig_file(substitutions, tmp_dir))
            for line in describe_substitutions(substitutions, unmatched):
                say(line)
        work = tmp_dir / "in" / docx_path.name  # a byte copy: LibreOffice leaves lock files
        work.parent.mkdir()
        shutil.copyfile(docx_path, work)
        command = [
            soffice, "--headless", "--norestore",
            f"-env:UserInstallation={(tmp_dir / 'profile').as_uri()}",
            "--convert-to", "pdf", "--outdir", str(tmp_dir / "out"), str(work),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S,
                                    env=env)
        except subprocess.TimeoutExpired as exc:
            raise FuchanError(f"LibreOffice 转换“{docx_path.name}”超过{TIMEOUT_S}秒未完成") from exc
        produced = tmp_dir / "out" / f"{docx_path.stem}.pdf"
        if not produced.is_file() or produced.stat().st_size == 0:
            detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
            raise FuchanError(f"LibreOffice 未能把“{docx_path.name}”转换为 PDF"
                              + (f"：{' '.join(detail)}" if detail else ""))
        shutil.move(produced, target)
    return target
