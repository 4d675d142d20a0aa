"""The city report .docx: the city narrative, then the per-county table, the city's category
table and the charts, in the same 公文 format as a county report (document.write_report)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.layout import RunFolder
from fuchan_lib.report import gongwen
from fuchan_lib.report.document import table_block, write_report
from fuchan_lib.report.narrative import CITY_DEFAULT
from fuchan_lib.stats.facts import FactSet
from fuchan_lib.stats import rollup
from fuchan_lib.stats.rollup import COUNTY

# what the per-county attachment shows of tables/各县复工情况.xlsx (the workbook has more)
COUNTY_COLUMNS = (COUNTY, "节后需复工", "已复工", "复工率", "排名", "较上次（百分点）",
                  "工业复工率", "服务业复工率")


def _read_table(run_dir: Path, filename: str) -> pd.DataFrame:
    """A 附表 the city notebook wrote, with its percent columns back in percent (81.25)."""
    frame = pd.read_excel(RunFolder(run_dir).table(filename), engine="calamine")
    for column in schema.PERCENT_COLUMNS:
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").mul(100).round(9)
    return frame


def city_attachments(run_dir: Path, tables: dict[str, str], figures: dict[str, str]) -> list[gongwen.Attachment]:
    """tables: file -> attachment title; figures: file -> caption (in order)."""
    result = []
    for filename, title in tables.items():
        frame = _read_table(run_dir, filename)
        if COUNTY in frame:
            frame = frame[[c for c in COUNTY_COLUMNS if c in frame]]
        result.append(gongwen.Attachment(len(result) + 1, title, (table_block(frame),)))
    folder = RunFolder(run_dir)
    pictures = tuple(gongwen.Figure(folder.figure(name), caption)
                     for name, caption in figures.items() if folder.figure(name).is_file())
    if pictures:
        result.append(gongwen.Attachment(len(result) + 1, "复工复产情况图表", pictures))
    return result


def build_city_report(params, run_dir: Path, facts: FactSet) -> tuple[Path, int]:
    tables = {rollup.TABLE_COUNTIES: "各县（市、区）复工复产情况表",
              rollup.TABLE_CATEGORY: "全市各类企业复工复产情况表"}
    figures = {rollup.FIGURE_CURVE: "图1　全市节后复工复产进度",
               rollup.FIGURE_CATEGORY: "图2　全市各类企业复工率",
               rollup.FIGURE_COUNTIES: "图3　各县（市、区）复工率"}
    return write_report(params, run_dir, facts, city_attachments(run_dir, tables, figures), CITY_DEFAULT)
