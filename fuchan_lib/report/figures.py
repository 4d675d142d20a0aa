"""Report charts (DESIGN §4): PNGs with Chinese labels, 156 mm wide (the 公文 版心), 200 dpi.

Owns the CJK font choice and the drawing. Uses `matplotlib.figure.Figure` with the Agg canvas,
never pyplot, so it works the same under papermill, in JupyterLab and in tests, and leaves no
open figures behind. Nothing happens at import: the font is registered by `use_cjk_font()`,
which every plot function calls. Percent and growth labels come from `wording` (四舍五入).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd

from fuchan_lib.core import run_folder, schema
from fuchan_lib.core.text import atomic_write
from fuchan_lib.core.wording import format_month_day, format_percent, growth_phrase, is_missing

WIDTH_IN = 156 / 25.4  # 版心 width, so the picture goes into the .docx at 100 %
DPI = 200
MISSING = "—"

_PALETTE = ("#1f5fa8", "#d9822b", "#3a8f4b", "#b23a48", "#6b4c9a", "#7f7f7f")


def cjk_font_path() -> Path:
    """The Chinese font the charts are drawn with: Noto Sans SC (SIL Open Font License) from
    the PyPI package pylopdf-fonts-zh-cn, which ships only the Simplified Chinese Noto Sans and
    Serif faces (20 MB). A package, not the machine's fonts, so every machine draws the same
    charts with Simplified Chinese glyph forms."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        raise FileNotFoundError(
            "找不到图表用的中文字体：请安装 Python 包 pylopdf-fonts-zh-cn"
            "（pip install pylopdf-fonts-zh-cn，或重新安装 fuchan）") from None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    if not path.is_file():
        raise FileNotFoundError(f"图表字体文件“{path}”不存在：请重新安装 pylopdf-fonts-zh-cn")
    return path


