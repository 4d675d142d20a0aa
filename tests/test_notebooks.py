"""The notebook contract: committed without outputs, parameters as the pipeline passes them,
and the main weekly notebook runs top to bottom under papermill."""

import json
import shutil
from datetime import date
from pathlib import Path

import papermill
import pytest

from fuchan_lib.run import kernel, pipeline

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    book = json.loads(path.read_text(encoding="utf-8"))
    for cell in book["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, path.name


@pytest.mark.parametrize("name", pipeline.SECTION_NOTEBOOKS)
def test_section_notebooks_declare_exactly_what_the_pipeline_passes(name, tmp_path):
    declared = set(papermill.inspect_notebook(str(ROOT / "notebooks" / name)))
    passed = pipeline.notebook_parameters(tmp_path, tmp_path / "p.yaml", date(2023, 2, 15))
    assert declared == set(passed)


def test_pipeline_refuses_an_undeclared_parameter():
    with pytest.raises(Exception, match="没有声明 colour"):
        kernel.check_notebook_contract(ROOT / "notebooks" / "1_工业.ipynb", {"colour": "red"})


def test_every_section_notebook_exists():
    assert {p.name for p in NOTEBOOKS} >= set(pipeline.SECTION_NOTEBOOKS)


@pytest.mark.slow
def test_main_notebook_runs_under_papermill(county, tmp_path):
    source = ROOT / "notebooks" / "周报.ipynb"
    assert set(papermill.inspect_notebook(str(source))) == {"params_path", "as_of"}
    out = tmp_path / "周报_已运行.ipynb"
    papermill.execute_notebook(  # the date as statisticians write it, as the CLI accepts it
        str(source), str(out), parameters={"params_path": str(county), "as_of": "2023年2月15日"},
        progress_bar=False, kernel_name="python3", cwd=str(source.parent),
    )
    book = json.loads(out.read_text(encoding="utf-8"))
    text = json.dumps(book, ensure_ascii=False)
    assert "复工率" in text and ".docx" in text and "image/png" in text
    assert "Warning" not in text  # no English warnings in front of the statistician
    shown_text = _visible_text(book)
    assert "NaN" not in shown_text and "nan</td>" not in shown_text  # empty cells blank
    audit_cell = next(c for c in book["cells"] if "TABLE_AUDIT" in "".join(c["source"]))
    shown = "".join("".join(o["data"]["text/html"]) for o in audit_cell["outputs"] if "text/html" in o.get("data", {}))
    import pandas as pd

    listed = pd.read_excel(next((county.parent.parent / "outputs").glob("*/tables/审核清单.xlsx")),
                           engine="calamine")
    assert len(listed) > 30 and shown.count("<tr") == len(listed) + 1  # every finding (and the header), not 30
    from jupyter_core.utils import ensure_event_loop

    ensure_event_loop().close()
    reports = list((county.parent.parent / "outputs").glob("*/*.docx"))
    assert len(reports) == 1


@pytest.mark.slow
def test_section_notebook_runs_alone_with_papermill_cli(county, tmp_path):
    import subprocess
    import sys

    run_dir = tmp_path / "单独运行"
    result = subprocess.run(
        [sys.executable, "-m", "papermill", str(ROOT / "notebooks" / "1_工业.ipynb"), str(tmp_path / "out.ipynb"),
         "-p", "params_path", str(county), "-p", "run_dir", str(run_dir), "--cwd", str(ROOT / "notebooks")],
        capture_output=True, text=True, encoding="utf-8", timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (run_dir / "tables" / "工业复工情况.xlsx").is_file()  # read the ledgers itself: no staged run
    shutil.rmtree(run_dir)


def _break_ledger(county):
    import openpyxl

    path = county.parent.parent / "data" / "example" / "工业企业台账.xlsx"
    book = openpyxl.load_workbook(path)
    book.active["F4"], book.active["D7"] = "2023-13-01", "中型"
    book.save(path)


def _visible_text(book) -> str:
    """What a reader sees: sources aside, every output's text (an error's traceback included)."""
    parts = []
    for cell in book["cells"]:
        for output in cell.get("outputs", []):
            parts += output.get("traceback", []) + [output.get("text", "") if isinstance(
                output.get("text"), str) else "".join(output.get("text", []))]
            parts += ["".join(v) if isinstance(v, list) else str(v)
                      for kind, v in output.get("data", {}).items() if kind.startswith("text/")]
    return "\n".join(parts)


@pytest.mark.slow
@pytest.mark.parametrize("name, parameters", [
    ("周报.ipynb", {"as_of": "2023-2-15"}),
    ("1_工业.ipynb", {"as_of": "2023年2月15日"}),
])
def test_a_bad_ledger_shows_the_chinese_message_and_no_traceback(county, tmp_path, name, parameters):
    _break_ledger(county)
    source = ROOT / "notebooks" / name
    out = tmp_path / f"已运行_{name}"
    if name != "周报.ipynb":
        parameters = parameters | {"run_dir": str(tmp_path / "单独运行")}
    with pytest.raises(papermill.PapermillExecutionError):  # the run stops at the box
        papermill.execute_notebook(str(source), str(out), parameters={"params_path": str(county)} | parameters,
                                   progress_bar=False, kernel_name="python3", cwd=str(source.parent))
    from jupyter_core.utils import ensure_event_loop

    ensure_event_loop().close()
    shown = _visible_text(json.loads(out.read_text(encoding="utf-8")))
    assert "台账有2处问题" in shown
    assert "第4行（示例县宏建五金制品有限公司），“复工日期”列：值“2023-13-01”不是有效日期（F4单元格）" in shown
    assert "值“中型”不是允许的取值（D7单元格）。处理办法：请改为以下之一：「规上」「规下」" in shown
    assert "运行已停止" in shown
    for english in ("Traceback", "LedgerProblems", "Error", "File \"", "---->"):
        assert english not in shown, english
    if name == "周报.ipynb":  # the failed run keeps its 审核清单
        assert "全部问题已写入审核清单" in shown
        assert list((county.parent.parent / "outputs" / "失败的运行").glob("*/tables/审核清单.xlsx"))
