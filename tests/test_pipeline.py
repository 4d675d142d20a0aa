"""`fuchan run` end to end: the run folder, the report's figures, failures and history.

Each run executes the four notebooks under papermill (a few seconds each), so this module
keeps the number of runs small and shares them through module-scoped fixtures.
"""

import hashlib
import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import docx
import nbformat
import pandas as pd
import pytest

from fuchan_lib.core import run_folder
from fuchan_lib.run import pipeline
from fuchan_lib.core.exceptions import NotebookError
from fuchan_lib.stats.facts import FactSet
from fuchan_lib.run.history import list_runs

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # every test here runs (or shares) whole pipeline runs


def report_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def tree_digest(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def two_weeks(tmp_path_factory):
    """Two runs of the example county a week apart, in a private output folder."""
    base = tmp_path_factory.mktemp("county")
    for folder in ("params", "data/example", "narrative"):
        shutil.copytree(ROOT / folder, base / folder)
    params = base / "params" / "示例县_2023Q1.yaml"
    first = pipeline.run_pipeline(params, as_of=date(2023, 2, 8), say=lambda _: None)
    second = pipeline.run_pipeline(params, say=lambda _: None)
    return params, first, second


def test_run_folder_holds_every_output(two_weeks):
    _, _, run = two_weeks
    folder = run.run_dir
    assert run.report.is_file() and run.report.name.endswith("（截至2023年2月15日）.docx")
    assert {p.name for p in (folder / "figures").glob("*.png")} >= {
        "1_复工进度曲线.png", "2_分类复工率.png", "3_乡镇复工率.png", "4_经济指标.png"}
    assert {p.name for p in (folder / "tables").glob("*.xlsx")} >= {
        "复工率_分类.xlsx", "复工率_行业.xlsx", "复工率_乡镇.xlsx", "未复工企业清单.xlsx", "审核清单.xlsx"}
    assert {p.name for p in (folder / "notebooks").glob("*.ipynb")} == set(pipeline.SECTION_NOTEBOOKS)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["状态"] == "成功" and manifest["截止日期"] == "2023-02-15"
    assert len(manifest["输入文件"]) == 4 and all(len(f["sha256"]) == 64 for f in manifest["输入文件"])
    assert manifest["参数"]["县名"] == "示例县" and "pandas" in manifest["版本"]
    params, _, _ = two_weeks  # the params' parsed values and hash, never the file's text
    assert manifest["参数文件sha256"] == hashlib.sha256(params.read_bytes()).hexdigest()
    assert "参数原文" not in manifest
    assert not list(folder.parent.glob(".运行中-*"))


def test_report_states_every_fact_and_no_placeholder_junk(two_weeks):
    _, _, run = two_weeks
    text = report_text(run.report)
    facts = FactSet.from_json(run.run_dir / "facts.json")
    template = (ROOT / "narrative" / "示例县.md").read_text(encoding="utf-8")
    template = re.sub(r"<!--.*?-->", "", template, flags=re.S)
    optional = "".join(re.findall(r"\[\[.*?\]\]", template))
    for key in set(re.findall(r"\{([^{}]+)\}", template)):
        fact = facts[key]
        if fact.text is None or (fact.kind == "count" and fact.value == 0):
            assert "{" + key + "}" in optional, key  # left out with its [[…]] part, or an alternative
        else:
            assert fact.text in text, key
    # this county's shape: every group has firms and some waiting, so no part is said otherwise
    assert "均已复工" not in text and "无规模以上" not in text
    for junk in ("*", "nan", "None", "增长-", "下降-", "【待补充】", "{", "}"):
        assert junk not in text, junk


def test_week_over_week_is_stated_only_with_a_previous_run(two_weeks):
    _, first, second = two_weeks
    assert "较上周" not in report_text(first.report)
    old = FactSet.from_json(first.run_dir / "facts.json")
    new = FactSet.from_json(second.run_dir / "facts.json")
    gain = new["工业.已复工"].value - old["工业.已复工"].value
    assert gain > 0
    text = report_text(second.report)
    assert f"本周新增复工复产企业{gain}户" in text
    assert re.search(r"较上周(提高|回落)\d+\.\d个百分点", text)
    changed = pd.read_excel(second.run_dir / "tables" / run_folder.TABLE_CHANGES, sheet_name=None, engine="calamine")
    assert set(changed) == {"新复工", "不再计入"}
    assert (second.run_dir / "figures" / "5_复工率趋势.png").is_file()
    assert not (first.run_dir / "figures" / "5_复工率趋势.png").exists()
    assert "本周复工变化企业名单" in text and f"上次统计以来新计入已复工（营业）的企业：{len(changed['新复工'])}户" in text


def test_runs_are_listed_newest_first(two_weeks):
    params, first, second = two_weeks
    runs = list_runs(params.parent.parent / "outputs")
    assert [r.folder for r in runs] == [second.run_dir, first.run_dir]


def test_same_inputs_give_the_same_figures_and_tables(two_weeks, tmp_path):
    params, _, second = two_weeks
    again = pipeline.run_pipeline(params, say=lambda _: None)
    assert again.run_dir != second.run_dir
    facts = lambda run: [(f.key, f.value, f.text) for f in FactSet.from_json(run.run_dir / "facts.json")]  # noqa: E731
    assert facts(again) == facts(second)
    for table in (second.run_dir / "tables").glob("*.xlsx"):
        before = pd.read_excel(table, sheet_name=None, engine="calamine")
        after = pd.read_excel(again.run_dir / "tables" / table.name, sheet_name=None, engine="calamine")
        assert before.keys() == after.keys()
        for sheet in before:
            pd.testing.assert_frame_equal(before[sheet], after[sheet])


def test_failing_notebook_is_kept_and_earlier_runs_are_untouched(two_weeks, tmp_path, monkeypatch):
    params, first, second = two_weeks
    before = {run: tree_digest(run.run_dir) for run in (first, second)}
    good_runs = len(list_runs(params.parent.parent / "outputs"))
    broken = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", broken)
    book = nbformat.read(broken / "2_服务业.ipynb", as_version=4)
    book.cells.append(nbformat.v4.new_code_cell("raise ValueError('台账列被改坏了')"))
    nbformat.write(book, broken / "2_服务业.ipynb")
    monkeypatch.setattr(pipeline, "notebooks_dir", lambda: broken)

    with pytest.raises(NotebookError, match=r"(?s)“2_服务业.ipynb”的第\d+个代码单元出错：ValueError: 台账列被改坏了"
                                             r".*已执行的笔记本保存在") as caught:
        pipeline.run_pipeline(params, say=lambda _: None)
    kept = Path(re.search(r"保存在：(.+?)（", str(caught.value)).group(1))
    assert (kept / "2_服务业.ipynb").is_file() and kept.parent.parent.name == run_folder.FAILED_DIR
    assert len(list_runs(params.parent.parent / "outputs")) == good_runs
    failed = [r for r in list_runs(params.parent.parent / "outputs", include_failed=True) if r.status == "失败"]
    assert [r.folder for r in failed] == [kept.parent]
    assert {run: tree_digest(run.run_dir) for run in (first, second)} == before


def test_two_runs_started_together_both_succeed(county):
    command = [sys.executable, "-m", "fuchan_lib.run.cli", "run", str(county)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             encoding="utf-8") for _ in range(2)]
    results = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    reports = {Path(out.strip().splitlines()[-1]) for out, _ in results}
    assert len(reports) == 2 and all(p.is_file() for p in reports)


