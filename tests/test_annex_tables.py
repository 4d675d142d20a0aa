"""The 附表 agree with the text: every township rate the report quotes is in the 乡镇 table,
every count table ends with a 合计 equal to the facts' totals, categories stand apart from
their trades, and headers break only between words."""

import re
from pathlib import Path

import docx
import pytest

import synthetic
from fuchan_lib.core import schema
from fuchan_lib.core.params import RATE_BASIS_INCLUDING_RUNNING, RATE_BASIS_NEEDING
from fuchan_lib.ingest.inputs import Inputs
from fuchan_lib.report.document import BREAKS, build_report
from fuchan_lib.report.gongwen.text import break_pieces
from fuchan_lib.stats.groupings import count_groupings
from fuchan_lib.stats import annex_tables
from fuchan_lib.stats.audit import AuditReport
from fuchan_lib.stats.build import build_all
from fuchan_lib.stats.weekly import History

COUNT_TABLES = ("分类表", "行业表", "乡镇表")
QUOTED = re.compile(r"(工业企业复工复产率|服务业企业复工营业率)较低的乡镇（园区）是(.*?)。")


@pytest.fixture(scope="module")
def example(example_inputs):
    return example_inputs


def county(example, shape: str, basis: str) -> Inputs:
    """The example county, or a generated one, under the rate basis given."""
    params = example.params.model_copy(update={"rate_basis": basis, "attachments": COUNT_TABLES})
    if shape == "example":
        return Inputs(params, example.industry, example.service, example.indicators,
                      example.enterprise_indicators)
    frames = synthetic.make_county(400, 150, seed=int(shape), county="测试县")
    return Inputs(params, frames[schema.INDUSTRY], frames[schema.SERVICE], None, None)


def report(inputs: Inputs, folder: Path):
    built = build_all(inputs, AuditReport(()), History())
    path, _gaps = build_report(inputs.params, built, folder)
    return built, docx.Document(str(path))


def text_cells(row) -> list[str]:
    return [c.text.replace("\n", "") for c in row.cells]


def table_with(document, first_header: str):
    return next(t for t in document.tables if text_cells(t.rows[0])[0] == first_header)


@pytest.mark.parametrize("basis", [RATE_BASIS_NEEDING, RATE_BASIS_INCLUDING_RUNNING])
@pytest.mark.parametrize("shape", ["example", "3", "11"])
def test_every_township_rate_the_text_quotes_is_in_the_town_table(example, tmp_path, shape, basis):
    _built, document = report(county(example, shape, basis), tmp_path)
    text = "\n".join(p.text for p in document.paragraphs)
    quoted = QUOTED.findall(text)
    assert quoted, "the report quotes no township rate"
    town = table_with(document, schema.TOWN)
    groups = text_cells(town.rows[0])
    assert groups[1:] == ["工业企业"] * 3 + ["服务业企业"] * 3 + ["合计"] * 3
    rows = {cells[0]: cells for cells in map(text_cells, town.rows[2:])}
    found = 0
    for sentence, listing in quoted:
        column = 3 if sentence.startswith("工业") else 6  # the group's 复工率
        for item in listing.split("、"):
            name, rate = re.fullmatch(r"(.+?)(\d+(?:\.\d+)?%)", item).groups()
            assert rows[name][column] == rate, (sentence, name, rows[name])
            found += 1
    assert found >= 2


