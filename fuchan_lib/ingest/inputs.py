"""All inputs of one run: the params and the ledgers they name, read and validated once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.exceptions import LedgerError, raise_together
from fuchan_lib.ingest.expected_dates import with_expected_days
from fuchan_lib.ingest.firms import RowIssue
from fuchan_lib.ingest.ledger import LedgerRead, SheetMapping, Skipped, read_entries
from fuchan_lib.core.params import Params, load_params, parse_date_text

FIRM_KINDS = (schema.INDUSTRY, schema.SERVICE)


@dataclass(frozen=True)
class Inputs:
    params: Params
    industry: pd.DataFrame
    service: pd.DataFrame
    indicators: pd.DataFrame | None
    enterprise_indicators: pd.DataFrame | None
    layouts: tuple[SheetMapping, ...] = ()  # how each sheet was read, in reading order
    skipped: tuple[Skipped, ...] = ()  # sheets and files of the ledger entries not read
    issues: tuple[RowIssue, ...] = ()  # firms entered twice, statuses against their ledger
    read_files: tuple[Path, ...] = ()  # every ledger file opened
    problems: tuple[LedgerError, ...] = field(default=(), compare=False)  # unreadable cells
    unlisted: dict = field(default_factory=dict, compare=False)  # problems past those listed
    digests: dict = field(default_factory=dict, compare=False, repr=False)  # file -> sha256, see digest

    def digest(self, path: Path) -> str:
        """The sha256 of a file the run read, hashed once however often asked: run.history
        compares the 经济指标 files with earlier runs', the manifest lists every input's."""
        if path not in self.digests:
            self.digests[path] = sha256(path)
        return self.digests[path]

    def files(self) -> list[Path]:
        """The ledger files actually read, for the manifest."""
        return list(self.read_files)

    def files_of(self, kind: str) -> list[Path]:
        """The files read for one ledger kind: those of `read_files` under its params entries."""
        entries = [path for path, _sheet in self.params.ledger(kind) or []]
        return [f for f in self.read_files if any(f == e or e in f.parents for e in entries)]

    @cached_property
    def towns_in_ledgers(self) -> frozenset[str]:
        """Every 乡镇（园区） named in either firm ledger this week (worked out once)."""
        return frozenset(str(t) for df in (self.industry, self.service) for t in df[schema.TOWN].dropna().unique())

    @cached_property
    def unreported_towns(self) -> list[str]:
        """Townships listed in params `乡镇` with no row in either firm ledger this week (未报送):
        the audit's warning, `check`'s line and the 乡镇 table's rows."""
        return [town for town in self.params.towns if town not in self.towns_in_ledgers]

    def raise_for_problems(self) -> None:
        """Every unreadable cell of every ledger, raised together (nothing when all were read)."""
        raise_together(self.problems, self.unlisted)


def _read(params: Params, kind: str, required: bool) -> LedgerRead | None:
    entries = params.ledger(kind)
    if entries is None:
        if required:
            raise LedgerError(f"参数文件没有写{kind}的路径", fix=f"在“数据”下加上“{kind}: 文件路径”")
        return None
    return read_entries(entries, kind, year=params.spring_festival.year, towns=params.towns)


def load_inputs(params_path: str | Path, as_of: str | date | None = None) -> Inputs:
    """Read params (with an optional as-of override) and every ledger they name; any
    unreadable cell raised."""
    inputs = read_inputs(run_params(params_path, as_of))
    inputs.raise_for_problems()
    return inputs


def run_params(params_path: str | Path, as_of: str | date | None = None) -> Params:
    """The params of a run: the file's, with `as_of` (any form the CLI accepts) when given."""
    params = load_params(params_path)
    return params.with_as_of(parse_date_text(as_of)) if as_of else params


def read_inputs(params: Params) -> Inputs:
    """Every ledger the params name. A ledger that cannot be read at all raises (the problems of
    all of them together); unreadable cells are kept in `problems`, their rows read with the
    cell blank, so the audit can look at everything (`Inputs.raise_for_problems` raises them)."""
    reads, problems = {}, []
    for kind, required in ((schema.INDUSTRY, True), (schema.SERVICE, True),
                           (schema.INDICATORS, False), (schema.ENTERPRISE_INDICATORS, False)):
        try:  # every ledger is read, so the problems of all of them are reported at once
            reads[kind] = _read(params, kind, required)
        except LedgerError as exc:
            problems.append(exc)
    if problems:
        cells = [p for read in reads.values() if read for p in read.problems]
        unlisted = {k: v for read in reads.values() if read for k, v in (read.unlisted or {}).items()}
        raise_together(problems + cells, unlisted)
    found = [read for read in reads.values() if read is not None]
    frame = {kind: (read.frame if read else None) for kind, read in reads.items()}
    year = params.spring_festival.year
    return Inputs(
        params=params,
        industry=with_expected_days(with_states(frame[schema.INDUSTRY]), year),
        service=with_expected_days(with_states(frame[schema.SERVICE]), year),
        indicators=frame[schema.INDICATORS],
        enterprise_indicators=frame[schema.ENTERPRISE_INDICATORS],
        layouts=tuple(m for read in found for m in read.mappings),
        skipped=tuple(s for read in found for s in read.skipped),
        issues=tuple(i for read in found for i in read.issues),
        read_files=tuple(dict.fromkeys(f for read in found for f in read.files)),
        problems=tuple(p for read in found for p in read.problems),
        unlisted={k: v for read in found for k, v in (read.unlisted or {}).items()},
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
    """The file's SHA-256 in hex (manifest 输入文件), read in blocks by hashlib."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
