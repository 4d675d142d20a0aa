"""All inputs of one run: the params and the ledgers they name, read and validated once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.exceptions import LedgerError, LedgerProblems
from fuchan_lib.ingest.ledger import SheetMapping, read_ledger_and_layout
from fuchan_lib.core.params import Params, load_params, parse_date_text


@dataclass(frozen=True)
class Inputs:
    params: Params
    industry: pd.DataFrame
    service: pd.DataFrame
    indicators: pd.DataFrame | None
    enterprise_indicators: pd.DataFrame | None
    layouts: dict[str, SheetMapping] = field(default_factory=dict)  # how each ledger was read

    def files(self) -> list[Path]:
        """The ledger files actually read, for the manifest."""
        found = [self.params.ledger(kind) for kind in schema.COLUMNS_BY_KIND]
        return [path for path, _sheet in filter(None, found)]


def _read(params: Params, kind: str, required: bool) -> tuple[pd.DataFrame, SheetMapping] | None:
    located = params.ledger(kind)
    if located is None:
        if required:
            raise LedgerError(f"参数文件没有写{kind}的路径", fix=f"在“数据”下加上“{kind}: 文件路径”")
        return None
    path, sheet = located
    if not path.is_file():
        raise LedgerError(
            f"找不到{kind}文件“{path}”", file=path.name,
            fix=f"检查参数文件“数据·{kind}”的路径（相对于参数文件所在文件夹）",
        )
    return read_ledger_and_layout(path, kind, sheet=sheet, year=params.spring_festival.year)


def load_inputs(params_path: str | Path, as_of: str | date | None = None) -> Inputs:
    """Read params (with an optional as-of override) and every ledger they name."""
    return read_inputs(run_params(params_path, as_of))


def run_params(params_path: str | Path, as_of: str | date | None = None) -> Params:
    """The params of a run: the file's, with `as_of` (any form the CLI accepts) when given."""
    params = load_params(params_path)
    return params.with_as_of(parse_date_text(as_of)) if as_of else params


def read_inputs(params: Params) -> Inputs:
    """Every ledger the params name; the problems of all of them are raised together."""
    frames, layouts, problems = {}, {}, []
    for kind, required in ((schema.INDUSTRY, True), (schema.SERVICE, True),
                           (schema.INDICATORS, False), (schema.ENTERPRISE_INDICATORS, False)):
        try:  # every ledger is read, so the problems of all of them are reported at once
            read = _read(params, kind, required)
            frames[kind], layouts[kind] = read if read else (None, None)
        except LedgerError as exc:
            problems.append(exc)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise LedgerProblems(problems)
    return Inputs(
        params=params,
        industry=with_states(frames[schema.INDUSTRY]),
        service=with_states(frames[schema.SERVICE]),
        indicators=frames[schema.INDICATORS],
        enterprise_indicators=frames[schema.ENTERPRISE_INDICATORS],
        layouts={kind: layout for kind, layout in layouts.items() if layout is not None},
    )


def state_codes(status: pd.Series) -> np.ndarray:
    """春节期间状态 as schema.STATE codes (int8): running, long stopped, on holiday (需复工),
    else (blank) other. A categorical column is coded from its category codes, no text matching."""
    if isinstance(status.dtype, pd.CategoricalDtype):
        codes, labels = status.cat.codes.to_numpy(), status.cat.categories
    else:
        codes, labels = pd.factorize(status)
        labels = pd.Index(labels)
    table = np.full(len(labels) + 1, schema.STATE_OTHER, dtype=np.int8)  # code −1 (blank): last
    for states, code in ((schema.RUNNING, schema.STATE_RUNNING), (schema.LONG_STOPPED, schema.STATE_LONG_STOPPED),
                         (schema.ON_HOLIDAY, schema.STATE_ON_HOLIDAY)):
        table[:-1][labels.isin(states)] = code
    return np.take(table, codes)


def with_states(ledger: pd.DataFrame) -> pd.DataFrame:
    """The ledger with its schema.STATE column, derived once when the run reads it; it travels
    with every row slice, so nothing derived from it can go stale."""
    return ledger.assign(**{schema.STATE: state_codes(ledger[schema.STATUS])})


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
