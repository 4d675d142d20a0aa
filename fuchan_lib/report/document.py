"""The 报告 .docx: narrative template + facts + the run's 附表 and figures -> one 公文 (DESIGN §5).

Takes the facts and 附表 frames from the build steps' result (the same objects the
notebooks showed and saved) and the figures the notebooks drew into the run folder, so the
report, the tables and the notebooks always agree.
"""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

import pandas as pd

from fuchan_lib.core import run_folder, schema
from fuchan_lib.report import gongwen
from fuchan_lib.stats.build import Built
from fuchan_lib.stats.facts import FactSet
from fuchan_lib.report.narrative import COUNTY_DEFAULT, count_gaps, read_template, render_template
from fuchan_lib.core.params import ATTACHMENT_CHOICES, DEFAULT_ATTACHMENTS, RATE_BASIS_NEEDING, Params
from fuchan_lib.stats.annex_tables import cell_text, town_table_note
from fuchan_lib.core.wording import format_date

# where a 附表 header or 行业 name may break when its column is narrow: between words, never
# inside one (the table also breaks after "、" and before "（")
BREAKS = {
    "企业总数": "企业\n总数", "春节期间正常": "春节期间\n正常", "长期停产停业": "长期停产\n停业",
    "节后需复工": "节后\n需复工", "未复工原因": "未复工\n原因", "规模或类别": "规模或\n类别",
    "工业需复工": "工业\n需复工", "工业已复工": "工业\n已复工", "工业复工率": "工业\n复工率",
    "服务业需复工": "服务业\n需复工", "服务业已复工": "服务业\n已复工", "服务业复工率": "服务业\n复工率",
    "统一社会信用代码": "统一社会\n信用代码",
    "信息传输、软件和信息技术服务业": "信息传输、软件和\n信息技术服务业", "租赁和商务服务业": "租赁和\n商务服务业",
    "科学研究和技术服务业": "科学研究和\n技术服务业", "水利、环境和公共设施管理业": "水利、环境和\n公共设施管理业",
    "居民服务、修理和其他服务业": "居民服务、修理和\n其他服务业", "卫生和社会工作": "卫生和\n社会工作",
    "文化、体育和娱乐业": "文化、体育和\n娱乐业", "交通运输、仓储和邮政业": "交通运输、仓储和\n邮政业",
    "经营者返乡未归": "经营者\n返乡未归", "原材料短缺": "原材料\n短缺",
}

# params 报告附件 choice -> (table file, attachment title)
TABLE_ATTACHMENTS = {
    "分类表": (run_folder.TABLE_CATEGORY, "各类企业复工复产情况表"),
    "行业表": (run_folder.TABLE_TRADE, "服务业分行业复工营业情况表"),
    "乡镇表": (run_folder.TABLE_TOWN, "各乡镇（园区）复工复产情况表"),
    "未复工企业清单": (run_folder.TABLE_NOT_RESUMED, "未复工企业清单"),
}
KEY_NOT_RESUMED_TITLE = "规上限上未复工企业名单"
# the 联网直报 groups whose every firm the director follows by name
KEY_GROUPS = (schema.INDUSTRY_ABOVE, schema.RETAIL_ABOVE_QUOTA, schema.SERVICE_ABOVE_SCALE)
GROUP_COLUMN = "规模或类别"  # of the 未复工企业清单 (stats.annex_tables.not_resumed_table)
FIGURES = (
    (run_folder.FIGURE_CURVE, "图1　节后复工复产进度"),
    (run_folder.FIGURE_CATEGORY, "图2　各类企业复工率"),
    (run_folder.FIGURE_TOWN, "图3　各乡镇（园区）复工率"),
    (run_folder.FIGURE_INDICATORS, "图4　主要经济指标"),
    (run_folder.FIGURE_TREND, "图5　历次统计的复工率"),
)
FIGURE_ATTACHMENT_TITLE = "复工复产情况图表"


def report_filename(params: Params) -> str:
    as_of = params.as_of
    return f"{params.report_title}（截至{format_date(as_of)}）.docx"


def _breakable(text: str) -> str:
    """The text with the points where it may break marked (BREAKS)."""
    return BREAKS.get(text, text)


def table_block(frame: pd.DataFrame) -> gongwen.Table:
    """A 附表 DataFrame (rates in percent) as a 公文 table of display strings.

    Two-level columns (group, name) give a two-row header; a 类别 column before the 行业
    column is merged down beside its trades; headers and trades break only between words (BREAKS);
    a rate table too wide for 小四 is set in 五号."""
    two_levels = frame.columns.nlevels == 2
    names = [str(c[-1]) if two_levels else str(c) for c in frame.columns]
    rows = [[_breakable(cell_text(v, c)) for v, c in zip(row, names)]
            for row in frame.itertuples(index=False, name=None)]
    groups = ()
    if two_levels:
        labels = [str(c[0]) for c in frame.columns]
        groups = tuple((label, sum(1 for _ in run)) for label, run in groupby(labels))
    merge = names[:2] == [schema.CATEGORY, schema.TRADE]
    if merge:  # the 合计 row has no trade: blank, not "—"
        rows = [[r[0], "" if v == "" else r[1], *r[2:]] for r, v in zip(rows, frame.iloc[:, 1])]
    rated = any(n in schema.PERCENT_COLUMNS for n in names)
    return gongwen.Table(header=tuple(_breakable(n) for n in names), rows=rows,
                         header_groups=groups, merge_first_column=merge,
                         smallest_font_pt=10.5 if rated else None)


