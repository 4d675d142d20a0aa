"""What a section notebook calls: the run's inputs and built parts, and saving a part's files.

In `fuchan run` the pipeline reads, audits and builds once and stages the result in the run
folder; each notebook takes it from there (`open_run`) and shows its part and writes its 附表
and figures. Opened alone (JupyterLab, or papermill without a staged run) a notebook reads the
ledgers itself through the same library calls, so it shows the same numbers.

The hand-off is `run.transaction`'s (one pickle, private to the run).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.wording import format_date
from fuchan_lib.core.run_folder import RunFolder
from fuchan_lib.core.params import Params, parse_date_text
from fuchan_lib.core.text import write_csv
from fuchan_lib.report.charts_ahead import ChartsAhead, can_fork
from fuchan_lib.run.prepare import Prepared, prepare
from fuchan_lib.run.transaction import take_hand_off
from fuchan_lib.stats.annex_tables import cell_text
from fuchan_lib.stats.build import Built, Part
from fuchan_lib.stats.facts import FactSet


@dataclass(frozen=True)
class NotebookRun:
    prepared: Prepared
    built: Built
    folder: RunFolder
    ahead: ChartsAhead | None = None  # the run's charts, drawn by a child of this kernel

    @property
    def params(self) -> Params:
        return self.prepared.inputs.params

    def describe(self) -> str:
        p = self.params
        return (f"{p.county}　截止日期：{format_date(p.as_of)}　复工率口径：{p.rate_basis}"
                f"　小数位数：{p.digits}")

    def save(self, part: Part) -> list[Path]:
        """Write a part's 附表 (.xlsx) and figures (.png) into the run folder; return the paths."""
        return save_part(self.folder, part, self.ahead)

    @staticmethod
    def show(frame: pd.DataFrame) -> "Shown":
        """A 附表 as the report's tables show it (rates "88.8%", "—" for no value), every row."""
        return Shown(shown_frame(frame))

    @staticmethod
    def show_facts(facts: FactSet) -> "Shown":
        """The facts of a part: key (for the narrative template), what it is, and the words
        the report prints (rates rounded as in the text)."""
        return Shown(facts.to_frame()[["键", "说明", "报告文字"]])

    @staticmethod
    def show_figures(paths: list[Path], width: int = 700) -> None:
        """Display the PNGs among `paths` (what `save` wrote) in the notebook."""
        from IPython.display import Image, display

        for path in paths:
            if path.suffix == ".png":
                display(Image(filename=str(path), width=width))


_NUMBER = re.compile(r"[-+]?[\d,.]+%?|—")


@dataclass(frozen=True)
class Shown:
    """A table as a notebook displays it: every row, no index, no "130 rows × 4 columns" line;
    text left-aligned and wrapped, numbers right-aligned and whole."""

    frame: pd.DataFrame

    def _repr_html_(self) -> str:
        table = f"fuchan-{uuid.uuid4().hex[:8]}"
        numbers = [j for j in range(self.frame.shape[1])
                   if all(_NUMBER.fullmatch(str(v)) for v in self.frame.iloc[:, j])]
        rules = [f"#{table} td, #{table} th {{text-align: left; vertical-align: top; max-width: 36em}}"]
        rules += [f"#{table} td:nth-child({j + 1}) {{text-align: right; white-space: nowrap}}" for j in numbers]
        return f"<style>{' '.join(rules)}</style>" + self.frame.to_html(
            index=False, show_dimensions=False, max_rows=None, max_cols=None, table_id=table)

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)


def shown_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame's values as text the way the report's tables write them (annex_tables.cell_text)."""
    names = [c[-1] if isinstance(c, tuple) else c for c in frame.columns]
    columns = [[cell_text(v, name) for v in frame.iloc[:, j].tolist()] for j, name in enumerate(names)]
    return pd.DataFrame(dict(enumerate(columns)), index=range(len(frame))).set_axis(frame.columns, axis=1)


def save_part(folder: RunFolder, part: Part, ahead: ChartsAhead | None = None) -> list[Path]:
    """Write a part's 附表 (.xlsx), snapshot and figures (.png) into `folder`; return the paths."""
    from fuchan_lib.report.figures import draw_charts

    written = [save_table(folder.path, name, sheets) for name, sheets in part.tables.items()]
    if part.snapshot is not None:
        written.append(write_csv(part.snapshot, folder.snapshot))
    return written + draw_charts(part.charts, folder.figure, ahead)


def save_table(run_dir: str | Path, filename: str, sheets: dict) -> Path:
    """One 附表 workbook (sheet name -> DataFrame, rates in percent) into the run folder's tables/."""
    from fuchan_lib.report.xlsx_tables import write_tables_xlsx

    return write_tables_xlsx(sheets, RunFolder(run_dir).table(filename), percent_columns=schema.PERCENT_COLUMNS)


def _staged(folder: RunFolder, params_path: Path, as_of: date | None) -> tuple[Prepared, Built] | None:
    handed = take_hand_off(folder)
    if handed is None:
        return None
    prepared, built = handed
    p = prepared.inputs.params
    if p.source is None or p.source.resolve() != params_path.resolve() or as_of not in (None, p.as_of):
        return None  # staged for another params file or date: read this one's ledgers instead
    return prepared, built


_AHEAD: dict[Path, ChartsAhead] = {}  # run folder -> its charts being drawn, in this kernel


def charts_ahead(folder: RunFolder, built: Built) -> ChartsAhead | None:
    """The staged run's charts, drawn by a child of this kernel (report.charts_ahead) in the
    order the section notebooks save them; started by the run's first notebook."""
    from fuchan_lib.report.figures import chart_jobs

    key = folder.path.resolve()
    if key not in _AHEAD and can_fork():
        parts = (built.industry, built.services, built.indicators, built.attachments, built.week_over_week)
        _AHEAD[key] = ChartsAhead([job for part in parts for job in chart_jobs(part.charts, folder.figure)])
    return _AHEAD.get(key)


def open_run(params_path: str | Path, run_dir: str | Path = "", as_of: str = "") -> NotebookRun:
    """The run a notebook shows: staged by `fuchan run`, else read and built here."""
    folder = RunFolder(run_dir or Path(params_path).resolve().parent / "笔记本试运行")
    day = parse_date_text(as_of, "as_of") if as_of else None  # 2023-2-22, 2023年2月22日 too
    staged = _staged(folder, Path(params_path), day)
    if staged is None:
        prepared = prepare(params_path, day)
        return NotebookRun(prepared, prepared.build(), folder)
    return NotebookRun(*staged, folder, charts_ahead(folder, staged[1]))