def test_changing_one_resumption_date_changes_the_report(county, monkeypatch):
    ledger = county.parent.parent / "data" / "example" / "工业企业台账.xlsx"
    df = pd.read_excel(ledger, engine="calamine")
    waiting = df.index[(df["春节期间状态"] == "停产放假") & df["复工日期"].isna()][0]
    df.loc[waiting, "复工日期"] = pd.Timestamp("2023-02-10")
    df["复工日期"] = pd.to_datetime(df["复工日期"])
    df.to_excel(ledger, index=False)
    monkeypatch.chdir(county.parent)
    run = pipeline.run_pipeline(county, say=lambda _: None)
    assert Path.cwd() == county.parent  # 周报.ipynb calls run_pipeline and links from its folder
    facts = FactSet.from_json(run.run_dir / "facts.json")
    original = pd.read_excel(ROOT / "data" / "example" / "工业企业台账.xlsx", engine="calamine")
    needing = (original["春节期间状态"] == "停产放假")
    resumed_before = int((needing & (pd.to_datetime(original["复工日期"]) <= "2023-02-15")).sum())
    assert facts["工业.已复工"].value == resumed_before + 1
    assert f"已复工复产企业{resumed_before + 1}户" in report_text(run.report)


needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                                   reason="LibreOffice (soffice) and poppler-utils are not installed")


