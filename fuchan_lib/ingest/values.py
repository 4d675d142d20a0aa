"""Cell values as statisticians type them -> canonical Python/pandas values (DESIGN §2, §6).

This module owns the reading of single cells: text clean-up, codes, choices, integers, numbers
and dates. It knows nothing about files, sheets or header rows (that is `ingest`). Each parser
takes a column of raw cells (str, int, float, bool, date, datetime or None, as python-calamine
or the csv reader gives them) and returns `Parsed(values, bad)`: the canonical values and a
boolean mask of the cells that cannot be read. `describe_problem` turns one bad cell into a
Chinese problem + fix for the error message.

Parsing works on the *unique* raw values of a column (`pd.factorize`), then maps the results
back, so a 10^5-row ledger costs one pass per distinct value, not per cell.

Accepted forms (column aliases and choice-value aliases live in `schema.py`):

| kind   | accepted                                                        | result            |
|--------|-----------------------------------------------------------------|-------------------|
| text   | any; `_x000B_`-style escapes, control characters, full-width and | str or None       |
|        | non-breaking spaces removed; spaces between Chinese characters   |                   |
|        | dropped, other runs of spaces collapsed; blank -> None           |                   |
| code   | text as above without any spaces, full-width -> half-width,      | str or None       |
|        | upper-cased; a whole number stored as a number (< 2^53)          |                   |
| choice | the canonical value or a `Column.value_aliases` key, ignoring    | canonical str     |
|        | spaces and full-/half-width differences; blank -> None           | or None           |
| int    | 30, 30.0, "30", "１２３", "1,234", "12 516", "30人", "30名"      | Int64             |
| number | as int plus decimals and a sign, "5.2万元" (amount columns),      | Float64           |
|        | "5.2%" (growth columns)                                          |                   |
| date   | Excel dates/datetimes, Excel serials (numbers), 20230201,        | datetime64[ns]    |
|        | "2023年2月1日", "2023.2.1", "2023/2/1", "2023-2-1",             | (time dropped)    |
|        | "2023-02-01 08:30:00", "2月1日" (year from the caller)           |                   |

For int, number and date columns the placeholders in `BLANK_MARKS` ("-", "—", "/", "无", …)
mean blank; a date column also takes "未复工" and the like as blank (not resumed).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import NamedTuple

import numpy as np
import pandas as pd

from fuchan_lib.core import schema
from fuchan_lib.core.messages import quoted
from fuchan_lib.core.text import BIDI
from fuchan_lib.core.text import DATE_YMD

# placeholders that mean "no value" in number and date columns
BLANK_MARKS = frozenset({"-", "--", "—", "——", "–", "/", "\\", "无", "暂无", "空"})
# extra blanks in a date column: "not resumed yet"
DATE_BLANK_MARKS = BLANK_MARKS | {
    "未复工", "未复产", "未复工复产", "未营业", "未复业", "未开工", "否",
}

# unit suffixes a number may carry, by canonical column; the number is taken as is
UNIT_SUFFIXES: dict[str, tuple[str, ...]] = {
    schema.STAFF: ("人", "名"),
    schema.RETURNED: ("人", "名"),
    schema.CURRENT: ("万元",),
    schema.LAST_YEAR: ("万元",),
    schema.TARGET: ("万元",),
    schema.GROWTH: ("%",),
    schema.TARGET_GROWTH: ("%",),
}

# Excel serial day numbers accepted as dates: 1990-01-01 .. 2100-12-31 (1900 date system)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_MIN = (dt.date(1990, 1, 1) - _EXCEL_EPOCH).days
_SERIAL_MAX = (dt.date(2100, 12, 31) - _EXCEL_EPOCH).days
_YEAR_MIN, _YEAR_MAX = 1990, 2100

_ESCAPES = r"_x00[0-1][0-9A-Fa-f]_"  # OOXML escapes of control characters, e.g. _x000B_
_CONTROL = r"[\x00-\x1f\x7f-\x9f\u2028\u2029]"
_SPACES = r"[\s\u3000\u00a0\u2000-\u200a\u202f\u205f]+"
LABEL_NOISE = rf"{_ESCAPES}|{_CONTROL}|{_SPACES}"  # what a header label drops before matching
# zero-width characters, and the direction marks that make a name display reversed (U+202E)
_DIRECTION = f"[{BIDI}]"
_INVISIBLE = rf"[\u200b-\u200d\u2060\ufeff{BIDI}]"
_CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
_BETWEEN_CJK = rf"(?<={_CJK}) (?={_CJK})"
_DIRTY = rf"_x00|{_CONTROL}|{_SPACES}|{_INVISIBLE}"  # anything `_clean_strings` would change

_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
_YMD = re.compile(DATE_YMD.pattern + r"(?:[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")  # and a time
_YMD_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MD = re.compile(r"(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?")
_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?")


class Parsed(NamedTuple):
    """Canonical values of one column and the mask of cells that could not be read."""

    values: pd.Series
    bad: np.ndarray


def _factorize(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes and unique raw values; keeps True apart from 1."""
    arr = raw.to_numpy(dtype=object)
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    suspect = any(isinstance(u, (bool, int, float)) and u in (0, 1) for u in uniques)
    is_bool = np.array([type(v) is bool for v in arr], dtype=bool) if suspect else None
    if is_bool is not None and is_bool.any():
        # rare: re-key booleans as text so TRUE never merges with 1 (they hash alike)
        arr = arr.copy()
        arr[is_bool] = np.where(arr[is_bool].astype(bool), "TRUE", "FALSE")
        codes, uniques = pd.factorize(arr, use_na_sentinel=True)
        uniques = np.asarray(uniques, dtype=object)
    return codes, uniques