def _table(built: Built, filename: str) -> pd.DataFrame:
    """The (only) sheet of one 附表 file of the build result."""
    return next(iter(built.table(filename).values()))


def changes_title(since: str | None) -> str:
    """附件 title of the changes list, naming the interval the way the text does. A date goes
    after the name: in the 附件 list "4.2月1日以来…" would read as the number 4.2."""
    since = since or "上次统计以来"
    if since[:1].isdigit():
        return f"复工变化企业名单（{since}）"
    return f"{since}复工变化企业名单"


def _key_not_resumed(built: Built) -> tuple[gongwen.Table | gongwen.Paragraph, ...]:
    """The 规上、限上 firms not resumed; the full list stays in tables/ (it runs to pages)."""
    full = _table(built, run_folder.TABLE_NOT_RESUMED)
    key = full[full[GROUP_COLUMN].isin(KEY_GROUPS)].reset_index(drop=True)
    note = gongwen.Paragraph((gongwen.Run(key_not_resumed_note(len(key), len(full))),))
    return (note, table_block(key)) if len(key) else (note,)


def key_not_resumed_note(key: int, everyone: int) -> str:
    """The line above the 规上限上 list; with none left it says so instead of "0户"."""
    groups = "规模以上工业、限额以上批零住餐和规模以上服务业"
    if key:
        return f"{groups}未复工企业{key}户（全部{everyone}户未复工企业见附表《未复工企业清单》）。"
    if everyone:
        return f"节后需复工的{groups}企业均已复工（其余{everyone}户未复工企业见附表《未复工企业清单》）。"
    return "节后需复工的企业均已复工。"


def _changes(built: Built) -> tuple[gongwen.Table | gongwen.Paragraph, ...] | None:
    sheets = built.table(run_folder.TABLE_CHANGES)
    if sheets is None:  # only when there is a previous run to compare with
        return None
    blocks = []
    for sheet, caption in (("新复工", "上次统计以来新计入已复工（营业）的企业"),
                           ("不再计入", "上次统计时已复工、本次因台账删除或更正不再计入的企业")):
        frame = sheets.get(sheet)
        blocks.append(gongwen.Paragraph((gongwen.Run(f"{caption}：{0 if frame is None else len(frame)}户"),)))
        if frame is not None and len(frame):
            blocks.append(table_block(frame))
    return tuple(blocks)


def attachments(built: Built, run: run_folder.RunFolder, choices=DEFAULT_ATTACHMENTS,
                since: str | None = None, basis: str = RATE_BASIS_NEEDING) -> list[gongwen.Attachment]:
    """The 附件 the params choose (报告附件), numbered in the fixed order of ATTACHMENT_CHOICES.
    `since` names the interval of the changes list ("本周" when the previous run is 7 days
    earlier, else "2月1日以来"), as the text does; `basis`, the 复工率口径 the 乡镇 table's
    note explains."""
    parts: list[tuple[str, tuple]] = []
    for choice in ATTACHMENT_CHOICES:
        if choice not in choices:
            continue
        if choice in TABLE_ATTACHMENTS:
            filename, title = TABLE_ATTACHMENTS[choice]
            blocks = (table_block(_table(built, filename)),)
            if filename == run_folder.TABLE_TOWN:
                blocks += (gongwen.Paragraph((gongwen.Run(town_table_note(basis)),)),)
            parts.append((title, blocks))
        elif choice == "规上限上未复工企业":
            parts.append((KEY_NOT_RESUMED_TITLE, _key_not_resumed(built)))
        elif choice == "复工变化":
            blocks = _changes(built)
            if blocks is not None:
                parts.append((changes_title(since), blocks))
        elif choice == "图表":
            pictures = tuple(gongwen.Figure(run.figure(name), caption)
                             for name, caption in FIGURES if run.figure(name).is_file())
            if pictures:
                parts.append((FIGURE_ATTACHMENT_TITLE, pictures))
    return [gongwen.Attachment(n, title, blocks) for n, (title, blocks) in enumerate(parts, start=1)]


def build_report(params: Params, built: Built, run_dir: Path, narrative: list | None = None) -> tuple[Path, int]:
    """Write the .docx into run_dir (whose figures/ the notebooks drew); return its path and
    the number of 【待补充】 gaps left. `narrative`: the template as the run rendered it once
    (read and rendered here when not given)."""
    facts = built.facts
    since = facts["周比.期间"].text if "周比.期间" in facts else None
    extra = attachments(built, run_folder.RunFolder(run_dir), params.attachments, since, params.rate_basis)
    return write_report(params, run_dir, facts, extra, narrative=narrative)


def write_report(params, run_dir: Path, facts: FactSet, extra: list[gongwen.Attachment],
                 default_template: str = COUNTY_DEFAULT, narrative: list | None = None) -> tuple[Path, int]:
    """The 公文 of a county or a city (their params share title, names, dates and fonts):
    narrative template filled with `facts` (`narrative`: already rendered), then the
    attachments; path and gaps left."""
    if narrative is None:
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
    path = gongwen.write_gongwen(blocks, Path(run_dir) / report_filename(params), fonts=params.fonts,
                                 title=params.report_title, author=params.organisation)
    return path, count_gaps(narrative)
