"""The 报告 .docx: narrative template + facts + the run's 附表 and figures -> one 公文.

Reads only what the notebooks saved in the run folder (facts/*.json, tables/*.xlsx,
figures/*.png), so the report, the tables and the notebooks always agree.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.report import gongwen
from fuchan_lib.stats import sections as sec
from fuchan_lib.stats.facts import FactSet
from fuchan_lib.report.narrative import COUNTY_DEFAULT, count_gaps, read_template, render_template
from fuchan_lib.core.params import ATTACHMENT_CHOICES, DEFAULT_ATTACHMENTS, Params
from fuchan_lib.core.wording import format_date, format_percent, is_missing

MONEY_COLUMNS = {"本期", "上年同期", "目标"}

# params 报告附件 choice -> (table file, attachment title)
TABLE_ATTACHMENTS = {
    "分类表": (sec.TABLE_CATEGORY, "各类企业复工复产情况表"),
    "行业表": (sec.TABLE_TRADE, "服务业分行业复工营业情况表"),
    "乡镇表": (sec.TABLE_TOWN, "各乡镇（园区）复工复产情况表"),
    "未复工企业清单": (sec.TABLE_NOT_RESUMED, "未复工企业清单"),
}
KEY_NOT_RESUMED_TITLE = "规上限上未复工企业名单"
# the 联网直报 groups whose every firm the director follows by name
KEY_GROUPS = (sec.INDUSTRY_ABOVE, schema.RETAIL_ABOVE_QUOTA, schema.SERVICE_ABOVE_SCALE)
GROUP_COLUMN = "规模或类别"  # of the 未复工企业清单 (stats.sections.not_resumed_table)
FIGURES = (
    (sec.FIGURE_CURVE, "图1　节后复工复产进度"),
    (sec.FIGURE_CATEGORY, "图2　各类企业复工率"),
    (sec.FIGURE_TOWN, "图3　各乡镇（园区）复工率"),
    (sec.FIGURE_INDICATORS, "图4　主要经济指标"),
    (sec.FIGURE_TREND, "图5　历次统计的复工率"),
)
FIGURE_ATTACHMENT_TITLE = "复工复产情况图表"


def report_filename(params: Params) -> str:
    as_of = params.as_of
    return f"{params.report_title}（截至{format_date(as_of)}）.docx"


def _cell(value, column: str) -> str:
    if is_missing(value) or value == "":
        return "—"
    if column in schema.PERCENT_COLUMNS and isinstance(value, (int, float)):
        # the workbook stores 81.25 % as 0.8125; undo the ×0.01 without binary noise
        return format_percent(round(float(value) * 100, 9))
    if column in MONEY_COLUMNS and isinstance(value, (int, float)):
        return f"{value:,.1f}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return format_date(value.date())
    return str(value)


def table_block(frame: pd.DataFrame) -> gongwen.Table:
    """A DataFrame read from a 附表 workbook as a 公文 table of display strings."""
    columns = [str(c) for c in frame.columns]
    rows = [[_cell(v, c) for v, c in zip(row, columns)]
            for row in frame.itertuples(index=False, name=None)]
    return gongwen.Table(header=tuple(columns), rows=rows)


def _read_table(run_dir: Path, filename: str) -> pd.DataFrame:
    return pd.read_excel(run_dir / sec.TABLES_DIR / filename, engine="calamine")


def changes_title(since: str | None) -> str:
    """附件 title of the changes list, naming the interval the way the text does."""
    return f"{since or '上次统计以来'}复工变化企业名单"


def _key_not_resumed(run_dir: Path) -> tuple[gongwen.Table | gongwen.Paragraph, ...]:
    """The 规上、限上 firms not resumed; the full list stays in tables/ (it runs to pages)."""
    full = _read_table(run_dir, sec.TABLE_NOT_RESUMED)
    key = full[full[GROUP_COLUMN].isin(KEY_GROUPS)].reset_index(drop=True)
    note = gongwen.Paragraph((gongwen.Run(
        f"规模以上工业、限额以上批零住餐和规模以上服务业未复工企业{len(key)}户"
        f"（全部{len(full)}户未复工企业见附表《未复工企业清单》）。"),))
    return (note, table_block(key)) if len(key) else (note,)


def _changes(run_dir: Path) -> tuple[gongwen.Table | gongwen.Paragraph, ...] | None:
    changes = run_dir / sec.TABLES_DIR / sec.TABLE_CHANGES
    if not changes.is_file():  # only when there is a previous run to compare with
        return None
    sheets = pd.read_excel(changes, sheet_name=None, engine="calamine")
    blocks = []
    for sheet, caption in (("新复工", "上次统计以来新复工（营业）的企业"), ("新停产", "上次统计时在产、本次不在产的企业")):
        frame = sheets.get(sheet)
        blocks.append(gongwen.Paragraph((gongwen.Run(f"{caption}：{0 if frame is None else len(frame)}户"),)))
        if frame is not None and len(frame):
            blocks.append(table_block(frame))
    return tuple(blocks)


def attachments(run_dir: Path, choices=DEFAULT_ATTACHMENTS,
                since: str | None = None) -> list[gongwen.Attachment]:
    """The 附件 the params choose (报告附件), numbered in the fixed order of ATTACHMENT_CHOICES.
    `since` names the interval of the changes list ("本周" when the previous run is 7 days
    earlier, else "2月1日以来"), as the text does."""
    parts: list[tuple[str, tuple]] = []
    for choice in ATTACHMENT_CHOICES:
        if choice not in choices:
            continue
        if choice in TABLE_ATTACHMENTS:
            filename, title = TABLE_ATTACHMENTS[choice]
            parts.append((title, (table_block(_read_table(run_dir, filename)),)))
        elif choice == "规上限上未复工企业":
            parts.append((KEY_NOT_RESUMED_TITLE, _key_not_resumed(run_dir)))
        elif choice == "复工变化":
            blocks = _changes(run_dir)
            if blocks is not None:
                parts.append((changes_title(since), blocks))
        elif choice == "图表":
            pictures = tuple(
                gongwen.Figure(run_dir / sec.FIGURES_DIR / name, caption)
                for name, caption in FIGURES if (run_dir / sec.FIGURES_DIR / name).is_file())
            if pictures:
                parts.append((FIGURE_ATTACHMENT_TITLE, pictures))
    return [gongwen.Attachment(n, title, blocks) for n, (title, blocks) in enumerate(parts, start=1)]


def build_report(params: Params, run_dir: Path) -> tuple[Path, int]:
    """Write the .docx into run_dir; return its path and the number of 【待补充】 gaps left."""
    facts = FactSet.from_folder(run_dir / sec.FACTS_DIR)
    since = facts["周比.期间"].text if "周比.期间" in facts else None
    return write_report(params, run_dir, facts, attachments(run_dir, params.attachments, since))


def write_report(params, run_dir: Path, facts: FactSet, extra: list[gongwen.Attachment],
                 default_template: str = COUNTY_DEFAULT) -> tuple[Path, int]:
    """The 公文 of a county or a city (their params share title, names, dates and fonts):
    narrative template filled with `facts`, then the attachments; path and gaps left."""
    text, name = read_template(params.narrative_path, default_template)
    narrative = render_template(text, facts, name)
    blocks = [
        gongwen.Title(params.report_title),
        gongwen.Addressee(params.addressee),
        *narrative,
        gongwen.AttachmentNote(tuple(a.title for a in extra)),
        gongwen.Signature(params.organisation, params.report_date),
        *extra,
    ]
    path = gongwen.write_gongwen(blocks, run_dir / report_filename(params), fonts=params.fonts,
                                 title=params.report_title, author=params.organisation)
    return path, count_gaps(narrative)
