"""The problem list (审核清单): every ledger problem and audit finding of a check, one per row.

`fuchan check` writes it beside the params file (or into a named folder) and a failed run
keeps it in its folder under 失败的运行/, so the statistician can sort and filter it in Excel
and work through it; the console shows the same problems once.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fuchan_lib.core.exceptions import LedgerError
from fuchan_lib.core.output_folder import inside
from fuchan_lib.core.params import Params
from fuchan_lib.ingest.sheet import SheetMapping
from fuchan_lib.stats.audit import ERROR, AuditReport, list_frame

UNREADABLE = "台账无法读取"


def problem_frame(ledger_problems: list[LedgerError], report: AuditReport | None,
                  layouts: tuple[SheetMapping, ...] = ()) -> pd.DataFrame:
    """The ledger problems (errors) and then the audit's findings, in the 审核清单 columns."""
    rows = [(ERROR, p.file, p.sheet, p.row, p.cell, p.column, p.enterprise, UNREADABLE,
             p.problem, p.fix, None) for p in ledger_problems]
    return list_frame(rows + (report.list_rows(layouts) if report is not None else []))


def list_path(params: Params, out_dir: Path | None) -> Path:
    """审核清单_<县名>_截至<日期>.xlsx beside the params file, or in `out_dir`."""
    folder = out_dir if out_dir is not None else (params.source.parent if params.source else Path.cwd())
    return inside(folder, Path(folder) / f"审核清单_{params.county}_截至{params.as_of:%Y%m%d}.xlsx")


def write_problem_list(frame: pd.DataFrame, path: Path) -> Path:
    """Write the list as a formatted workbook (atomically, as every workbook: an old copy is
    never half overwritten); a file Excel holds open, or a folder that cannot be written, is named."""
    from fuchan_lib.core.exceptions import FuchanInputError
    from fuchan_lib.report.xlsx_tables import write_tables_xlsx

    try:
        write_tables_xlsx({"审核清单": frame}, path)
    except PermissionError:
        raise FuchanInputError(
            f"无法写入审核清单“{path}”：该文件正在 Excel 或 WPS 中打开，或这个文件夹不允许写入。"
            "请关闭该文件后重新运行，或用 --输出 指定另一个文件夹"
        ) from None
    return path