def _spread(codes: np.ndarray, unique_values: np.ndarray, unique_bad: np.ndarray, fill):
    """Map per-unique results back to every cell; NA cells (code -1) get `fill`, never bad."""
    values = np.concatenate([unique_values, np.array([fill], dtype=unique_values.dtype)])
    bad = np.concatenate([unique_bad.astype(bool), [False]])
    return values[codes], bad[codes]  # code -1 picks the appended fill


def _as_text(value) -> str:
    """Text of a non-string cell as Excel would show it (1.0 -> "1")."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != dt.time() else value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _clean_strings(texts: pd.Series) -> pd.Series:
    """Vectorised clean-up of str values (object Series); blank -> None."""
    dirty = texts.str.contains(_DIRTY, regex=True).to_numpy(dtype=bool)
    if not dirty.all():  # most cells are clean: clean only the others
        out = texts.where(texts != "", None).astype(object)
        if dirty.any():
            out[dirty] = _clean_strings_fully(texts[dirty])
        return out
    return _clean_strings_fully(texts)


def _clean_strings_fully(texts: pd.Series) -> pd.Series:
    s = texts.str.replace(_ESCAPES, " ", regex=True)
    s = s.str.replace(_INVISIBLE, "", regex=True)
    s = s.str.replace(_CONTROL, " ", regex=True)
    s = s.str.replace(_SPACES, " ", regex=True).str.strip()
    s = s.str.replace(_BETWEEN_CJK, "", regex=True)
    return s.where(s != "", None).astype(object)


def _unique_texts(uniques: np.ndarray) -> pd.Series:
    """Unique raw values as cleaned text (object Series aligned with `uniques`)."""
    texts = pd.Series([u if type(u) is str else _as_text(u) for u in uniques], dtype=object)
    return _clean_strings(texts)


def direction_marks(raw: pd.Series) -> np.ndarray:
    """Mask of the text cells holding a direction mark (removed by the parsers, but said, since
    it may have been put there to make a name read otherwise)."""
    codes, uniques = _factorize(raw)
    marked = np.array([isinstance(u, str) and re.search(_DIRECTION, u) is not None for u in uniques],
                      dtype=bool)
    return np.concatenate([marked, [False]])[codes]


def parse_text(raw: pd.Series) -> pd.Series:
    """Free text: control characters and stray spaces removed; blank -> None."""
    codes, uniques = _factorize(raw)
    texts = _unique_texts(uniques).to_numpy(dtype=object)
    values, _ = _spread(codes, texts, np.zeros(len(uniques), bool), None)
    return pd.Series(values, index=raw.index, dtype=object)


def _squeeze(texts: pd.Series) -> pd.Series:
    """Cleaned text without any spaces, full-width forms folded to half-width (NFKC)."""
    s = texts.str.normalize("NFKC").str.replace(_SPACES, "", regex=True)
    return s.where(s != "", None).astype(object)


def parse_code(raw: pd.Series) -> Parsed:
    """Identifier codes (统一社会信用代码): no spaces, upper case; numbers lose digits -> bad."""
    codes, uniques = _factorize(raw)
    out = _squeeze(_unique_texts(uniques)).str.upper().astype(object).to_numpy(dtype=object)
    bad = np.array(
        [
            isinstance(u, float) and (not u.is_integer() or abs(u) >= 2**53)
            or isinstance(u, (bool, dt.date, dt.time))
            for u in uniques
        ],
        dtype=bool,
    )
    values, bad = _spread(codes, out, bad, None)
    return Parsed(pd.Series(values, index=raw.index, dtype=object), bad)


def choice_key(text: str) -> str:
    """The form choice values are compared in: NFKC, no spaces."""
    return re.sub(_SPACES, "", unicodedata.normalize("NFKC", text))


def choice_lookup(column: schema.Column) -> dict[str, str]:
    """Accepted spellings of a choice column -> canonical value."""
    lookup = {choice_key(alias): value for alias, value in column.value_aliases.items()}
    lookup.update({choice_key(value): value for value in column.choices})
    return lookup


def parse_choice(raw: pd.Series, column: schema.Column) -> Parsed:
    """Choice values: canonical or aliased spelling -> canonical; anything else is bad."""
    codes, uniques = _factorize(raw)
    keys = _squeeze(_unique_texts(uniques))
    lookup = choice_lookup(column)
    out = np.array([lookup.get(k) if isinstance(k, str) else None for k in keys], dtype=object)
    bad = np.array([isinstance(k, str) and k not in lookup for k in keys], dtype=bool)
    values, bad = _spread(codes, out, bad, None)
    return Parsed(pd.Series(values, index=raw.index, dtype=object), bad)


def _unique_numbers(uniques: np.ndarray, suffixes: tuple[str, ...]):
    """Float value (NaN = blank) and bad flag of each unique raw value."""
    n = len(uniques)
    out = np.full(n, np.nan)
    bad = np.zeros(n, dtype=bool)
    is_num = np.array(
        [isinstance(u, (int, float)) and not isinstance(u, bool) for u in uniques], dtype=bool
    )
    if is_num.any():
        out[is_num] = np.array([float(u) for u in uniques[is_num]], dtype=float)
        bad[is_num] = ~np.isfinite(out[is_num])
    is_str = np.array([isinstance(u, str) for u in uniques], dtype=bool)
    bad |= ~(is_num | is_str)  # dates, times, booleans in a number column
    if is_str.any():
        s = _squeeze(_clean_strings(pd.Series(uniques[is_str], dtype=object)))
        s = s.str.replace("−", "-", regex=False)
        blank = s.isna() | s.isin(BLANK_MARKS)
        body = s
        for suffix in sorted(suffixes, key=len, reverse=True):
            body = body.str.removesuffix(suffix)
        ok = body.str.fullmatch(_NUMBER.pattern).fillna(False).astype(bool)
        nums = pd.to_numeric(body.where(ok).str.replace(",", "", regex=False), errors="coerce")
        part = nums.to_numpy(dtype=float, na_value=np.nan, copy=True)
        part[blank.to_numpy(dtype=bool)] = np.nan
        out[is_str] = part
        bad[is_str] = (~blank & ~ok).to_numpy(dtype=bool)
    return out, bad


def parse_number(raw: pd.Series, column_name: str = "", *, integer: bool = False) -> Parsed:
    """Numbers as stored or as text; `integer` also rejects fractions. -> Float64 / Int64."""
    codes, uniques = _factorize(raw)
    out, bad = _unique_numbers(uniques, UNIT_SUFFIXES.get(column_name, ()))
    if integer:  # a fraction, or too large to be a whole number exactly (1e20 wrapped to < 0)
        bad |= np.isfinite(out) & ((np.floor(out) != out) | (np.abs(out) >= 2**53))
    out = np.where(bad, np.nan, out)
    values, bad = _spread(codes, out, bad, np.nan)
    series = pd.Series(values, index=raw.index, dtype="Float64")
    if integer:
        series = series.astype("Int64")
    return Parsed(series, bad)


def _date_or_none(year: int, month: int, day: int) -> dt.date | None:
    if not _YEAR_MIN <= year <= _YEAR_MAX:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _from_serial(number: float) -> dt.date | None:
    if not (math.isfinite(number) and _SERIAL_MIN <= number <= _SERIAL_MAX):
        return None
    return _EXCEL_EPOCH + dt.timedelta(days=int(number))


def _one_date(value, year: int | None) -> tuple[dt.date | None, bool]:
    """(date or None, bad) for one unique raw value."""
    if isinstance(value, dt.date):  # a date cell: judged by its own year, before any conversion
        day = value.date() if isinstance(value, dt.datetime) else value
        return (day, False) if _YEAR_MIN <= day.year <= _YEAR_MAX else (None, True)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None, True
    if isinstance(value, (int, float)):
        number = float(value)
        if number.is_integer() and 19000101 <= number <= 21001231:
            text = str(int(number))
            day = _date_or_none(int(text[:4]), int(text[4:6]), int(text[6:]))
        else:
            day = _from_serial(number)
        return day, day is None
    text = unicodedata.normalize("NFKC", value)
    text = re.sub(_SPACES, " ", re.sub(_CONTROL + "|" + _ESCAPES, " ", text)).strip()
    if text == "" or text.replace(" ", "") in DATE_BLANK_MARKS:
        return None, False
    if m := _YMD.fullmatch(text):
        day = _date_or_none(int(m[1]), int(m[2]), int(m[3]))
    elif m := _YMD_COMPACT.fullmatch(text):
        day = _date_or_none(int(m[1]), int(m[2]), int(m[3]))
    elif (m := _MD.fullmatch(text)) and year is not None:
        day = _date_or_none(year, int(m[1]), int(m[2]))
    elif _SERIAL_TEXT.fullmatch(text):
        day = _from_serial(float(text))
    else:
        day = None
    return day, day is None


def parse_date(raw: pd.Series, *, year: int | None = None) -> Parsed:
    """Dates in any of the accepted forms -> datetime64[ns] (midnight); blank -> NaT."""
    codes, uniques = _factorize(raw)
    parsed = [_one_date(u, year) for u in uniques]
    nat = np.datetime64("NaT", "ns")
    days = np.array(
        [np.datetime64(d, "ns") if d is not None else nat for d, _ in parsed], dtype="datetime64[ns]"
    )
    bad = np.array([b for _, b in parsed], dtype=bool)
    values, bad = _spread(codes, days, bad, np.datetime64("NaT", "ns"))
    return Parsed(pd.Series(values, index=raw.index, dtype="datetime64[ns]"), bad)


def parse_column(raw: pd.Series, column: schema.Column, *, year: int | None = None) -> Parsed:
    """Dispatch on the column kind; text never has bad cells."""
    if column.kind == "text":
        return Parsed(parse_text(raw), np.zeros(len(raw), dtype=bool))
    if column.kind == "code":
        return parse_code(raw)
    if column.kind == "choice":
        return parse_choice(raw, column)
    if column.kind == "date":
        return parse_date(raw, year=year)
    if column.kind in ("int", "number"):
        return parse_number(raw, column.name, integer=column.kind == "int")
    raise ValueError(f"unknown column kind {column.kind!r}")


def compact(text: str) -> str:
    """Text as compared, not as shown: escapes, control characters and every space removed,
    NFKC (full-width -> half-width). Header labels and firm names are matched this way."""
    text = re.sub(LABEL_NOISE + "|" + _INVISIBLE, "", text)
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def show(value) -> str:
    """A raw cell as the user would recognise it in a message."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else _as_text(value)
    text = re.sub(_CONTROL, "", re.sub(_ESCAPES, "", text))
    return text if len(text) <= 40 else text[:40] + "…"


