"""The city report .docx: the city narrative, then the per-county table, the city's category
table and the charts, in the same 公文 format as a county report (document.write_report)."""

from __future__ import annotations

from pathlib import Path

from fuchan_lib.core import run_folder, schema
from fuchan_lib.core.run_folder import RunFolder
from fuchan_lib.report import gongwen
from fuchan_lib.report.document import table_block, write_report
from fuchan_lib.report.narrative import CITY_DEFAULT
from fuchan_lib.stats.build import Part

# what the per-county attachment shows of the county table (the 附表 workbook has more)
COUNTY_COLUMNS = (schema.COUNTY, "节后需复工", "已复工", "复工率", "排名", "较上次（百分点）",
                  "工业复工率", "服务业复工率")


def city_attachments(run_dir: Path, part: Part, tables: dict[str, str],
                     figures: dict[str, str]) -> list[gongwen.Attachment]:
    """tables: 附表 file -> attachment title; figures: file -> caption (in order)."""
    result = []
    for filename, title in tables.items():
        [frame] = part.tables[filename].values()
        if schema.COUNTY in frame:
            frame = frame[[c for c in COUNTY_COLUMNS if c in frame]]
        result.append(gongwen.Attachment(len(result) + 1, title, (table_block(frame),)))
    folder = RunFolder(run_dir)
    pictures = tuple(gongwen.Figure(folder.figure(name), caption)
                     for name, caption in figures.items() if folder.figure(name).is_file())
    if pictures:
        result.append(gongwen.Attachment(len(result) + 1, "复工复产情况图表", pictures))
    return result


def build_city_report(params, run_dir: Path, part: Part) -> tuple[Path, int]:
    """The city .docx from the city's build step (its figures drawn by the notebook)."""
    tables = {run_folder.TABLE_COUNTIES: "各县（市、区）复工复产情况表",
              run_folder.TABLE_CATEGORY: "全市各类企业复工复产情况表"}
    figures = {run_folder.FIGURE_CURVE: "图1　全市节后复工复产进度",
               run_folder.FIGURE_CATEGORY: "图2　全市各类企业复工率",
               run_folder.FIGURE_COUNTIES: "图3　各县（市、区）复工率"}
    return write_report(params, run_dir, part.facts, city_attachments(run_dir, part, tables, figures),
                        CITY_DEFAULT)
