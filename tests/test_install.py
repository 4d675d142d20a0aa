"""A non-editable install (`pip install .`) runs the example: the notebooks ship in the wheel as
package data, and nothing is found through the checkout."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_a_non_editable_install_runs_the_example_with_the_notebooks_it_ships(county, tmp_path):
    source = tmp_path / "source"  # a copy: setuptools' build/ folder stays out of the checkout
    for folder in ("fuchan_lib", "notebooks"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for file in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / file, source / file)
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site),
                    str(source)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(site)}  # ahead of the editable checkout, kernels too
    where = subprocess.run(
        [sys.executable, "-c", "import fuchan_lib; from fuchan_lib.run.pipeline import notebooks_dir;"
                               "print(fuchan_lib.__file__); print(notebooks_dir())"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    package, notebooks = map(Path, where.stdout.split())
    assert package.is_relative_to(site) and notebooks == site / "fuchan_lib" / "notebooks"
    run = subprocess.run([sys.executable, "-m", "fuchan_lib.run.cli", "run", str(county)], cwd=tmp_path,
                         env=env, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    report = Path(run.stdout.strip().splitlines()[-1])
    assert report.suffix == ".docx" and report.is_file()
