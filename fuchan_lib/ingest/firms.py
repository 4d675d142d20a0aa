"""One firm, one row: a firm entered twice — within a sheet or across sheets and files — is
counted once (the first place it appears) and both places are named (DESIGN §2: a firm is one
firm across all ledgers, by 统一社会信用代码, else by its normalised name).

Also found here, where the sheet's name is known: a row whose own 春节期间状态 contradicts the
status ledger it sits in. Both become audit errors (`stats.audit.row_issue_findings`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fuchan_lib.core import schema

DUPLICATE_CODE = "信用代码重复"
DUPLICATE_NAME = "企业名称重复"
STATUS_AGAINST_LEDGER = "状态与所在台账不符"


@dataclass(frozen=True)
class RowIssue:
    """A row-level finding of ingestion, reported by the audit as an error."""

    rule: str
    file: str
    sheet: str
    row: int
    enterprise: str
    column: str
    message: str


def place(file: str, sheet: str, row: int) -> str:
    """文件“a.xlsx”工作表“城关镇”第5行 — how a message points at a row."""
    return f"文件“{file}”" + (f"工作表“{sheet}”" if sheet else "") + f"第{row}行"


def name_keys(names: pd.Series) -> pd.Series:
    """Firm names as compared: full/half width and spaces ignored. The names are cleaned text
    already (`values.parse_text`: control characters and odd spaces gone), so NFKC and dropping
    spaces is all that is left; vectorised, as a ledger may hold 10^5 firms."""
    keys = names.astype(object).str.normalize("NFKC").str.replace(" ", "", regex=False)
    return keys.where(keys.notna() & (keys != ""), None)


def one_row_per_firm(frame: pd.DataFrame, kind: str, mappings) -> tuple[pd.DataFrame, list[RowIssue]]:
    """The frame with every later row of a firm already read dropped, and the issues: each
    dropped row named with the first row it repeats; each row against its status ledger."""
    issues = _status_against_ledger(frame, mappings)
    if schema.NAME not in frame or kind not in (schema.INDUSTRY, schema.SERVICE) or frame.empty:
        return frame, issues
    names = name_keys(frame[schema.NAME])
    codes = frame[schema.CREDIT_CODE].astype(object).where(frame[schema.CREDIT_CODE].notna(), None)
    repeated_code = codes.notna() & codes.duplicated()
    repeated_name = names.notna() & names.duplicated()
    later = (repeated_code | repeated_name).to_numpy(dtype=bool)
    if not later.any():
        return frame, issues
    first_by_code = {c: i for i, c in codes[codes.notna()].drop_duplicates().items()}
    first_by_name = {n: i for i, n in names[names.notna()].drop_duplicates().items()}
    for pos in np.flatnonzero(later):
        row = frame.iloc[pos]
        by_code = bool(repeated_code.iloc[pos])
        first = frame.loc[first_by_code[codes.iloc[pos]] if by_code else first_by_name[names.iloc[pos]]]
        there = place(first[schema.SOURCE_FILE], first[schema.SOURCE_SHEET], int(first[schema.SOURCE_ROW]))
        same = f"统一社会信用代码 {codes.iloc[pos]} " if by_code else "企业名称"
        shown = "" if by_code or row[schema.NAME] == first[schema.NAME] else f"（“{first[schema.NAME]}”）"
        issues.append(RowIssue(
            DUPLICATE_CODE if by_code else DUPLICATE_NAME, row[schema.SOURCE_FILE],
            row[schema.SOURCE_SHEET], int(row[schema.SOURCE_ROW]), str(row[schema.NAME]),
            schema.CREDIT_CODE if by_code else schema.NAME,
            f"与{there}{shown}的{same}相同，是同一企业登记了两次：只计第一处（{there}），这一行不计入。"
            "若确是同一企业，请把两行合并为一行；若是两家企业，请改正名称或代码",
        ))
    return frame[~later].reset_index(drop=True), issues


def _status_against_ledger(frame: pd.DataFrame, mappings) -> list[RowIssue]:
    """Rows whose own 春节期间状态 differs from the one their status ledger stands for."""
    issues = []
    for mapping in mappings:
        named = {column: (value, source) for column, value, source in mapping.named}
        if schema.STATUS not in named or schema.STATUS not in {c[0] for c in mapping.columns}:
            continue
        status, source = named[schema.STATUS]
        rows = frame[(frame[schema.SOURCE_FILE] == mapping.file) & (frame[schema.SOURCE_SHEET] == mapping.sheet)]
        for _, row in rows[rows[schema.STATUS].astype(object) != status].iterrows():
            if pd.isna(row[schema.STATUS]):
                continue
            issues.append(RowIssue(
                STATUS_AGAINST_LEDGER, mapping.file, mapping.sheet, int(row[schema.SOURCE_ROW]),
                str(row[schema.NAME]), schema.STATUS,
                f"春节期间状态填的是“{row[schema.STATUS]}”，但这一行在{source}中，该台账的企业应为“{status}”；"
                "请核实后改正状态，或把这家企业移到相应的台账",
            ))
    return issues
