"""Small text and file helpers every layer shares: one copy of each.

- `clean_text`: strip the control characters Excel leaves in cells (``\\x0b``, ``_x000B_``
  escapes), which python-docx and openpyxl reject.
- `display_width`: how wide a text prints, in 字 (full-width characters 1, half-width 0.5);
  Excel column widths are twice that.
- `atomic_write`: write a file under a temporary name in the same folder, then rename, so a
  reader never sees half a file and a failure leaves the earlier file untouched.
- `write_csv` / `csv_text`: a CSV a spreadsheet can open without running anything: a text cell
  starting with = + - @ (or tab, CR) gets a leading apostrophe (OWASP), read back exactly.
- `DATE_YMD`: the one pattern of a date as people type it (2023-2-22, 2023年2月22日,
  2023/2/22, 2023.2.22); params and ledger cells both read dates with it.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# bidi embedding/override/isolate marks and the direction marks: they reorder what is displayed
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"

EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# and the direction marks (U+202E …), which no report text needs: names lose them on reading
# (with a warning, ingest.values); this keeps any other text (主送机关, the template) clean too
CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\ufffe\uffff\ud800-\udfff{BIDI}]")
DATE_YMD = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?")  # year, month, day


def _unescape_control(match: re.Match) -> str:
    code = int(match.group(1), 16)
    if code == 0x09:
        return "\t"
    if code == 0x0A:
        return "\n"
    if code < 0x20 or code in (0xFFFE, 0xFFFF):
        return ""
    return match.group(0)  # a real "_x4E2D_"-like text stays as written


def clean_text(s: object) -> str:
    """Text without control characters (keeps \\t and \\n); `_x000B_`-style escapes of control
    characters are resolved first. None becomes ""."""
    if s is None:
        return ""
    return CONTROL.sub("", EXCEL_ESCAPE.sub(_unescape_control, str(s)))


def char_width(ch: str) -> float:
    """1 for a full-width character (CJK, full-width forms, and the ambiguous ones such as
    —…“” that Chinese fonts draw full width), 0.5 otherwise."""
    return 1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5


def display_width(s: str) -> float:
    """Printed width of `s` in 字."""
    return sum(char_width(ch) for ch in str(s))


def excel_width(s: str) -> int:
    """Width in Excel column units, where a CJK character takes two."""
    return round(2 * display_width(s))


@contextmanager
def atomic_write(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it replaces `path`, on failure it is
    removed and `path` keeps its earlier content."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=path.suffix, prefix=".tmp-", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# what Excel and WPS run as a formula when a CSV cell starts with it (OWASP "CSV injection"); an
# apostrophe itself is escaped too, so that `csv_text` gives back exactly what was written
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def csv_cell(value):
    """A cell as written to a CSV: text that a spreadsheet would run gets a leading apostrophe."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_STARTS) else value


def csv_text(value):
    """A text cell as `csv_cell` wrote it -> the text it was."""
    return value[1:] if isinstance(value, str) and value.startswith("'") else value


def write_csv(frame, path: str | Path) -> Path:
    """`frame` as UTF-8 CSV (with BOM, for Excel), every text cell through `csv_cell`, atomically."""
    import pandas as pd

    safe = frame.copy()
    for name in safe.columns:
        if safe[name].dtype == object or isinstance(safe[name].dtype, (pd.CategoricalDtype, pd.StringDtype)):
            safe[name] = safe[name].astype(object).map(csv_cell)
    with atomic_write(path) as temporary:
        safe.to_csv(temporary, index=False, encoding="utf-8-sig")
    return Path(path)
