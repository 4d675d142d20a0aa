"""Shared fixtures: a private copy of the example county, so runs never touch the repo's outputs/."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# nbformat in this process as on the run path (run.kernel.import_papermill_lean, html_export):
# without rfc3987-syntax, which jsonschema's format checkers would load for formats notebooks
# never use (~1.2 s of every test session, at collection)
sys.modules.setdefault("rfc3987_syntax", None)

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["pytester"]  # test_slow_marks runs the guard below on a throwaway test file


def copy_county(into: Path) -> Path:
    """A copy of params/, data/example/ and narrative/ in `into`; returns the params file."""
    for folder in ("params", "data/example", "narrative"):
        shutil.copytree(ROOT / folder, into / folder)
    return into / "params" / "示例县_2023Q1.yaml"


@pytest.fixture
def county(tmp_path) -> Path:
    """A private copy of the example county (copy_county) for one test, free to edit."""
    return copy_county(tmp_path)


@pytest.fixture(scope="module")
def module_county(tmp_path_factory) -> Path:
    """One copy of the example county for a module's read-only work (what several tests read or
    build from the unchanged example, made once); a test that edits files takes `county`."""
    return copy_county(tmp_path_factory.mktemp("county"))


@pytest.fixture(scope="session")
def example_inputs():
    """The example county's ledgers as `load_inputs` reads them from the repo's params, once per
    session for the modules that only read them (never edit these frames: copy first)."""
    from fuchan_lib.ingest.inputs import load_inputs

    return load_inputs(ROOT / "params" / "示例县_2023Q1.yaml")


@pytest.fixture(scope="session")
def bad_input_corpus(tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    """The messy-input corpus (scripts/make_bad_inputs.py) written once for the session: its
    folder and case name -> file. Never edited: test_bad_inputs reads the cases,
    test_bad_inputs_cli also writes its params files and 审核清单 beside them."""
    import make_bad_inputs

    out = tmp_path_factory.mktemp("corpus")
    return out, make_bad_inputs.write_cases(out)


# --- slow tests are marked: a test that starts a kernel or LibreOffice says so --------------
# what such a test launches (in this process or as a child command line)
_LIBREOFFICE = ("soffice", "libreoffice")
_KERNEL = ("ipykernel_launcher", "ipykernel", "papermill", "fuchan_lib.run.kernel_main")
_CLI_COMMANDS_WITH_KERNEL = {"run", "汇总", "rollup", "lab"}  # `fuchan run` starts its kernel first


def kernel_or_office(args) -> str | None:
    """What a command line would start that makes a test slow: a kernel, LibreOffice, or a
    `fuchan` command that starts a kernel; None for anything else (git, pdftotext, `fuchan check`)."""
    argv = [os.fspath(a) for a in ([args] if isinstance(args, (str, bytes, os.PathLike)) else args)]
    if len(argv) == 1 and isinstance(argv[0], str):
        argv = argv[0].split()  # a shell command line
    names = [Path(str(a)).name.lower() for a in argv]
    if any(name.startswith(_LIBREOFFICE) for name in names):
        return "LibreOffice"
    if any(name in _KERNEL or name.startswith("papermill") for name in names):
        return "a Jupyter kernel"
    for i, name in enumerate(names):
        if name in ("fuchan", "fuchan.exe", "fuchan_lib.run.cli") and i + 1 < len(names):
            if argv[i + 1] in _CLI_COMMANDS_WITH_KERNEL:
                return f"`fuchan {argv[i + 1]}` (a Jupyter kernel)"
    return None


_running: list = []  # the test being set up, run or torn down (module fixtures included)
_started = pytest.StashKey[list]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _running.append(item)
    item.stash[_started] = []
    try:
        yield
    finally:
        _running.pop()


def _guarded(original):
    """Popen.__init__ refusing, for a test not marked `slow`, what kernel_or_office names. Kernels
    (jupyter_client's launcher), our soffice calls and child command lines all pass through it."""

    def guarded(self, args, *more, **options):
        item = _running[-1] if _running else None
        what = None if item is None or item.get_closest_marker("slow") else kernel_or_office(args)
        if what is not None:
            item.stash[_started].append(what)
            raise RuntimeError(f"this test starts {what}: mark it @pytest.mark.slow")
        original(self, args, *more, **options)

    guarded.original = original
    return guarded


def pytest_configure(config):
    subprocess.Popen.__init__ = _guarded(subprocess.Popen.__init__)
    import property_examples

    property_examples.fast_loop = config.getoption("markexpr", "").replace(" ", "") == "notslow"


def pytest_unconfigure(config):
    subprocess.Popen.__init__ = getattr(subprocess.Popen.__init__, "original", subprocess.Popen.__init__)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A test that started a kernel or LibreOffice unmarked fails at teardown even when the code
    under test caught the refusal (the CLI turns any exception into exit 1)."""
    outcome = yield
    report = outcome.get_result()
    started = item.stash.get(_started, [])
    if call.when == "teardown" and started and report.passed:
        report.outcome = "failed"
        report.longrepr = (f"{item.nodeid} starts {', '.join(dict.fromkeys(started))} "
                           "but is not marked @pytest.mark.slow")


def pytest_collection_finish(session):
    """Everything imported is old: leave it out of the garbage collector's scans (as the run does
    after its imports), which otherwise walk every module's objects again and again."""
    import gc

    gc.collect()  # what collection left behind goes first
    gc.freeze()
