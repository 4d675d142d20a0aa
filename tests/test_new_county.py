"""A new county from day one (issue 18 item 6): `fuchan 新县` writes the county's own files, a
county set up from the example's params is warned about the example's text, and a new county's
run carries nothing of the example."""

import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

import synthetic
from fuchan_lib.core.exceptions import OutputExistsError, ParamsError
from fuchan_lib.core.params import load_params
from fuchan_lib.run.cli import main
from fuchan_lib.run.new_county import new_county
from fuchan_lib.stats.audit import MENTION_OTHER_COUNTY, MENTION_UNKNOWN

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_WORDS = ("示例", "东湖", "西岭")  # the shipped counties' names: none may reach a new county
EXAMPLE_FIRMS = re.findall(r"示例县[\u4e00-\u9fff]+?有限公司", (ROOT / "narrative" / "示例县.md").read_text(encoding="utf-8"))


def workbook_text(path: Path) -> str:
    book = openpyxl.load_workbook(path)
    return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                     for v in row if v is not None)


def test_new_county_writes_its_own_params_narrative_and_blank_ledgers(tmp_path):
    summary = new_county("青石县", period="2024Q1", folder=tmp_path)
    params_file = tmp_path / "params" / "青石县_2024Q1.yaml"
    assert summary.splitlines()[-1] == str(params_file)
    params = load_params(params_file)
    assert (params.county, params.organisation, params.addressee) == ("青石县", "青石县工业和信息化局", "县人大常委会")
    # 春节 2024-02-10: 截止日期 a week after it (later than 2月15日), the rest from the quarter
    assert (params.spring_festival, params.as_of, params.stated_report_date) == (
        date(2024, 2, 10), date(2024, 2, 17), date(2024, 2, 18))
    assert (params.directory_date, params.target_end, params.indicator_period_end) == (
        date(2023, 12, 31), date(2024, 3, 31), date(2024, 1, 31))
    assert params.narrative_path == (tmp_path / "narrative" / "青石县.md").resolve()
    ledgers = tmp_path / "台账" / "青石县"
    assert params.ledger("工业企业台账") == [((ledgers / "工业企业台账").resolve(), None)]  # a folder
    assert params.ledger("服务业企业台账") == [((ledgers / "服务业企业台账").resolve(), None)]
    assert params.ledger("经济指标") == [((ledgers / "经济指标.xlsx").resolve(), None)]
    assert sorted(str(p.relative_to(ledgers)) for p in ledgers.rglob("*")) == [
        "工业企业台账", "服务业企业台账", "空白模板", "空白模板/工业企业台账.xlsx", "空白模板/服务业企业台账.xlsx",
        "空白模板/经济指标.xlsx", "经济指标.xlsx"]
    text = params_file.read_text(encoding="utf-8")
    keys = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert all("#" in line for line in keys), [line for line in keys if "#" not in line]
    everything = text + params.narrative_path.read_text(encoding="utf-8") + "".join(
        workbook_text(p) for p in ledgers.rglob("*.xlsx"))
    assert not [w for w in EXAMPLE_WORDS if w in everything]
    assert "【待补充】" in params.narrative_path.read_text(encoding="utf-8")


def test_a_later_quarter_moves_the_dates_and_the_narratives_period_words(tmp_path):
    summary = new_county("东岭区", period="2025年二季度", folder=tmp_path)
    params = load_params(tmp_path / "params" / "东岭区_2025Q2.yaml")
    assert (params.as_of, params.directory_date, params.target_end, params.addressee) == (
        date(2025, 5, 15), date(2025, 3, 31), date(2025, 6, 30), "区人大常委会")
    story = params.narrative_path.read_text(encoding="utf-8")
    assert "二季度" in story and "一季度" not in story
    assert "须改写" in summary and "开门稳" in summary


@pytest.mark.parametrize("today, period", [(date(2026, 3, 2), "2026Q1"), (date(2026, 5, 20), "2026Q2"),
                                           (date(2026, 12, 6), "2027Q1"), (date(2026, 7, 1), "2027Q1")])
def test_without_a_period_the_coming_resumption_season_is_used(tmp_path, today, period):
    new_county("青石县", folder=tmp_path, today=today)
    assert (tmp_path / "params" / f"青石县_{period}.yaml").is_file()


