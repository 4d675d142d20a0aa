"""统一社会信用代码 (GB 32100-2015): the check digit, so ledgers can be audited and faked honestly.

An 18-character code is 登记管理部门 (1) + 机构类别 (1) + 行政区划 (6) + 主体标识码 (9) + 校验码 (1).
The check character is computed over the first 17 with weights 3^i mod 31 on the 31-character
set below (digits and capitals without I, O, S, V, Z). Only length, character set and the check
digit are verified here; normalising case and spaces is ingestion's job.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, ...
_VALUE = {c: i for i, c in enumerate(CHARSET)}
# byte -> value lookup for the vectorised paths; 255 marks a byte outside the character set
_BYTE_VALUE = np.full(256, 255, dtype=np.uint8)
for _c, _v in _VALUE.items():
    _BYTE_VALUE[ord(_c)] = _v
_CHARSET_BYTES = np.frombuffer(CHARSET.encode("ascii"), dtype=np.uint8)


def check_digit(first17: str) -> str:
    """The 18th character for the given first 17; ValueError names a bad length or character."""
    if len(first17) != 17:
        raise ValueError(f"统一社会信用代码前17位应为17个字符，实际为{len(first17)}个：{first17!r}")
    bad = [c for c in first17 if c not in _VALUE]
    if bad:
        raise ValueError(f"统一社会信用代码含非法字符“{bad[0]}”（只允许数字和除I、O、S、V、Z外的大写字母）")
    return CHARSET[_check_value(sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS)))]


def is_valid(code: object) -> bool:
    """True iff `code` is an 18-character string in the character set with the right check digit."""
    if not isinstance(code, str) or len(code) != 18 or any(c not in _VALUE for c in code):
        return False
    return check_digit(code[:17]) == code[17]


def check_values(values: np.ndarray) -> np.ndarray:
    """Vectorised: check-digit values (0–30) for an (n, 17) array of character values (0–30)."""
    total = np.zeros(values.shape[0], dtype=np.int32)
    for col, weight in enumerate(WEIGHTS):  # column-wise keeps memory at one int32 per row
        total += values[:, col].astype(np.int32) * weight
    return _check_value(total)


def codes_from_values(values: np.ndarray) -> np.ndarray:
    """Vectorised: complete 18-character codes (numpy str array) from (n, 17) character values."""
    full = np.empty((values.shape[0], 18), dtype=np.uint8)
    full[:, :17] = _CHARSET_BYTES[values]
    full[:, 17] = _CHARSET_BYTES[check_values(values)]
    return np.ascontiguousarray(full).view("S18").ravel().astype("U18")


def valid_mask(codes: pd.Series) -> pd.Series:
    """Vectorised `is_valid` over a Series (missing or non-string entries are invalid)."""
    text = codes.astype(object).where(codes.map(lambda v: isinstance(v, str)), "")
    ok = (text.str.len() == 18) & text.str.fullmatch(f"[{CHARSET}]{{18}}").fillna(False)
    result = pd.Series(False, index=codes.index)
    if ok.any():
        raw = np.frombuffer("".join(text[ok]).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
        values = _BYTE_VALUE[raw]
        result[ok] = check_values(values[:, :17]) == values[:, 17]
    return result


def _check_value(weighted_sum):
    """31 − (Σ mod 31), where 31 wraps to 0 (GB 32100-2015 §5)."""
    return (31 - weighted_sum % 31) % 31
