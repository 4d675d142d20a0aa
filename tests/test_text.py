"""core.text: the one copy of the width, cleaning and atomic-write helpers."""

import pytest

from fuchan_lib.core.text import atomic_write, clean_text, display_width, excel_width


@pytest.mark.parametrize("text, width", [
    ("规上工业", 4), ("81.3%", 2.5), ("（含大个体）", 6), ("“双培育”—", 6), ("", 0),
])
def test_display_width_counts_full_width_as_one_zi(text, width):
    assert display_width(text) == width
    assert excel_width(text) == 2 * width


def test_clean_text_resolves_excel_escapes_and_drops_control_characters():
    assert clean_text("a_x000B_b\x0bc_x000A_d") == "abc\nd"
    assert clean_text(None) == ""


def test_atomic_write_replaces_the_file_on_success(tmp_path):
    target = tmp_path / "sub" / "a.txt"
    with atomic_write(target) as tmp:
        assert tmp.parent == target.parent and tmp != target
        tmp.write_text("new", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in target.parent.iterdir()] == ["a.txt"]


def test_atomic_write_keeps_the_earlier_file_on_failure(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as tmp:
            tmp.write_text("half", encoding="utf-8")
            raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_a_csv_cell_a_spreadsheet_would_run_gets_an_apostrophe_and_reads_back_exactly(tmp_path):
    import pandas as pd

    from fuchan_lib.core.text import csv_cell, write_csv
    from fuchan_lib.run.history import read_snapshot

    names = ['=HYPERLINK("http://x","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "'引号", "正常企业"]
    frame = pd.DataFrame({"键": [str(i) for i in range(len(names))], "企业名称": names,
                          "从业人员": pd.array([-5, 3, None, 1, 2, 3, 4], dtype="Int64"),
                          "乡镇（园区）": pd.Categorical(["=1"] + ["城关镇"] * 6)})
    path = write_csv(frame, tmp_path / "企业状态.csv")
    cells = [line.split(",")[1].strip('"') for line in path.read_text(encoding="utf-8-sig").splitlines()[1:]
             if line.count(",") >= 3]
    assert [c for c in cells if c and c[0] in "=+-@"] == []  # no cell starts a formula
    assert "-5" in path.read_text(encoding="utf-8-sig")  # numbers stay numbers
    back = read_snapshot(path)
    assert back["企业名称"].tolist() == names
    assert back["乡镇（园区）"].tolist()[0] == "=1"
    assert csv_cell("\r=1") == "'\r=1" and csv_cell("=1") == "'=1" and csv_cell("正常") == "正常"
