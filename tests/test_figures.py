"""Charts: Chinese glyphs present, 156 mm wide at ≥ 150 dpi, 四舍五入 labels, NaN tolerated."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from fuchan_lib.report import figures
from fuchan_lib.report.figures import (
    cjk_font_path,
    plot_category_rates,
    plot_indicators,
    plot_rate_trend,
    plot_resumption_curve,
    plot_town_rates,
    use_cjk_font,
)

NAN = np.nan


def _curves() -> pd.DataFrame:
    days = list(range(0, 21))
    ramp = lambda start, end: [min(100.0, max(0.0, (d - start) / (end - start) * 100)) for d in days]
    frame = pd.DataFrame(
        {"规上工业": ramp(3, 12), "规下工业": ramp(5, 25),
         "限上批零住餐（含大个体）": ramp(1, 15), "规上服务业": ramp(6, 18)},
        index=days,
    )
    frame.loc[:2, "规上服务业"] = NAN  # not defined yet
    return frame


def _indicators() -> pd.DataFrame:
    return pd.DataFrame({
        "指标": ["规模以上工业总产值", "规模以上工业增加值", "批发业销售额", "零售业销售额",
               "住宿业营业额", "餐饮业营业额"],
        "本期": [520000, 130000, 45000, 38000, 1200, NAN],
        "上年同期": [493800, 125000, 46000, 38000, 1100, 2100],
        "增速": [5.3, 4.8, -2.05, 0.04, 9.09, NAN],
        "完成率": [26.4, 25.0, 18.2, NAN, 30.1, 22.0],
        "时序进度": [25.0] * 6,
    })


PLOTS = {
    "curve": lambda p: plot_resumption_curve(_curves(), 14, "截至2月15日", p),
    "category": lambda p: plot_category_rates(pd.DataFrame({
        "类别": ["规上工业", "规下工业", "限上批零住餐（含大个体）", "规上服务业"],
        "复工率": [81.25, 92.0, NAN, 100.0]}), p),
    "town": lambda p: plot_town_rates(pd.DataFrame({
        "乡镇（园区）": ["城关镇", "工业园区", "龙泉乡", "新街镇"], "复工率": [81.25, 100.0, NAN, 45.5]}), p),
    "indicators": lambda p: plot_indicators(_indicators(), p),
    "trend": lambda p: plot_rate_trend(pd.DataFrame(
        {"规上工业": [40.0, 65.5, 81.25], "规下工业": [20.0, NAN, 60.0]},
        index=pd.to_datetime(["2023-02-01", "2023-02-08", "2023-02-15"])), p),
}


@pytest.mark.parametrize("kind", sorted(PLOTS))
def test_each_chart_is_a_156mm_png_at_200_dpi_without_missing_glyphs(kind, tmp_path):
    path = tmp_path / "图表" / f"{kind}.png"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would raise
        assert PLOTS[kind](path) == path
    with Image.open(path) as img:
        dpi_x, _ = img.info["dpi"]
        width_px = img.size[0]
    assert dpi_x >= 150
    assert abs(width_px / dpi_x * 25.4 - 156) < 0.5
    assert [p.name for p in path.parent.iterdir()] == [f"{kind}.png"]  # no temp file left


def test_a_growth_rate_that_cannot_be_computed_and_an_all_missing_series_do_not_crash(tmp_path):
    ind = _indicators().assign(增速=NAN, 完成率=NAN, 时序进度=NAN)
    plot_indicators(ind, tmp_path / "a.png")
    plot_category_rates(pd.DataFrame({"类别": ["规上服务业"], "复工率": [NAN]}), tmp_path / "b.png")
    plot_resumption_curve(_curves().assign(规上服务业=NAN), 14, "截至2月15日", tmp_path / "c.png")
    plot_town_rates(pd.DataFrame({"乡镇（园区）": ["城关镇"], "复工率": [None]}), tmp_path / "d.png")
    assert len(list(tmp_path.glob("*.png"))) == 4


def test_schedule_that_differs_per_indicator_is_drawn_per_bar(tmp_path):
    ind = _indicators().assign(时序进度=[25.0, 25.0, 33.3, 33.3, 25.0, NAN])
    assert plot_indicators(ind, tmp_path / "x.png").is_file()


@pytest.mark.parametrize("value, label", [
    (81.25, "81.3%"), (np.float64(81.25), "81.3%"), (13 / 16 * 100, "81.3%"),
    (0.05, "0.1%"), (100, "100.0%"), (NAN, "—"), (None, "—"),
])
def test_percent_labels_round_half_up(value, label):
    assert figures._pct_label(value) == label


@pytest.mark.parametrize("growth, label", [
    (5.26, "增长5.3%"), (-2.05, "下降2.1%"), (0.04, "持平"), (-0.04, "持平"),
    (np.float64(-0.05), "下降0.1%"), (NAN, "—"),
])
def test_growth_labels_say_growth_fall_or_flat(growth, label):
    assert figures._growth_label(growth) == label


def test_long_category_name_breaks_before_its_parenthesis():
    assert figures._wrap("限上批零住餐（含大个体）", 8) == "限上批零住餐\n（含大个体）"
    assert figures._wrap("规上工业", 8) == "规上工业"


def test_font_is_the_packaged_noto_sans_sc_and_registering_it_twice_adds_it_once():
    """From a package that ships only freely licensed Simplified Chinese faces, never from the
    machine: every machine draws the same charts."""
    import pylopdf_fonts_zh_cn

    path = cjk_font_path()
    assert path.is_file() and path.name == "NotoSansSC-Regular.otf"
    assert path.parent == Path(pylopdf_fonts_zh_cn.__file__).parent
    from matplotlib import font_manager, rcParams

    def entries() -> int:
        return sum(Path(e.fname) == path for e in font_manager.fontManager.ttflist)

    family = use_cjk_font()
    registered = entries()
    assert registered >= 1
    assert use_cjk_font() == family
    assert entries() == registered
    assert rcParams["font.sans-serif"][0] == family
    assert rcParams["axes.unicode_minus"] is False
    assert family == "Noto Sans SC"


def test_importing_the_module_registers_no_font():
    code = ("import matplotlib, fuchan_lib.report.figures; "
            "print(matplotlib.rcParams['font.sans-serif'][0])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "DejaVu Sans"
