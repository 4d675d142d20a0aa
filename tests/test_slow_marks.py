"""The guard in conftest.py: which command lines make a test slow (a kernel or LibreOffice)."""

import sys
from pathlib import Path

import pytest

from conftest import kernel_or_office


@pytest.mark.parametrize(
    "args, expected",
    [
        ([sys.executable, "-m", "ipykernel_launcher", "-f", "/tmp/kernel-1.json"], "a Jupyter kernel"),
        (["/usr/bin/soffice", "--headless", "--convert-to", "pdf", "报告.docx"], "LibreOffice"),
        (["libreoffice7.4", "--version"], "LibreOffice"),
        ("soffice --headless --convert-to pdf a.docx", "LibreOffice"),
        (["papermill", "in.ipynb", "out.ipynb"], "a Jupyter kernel"),
        ([sys.executable, "-m", "fuchan_lib.run.cli", "run", "p.yaml"], "`fuchan run` (a Jupyter kernel)"),
        (["/x/.venv/bin/fuchan", "汇总", "city.yaml"], "`fuchan 汇总` (a Jupyter kernel)"),
        ([sys.executable, "-m", "fuchan_lib.run.cli", "check", "p.yaml"], None),
        (["pdftotext", "-layout", "a.pdf", "-"], None),
        (["git", "status"], None),
        ([sys.executable, "-c", "print('run')"], None),
    ],
)
def test_a_command_line_is_slow_when_it_starts_a_kernel_or_libreoffice(args, expected):
    assert kernel_or_office(args) == expected


def test_an_unmarked_test_cannot_start_a_kernel(pytester):
    """The guard itself, on a throwaway test file: starting a kernel without the mark fails."""
    pytester.makeconftest(Path(__file__).with_name("conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(
        test_starts="""
import subprocess, sys, pytest

def test_unmarked():
    subprocess.run([sys.executable, "-m", "ipykernel_launcher", "--help"], capture_output=True)

@pytest.mark.slow
def test_marked():
    pass

def test_harmless():
    subprocess.run([sys.executable, "-c", "pass"], check=True)
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    # the unmarked test fails where it starts the kernel, and its teardown says which mark is missing
    result.assert_outcomes(passed=2, failed=1, errors=1)
    result.stdout.fnmatch_lines(["*starts a Jupyter kernel*mark it @pytest.mark.slow*"])
