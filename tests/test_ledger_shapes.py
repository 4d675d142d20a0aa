"""Ledgers in the shapes bureaus keep them (issue 18, item 1): a sheet per township, a folder of
per-township files, a YAML list of files and folders, the seed's four status ledgers. Each is
made from the example county's clean ledgers and must give the same firms and the same facts."""

import re
from pathlib import Path

import pandas as pd
import pytest

from fuchan_lib.core import schema
from fuchan_lib.ingest.inputs import Inputs, load_inputs
from fuchan_lib.run.prepare import prepare
from fuchan_lib.stats.build import build_all
from workbooks import example_rows, write_book

IND, SRV = schema.INDUSTRY, schema.SERVICE
CANONICAL = {kind: [c.name for c in schema.COLUMNS_BY_KIND[kind]] for kind in (IND, SRV)}


def without(rows: list[tuple], column: str) -> list[tuple]:
    j = rows[0].index(column)
    return [tuple(v for k, v in enumerate(r) if k != j) for r in rows]


def by_town(rows: list[tuple]) -> dict[str, list[tuple]]:
    """Rows per township (header first in each), townships in order of first appearance;
    the 乡镇（园区） column dropped, as townships that send their own sheet leave it out."""
    j = rows[0].index(schema.TOWN)
    towns: dict[str, list[tuple]] = {}
    for row in rows[1:]:
        towns.setdefault(row[j], []).append(row)
    header = without(rows[:1], schema.TOWN)[0]
    return {town: [header] + without([rows[0]] + found, schema.TOWN)[1:] for town, found in towns.items()}


def with_data(county: Path, industry: str, service: str, towns: list[str]) -> Path:
    """The example params (乡镇 already listed by `clean`) with its two firm ledgers replaced."""
    text = county.read_text(encoding="utf-8")
    text = re.sub(r"^  工业企业台账: .*\n", industry, text, flags=re.M)
    text = re.sub(r"^  服务业企业台账: .*\n", service, text, flags=re.M)
    county.write_text(text, encoding="utf-8")
    return county


def towns_of() -> list[str]:
    order = {}
    for kind in (IND, SRV):
        for town in by_town(example_rows(kind)):
            order.setdefault(town, None)
    return list(order)


def read_shape(params: Path) -> tuple[Inputs, pd.DataFrame]:
    """The firms as `load_inputs` gives them and the facts a run builds from them, read once
    (`prepare` reads with the same `read_inputs` and raises any unreadable cell too)."""
    prepared = prepare(params)
    return prepared.inputs, build_all(prepared.inputs, prepared.audit, prepared.history).facts.to_frame()


def clean_facts(county: Path, shaped) -> pd.DataFrame:
    """Facts of one clean sheet per ledger (乡镇 and 春节期间状态 columns filled in) holding the
    example rows in the order the shape was read: facts such as "甲、乙等29户" name the first
    firms in ledger order, so the order must match for the facts to."""
    data, lines = county.parent.parent / "data", {}
    for kind, frame in ((IND, shaped.industry), (SRV, shaped.service)):
        rows = example_rows(kind)
        order = {name: i for i, name in enumerate(frame[schema.NAME])}
        write_book(data / f"一张表{kind}.xlsx", {kind: [rows[0]] + sorted(rows[1:], key=lambda r: order[r[0]])})
        lines[kind] = f"  {kind}: ../data/一张表{kind}.xlsx\n"
    params = county.with_name("一张表.yaml")
    params.write_text(county.read_text(encoding="utf-8"), encoding="utf-8")
    return read_shape(with_data(params, lines[IND], lines[SRV], []))[1]


def same_firms(a: pd.DataFrame, b: pd.DataFrame, kind: str) -> None:
    columns = CANONICAL[kind]
    left = a[columns].sort_values(schema.NAME).reset_index(drop=True)
    right = b[columns].sort_values(schema.NAME).reset_index(drop=True)
    pd.testing.assert_frame_equal(left.astype(object), right.astype(object))