@pytest.mark.parametrize("existing", ["params/青石县_2024Q1.yaml", "narrative/青石县.md"])
def test_existing_files_are_never_overwritten_and_nothing_is_written(tmp_path, existing):
    path = tmp_path / existing
    path.parent.mkdir(parents=True)
    path.write_text("我写好的", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="已存在，为免覆盖"):
        new_county("青石县", period="2024Q1", folder=tmp_path)
    assert path.read_text(encoding="utf-8") == "我写好的"
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == [existing]


def test_a_failure_while_writing_leaves_nothing_behind(tmp_path, monkeypatch):
    import fuchan_lib.run.period as period

    def refuse(text, target):
        raise ParamsError("生成的新参数文件未通过校验")

    monkeypatch.setattr(period, "write_validated", refuse)
    with pytest.raises(ParamsError):
        new_county("青石县", period="2024Q1", folder=tmp_path)
    assert list(tmp_path.iterdir()) == []


def by_township(frame, folder: Path) -> None:
    """A ledger as the townships send it: one file per 乡镇（园区）."""
    synthetic.write_county({town: rows for town, rows in frame.groupby("乡镇（园区）")}, folder)


def test_ledgers_already_in_the_folders_are_kept(tmp_path):
    ledgers = tmp_path / "台账" / "青石县"
    frames = synthetic.make_county(40, 20, county="青石县")
    by_township(frames["工业企业台账"], ledgers / "工业企业台账")
    synthetic.write_county({"经济指标": frames["经济指标"]}, ledgers)
    before = {p: p.read_bytes() for p in ledgers.rglob("*.xlsx")}
    new_county("青石县", period="2023Q1", folder=tmp_path)
    assert {p: p.read_bytes() for p in before} == before
    assert sorted(p.name for p in (ledgers / "空白模板").iterdir()) == ["工业企业台账.xlsx", "服务业企业台账.xlsx", "经济指标.xlsx"]


