"""What a sheet's or file's name says about its rows: the township (乡镇（园区）) and, for the
bureau's four status ledgers, the 春节期间状态 (DESIGN §6).

Townships send "城关镇.xlsx" or "城关镇工业企业台账.xlsx", or one sheet per township in a
shared workbook; the seed report's 工作方案 keeps 春节期间正常生产企业台账、节后可生产企业台账、
节后可能延后生产企业台账 and 不能复产企业台账. The sheet's name is tried before the file's.
"""

from __future__ import annotations

import re

from fuchan_lib.core import schema
from fuchan_lib.ingest import values

SHEET_NAME, FILE_NAME = "工作表名", "文件名"

# the four status ledgers -> position in schema.INDUSTRY_STATUSES / SERVICE_STATUSES
_STATUS_LEDGERS = (
    (re.compile(r"春节期间正常(?:生产|营业|经营)"), 0),
    (re.compile(r"节后可能延后(?:生产|营业|复工|复产|复业)"), 1),
    (re.compile(r"节后可以?(?:生产|营业|复工|复产|复业)"), 1),
    (re.compile(r"不能(?:复产|复工|复业|复营|生产|营业)"), 2),
)
# where a name stops saying which township: the ledger's own words ("城关镇工业企业台账")
_LEDGER_WORDS = re.compile(r"工业企业|服务业企业|企业|台账|春节期间|节后|不能复|复工|复产|统计|"
                           r"名单|清单|明细|汇总|情况|\d{1,2}月\d{1,2}日|\d{4}年?")
_TOWN_LIKE = re.compile(r"\S{1,12}?(?:镇|乡|街道|街道办事处|办事处|园区|开发区|工业园|新区|农场|林场|社区)")


def status_of_name(name: str, kind: str) -> str | None:
    """The 春节期间状态 a status ledger's name stands for ("不能复产企业台账" -> 长期停产)."""
    if kind not in (schema.INDUSTRY, schema.SERVICE):
        return None
    statuses = schema.INDUSTRY_STATUSES if kind == schema.INDUSTRY else schema.SERVICE_STATUSES
    text = values.compact(name)
    for pattern, position in _STATUS_LEDGERS:
        if pattern.search(text):
            return statuses[position]
    return None


def town_of_name(name: str, towns: tuple[str, ...] = ()) -> str | None:
    """The township a sheet or file name stands for: the longest listed township it contains,
    else the part before the ledger's own words when it reads like one (…镇, …乡, …园区)."""
    text = values.compact(name)
    listed = [(t, key) for t in towns if (key := values.compact(t)) and key in text]  # each compacted once
    if listed:
        return max(listed, key=lambda pair: len(pair[1]))[0]
    head = _LEDGER_WORDS.split(text)
    candidate = next((part for part in head if part), "")
    candidate = re.sub(r"^\d{1,3}(?=[-_—.、 ]|\D)", "", candidate)  # "01_城关镇", "3.东山镇": a number to sort by
    candidate = candidate.strip("-_—()（）[]【】·.、 ")
    return candidate if _TOWN_LIKE.fullmatch(candidate) else None


def supplied_columns(kind: str, file: str, sheet: str,
                     towns: tuple[str, ...] = ()) -> dict[str, tuple[str, str]]:
    """Column -> (value, where it came from) that a sheet's or file's name supplies."""
    if kind not in (schema.INDUSTRY, schema.SERVICE):
        return {}
    stem = file.rsplit(".", 1)[0] if "." in file else file
    supplied = {}
    for text, source in ((sheet, SHEET_NAME), (stem, FILE_NAME)):
        if not text:
            continue
        if schema.TOWN not in supplied and (town := town_of_name(text, towns)):
            supplied[schema.TOWN] = (town, f"{source}“{text}”")
        if schema.STATUS not in supplied and (status := status_of_name(text, kind)):
            supplied[schema.STATUS] = (status, f"{source}“{text}”")
    return supplied
