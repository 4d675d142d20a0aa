"""`fuchan 汇总` end to end: refusals (exit 2, Chinese, naming the counties) before anything is
written, and a city run from ledgers equal to one from the counties' finished run folders."""

import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from fuchan_lib.core import run_folder
from fuchan_lib.run import cli, history
from fuchan_lib.stats import weekly
from fuchan_lib.run.city import prepare
from fuchan_lib.stats import rollup
from generate_city_example import county_params_text
from synthetic import make_county, write_county

AS_OF = date(2023, 2, 15)


def make_counties(root: Path, specs) -> dict[str, Path]:
    """specs: (name, seed, 口径); small generated counties as CSV; returns name -> params path."""
    found = {}
    for name, seed, basis in specs:
        write_county(make_county(60, 30, seed=seed, county=name), root / "data" / name, "csv")
        path = root / "params" / f"{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(county_params_text(name, f"../data/{name}", basis=basis, fmt="csv"),
                        encoding="utf-8")
        found[name] = path
    return found


def city_file(root: Path, entries: list[tuple[str, str, str]], extra: str = "") -> Path:
    """entries: (name, 参数|运行, path relative to params/)."""
    lines = ["市名: 测试市", "报告单位: 测试市工业和信息化局", "截止日期: 2023-02-15",
             "报告日期: 2023-02-16", "各县:"]
    for name, kind, path in entries:
        lines += [f"  - 名称: {name}", f"    {kind}: {path}"]
    path = root / "params" / "测试市.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def fake_run(root: Path, name: str, *, festival="2023-01-22", as_of="2023-02-15", status="成功",
             seed=5) -> Path:
    """A county run folder as `fuchan run` leaves it (manifest + enterprise snapshot)."""
    frames = make_county(40, 20, seed=seed, county=name)
    folder = root / "outputs" / f"{name}_截至{as_of.replace('-', '')}"
    folder.mkdir(parents=True)
    run_folder.Manifest(status=status, run=folder.name, county=name, as_of=date.fromisoformat(as_of),
                    created="2023-02-16T09:00:00",
                    params={"春节": festival, "复工率口径": "需复工", "名录截止日期": "2022-12-31"},
                    ).write(folder)
    snapshot = weekly.enterprise_snapshot(frames["工业企业台账"], frames["服务业企业台账"],
                                           date.fromisoformat(as_of))
    snapshot.to_csv(folder / run_folder.SNAPSHOT_FILE, index=False, encoding="utf-8-sig")
    return folder


