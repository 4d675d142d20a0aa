"""Hostile ledger files (scripts/make_hostile_inputs.py): each is read or refused in Chinese,
never aborting the process, within 1 GB of address space and 30 seconds (issue 20)."""

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from make_hostile_inputs import CASES, write_all

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 1 << 30  # bytes of address space
TIMEOUT = 30  # seconds


def limited():
    """preexec_fn: the child may use 1 GB of address space at most."""
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_all(tmp_path_factory.mktemp("hostile"))


READ_EACH = """
import json, sys
from pathlib import Path
from fuchan_lib.core.exceptions import LedgerError
from fuchan_lib.ingest.ledger import raise_for_problems, read_entries
for name in sys.argv[2:]:
    try:
        read = raise_for_problems(read_entries([(Path(sys.argv[1]) / name, None)], "工业企业台账", year=2023))
        print(json.dumps({"name": name, "rows": len(read.frame)}), flush=True)
    except LedgerError as exc:
        print(json.dumps({"name": name, "error": str(exc)}, ensure_ascii=False), flush=True)
"""


def test_every_hostile_file_is_read_or_refused_in_one_limited_process(corpus):
    folder = next(iter(corpus.values())).parent
    done = subprocess.run([sys.executable, "-c", READ_EACH, str(folder), *corpus], capture_output=True,
                          text=True, timeout=TIMEOUT * 2, preexec_fn=limited, cwd=ROOT)
    results = {r["name"]: r for r in map(json.loads, done.stdout.splitlines())}
    assert done.returncode == 0, done.stderr[-2000:]  # an abort ends the process with SIGABRT
    assert set(results) == {c.name for c in CASES}
    for case in CASES:
        result = results[case.name]
        if case.expect == "error" and not case.audited:
            assert case.fragment in result.get("error", ""), (case.name, result)
            assert f"文件“{case.name}”" in result["error"]
        else:
            assert result.get("rows") == 5, (case.name, result)


def test_the_far_cell_message_names_the_file_the_sheet_and_how_far_the_data_reaches(corpus):
    from fuchan_lib.core.exceptions import LedgerError
    from fuchan_lib.ingest.ledger import read_ledger

    with pytest.raises(LedgerError) as err:
        read_ledger(corpus["远处单元格_小范围声明.xlsx"], "工业企业台账")
    assert str(err.value).startswith("文件“远处单元格_小范围声明.xlsx”，工作表“台账”：表中的数据一直到"
                                     "第1048576行、第16384列（文件自称范围为A1:F6），超过了程序能读的范围")


def test_a_sheet_whose_dimension_overstates_its_data_is_read_by_its_data(corpus):
    from fuchan_lib.ingest.ledger import read_ledger

    for name in ("范围声明过大.xlsx", "远处只有格式.xlsx"):
        frame = read_ledger(corpus[name], "工业企业台账", year=2023)
        assert frame["企业名称"].tolist()[:2] == ["甲机械有限公司", "乙纺织有限公司"]


def test_a_reversed_name_is_read_without_its_direction_mark_and_said(corpus):
    from fuchan_lib.ingest.ledger import read_entries

    read = read_entries([(corpus["名称倒序字符.xlsx"], None)], "工业企业台账", year=2023)
    assert read.frame["企业名称"][0] == "甲机械司公限有"
    assert read.mappings[0].direction_marks == ((2, "企业名称", "甲机械司公限有"),)


def _params_for(county: Path, ledger: Path) -> Path:
    text = county.read_text(encoding="utf-8")
    text = text.replace("../data/example/工业企业台账.xlsx", ledger.as_posix())
    path = county.parent / f"hostile_{ledger.stem}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fuchan_check_ends_in_exit_0_or_a_chinese_refusal_within_1gb_and_30s(county, corpus, case):
    params = _params_for(county, corpus[case.name])
    fuchan = Path(sys.executable).parent / "fuchan"
    done = subprocess.run([str(fuchan), "check", str(params)], capture_output=True, text=True,
                          timeout=TIMEOUT, preexec_fn=limited, env=os.environ | {"PYTHONUTF8": "1"})
    output = done.stdout + done.stderr
    assert "Traceback" not in output and "panicked" not in output and "memory allocation" not in output
    assert done.returncode == (2 if case.expect == "error" else 0), output[-3000:]
    if case.expect == "error":
        assert done.stderr.startswith("错误：") and case.name in done.stderr
    assert case.fragment in output


@pytest.mark.parametrize("suffix", [".xlsb", ".ods"])
def test_a_workbook_that_cannot_be_sized_before_reading_is_refused_with_the_fix(tmp_path, suffix):
    from fuchan_lib.core.exceptions import LedgerError
    from fuchan_lib.ingest.ledger import entry_files

    ledger = tmp_path / f"工业企业台账{suffix}"
    ledger.write_bytes(b"PK\x03\x04 not read")
    with pytest.raises(LedgerError) as refused:
        entry_files(ledger, "工业企业台账")
    assert f"不支持“{suffix}”格式的文件" in str(refused.value) and ".xlsx" in str(refused.value)
    files, skipped = entry_files(_folder_with(tmp_path, ledger), "工业企业台账")
    assert [f.name for f in files] == ["城关镇.xlsx"] and [s.file for s in skipped] == [ledger.name]


def _folder_with(tmp_path: Path, other: Path) -> Path:
    folder = tmp_path / "台账"
    folder.mkdir()
    other.rename(folder / other.name)
    (folder / "城关镇.xlsx").write_bytes(b"")
    return folder
