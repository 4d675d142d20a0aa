"""`fuchan 下发`: next week's ledgers, one workbook per township, pre-filled from the last run.

Each workbook holds the township's firms as the latest good run of the county (this 春节) kept
them in its snapshot (企业状态.csv): every column of the blank templates, 复工日期 only for firms
that had resumed by that run's as-of date (a later date counted as not resumed and is left
blank), with the templates' dropdowns and 说明 sheet. The township adds new dates and reasons
and sends the workbook back; read as a folder of ledgers, the files unchanged give the same
report as the run they came from.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from fuchan_lib.core import schema
from fuchan_lib.core.exceptions import FuchanInputError, OutputExistsError
from fuchan_lib.core.output_folder import inside
from fuchan_lib.core.params import Params, load_params
from fuchan_lib.core.run_folder import RunFolder
from fuchan_lib.core.xlsx import keep_text, save_workbook
from fuchan_lib.ingest.blank_ledgers import DATE_FORMAT, ledger_workbook
from fuchan_lib.report.follow_up_books import file_part
from fuchan_lib.run.history import RunRecord, list_runs, own_runs, read_snapshot
from fuchan_lib.stats.follow_up import TOWN_BLANK, town_order
from fuchan_lib.stats.ledger_changes import comparable
from fuchan_lib.stats.rates import status_flags
from fuchan_lib.stats.weekly import ledgers_from_snapshot

KINDS = (schema.INDUSTRY, schema.SERVICE)


def latest_run(params: Params) -> RunRecord:
    """The newest good run of this county and 春节 in the output folder."""
    own, _unreadable = own_runs(params.county, list_runs(params.output_path), (), params.spring_festival)
    if own:
        return own[0]
    raise FuchanInputError(
        f"输出文件夹“{params.output_path}”中没有{params.county}（春节{params.spring_festival:%Y年}）"
        "成功的运行，无法下发台账。请先运行 fuchan run 参数文件")


def handout_ledgers(record: RunRecord) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(industry, service) as the run kept them, 复工日期 blank where not resumed then."""
    folder = RunFolder(record.folder)
    snapshot = read_snapshot(folder.snapshot) if folder.snapshot.is_file() else None
    if not comparable(snapshot):
        raise FuchanInputError(
            f"运行“{record.folder.name}”没有保存下发所需的企业状态（旧版本的运行）。"
            "请用本版本重新运行一次 fuchan run，再下发")
    ledgers = []
    for frame in ledgers_from_snapshot(snapshot):
        resumed = status_flags(frame, record.as_of).resumed
        frame[schema.RESUMED_ON] = frame[schema.RESUMED_ON].where(resumed)
        ledgers.append(frame)
    return ledgers[0], ledgers[1]


def _cell(value):
    """A frame value as an Excel cell: blanks empty, dates as dates, numbers as Python numbers."""
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value.item() if isinstance(value, np.generic) else value


def _fill(sheet: Worksheet, rows: pd.DataFrame, kind: str) -> None:
    columns = schema.COLUMNS_BY_KIND[kind]
    dates = [j for j, c in enumerate(columns, start=1) if c.kind == "date"]
    for values in rows[[c.name for c in columns]].itertuples(index=False):
        sheet.append([_cell(v) for v in values])
        for cell in sheet[sheet.max_row]:
            keep_text(cell)
        for j in dates:
            sheet.cell(sheet.max_row, j).number_format = DATE_FORMAT


def write_handout(params_path: Path, out_dir: Path | None = None) -> list[Path]:
    """One workbook per township (county order; firms with a blank 乡镇 in 未填) into `out_dir`
    (default: beside the params file); never overwrites. Returns the files written."""
    params = load_params(params_path)
    record = latest_run(params)
    industry, service = handout_ledgers(record)
    towns = town_order(industry, service, listed=params.towns)
    named = [t for t in towns if t != TOWN_BLANK]
    folder = out_dir or Path(params_path).resolve().parent / f"下发台账_{params.county}_截至{record.as_of:%Y%m%d}"
    if folder.exists() and not folder.is_dir():
        raise OutputExistsError(f"“{folder}”是一个文件而不是文件夹，请换一个文件夹名存放下发的台账")
    targets = {town: inside(folder, folder / f"{number:02d}_{file_part(town)}.xlsx")
               for number, town in enumerate(towns, start=1)}
    existing = [path for path in targets.values() if path.exists()]
    if existing:  # check all first: never a half-written set
        raise OutputExistsError(f"文件“{existing[0]}”已存在，为免覆盖乡镇已填写的内容，没有下发。"
                                "请换一个文件夹（--输出），或先把已有文件移走或改名")
    folder.mkdir(parents=True, exist_ok=True)
    for town, path in targets.items():
        book = ledger_workbook(KINDS, named)
        for kind, ledger in zip(KINDS, (industry, service)):
            mine = ledger[schema.TOWN].isna() if town == TOWN_BLANK else ledger[schema.TOWN] == town
            _fill(book[kind], ledger[mine.to_numpy(dtype=bool)], kind)
        save_workbook(book, path)
    return list(targets.values())