@pytest.mark.parametrize("name, message", [
    ("../青石县", "不能用在文件名中的字符“/”"),
    ("青 石县", "中有空格"),
    ("青石", "以“县”“区”“市”或“旗”结尾"),
    ("C:\\青石县", "不能用在文件名中的字符“:\\”"),
    ("[青石县]", "中有“[”、“]”"),
    ("  ", "不能为空"),
])
def test_a_name_that_cannot_name_a_county_is_refused(tmp_path, name, message):
    with pytest.raises(ParamsError, match=re.escape(message)):
        new_county(name, period="2024Q1", folder=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_command_and_its_alias_speak_chinese(tmp_path, capsys):
    assert main(["新县", "青石县", "--期", "2024Q1", "--文件夹", str(tmp_path)]) == 0
    assert "下一步" in capsys.readouterr().out
    assert main(["init", "青石县", "--期", "2024Q1", "--文件夹", str(tmp_path)]) == 2
    assert "已存在，为免覆盖" in capsys.readouterr().err
    assert main(["init", "青石/县", "--文件夹", str(tmp_path)]) == 2
    assert "县名“青石/县”含有不能用在文件名中的字符“/”" in capsys.readouterr().err


def borrowed_county(tmp_path: Path) -> Path:
    """青石县 set up as the example's params once told: copied, 县名 changed, its own ledgers,
    the example's narrative still referenced."""
    for folder in ("params", "narrative"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    synthetic.write_county(synthetic.make_county(300, 120, seed=5, county="青石县"), tmp_path / "data" / "青石县")
    text = (ROOT / "params" / "示例县_2023Q1.yaml").read_text(encoding="utf-8")
    params = tmp_path / "params" / "青石县_2023Q1.yaml"
    params.write_text(text.replace("县名: 示例县", "县名: 青石县").replace("../data/example", "../data/青石县"),
                      encoding="utf-8")
    return params


def test_a_county_with_the_examples_narrative_is_warned_first_and_every_example_firm_is_named(tmp_path):
    from fuchan_lib.run.check import check_inputs

    params = borrowed_county(tmp_path)
    printed = check_inputs(params, say=lambda text: None).splitlines()
    assert printed[0].startswith("警告：叙述模板“示例县.md”是按示例县命名的，不是本县（青石县）的")
    assert printed[1].startswith("警告：叙述中第12行、第13行、第14行、第18行、第19行提到“示例县”")
    listed = openpyxl.load_workbook(params.with_name("审核清单_青石县_截至20230215.xlsx")).active
    rows = [dict(zip(next(listed.iter_rows(values_only=True)), r)) for r in listed.iter_rows(min_row=2, values_only=True)]
    unknown = [r["企业名称"] for r in rows if r["规则"] == MENTION_UNKNOWN]
    assert len(EXAMPLE_FIRMS) == 13 and unknown == EXAMPLE_FIRMS
    assert [r["企业名称"] for r in rows if r["规则"] == MENTION_OTHER_COUNTY] == ["示例县", "示例县"]


def docx_and_xlsx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                       if n.endswith((".xml", ".rels")))


@pytest.mark.slow
def test_a_new_county_runs_end_to_end_with_nothing_of_the_example_in_its_run_folder(tmp_path, capsys):
    from fuchan_lib.run.pipeline import run_pipeline

    assert main(["新县", "青石县", "--期", "2024Q1", "--文件夹", str(tmp_path)]) == 0
    frames = synthetic.make_county(300, 120, seed=5, county="青石县", spring_festival=date(2024, 2, 10),
                                   as_of=date(2024, 2, 17))
    ledgers = tmp_path / "台账" / "青石县"
    by_township(frames["工业企业台账"], ledgers / "工业企业台账")  # one file per township
    by_township(frames["服务业企业台账"], ledgers / "服务业企业台账")
    (ledgers / "经济指标.xlsx").unlink()  # the blank one, filled in
    synthetic.write_county({"经济指标": frames["经济指标"]}, ledgers)
    params = tmp_path / "params" / "青石县_2024Q1.yaml"
    assert main(["check", str(params)]) == 0
    assert not capsys.readouterr().out.startswith("警告")
    result = run_pipeline(params)
    folder = result.run_dir
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert any(p.suffix == ".docx" for p in files) and any(p.suffix == ".html" for p in files)
    leaks = []
    for path in files:
        if path.suffix in (".docx", ".xlsx"):
            text = docx_and_xlsx_text(path)
        elif path.suffix == ".png":
            continue
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
            text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), text)  # JSON's escapes
        leaks += [f"{path.relative_to(folder)}: {w}" for w in EXAMPLE_WORDS if w in text]
    assert leaks == []
    report = next(p for p in files if p.suffix == ".docx")
    assert "青石县" in docx_and_xlsx_text(report)


def test_list_with_a_params_file_shows_only_that_countys_runs(tmp_path, capsys):
    from fuchan_lib.core.run_folder import STATUS_OK, Manifest

    new_county("青石县", period="2024Q1", folder=tmp_path)
    for county, day in (("青石县", "2024-02-17"), ("示例县", "2023-02-15"), ("青石县", "2024-02-24")):
        folder = tmp_path / "outputs" / f"{county}_截至{day.replace('-', '')}_x"
        folder.mkdir(parents=True)
        Manifest(status=STATUS_OK, run=folder.name, county=county, as_of=date.fromisoformat(day),
                 created=f"{day}T09:00:00").write(folder)
    assert main(["list", str(tmp_path / "params" / "青石县_2024Q1.yaml")]) == 0
    printed = capsys.readouterr().out
    assert printed.splitlines()[0].startswith("青石县的运行")
    assert [line.split("　")[0] for line in printed.splitlines()[2:4]] == ["2024-02-24", "2024-02-17"]
    assert "示例县" not in printed


@pytest.mark.slow
def test_run_also_says_first_that_the_narrative_is_another_countys(tmp_path):
    from fuchan_lib.run.pipeline import run_pipeline

    said = []
    run_pipeline(borrowed_county(tmp_path), say=said.append)
    first = said[:said.index(next(s for s in said if s.startswith("检查通过")))]
    assert len(first) == 2
    assert first[0].startswith("警告：叙述模板“示例县.md”是按示例县命名的，不是本县（青石县）的")
    assert first[1].startswith("警告：叙述中第12行、第13行、第14行、第18行、第19行提到“示例县”")
