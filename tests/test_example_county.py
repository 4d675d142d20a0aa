"""The example county's figures equal an independent plain-pandas computation from the .xlsx."""

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

from fuchan_lib.stats import facts as facts_mod

ROOT = Path(__file__).resolve().parent.parent
AS_OF = pd.Timestamp("2023-02-15")


@pytest.fixture(scope="module")
def computed(example_inputs):
    inputs = example_inputs
    p = inputs.params
    both = facts_mod.industry_facts(inputs.industry, p).merge(facts_mod.service_facts(inputs.service, p))
    rows = facts_mod.indicator_rows(inputs.indicators, inputs.enterprise_indicators, p)
    return both.merge(facts_mod.indicator_facts(rows, p))


def independent(path):
    """Read with openpyxl (pandas' default engine), not the product's reader."""
    return pd.read_excel(ROOT / "data" / "example" / path, engine="openpyxl", parse_dates=["复工日期"])


def pct(numerator, denominator):
    value = Decimal(int(numerator)) * 100 / Decimal(int(denominator))
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)) + "%"


def group_numbers(df, running, stopped, holiday):
    needing = df["春节期间状态"] == holiday
    resumed = needing & (df["复工日期"] <= AS_OF)
    return {
        "企业数": len(df), running[:4]: int((df["春节期间状态"] == running).sum()),
        "长期": int((df["春节期间状态"] == stopped).sum()), "需复工": int(needing.sum()),
        "已复工": int(resumed.sum()), "复工率": pct(resumed.sum(), needing.sum()),
    }


def test_industry_figures(computed):
    df = independent("工业企业台账.xlsx")
    for prefix, part in (("工业", df), ("工业.规上", df[df["企业规模"] == "规上"]),
                         ("工业.规下", df[df["企业规模"] == "规下"])):
        expected = group_numbers(part, "正常生产", "长期停产", "停产放假")
        assert computed[f"{prefix}.企业数"].value == expected["企业数"]
        assert computed[f"{prefix}.正常生产"].value == expected["正常生产"]
        assert computed[f"{prefix}.长期停产"].value == expected["长期"]
        assert computed[f"{prefix}.需复工"].value == expected["需复工"]
        assert computed[f"{prefix}.已复工"].value == expected["已复工"]
        assert computed[f"{prefix}.复工率"].text == expected["复工率"]
    both = df["从业人员"].notna() & df["已返岗人数"].notna()
    assert computed["工业.返岗率"].text == pct(df.loc[both, "已返岗人数"].sum(), df.loc[both, "从业人员"].sum())


def test_service_figures(computed):
    df = independent("服务业企业台账.xlsx")
    parts = {
        "限上": df[df["类别"] == "限上批零住餐"], "大个体": df[df["类别"] == "大个体"],
        "规上服务业": df[df["类别"] == "规上服务业"],
        "限上和大个体": df[df["类别"].isin(["限上批零住餐", "大个体"])],
    }
    for prefix, part in parts.items():
        expected = group_numbers(part, "正常营业", "长期停业", "停业放假")
        assert computed[f"{prefix}.企业数"].value == expected["企业数"]
        assert computed[f"{prefix}.坚持营业"].value == expected["正常营业"]
        assert computed[f"{prefix}.已复工"].value == expected["已复工"]
        assert computed[f"{prefix}.复工率"].text == expected["复工率"]
    per_trade = parts["规上服务业"]["行业"].value_counts()
    for trade in ("租赁和商务服务业", "教育", "卫生和社会工作", "文化、体育和娱乐业"):
        assert computed[f"规上服务业.{trade}"].value == per_trade.get(trade, 0)


def test_indicator_growth_and_targets(computed):
    ind = pd.read_excel(ROOT / "data" / "example" / "经济指标.xlsx", engine="openpyxl").set_index("指标")
    rows = pd.read_excel(ROOT / "data" / "example" / "企业指标.xlsx", engine="openpyxl")
    # 工业总产值: comparable scope over enterprises with both values
    output = rows[rows["指标"] == "规模以上工业总产值"].dropna(subset=["本期", "上年同期"])
    growth = (Decimal(str(output["本期"].sum())) / Decimal(str(output["上年同期"].sum())) - 1) * 100
    rounded = growth.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    word = "增长" if rounded > 0 else "下降"
    assert computed["规模以上工业总产值.增速"].text == (f"{word}{abs(rounded)}%" if rounded else "持平")
    # 增加值: the official figure from the ledger, not derived
    official = Decimal(str(ind.loc["规模以上工业增加值", "增速"])).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert computed["规模以上工业增加值.增速"].text.endswith(f"{abs(official)}%")
    # retail sales: 本期 / 上年同期 − 1
    retail = ind.loc["住宿业营业额"]
    g = (Decimal(str(retail["本期"])) / Decimal(str(retail["上年同期"])) - 1) * 100
    assert computed["住宿业营业额.增速"].text == f"下降{abs(g).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
    # 时序进度: data to 1月31日 against a target ending 3月31日 = 1/3
    assert computed["时序进度"].text == "33.3%"