def list_towns(params: Path, towns: list[str]) -> None:
    params.write_text(params.read_text(encoding="utf-8") + f"乡镇: [{', '.join(towns)}]\n", encoding="utf-8")


@pytest.fixture(scope="module")
def example_firms(module_county):
    """The example's firms read with 乡镇 listed, and its townships (read once for the module)."""
    towns = towns_of()
    list_towns(module_county, towns)
    return load_inputs(module_county), towns


@pytest.fixture
def clean(county, example_firms):
    """The example params with 乡镇 listed, its firms and townships: the firms every shape must give."""
    list_towns(county, example_firms[1])
    return example_firms


def test_a_workbook_with_a_sheet_per_township_gives_the_same_firms_and_facts(county, clean):
    inputs, towns = clean
    data = county.parent.parent / "data"
    for kind in (IND, SRV):
        sheets = {"填报说明": [["各乡镇请按表头填写"], ["不要改动表头"]], "空表": []}
        write_book(data / f"分乡镇{kind}.xlsx", sheets | by_town(example_rows(kind)))
    params = with_data(county, f"  {IND}: ../data/分乡镇{IND}.xlsx\n",
                       f"  {SRV}: ../data/分乡镇{SRV}.xlsx\n", towns)
    shaped, facts = read_shape(params)
    same_firms(shaped.industry, inputs.industry, IND)
    same_firms(shaped.service, inputs.service, SRV)
    pd.testing.assert_frame_equal(facts, clean_facts(county, shaped))
    assert len([m for m in shaped.layouts if m.kind in (IND, SRV)]) == 20  # ten townships, two ledgers
    skipped = sorted((s.file, s.sheet, s.reason) for s in shaped.skipped)
    assert skipped == sorted([(f"分乡镇{k}.xlsx", "填报说明", f"表头不是{k}的表头") for k in (IND, SRV)]
                             + [(f"分乡镇{k}.xlsx", "空表", "空表") for k in (IND, SRV)])
    first = shaped.industry.iloc[0]
    assert (first[schema.SOURCE_SHEET], first[schema.TOWN]) == ("工业园区", "工业园区")


def test_a_folder_of_township_files_gives_the_same_firms_and_facts(county, clean):
    inputs, towns = clean
    data = county.parent.parent / "data"
    for kind, folder in ((IND, "工业"), (SRV, "服务业")):
        for town, rows in by_town(example_rows(kind)).items():
            write_book(data / folder / f"{town}{kind}.xlsx", {"Sheet1": rows})
        (data / folder / f"~${towns[0]}{kind}.xlsx").write_bytes(b"lock")  # Excel's lock file
        (data / folder / "说明.txt").write_text("各乡镇一个文件", encoding="utf-8")
    params = with_data(county, f"  {IND}: ../data/工业\n", f"  {SRV}: ../data/服务业/\n", towns)
    shaped, facts = read_shape(params)
    same_firms(shaped.industry, inputs.industry, IND)
    same_firms(shaped.service, inputs.service, SRV)
    pd.testing.assert_frame_equal(facts, clean_facts(county, shaped))
    files = [m.file for m in shaped.layouts if m.kind == IND]
    assert files == sorted(files) and len(files) == 10  # read in sorted order, the lock file ignored
    assert [(s.file, s.reason) for s in shaped.skipped] == [("说明.txt", "不是 .xlsx、.xls 或 .csv 文件")] * 2
    named = {m.file: m.named for m in shaped.layouts if m.kind == IND}
    assert named[f"城关镇{IND}.xlsx"] == ((schema.TOWN, "城关镇", f"文件名“城关镇{IND}”"),)


