"""统一社会信用代码 check digit (GB 32100-2015) against published codes and hand-computed sums."""

import pandas as pd
import pytest

from fuchan_lib.core import creditcode

KNOWN_VALID = [
    "91350100M000100Y43",  # the standard's own example
    "9111000071093123XX",  # 中国国际航空股份有限公司
    "91440300708461136T",
    "91110108551385082Q",
    "92510100MA61WJ3204",  # 个体工商户 (机构类别 2)
    "91341000MA2N0ABGXX",
    "11610923MB2900168E",  # 机关 (登记管理部门 1)
]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_published_codes_are_valid_and_their_check_digit_is_recomputed(code):
    assert creditcode.is_valid(code)
    assert creditcode.check_digit(code[:17]) == code[17]


def test_check_digit_matches_a_hand_computed_sum():
    # 9111000071093123X: Σ value×weight = 1304, 1304 mod 31 = 2, 31 − 2 = 29 → "X"
    assert creditcode.check_digit("9111000071093123X") == "X"
    # a sum divisible by 31 wraps to "0"
    assert creditcode.check_digit("00000000000000000") == "0"


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y44",  # wrong check digit
        "9111000071093123XR",  # wrong check digit
        "91350100m000100Y43",  # lower case is not normalised here
        "91350100I000100Y43",  # I is not in the character set
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y430",  # 19 characters
        "",
        None,
        91350100,
    ],
)
def test_invalid_codes_are_rejected(code):
    assert not creditcode.is_valid(code)


def test_check_digit_names_a_bad_length_or_character():
    with pytest.raises(ValueError, match="应为17个字符，实际为16个"):
        creditcode.check_digit("9135010000010000")
    with pytest.raises(ValueError, match="非法字符“O”"):
        creditcode.check_digit("9135010000010000O")


def test_valid_mask_agrees_with_is_valid_and_keeps_the_index():
    values = KNOWN_VALID + ["91350100M000100Y44", None, 12, "abc", float("nan")]
    series = pd.Series(values, index=range(100, 100 + len(values)), dtype=object)
    mask = creditcode.valid_mask(series)
    assert mask.index.equals(series.index)
    assert mask.tolist() == [creditcode.is_valid(v) for v in values]
    assert mask.sum() == len(KNOWN_VALID)