def use_cjk_font() -> str:
    """Register the Chinese font with matplotlib and make it the default; return its family.

    Idempotent: the font is added once; the rcParams are set on every call, so a notebook that
    reset its style still gets Chinese glyphs.
    """
    import matplotlib
    from matplotlib import font_manager

    path = cjk_font_path()
    if not any(Path(entry.fname) == path for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    others = [f for f in matplotlib.rcParams["font.sans-serif"] if f != family]
    matplotlib.rcParams["font.family"] = ["sans-serif"]
    matplotlib.rcParams["font.sans-serif"] = [family, *others]
    matplotlib.rcParams["axes.unicode_minus"] = False  # the CJK font's U+2212 is not guaranteed
    return family


def warm_up() -> None:
    """Draw one small chart into memory: loads the Chinese font's glyphs and matplotlib's first-draw
    caches (~0.1 s) while a kernel would otherwise wait for the run's inputs. Draws nothing."""
    import io

    fig = _new_figure(1.0)
    ax = fig.add_subplot()
    ax.barh(["乡镇"], [50.0])
    ax.set_title("复工复产率（%）0123456789")
    fig.savefig(io.BytesIO(), dpi=DPI, format="png")


# --- helpers -------------------------------------------------------------------------------

def _plain_number(value):
    """numpy scalars -> Python numbers (wording reads floats at their repr)."""
    return value.item() if hasattr(value, "item") else value


def _pct_label(value) -> str:
    """'81.3%' (四舍五入) or '—' when there is no value."""
    return format_percent(_plain_number(value)) or MISSING


def _growth_label(value) -> str:
    """'增长5.3%' / '下降2.1%' / '持平', or '—' when there is no value."""
    return growth_phrase(_plain_number(value)) or MISSING


def _new_figure(height_in: float):
    """A pyplot-free figure of report width with tight layout and the Chinese font."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    use_cjk_font()
    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, layout="tight")
    FigureCanvasAgg(fig)
    return fig


def _save(fig, path: Path) -> Path:
    """Write the PNG atomically (temp file in the same folder, then rename)."""
    path = Path(path)
    try:
        with atomic_write(path) as tmp:
            fig.savefig(tmp, dpi=DPI, format="png")
    finally:
        fig.clear()
    return path


def _wrap(label, width: int) -> str:
    """Break a long Chinese label into lines of at most `width` characters.

    A parenthesised note ("限上批零住餐（含大个体）") goes on its own line first.
    """
    text = str(label)
    if len(text) <= width:
        return text
    head, paren, tail = text.partition("（")
    parts = [head, paren + tail] if paren and head else [text]
    return "\n".join(line for part in parts for line in textwrap.wrap(part, max(width, 2)))


def _style_axes(ax, grid: str) -> None:
    """Every chart's look: no top or right frame, light grid lines along `grid` ("x" or "y")
    drawn behind the data."""
    ax.grid(axis=grid, color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_axisbelow(True)


def _value(x) -> float | None:
    return None if is_missing(x) else float(x)


# --- charts ----------------------------------------------------------------------------------

def plot_resumption_curve(curves: pd.DataFrame, as_of_day: int, as_of_label: str,
                          path: Path) -> Path:
    """Cumulative 复工率 by day after 春节, one line per series, with the as-of day marked.

    The legend carries each series' rate on the as-of day (or its last value before it).
    """
    fig = _new_figure(3.6)
    ax = fig.add_subplot()
    days = [int(d) for d in curves.index]
    for i, name in enumerate(curves.columns):
        series = pd.to_numeric(curves[name], errors="coerce").astype(float)
        upto = series[[d <= as_of_day for d in days]].dropna()
        latest = _pct_label(upto.iloc[-1]) if len(upto) else MISSING
        ax.plot(days, series.to_numpy(), color=_PALETTE[i % len(_PALETTE)], linewidth=1.8,
                label=f"{name}（{latest}）")
    ax.axvline(as_of_day, color="#555555", linestyle="--", linewidth=1)
    ax.annotate(as_of_label, xy=(as_of_day, 1.0), xycoords=("data", "axes fraction"),
                xytext=(-4, -2), textcoords="offset points", ha="right", va="top", fontsize=9,
                color="#333333")
    ax.set_title("节后复工复产进度")
    ax.set_xlabel("春节后天数")
    ax.set_ylabel("复工率（%）")
    ax.set_ylim(0, 112)  # headroom above 100 % for the as-of label
    ax.set_yticks(range(0, 101, 20))
    if days:
        ax.set_xlim(min(days), max(max(days), as_of_day) + 0.5)
    _style_axes(ax, "y")
    if len(curves.columns):
        ax.legend(loc="best", fontsize=8, frameon=False)
    return _save(fig, path)


def plot_category_rates(rates: pd.DataFrame, path: Path) -> Path:
    """Vertical bars of 复工率 by 类别; a missing rate shows no bar and the label '—'."""
    fig = _new_figure(3.2)
    ax = fig.add_subplot()
    n = len(rates)
    labels = [_wrap(c, max(4, 48 // max(n, 1))) for c in rates["类别"]]
    values = [_value(v) for v in rates["复工率"]]
    xs = range(n)
    ax.bar(xs, [v if v is not None else 0 for v in values], width=0.55,
           color=[_PALETTE[0] if v is not None else "none" for v in values])
    for x, v, raw in zip(xs, values, rates["复工率"]):
        ax.annotate(_pct_label(raw), xy=(x, v or 0), xytext=(0, 3), textcoords="offset points",
                    ha="center", va="bottom", fontsize=9)
    ax.set_xticks(list(xs), labels, fontsize=9)
    ax.set_ylim(0, 112)
    ax.set_ylabel("复工率（%）")
    ax.set_title("分类别复工复产率")
    _style_axes(ax, "y")
    return _save(fig, path)


def plot_town_rates(rates: pd.DataFrame, path: Path, *, label_column: str = schema.TOWN,
                    title: str = "各乡镇（园区）复工复产率") -> Path:
    """Horizontal bars of 复工率 by 乡镇（园区） (the town table's first column; or by county:
    `label_column`), highest at the top; places without a rate last, '—'."""
    ordered = rates.assign(_v=pd.to_numeric(rates["复工率"], errors="coerce")).sort_values(
        "_v", ascending=False, na_position="last", kind="stable")
    n = len(ordered)
    fig = _new_figure(max(2.0, 0.8 + 0.28 * n))
    ax = fig.add_subplot()
    ys = list(range(n))[::-1]  # first (highest) row at the top
    values = [_value(v) for v in ordered["_v"]]
    ax.barh(ys, [v if v is not None else 0 for v in values], height=0.6,
            color=[_PALETTE[0] if v is not None else "none" for v in values])
    for y, v in zip(ys, values):
        ax.annotate(_pct_label(v), xy=(v or 0, y), xytext=(3, 0), textcoords="offset points",
                    ha="left", va="center", fontsize=8)
    ax.set_yticks(ys, [_wrap(t, 10) for t in ordered[label_column]], fontsize=9)
    ax.set_xlim(0, 112)
    ax.set_xlabel("复工率（%）")
    ax.set_title(title)
    _style_axes(ax, "x")
    return _save(fig, path)


def plot_indicators(ind: pd.DataFrame, path: Path) -> Path:
    """Two panels: 本期 vs 上年同期 (万元) with the growth wording, and 完成率 vs 时序进度.

    Amounts of different indicators differ by orders of magnitude; when the largest is more
    than 20 times the smallest the amount axis is logarithmic (and says so).
    """
    n = len(ind)
    fig = _new_figure(1.6 + 0.95 * max(n, 1))
    top, bottom = fig.subplots(2, 1, height_ratios=[1.25, 1])
    names = [_wrap(s, 9) for s in ind["指标"]]
    ys = list(range(n))[::-1]
    h = 0.36

    current = [_value(v) for v in ind["本期"]]
    last = [_value(v) for v in ind["上年同期"]]
    top.barh([y + h / 2 for y in ys], [v or 0 for v in current], height=h, color=_PALETTE[0],
             label="本期")
    top.barh([y - h / 2 for y in ys], [v or 0 for v in last], height=h, color="#a9c4e4",
             label="上年同期")
    positive = [v for v in current + last if v is not None and v > 0]
    if positive and max(positive) > 20 * min(positive):
        from matplotlib.ticker import FuncFormatter, NullLocator

        top.set_xscale("log")
        top.xaxis.set_minor_locator(NullLocator())
        top.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:,.0f}"))
        top.set_xlabel("金额（万元，对数刻度）")
        right = max(positive) * 5
        top.set_xlim(min(positive) / 2, right)
    else:
        top.set_xlabel("金额（万元）")
        right = max(positive) * 1.35 if positive else 1
        top.set_xlim(0, right)
    for y, c, p, g in zip(ys, current, last, ind["增速"]):
        top.annotate(_growth_label(g), xy=(max(c or 0, p or 0) or right / 100, y),
                     xytext=(4, 0), textcoords="offset points", ha="left", va="center",
                     fontsize=8)
    top.set_yticks(ys, names, fontsize=8)
    top.set_title("主要经济指标完成情况", fontsize=11, loc="left")
    # above the plot area, so it never covers a bar or a growth label
    top.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, fontsize=8, frameon=False,
               borderaxespad=0.2)
    _style_axes(top, "x")

    done = [_value(v) for v in ind["完成率"]]
    bottom.barh(ys, [v or 0 for v in done], height=0.5,
                color=[_PALETTE[1] if v is not None else "none" for v in done])
    for y, v in zip(ys, done):
        bottom.annotate(_pct_label(v), xy=(v or 0, y), xytext=(3, 0), textcoords="offset points",
                        ha="left", va="center", fontsize=8, zorder=5,
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.3})
    schedule = [_value(v) for v in ind["时序进度"]]
    known = {s for s in schedule if s is not None}
    title = "目标完成率与时序进度"
    if len(known) == 1:
        s = known.pop()
        bottom.axvline(s, color="#b23a48", linestyle="--", linewidth=1.2)
        title += f"（红色虚线：时序进度{_pct_label(s)}）"
    elif known:  # a different schedule per indicator: a short red mark on each bar
        for y, s in zip(ys, schedule):
            if s is not None:
                bottom.plot([s, s], [y - 0.4, y + 0.4], color="#b23a48", linewidth=1.8,
                            zorder=4)  # under the value labels' white boxes
        title += "（红色竖线：各指标时序进度）"
    top_value = max([v for v in done + schedule if v is not None], default=100)
    bottom.set_xlim(0, max(100, top_value) * 1.18)
    bottom.set_yticks(ys, names, fontsize=8)
    bottom.set_xlabel("目标完成率（%）")
    bottom.set_title(title, fontsize=11, loc="left")
    _style_axes(bottom, "x")
    return _save(fig, path)


def _spread_labels(values: list[float], gap: float = 4.5) -> list[float]:
    """Label heights for sorted values, pushed apart so neighbouring labels never overlap."""
    heights: list[float] = []
    for value in values:
        heights.append(max(value, heights[-1] + gap) if heights else value)
    return heights


def plot_rate_trend(trend: pd.DataFrame, path: Path) -> Path:
    """复工率 of successive weekly runs, one line per series, dated '2月15日' on the axis."""
    from matplotlib import dates as mdates

    fig = _new_figure(3.2)
    ax = fig.add_subplot()
    stamps = [pd.Timestamp(d) for d in trend.index]
    xs = mdates.date2num([s.to_pydatetime() for s in stamps]) if stamps else []
    ends = []  # (value, label, colour, x) of each line's last point, labelled after the loop
    for i, name in enumerate(trend.columns):
        values = pd.to_numeric(trend[name], errors="coerce").astype(float)
        color = _PALETTE[i % len(_PALETTE)]
        ax.plot(xs, values.to_numpy(), color=color, marker="o", markersize=4, linewidth=1.6,
                label=str(name))
        known = values.dropna()
        if len(known):
            last_x = xs[list(values.index).index(known.index[-1])]
            ends.append((known.iloc[-1], _pct_label(known.iloc[-1]), color, last_x))
    for (value, label, color, x), y in zip(sorted(ends), _spread_labels([e[0] for e in sorted(ends)])):
        ax.annotate(label, xy=(x, value), xytext=(x, y), textcoords="data", ha="left", va="center",
                    fontsize=8, color=color)
    if len(xs):
        ax.set_xticks(list(xs), [format_month_day(s) for s in stamps], fontsize=8)
        span = (max(xs) - min(xs)) or 7
        ax.set_xlim(min(xs) - span * 0.05, max(xs) + span * 0.15)
        for text in ax.texts:  # labels sit a little right of the last point
            text.set_x(text.xy[0] + span * 0.015)
    ax.set_ylim(0, max(105, *(t.get_position()[1] + 3 for t in ax.texts)) if ax.texts else 105)
    ax.set_ylabel("复工率（%）")
    ax.set_xlabel("截止日期")
    ax.set_title("复工复产率逐周变化")
    _style_axes(ax, "y")
    if len(trend.columns):
        ax.legend(loc="best", fontsize=8, frameon=False)
    return _save(fig, path)


def plot_county_rates(rates: pd.DataFrame, path: Path) -> Path:
    """The city's bars of 复工率 by county, highest at the top (rows: the counties only)."""
    return plot_town_rates(rates, path, label_column=schema.COUNTY, title="各县（市、区）复工复产率")


def chart_jobs(charts: dict[str, tuple], figure_path) -> list[tuple]:
    """A build step's charts (figure file -> plot arguments) as (plot function, arguments, PNG
    path) jobs; `figure_path(name)` says where each goes."""
    plots = {run_folder.FIGURE_CURVE: plot_resumption_curve, run_folder.FIGURE_CATEGORY: plot_category_rates,
             run_folder.FIGURE_TOWN: plot_town_rates, run_folder.FIGURE_INDICATORS: plot_indicators,
             run_folder.FIGURE_TREND: plot_rate_trend, run_folder.FIGURE_COUNTIES: plot_county_rates}
    return [(plots[name], arguments, figure_path(name)) for name, arguments in charts.items()]


def draw_charts(charts: dict[str, tuple], figure_path, ahead=None) -> list[Path]:
    """Draw a build step's charts; `ahead` (report.charts_ahead) may have drawn some already."""
    written = []
    for plot, arguments, path in chart_jobs(charts, figure_path):
        if ahead is None or not ahead.drawn(path):
            plot(*arguments, path)
        written.append(Path(path))
    return written
