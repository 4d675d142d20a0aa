"""docs/DESIGN.md is what the code's "DESIGN §n" references point to: each must name a section."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DESIGN = ROOT / "docs" / "DESIGN.md"
HERE = Path(__file__).resolve()  # its examples are not references
# where references are written: the package, its notebooks, tests, scripts, benchmarks, docs
SEARCHED = ("fuchan_lib", "notebooks", "tests", "scripts", "benchmarks", "docs", "README.md")
SUFFIXES = {".py", ".ipynb", ".md"}
# "DESIGN §2", "DESIGN §2, §6", "DESIGN §4.1": the section list after the word DESIGN
REFERENCE = re.compile(r"DESIGN\s+(§\d+(?:\.\d+)*(?:\s*(?:,|and|、|/)\s*§\d+(?:\.\d+)*)*)")
SECTION = re.compile(r"§(\d+(?:\.\d+)*)")


def design_sections(text: str) -> set[str]:
    """Section numbers of the doc's numbered headings: '## 3. Counting rules' gives '3'."""
    return {m[1] for m in re.finditer(r"^#{2,4}\s+(\d+(?:\.\d+)*)\.?\s", text, flags=re.M)}


def references(text: str) -> list[str]:
    return [n for found in REFERENCE.finditer(text) for n in SECTION.findall(found[1])]


def files_with_references():
    for name in SEARCHED:
        base = ROOT / name
        paths = [base] if base.is_file() else sorted(base.rglob("*"))
        for path in paths:
            if path.suffix in SUFFIXES and path not in (DESIGN, HERE) and ".venv" not in path.parts:
                text = path.read_text(encoding="utf-8")
                if "DESIGN" in text:
                    yield path, text


@pytest.mark.parametrize(
    "text, expected",
    [
        ('"""Rates (DESIGN §3): counts."""', ["3"]),
        ("Ledger files (DESIGN §2, §6).", ["2", "6"]),
        ("see DESIGN §4.1 and GB/T 9704 §5.2", ["4.1"]),  # the standard's § is not ours
        ("GB/T 9704-2012 §5.2 as lengths (DESIGN §5)", ["5"]),
        ("no reference here §7", []),
    ],
)
def test_a_design_reference_is_read_with_every_section_it_lists_and_nothing_else(text, expected):
    assert references(text) == expected


def test_design_sections_are_read_from_the_numbered_headings():
    text = "# fuchan\n## 1. Shape\n### Layers\n## 2. Inputs\n## 10. Hostile input\n"
    assert design_sections(text) == {"1", "2", "10"}


def test_the_design_doc_numbers_its_sections_one_to_ten_in_order():
    text = DESIGN.read_text(encoding="utf-8")
    numbers = [int(m) for m in re.findall(r"^## (\d+)\. ", text, flags=re.M)]
    assert numbers == list(range(1, 11))


def test_every_design_reference_in_the_project_names_a_section_of_docs_design_md():
    sections = design_sections(DESIGN.read_text(encoding="utf-8"))
    found, dangling = 0, []
    for path, text in files_with_references():
        for number, line in ((n, i) for i, row in enumerate(text.splitlines(), 1) for n in references(row)):
            found += 1
            if number not in sections:
                dangling.append(f"{path.relative_to(ROOT)}:{line}: DESIGN §{number}")
    assert found >= 20, f"only {found} references found: is the search looking in the right places?"
    assert not dangling, "references to sections docs/DESIGN.md does not have:\n" + "\n".join(dangling)