def test_a_yaml_list_of_files_and_folders_gives_the_same_firms_and_facts(county, clean):
    inputs, towns = clean
    data = county.parent.parent / "data"
    entries = {}
    for kind in (IND, SRV):
        parts = list(by_town(example_rows(kind)).items())
        write_book(data / f"前五个乡镇{kind}.xlsx", dict(parts[:5]))
        for town, rows in parts[5:]:
            write_book(data / f"其余{kind}" / f"{town}.xlsx", {"Sheet1": rows})
        entries[kind] = (f"  {kind}:\n    - ../data/前五个乡镇{kind}.xlsx\n"
                         f"    - 路径: ../data/其余{kind}\n")
    params = with_data(county, entries[IND], entries[SRV], towns)
    shaped, facts = read_shape(params)
    same_firms(shaped.industry, inputs.industry, IND)
    same_firms(shaped.service, inputs.service, SRV)
    pd.testing.assert_frame_equal(facts, clean_facts(county, shaped))
    assert len([f for f in shaped.files() if "example" not in f.parts]) == 2 * (1 + 5)


STATUS_LEDGERS = {"春节期间正常生产企业台账": "正常生产", "节后可生产企业台账": "停产放假",
                  "节后可能延后生产企业台账": "停产放假", "不能复产企业台账": "长期停产"}


def status_sheets(rows: list[tuple]) -> dict[str, list[tuple]]:
    """The seed's four status ledgers without a 春节期间状态 column: 停产放假 firms that have
    resumed go to 节后可生产, the others to 节后可能延后生产."""
    j, d = rows[0].index(schema.STATUS), rows[0].index(schema.RESUMED_ON)
    sheets = {name: [] for name in STATUS_LEDGERS}
    for row in rows[1:]:
        status = row[j]
        name = next(n for n, s in STATUS_LEDGERS.items() if s == status and (
            s != "停产放假" or (n == "节后可生产企业台账") == (row[d] is not None)))
        sheets[name].append(row)
    return {name: without([rows[0]] + found, schema.STATUS) for name, found in sheets.items()}


def test_the_four_status_ledgers_without_a_status_column_give_the_same_firms_and_facts(county, clean):
    inputs, towns = clean
    data = county.parent.parent / "data"
    write_book(data / "四本台账.xlsx", status_sheets(example_rows(IND)))
    params = with_data(county, f"  {IND}: ../data/四本台账.xlsx\n",
                       f"  {SRV}: ../data/example/{SRV}.xlsx\n", towns)
    shaped, facts = read_shape(params)
    same_firms(shaped.industry, inputs.industry, IND)
    pd.testing.assert_frame_equal(facts, clean_facts(county, shaped))
    assert [m.named for m in shaped.layouts if m.kind == IND][3] == (
        (schema.STATUS, "长期停产", "工作表名“不能复产企业台账”"),)


def test_a_status_that_contradicts_its_status_ledger_is_an_audit_error(county, clean):
    _, towns = clean
    rows = example_rows(IND)
    data = county.parent.parent / "data"
    running = [rows[0]] + [r for r in rows[1:] if r[4] == "正常生产"]
    running[1] = running[1][:4] + ("长期停产",) + running[1][5:]
    write_book(data / "正常生产.xlsx", {"春节期间正常生产企业台账": running,
                                       "节后可生产企业台账": [rows[0]] + [r for r in rows[1:] if r[4] != "正常生产"]})
    params = with_data(county, f"  {IND}: ../data/正常生产.xlsx\n", f"  {SRV}: ../data/example/{SRV}.xlsx\n", towns)
    prepared = prepare(params)
    found = [(f.rule, f.level, f.sheet, f.row) for f in prepared.audit.errors]
    assert ("状态与所在台账不符", "错误", "春节期间正常生产企业台账", 2) in found
    # the second sheet holds 停产放假 and 长期停产 rows: every 长期停产 row there contradicts it
    wrong = sum(1 for r in rows[1:] if r[4] == "长期停产")
    assert sum(1 for f in prepared.audit.errors if f.sheet == "节后可生产企业台账") == wrong == 56
