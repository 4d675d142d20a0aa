"""The notebook contract: committed without outputs, parameters as the pipeline passes them,
and the main weekly notebook runs top to bottom under papermill."""

import json
import shutil
from datetime import date
from pathlib import Path

import papermill
import pytest

from fuchan_lib.run import pipeline

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
        pipeline.check_notebook_contract(ROOT / "notebooks" / "1_工业.ipynb", {"colour": "red"})


def test_every_section_notebook_exists():
    assert {p.name for p in NOTEBOOKS} >= set(pipeline.SECTION_NOTEBOOKS)


@pytest.mark.slow
def test_main_notebook_runs_under_papermill(county, tmp_path):
    source = ROOT / "notebooks" / "周报.ipynb"
    assert set(papermill.inspect_notebook(str(source))) == {"params_path", "as_of"}
    out = tmp_path / "周报_已运行.ipynb"
    papermill.execute_notebook(
        str(source), str(out), parameters={"params_path": str(county), "as_of": "2023-02-15"},
        progress_bar=False, kernel_name="python3", cwd=str(source.parent),
    )
    book = json.loads(out.read_text(encoding="utf-8"))
    text = json.dumps(book, ensure_ascii=False)
    assert "复工率" in text and ".docx" in text and "image/png" in text
    assert "Warning" not in text  # no English warnings in front of the statistician
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