@pytest.mark.parametrize("basis", [RATE_BASIS_NEEDING, RATE_BASIS_INCLUDING_RUNNING])
@pytest.mark.parametrize("shape", ["example", "5"])
def test_every_count_table_ends_with_a_total_equal_to_the_facts(example, shape, basis):
    inputs = county(example, shape, basis)
    facts = build_all(inputs, AuditReport(()), History()).facts
    needing = basis == RATE_BASIS_NEEDING

    def base(prefix):  # the rate's denominator as the town table shows it
        if needing:
            return facts[f"{prefix}.需复工"].value or 0
        stopped = facts[f"{prefix}.长期停产" if prefix == "工业" else f"{prefix}.长期停业"].value or 0
        return (facts[f"{prefix}.企业数"].value or 0) - stopped

    groupings = count_groupings(inputs.industry, inputs.service, inputs.params.as_of)
    town = annex_tables.town_table(groupings, inputs.industry, inputs.service, inputs.params,
                                   inputs.unreported_towns)
    total = town.iloc[-1]
    assert total[(schema.TOWN, "")] == "合计"
    first, second, _rate = annex_tables.town_columns(basis)
    assert total[("工业企业", first)] == base("工业") == town[("工业企业", first)].iloc[:-1].sum()
    assert total[("服务业企业", first)] == base("服务业") == town[("服务业企业", first)].iloc[:-1].sum()
    if needing:
        assert total[("工业企业", second)] == facts["工业.已复工"].value
        assert total[("服务业企业", second)] == facts["服务业.已复工"].value
    assert total[("合计", first)] == total[("工业企业", first)] + total[("服务业企业", first)]

    trades = annex_tables.trade_table(groupings, inputs.params)
    assert (trades.iloc[-1][schema.CATEGORY], trades.iloc[-1][schema.TRADE]) == ("合计", "")
    assert trades.iloc[-1]["企业总数"] == facts["服务业.企业数"].value
    assert trades.iloc[-1]["已复工"] == facts["服务业.已复工"].value
    for category, prefix in zip(schema.CATEGORIES, ("限上", "大个体", "规上服务业")):
        mine = trades[trades[schema.CATEGORY] == category]
        if not len(mine):
            continue
        subtotal = mine[mine[schema.TRADE] == "小计"].iloc[0]
        assert subtotal["企业总数"] == mine["企业总数"].iloc[:-1].sum() == facts[f"{prefix}.企业数"].value

    categories = annex_tables.category_table(groupings, inputs.params).set_index("类别")
    assert categories.index[-1] == "合计"
    assert categories.loc["合计", "企业总数"] == facts["工业.企业数"].value + facts["服务业.企业数"].value
    assert categories.loc["合计", "已复工"] == facts["工业.已复工"].value + facts["服务业.已复工"].value
    assert categories.loc["工业合计", "节后需复工"] == facts["工业.需复工"].value


def test_the_report_tables_carry_the_same_totals_and_keep_category_apart_from_trade(example, tmp_path):
    built, document = report(county(example, "example", RATE_BASIS_NEEDING), tmp_path)
    facts = built.facts
    categories = table_with(document, "类别")
    assert text_cells(categories.rows[-1])[0] == "合计"
    trade = next(t for t in document.tables if text_cells(t.rows[0])[:2] == ["类别", "行业"])
    last = text_cells(trade.rows[-1])
    assert last[:3] == ["合计", "", "600"] and last[-2:] == ["353", "89.1%"]  # 服务业 600户, 353 resumed
    assert facts["服务业.企业数"].value == 600 and facts["服务业.已复工"].value == 353
    column = [cells[0] for cells in map(text_cells, trade.rows[1:])]
    # the category stands once beside its trades (merged down), never joined into the trade
    assert column[:5] == ["限上批零住餐"] * 5 and "·" not in "".join(map(str, column))
    merges = [tr.tc_lst[0].tcPr.find(docx.oxml.ns.qn("w:vMerge")) for tr in trade._tbl.tr_lst[1:6]]
    assert merges[0].get(docx.oxml.ns.qn("w:val")) == "restart" and all(m is not None for m in merges[1:])
    town = table_with(document, schema.TOWN)
    assert text_cells(town.rows[-1])[:3] == ["合计", str(facts["工业.需复工"].value), str(facts["工业.已复工"].value)]
    note = [p.text for p in document.paragraphs if p.text.startswith("注：")]
    assert note == ["注：需复工为春节后需复工复产（营业）企业户数，复工率＝已复工÷需复工。"]


def test_headers_break_only_between_words(example, tmp_path):
    _built, document = report(county(example, "example", RATE_BASIS_NEEDING), tmp_path)
    checked = 0
    for table in document.tables:
        for row in table.rows[:2]:
            for cell in row.cells:
                lines = cell.text.split("\n")
                if len(lines) < 2:
                    continue
                whole = "".join(lines)
                pieces = break_pieces(BREAKS.get(whole, whole))
                allowed = {len("".join(pieces[:k])) for k in range(1, len(pieces))}
                cuts = {len("".join(lines[:k])) for k in range(1, len(lines))}
                assert cuts <= allowed, (whole, lines)
                checked += 1
    assert checked >= 4  # 企业/总数, 春节期间/正常, … and 乡镇/（园区）


@pytest.mark.parametrize("text, capacity, lines", [
    ("春节期间\n正常", 6, "春节期间正常"),  # fits: one line
    ("春节期间\n正常", 4, "春节期间\n正常"),
    ("乡镇（园区）", 4, "乡镇\n（园区）"),  # before an opening bracket needs no mark
    ("信息传输、软件和\n信息技术服务业", 7, "信息传输、\n软件和\n信息技术服务业"),
    ("信息传输、软件和\n信息技术服务业", 8, "信息传输、软件和\n信息技术服务业"),
    ("未复工原因", 3, "未复工原因"),  # no place to break: stays whole
])
def test_lines_at_breaks(text, capacity, lines):
    from fuchan_lib.report.gongwen.tables import lines_at_breaks

    assert lines_at_breaks(text, capacity) == lines