def describe_problem(column: schema.Column, value, *, year: int | None = None) -> tuple[str, str]:
    """Chinese (problem, fix) for one bad cell of `column`."""
    shown = show(value)
    if column.kind == "date":
        if isinstance(value, dt.date):  # a date cell outside the years a ledger can mean
            return (f"日期“{shown}”不在{_YEAR_MIN}年至{_YEAR_MAX}年之间",
                    "请核实并改为正确的日期（如 2023年2月1日），或留空（留空表示尚未复工）")
        text = unicodedata.normalize("NFKC", shown).strip()
        if year is None and _MD.fullmatch(text):
            return (
                f"值“{shown}”没有写年份",
                "请写成 2023年2月1日 这样带年份的日期（或在调用时给出年份）",
            )
        return (
            f"值“{shown}”不是有效日期",
            "请改为 2023年2月1日 这样的日期或留空（留空表示尚未复工）",
        )
    if column.kind == "int" and isinstance(value, (int, float)) and abs(value) >= 2**53:
        return f"值“{shown}”太大，不可能是人数", "请核实并改正；不知道的留空"
    if column.kind == "int":
        return (
            f"值“{shown}”不是整数",
            "请只填写人数，如 30 或 “30人”；不知道的留空",
        )
    if column.kind == "number":
        unit = "、".join(f"“12.5{s}”" for s in UNIT_SUFFIXES.get(column.name, ()))
        example = "如 1234.5" + (f" 或 {unit}" if unit else "")
        return f"值“{shown}”不是数字", f"请只填写数字，{example}；不知道的留空"
    if column.kind == "choice":
        return f"值“{shown}”不是允许的取值", f"请改为以下之一：{quoted(column.choices)}"
    if column.kind == "code":
        return (
            f"代码“{shown}”是以数字格式保存的，后几位可能已丢失",
            "请把该列设置为“文本”格式后重新录入完整的代码",
        )
    return f"值“{shown}”无法读取", "请检查这个单元格"