def refuse(city: Path, capsys) -> str:
    assert cli.main(["汇总", str(city)]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.err


def test_a_county_under_the_other_rate_basis_is_refused(tmp_path, capsys):
    made = make_counties(tmp_path, [("甲县", 1, "需复工"), ("乙县", 2, "含正常生产")])
    city = city_file(tmp_path, [(n, "参数", p.name) for n, p in made.items()])
    message = refuse(city, capsys)
    assert "不能汇总测试市的数据" in message
    assert "复工率口径与市参数文件的“需复工”不同：乙县为“含正常生产”" in message
    assert not (tmp_path / "outputs").exists()  # refused before anything was written


def test_missing_and_failed_sources_are_all_named_at_once(tmp_path, capsys):
    made = make_counties(tmp_path, [("甲县", 1, "需复工")])
    failed = fake_run(tmp_path, "丙县", status="失败")
    city = city_file(tmp_path, [("甲县", "参数", made["甲县"].name), ("乙县", "参数", "乙县.yaml"),
                                ("丙县", "运行", f"../outputs/{failed.name}"),
                                ("丁县", "运行", "../outputs/丁县_截至20230215")])
    message = refuse(city, capsys)
    assert "共3个问题" in message
    assert "乙县：找不到参数文件" in message
    assert "丙县：运行“丙县_截至20230215”没有成功（状态：失败）" in message
    assert "丁县：找不到运行文件夹" in message


def test_another_spring_festival_is_refused(tmp_path, capsys):
    one = fake_run(tmp_path, "甲县")
    other = fake_run(tmp_path, "乙县", festival="2023-01-21", seed=6)
    city = city_file(tmp_path, [("甲县", "运行", f"../outputs/{one.name}"),
                                ("乙县", "运行", f"../outputs/{other.name}")])
    assert "各县的春节日期不同（甲县为2023年1月22日；乙县为2023年1月21日）" in refuse(city, capsys)


def test_different_as_of_dates_refused_unless_allowed(tmp_path, capsys):
    one = fake_run(tmp_path, "甲县")
    other = fake_run(tmp_path, "乙县", as_of="2023-02-14", seed=6)
    entries = [("甲县", "运行", f"../outputs/{one.name}"), ("乙县", "运行", f"../outputs/{other.name}")]
    message = refuse(city_file(tmp_path, entries), capsys)
    assert "甲县截至2023年2月15日；乙县截至2023年2月14日" in message
    allowed = prepare(city_file(tmp_path, entries, "允许截止日期不同: 是\n"))
    assert rollup.as_of_note(allowed.counties) == (
        "各县数据截至日期不同：乙县截至2023年2月14日，甲县截至2023年2月15日")


def test_run_folder_and_ledgers_give_the_same_enterprises(tmp_path):
    """The snapshot keeps what the roll-up needs: the counties rebuilt from run folders count
    exactly as from their ledgers (same facts)."""
    made = make_counties(tmp_path, [("甲县", 1, "需复工")])
    from fuchan_lib.ingest.inputs import load_inputs

    inputs = load_inputs(made["甲县"])
    folder = fake_run(tmp_path, "甲县_快照", seed=9)
    snapshot = weekly.enterprise_snapshot(inputs.industry, inputs.service, AS_OF)
    snapshot.to_csv(folder / run_folder.SNAPSHOT_FILE, index=False, encoding="utf-8-sig")
    industry, service = weekly.ledgers_from_snapshot(history.read_snapshot(folder / run_folder.SNAPSHOT_FILE))
    basis = rollup.CityBasis(AS_OF, date(2023, 1, 22), "需复工", 1, None)
    from_ledgers = rollup.CountyLedgers("甲县", inputs.industry, inputs.service, AS_OF, basis.spring_festival, "需复工")
    from_run = rollup.CountyLedgers("甲县", industry, service, AS_OF, basis.spring_festival, "需复工")
    a = rollup.city_facts(rollup.combine([from_ledgers]), [from_ledgers], basis).to_frame()
    b = rollup.city_facts(rollup.combine([from_run]), [from_run], basis).to_frame()
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.slow
def test_city_run_from_ledgers_equals_city_run_from_run_folders(tmp_path, capsys):
    from fuchan_lib.run.pipeline import run_pipeline

    made = make_counties(tmp_path, [("甲县", 1, "需复工"), ("乙县", 2, "需复工")])
    runs = {n: run_pipeline(p, say=lambda _: None).run_dir for n, p in made.items()}
    by_params = city_file(tmp_path, [(n, "参数", p.name) for n, p in made.items()])
    assert cli.main(["汇总", str(by_params)]) == 0
    first = Path(capsys.readouterr().out.strip().splitlines()[-1])
    assert first.suffix == ".docx" and first.is_file()
    shutil.move(str(by_params), str(tmp_path / "params" / "按参数.yaml"))
    by_runs = city_file(tmp_path, [(n, "运行", f"../outputs/{f.name}") for n, f in runs.items()])
    assert cli.main(["汇总", str(by_runs)]) == 0
    second = Path(capsys.readouterr().out.strip().splitlines()[-1])
    one, two = first.parent, second.parent
    facts = [{f["key"]: f["text"] for f in json.loads((d / "facts.json").read_text(encoding="utf-8"))}
             for d in (one, two)]
    changes = {k for k in facts[1] if k.startswith(("较上次", "各县.")) and k.endswith("变化")}
    assert {k: v for k, v in facts[0].items() if k not in changes} == \
        {k: v for k, v in facts[1].items() if k not in changes}
    assert facts[1]["较上次.合计.复工率变化"] is None  # same as-of date: not a previous run
    tables = [pd.read_excel(d / "tables" / run_folder.TABLE_COUNTIES, engine="calamine") for d in (one, two)]
    pd.testing.assert_frame_equal(tables[0].drop(columns="较上次（百分点）"),
                                  tables[1].drop(columns="较上次（百分点）"))
    manifest = json.loads((two / "manifest.json").read_text(encoding="utf-8"))
    assert [c["名称"] for c in manifest["各县"]] == ["甲县", "乙县"]
    assert all(len(f["sha256"]) == 64 for c in manifest["各县"] for f in c["文件"])
    assert sorted(p.name for p in (two / "督办").glob("*.xlsx")) == ["01_甲县.xlsx", "02_乙县.xlsx"]
    assert (two / "notebooks" / "汇总.ipynb").is_file() and not list(two.glob(".*"))  # no hand-off left


def test_city_notebook_declares_exactly_what_the_roll_up_passes():
    import papermill

    from fuchan_lib.run import city
    from fuchan_lib.run.pipeline import notebooks_dir

    declared = set(papermill.inspect_notebook(str(notebooks_dir() / city.CITY_NOTEBOOK)))
    assert declared == {"params_path", "run_dir"}


def test_the_shipped_city_params_load_with_every_county_file_present():
    from fuchan_lib.core.city_params import load_city_params

    root = Path(__file__).resolve().parent.parent
    city = load_city_params(root / "params" / "示例市_2023Q1.yaml")
    assert [c.name for c in city.counties] == ["示例县", "东湖区", "西岭县"]
    assert all(city.resolve(c.params).is_file() for c in city.counties)


@pytest.mark.slow
def test_city_notebook_runs_alone_from_the_city_params(tmp_path):
    """In JupyterLab there is no handover from `fuchan 汇总`: the notebook reads the counties."""
    import papermill

    from fuchan_lib.run import city
    from fuchan_lib.run.pipeline import notebooks_dir

    root = Path(__file__).resolve().parent.parent
    run_dir = tmp_path / "run"
    papermill.execute_notebook(
        str(notebooks_dir() / city.CITY_NOTEBOOK), str(tmp_path / "out.ipynb"), progress_bar=False,
        parameters={"params_path": str(root / "params" / "示例市_2023Q1.yaml"), "run_dir": str(run_dir)},
        kernel_name="python3", cwd=str(notebooks_dir()))
    shown = json.dumps(json.loads((tmp_path / "out.ipynb").read_text(encoding="utf-8")), ensure_ascii=False)
    assert "示例市　截止日期：2023-02-15　复工率口径：需复工　县数：3" in shown  # read the counties itself
    assert not (run_dir / "facts.json").exists()  # facts.json is the runner's, not a notebook side effect
    assert (run_dir / "tables" / run_folder.TABLE_COUNTIES).is_file()


def test_a_damaged_earlier_roll_up_is_said_and_not_compared(tmp_path, capsys):
    from types import SimpleNamespace

    from fuchan_lib.run.city import previous_facts

    folder = tmp_path / "示例市_截至20230208_20230209-090000"
    folder.mkdir()
    (folder / run_folder.FACTS_FILE).write_text("{不是 JSON", encoding="utf-8")
    r = SimpleNamespace(previous=SimpleNamespace(folder=folder, basis="需复工"),
                        params=SimpleNamespace(rate_basis="需复工"))
    assert previous_facts(r) is None
    assert f"上次汇总“{folder.name}”" in capsys.readouterr().err