@needs_soffice
def test_libreoffice_renders_the_report_as_a_gongwen(two_weeks, tmp_path):
    from fuchan_lib.report.pdf_export import render_pdf

    _, _, run = two_weeks
    pdf = render_pdf(run.report, tmp_path)
    assert pdf.is_file()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "595.3" in info and "841.8" in info  # A4 in points
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 8  # body, then one page or more per 附件
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    first = text.split("\f")[0]
    compact = re.sub(r"\s+", "", first)
    assert "关于工业和服务业复工复产工作情况的报告" in compact and "县人大常委会：" in compact
    assert "一、基本情况" in compact and "—1—" in compact
    facts = FactSet.from_json(run.run_dir / "facts.json")
    assert f"复工复产率达{facts['工业.复工率'].text}" in compact
    assert "附件1" in re.sub(r"\s+", "", text)


def test_run_with_pdf_says_when_libreoffice_is_missing(county, monkeypatch):
    from fuchan_lib.report import pdf_export

    monkeypatch.setattr(pdf_export, "find_soffice", lambda: None)
    result = pipeline.run_pipeline(county, pdf=True, say=lambda _: None)
    assert result.pdf is None and "没有安装 LibreOffice" in str(result)
    assert result.report.is_file()


@needs_soffice
def test_run_with_pdf_writes_the_pdf(county):
    result = pipeline.run_pipeline(county, pdf=True, say=lambda _: None)
    assert result.pdf.is_file() and result.pdf.parent == result.run_dir


def test_township_follow_up_lists_add_up_to_the_county_list(two_weeks):
    _, _, run = two_weeks
    county = pd.read_excel(run.run_dir / "tables" / "未复工企业清单.xlsx", engine="calamine")
    books = sorted((run.run_dir / "督办").glob("[0-9][0-9]_*.xlsx"))
    lists = {p.stem[3:]: pd.read_excel(p, engine="calamine") for p in books}
    assert sum(len(df) for df in lists.values()) == len(county) > 0
    for town, df in lists.items():
        expected = county[county["乡镇（园区）"] == town]["企业名称"]
        assert sorted(df["企业名称"]) == sorted(expected), town
    summary = pd.read_excel(run.run_dir / "督办" / "汇总.xlsx", engine="calamine")
    assert list(summary["乡镇（园区）"])[:-1] == list(lists)
    assert summary["未复工企业"].iloc[-1] == len(county)


def test_the_audit_pages_read_as_plain_chinese(two_weeks):
    """The executed notebooks as web pages: parameters in words, no escapes or staging names,
    rates as the report writes them, every row and no pandas shape line."""
    _, _, run = two_weeks
    pages = sorted((run.run_dir / "notebooks").glob("*.html"))
    assert [p.stem for p in pages] == [Path(n).stem for n in pipeline.SECTION_NOTEBOOKS]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "参数文件：示例县_2023Q1.yaml　截止日期：2023年2月15日" in text, page.name
        assert re.search(r"\\u[0-9a-fA-F]{4}", text) is None, page.name
        assert "运行中" not in text and "笔记本试运行" not in text, page.name
        assert re.search(r"\d+ rows × \d+ columns", text) is None, page.name
        cells = re.findall(r"<td>([^<]*)</td>", text)
        assert cells and not [c for c in cells if re.fullmatch(r"-?\d+\.\d{2,}%?", c)], page.name
    towns = (run.run_dir / "notebooks" / "4_综合.html").read_text(encoding="utf-8")
    assert "<td>石桥镇</td>" in towns and "<td>81.4%</td>" in towns  # the rate the text quotes
