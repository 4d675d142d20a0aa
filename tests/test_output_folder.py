"""输出目录 as configuration, and no write outside the folder a file belongs in (issue 20)."""

import errno
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from fuchan_lib.core.output_folder import OutputFolderError, OutsideFolderError, inside, prepare_output_folder
from fuchan_lib.run.transaction import RunTransaction

ROOT = Path(__file__).resolve().parent.parent


def test_the_disks_root_is_refused_as_output_folder():
    with pytest.raises(OutputFolderError, match="整个磁盘的根目录.*输出目录: ../outputs"):
        prepare_output_folder("/")


def test_a_file_in_place_of_the_output_folder_is_named(tmp_path):
    (tmp_path / "outputs").write_text("x", encoding="utf-8")
    with pytest.raises(OutputFolderError, match="是一个文件，不是文件夹"):
        prepare_output_folder(tmp_path / "outputs")
    with pytest.raises(OutputFolderError, match="无法创建输出目录.*路径中的“.*outputs”是一个文件"):
        prepare_output_folder(tmp_path / "outputs" / "本县")


def test_an_unwritable_output_folder_is_named_with_the_fix(tmp_path, monkeypatch):
    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    with pytest.raises(OutputFolderError, match="不能写入（没有写入权限）.*有写入权限的文件夹"):
        prepare_output_folder(tmp_path)


def test_a_missing_output_folder_is_created(tmp_path):
    assert prepare_output_folder(tmp_path / "a" / "b") == (tmp_path / "a" / "b").resolve()
    assert (tmp_path / "a" / "b").is_dir() and not list((tmp_path / "a" / "b").iterdir())


def test_a_run_transaction_refuses_the_root_before_writing_anything():
    with pytest.raises(OutputFolderError):
        with RunTransaction(Path("/"), "示例县_截至20230215_x", "示例县", date(2023, 2, 15)):
            pass


@pytest.mark.parametrize("relative", ["../逃逸", "a/../../逃逸", "/tmp/逃逸"])
def test_a_path_leading_out_of_its_folder_is_refused(tmp_path, relative):
    folder = tmp_path / "outputs"
    with pytest.raises(OutsideFolderError, match="程序拒绝写入"):
        inside(folder, folder / relative)


def test_a_symlink_leading_out_of_the_folder_is_refused(tmp_path):
    folder = tmp_path / "outputs"
    folder.mkdir()
    (folder / "链接").symlink_to(tmp_path)
    with pytest.raises(OutsideFolderError):
        inside(folder, folder / "链接" / "x.xlsx")
    assert inside(folder, folder / "子" / "x.xlsx") == (folder / "子" / "x.xlsx").resolve()


# --- the whole temporary tree after hostile runs ------------------------------------------------

HOSTILE_NAMES = {
    "县名": ['"../../../逃逸县"', '"示例县_截至20230215_20230216-090000/tables/注入"', '"..\\\\..\\\\逃逸县"'],
    "报告单位": ['"../../逃逸局"'],
}


def _tree(root: Path) -> set[tuple[Path, int]]:
    """Every path under root with its modification time: a new or rewritten file differs."""
    return {(p, p.stat().st_mtime_ns) for p in root.rglob("*")}


def _changed(root: Path, before: set) -> set[Path]:
    return {p for p, _ in _tree(root) - before}


def _county_copy(base: Path) -> Path:
    for folder in ("params", "data/example", "narrative"):
        shutil.copytree(ROOT / folder, base / folder, ignore=shutil.ignore_patterns("审核清单*"))
    return base / "params" / "示例县_2023Q1.yaml"


def _fuchan(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    fuchan = Path(sys.executable).parent / "fuchan"
    return subprocess.run([str(fuchan), *args], capture_output=True, text=True, cwd=cwd, timeout=120,
                          env=os.environ | {"PYTHONUTF8": "1"})


def _with_hostile_township(ledger: Path) -> None:
    book = openpyxl.load_workbook(ledger)
    sheet = book.worksheets[0]
    header = [c.value for c in next(sheet.iter_rows(max_row=5))]
    for row in sheet.iter_rows(min_row=2, max_row=6):
        for cell in row:
            if header[cell.column - 1] and "乡镇" in str(header[cell.column - 1]):
                cell.value = "../../../逃逸镇"
    book.save(ledger)


def test_no_hostile_name_makes_check_write_outside_its_folders(tmp_path, monkeypatch, capsys):
    """Every hostile name is refused at its line, and listing the whole temporary tree after
    the attempts shows nothing written anywhere but the 审核清单 beside the params file (the
    refusals run in this process: a child per name only repeated the imports; the last check
    runs as the command)."""
    from fuchan_lib.run import cli

    base = tmp_path / "a" / "b" / "c"
    params = _county_copy(base)
    _with_hostile_township(base / "data" / "example" / "工业企业台账.xlsx")
    before = _tree(tmp_path)
    text = params.read_text(encoding="utf-8")
    for key, values in HOSTILE_NAMES.items():
        old = next(line for line in text.splitlines() if line.startswith(key + ":"))
        for value in values:
            hostile = params.with_name(f"hostile_{len(list(params.parent.iterdir()))}.yaml")
            hostile.write_text(text.replace(old, f"{key}: {value}"), encoding="utf-8")
            monkeypatch.chdir(base)
            code = cli.main(["check", str(hostile)])
            err = capsys.readouterr().err
            assert code == 2 and f"“{key}”的值" in err, err
    done = _fuchan("check", str(params), cwd=base)
    assert done.returncode in (0, 2) and "Traceback" not in done.stdout + done.stderr
    written = _changed(tmp_path, before)  # files and folders, new or rewritten
    allowed = {params.parent} | {p for p in written if p.parent == params.parent and p.is_file()}
    assert written == allowed, sorted(map(str, written - allowed))  # the params and the 审核清单
    assert [p.name for p in written if p.suffix == ".xlsx"] == ["审核清单_示例县_截至20230215.xlsx"]


@pytest.mark.slow
def test_a_run_with_a_hostile_township_writes_only_inside_its_output_folder(tmp_path):
    base = tmp_path / "a" / "b" / "c"
    params = _county_copy(base)
    _with_hostile_township(base / "data" / "example" / "工业企业台账.xlsx")
    before = _tree(tmp_path)
    done = _fuchan("run", str(params), cwd=base)
    assert done.returncode == 0, done.stderr[-2000:]
    output = (params.parent / "../outputs").resolve()
    # what changed: the output folder's contents, and its parent (it gained the folder)
    written = _changed(tmp_path, before) - {output, output.parent}
    assert written and all(output in p.parents for p in written), \
        sorted(str(p) for p in written if output not in p.parents)
    books = [p.name for p in output.rglob("督办/*.xlsx")]
    assert any("逃逸镇" in name and "/" not in name for name in books)
