"""No module of fuchan_lib reaches into another module's private (`_x`) names."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "fuchan_lib"


def private_uses(source: str) -> list[str]:
    """`from fuchan_lib.m import _x` and `m._x` where m is a fuchan_lib module or name imported from one."""
    tree = ast.parse(source)
    imported, found = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("fuchan_lib"):
            for alias in node.names:
                imported.add(alias.asname or alias.name)
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"line {node.lineno}: from {node.module} import {alias.name}")
        elif isinstance(node, ast.Import):
            imported |= {a.asname or a.name.split(".")[0] for a in node.names if a.name.startswith("fuchan_lib")}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in imported
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("source, found", [
    ("from fuchan_lib.run.pipeline import _execute, run_pipeline", ["line 1: from fuchan_lib.run.pipeline import _execute"]),
    ("from fuchan_lib.ingest import values\nvalues._SPACES", ["line 2: values._SPACES"]),
    ("from fuchan_lib import __version__\nimport re\nre._cache", []),
    ("def f(self):\n    return self._stopped", []),
])
def test_the_scan_finds_private_names_taken_from_another_module(source, found):
    assert private_uses(source) == found


def test_no_module_imports_another_modules_private_names():
    found = {str(path.relative_to(PACKAGE)): uses for path in sorted(PACKAGE.rglob("*.py"))
             if (uses := private_uses(path.read_text(encoding="utf-8")))}
    assert found == {}
