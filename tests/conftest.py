"""Shared fixtures: a private copy of the example county, so runs never touch the repo's outputs/."""

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def county(tmp_path) -> Path:
    """A copy of params/, data/example/ and narrative/ in tmp_path; returns the params file."""
    for folder in ("params", "data/example", "narrative"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path / "params" / "示例县_2023Q1.yaml"
