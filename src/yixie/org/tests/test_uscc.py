"""Tests for 统一社会信用代码 validation: pure Python, no database or Django settings needed.

The check characters are verified against an independent implementation written out here from the
standard's text (literal weight tables, letter values looked up by hand), not against the module.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yixie.org.uscc import (
    ALPHABET,
    UsccError,
    is_government_organ,
    organisation_code_valid,
    uscc_check_char,
    validate_uscc,
)

# GB 32100-2015 Table: characters and their values.
HAND_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# GB 32100-2015: weights W_i = 3^(i-1) mod 31 for positions 1..17, written out.
HAND_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
# GB 11714-1997: weights of the 8 body characters of the organisation code.
HAND_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]

PUBLISHED_EXAMPLE = "91350100M000100Y43"


def hand_check_char(first17: str) -> str:
    total = sum(HAND_ALPHABET.index(c) * w for c, w in zip(first17, HAND_WEIGHTS, strict=True))
    return HAND_ALPHABET[(31 - total % 31) % 31]


def hand_org_check(body8: str) -> str:
    values = [int(c) if c.isdigit() else ord(c) - ord("A") + 10 for c in body8]
    r = 11 - sum(v * w for v, w in zip(values, HAND_ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(r, str(r))


def error_of(text: str) -> str:
    with pytest.raises(UsccError) as exc_info:
        validate_uscc(text)
    assert isinstance(exc_info.value, ValueError)
    assert str(exc_info.value) == exc_info.value.message
    return exc_info.value.message


# --- the algorithm ----------------------------------------------------------------------------


def test_alphabet_excludes_confusable_letters() -> None:
    assert ALPHABET == HAND_ALPHABET
    assert len(ALPHABET) == 31
    for letter in "IOZSV":
        assert letter not in ALPHABET


def test_published_example_by_hand() -> None:
    # Values of 91350100M000100Y4: M = 21, Y = 30 in the GB 32100 alphabet.
    values = [9, 1, 3, 5, 0, 1, 0, 0, 21, 0, 0, 0, 1, 0, 0, 30, 4]
    assert [HAND_ALPHABET.index(c) for c in PUBLISHED_EXAMPLE[:17]] == values
    total = sum(v * w for v, w in zip(values, HAND_WEIGHTS, strict=True))
    assert total == 1640
    assert 31 - total % 31 == 3
    assert uscc_check_char(PUBLISHED_EXAMPLE[:17]) == "3"
    assert validate_uscc(PUBLISHED_EXAMPLE) == PUBLISHED_EXAMPLE


def test_published_example_organisation_code_by_hand() -> None:
    # M000100Y4: M = 22, Y = 34 under GB 11714; 22*3 + 1*5 + 34*2 = 139; 11 - 139 % 11 = 4.
    assert hand_org_check("M000100Y") == "4"
    assert organisation_code_valid(PUBLISHED_EXAMPLE)


# Real-world-shaped codes: (prefix, organisation-code body); the org check digit and the 18th
# character are computed by the hand implementation above and pinned as literals.
REAL_WORLD_SHAPED = [
    ("11370700", "00418803", "113707000041880393"),  # 机关, 潍坊市
    ("11370700", "MB285017", "11370700MB28501721"),  # 机关 with a letter-bearing org code
    ("12370700", "49345920", "12370700493459206G"),  # 事业单位
    ("51370700", "MJD83266", "51370700MJD83266XD"),  # 社会团体; org check digit is X
    ("91370700", "MA3C4X1B", "91370700MA3C4X1B12"),  # 企业
    ("11370000", "00000116", "11370000000001169U"),  # 省级机关
    ("11100000", "00001370", "11100000000013709K"),  # 中央机关
]


@pytest.mark.parametrize(("prefix", "body", "expected"), REAL_WORLD_SHAPED)
def test_real_world_shaped_codes(prefix: str, body: str, expected: str) -> None:
    first17 = prefix + body + hand_org_check(body)
    code = first17 + hand_check_char(first17)
    assert code == expected
    assert uscc_check_char(first17) == expected[17]
    assert validate_uscc(code) == code
    assert organisation_code_valid(code)
    assert is_government_organ(code) == code.startswith("11")


def test_check_char_zero_when_sum_is_divisible() -> None:
    # "00000000000000000" sums to 0, so (31 - 0) % 31 = 0 -> "0", not an out-of-range 31.
    assert uscc_check_char("0" * 17) == "0"
    assert validate_uscc("0" * 18) == "0" * 18


# --- normalisation ----------------------------------------------------------------------------


def test_lower_case_and_surrounding_whitespace_are_normalised() -> None:
    assert validate_uscc("  91350100m000100y43\n") == PUBLISHED_EXAMPLE


def test_full_width_characters_are_normalised() -> None:
    full = "".join(chr(ord(c) + 0xFEE0) for c in PUBLISHED_EXAMPLE)
    assert validate_uscc(f"\u3000{full}\u3000") == PUBLISHED_EXAMPLE
    assert validate_uscc(full.lower()) == PUBLISHED_EXAMPLE


def test_check_char_accepts_normalisable_input() -> None:
    assert uscc_check_char(" 91350100m000100y4 ") == "3"


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_empty_is_refused(text: str) -> None:
    assert error_of(text) == "统一社会信用代码不能为空"


def test_non_string_is_refused() -> None:
    with pytest.raises(UsccError) as exc_info:
        validate_uscc(913501001)  # type: ignore[arg-type]
    assert "文本" in exc_info.value.message


@pytest.mark.parametrize(
    ("text", "length"), [(PUBLISHED_EXAMPLE[:17], 17), (PUBLISHED_EXAMPLE + "1", 19), ("123", 3)]
)
def test_wrong_length_is_refused(text: str, length: int) -> None:
    message = error_of(text)
    assert "应为18位" in message
    assert f"为{length}位" in message


@pytest.mark.parametrize(
    ("text", "position", "shown"),
    [
        ("91350100M000100YO3", 17, "“O”"),
        ("I1350100M000100Y43", 1, "“I”"),
        ("91350100M0001Z0Y43", 14, "“Z”"),
        ("91350100S000100Y43", 9, "“S”"),
        ("91350100M000100V43", 16, "“V”"),
        ("91350100M000-00Y43", 13, "“-”"),
        ("91350100M000 00Y43", 13, "空格"),
    ],
)
def test_illegal_character_is_named_with_its_position(text: str, position: int, shown: str) -> None:
    message = error_of(text)
    assert f"第{position}位{shown}不是合法字符" in message
    assert "I、O、Z、S、V" in message


def test_letter_in_division_code_is_refused() -> None:
    first17 = "9135A100M000100Y4"
    code = first17 + hand_check_char(first17)
    message = error_of(code)
    assert "行政区划码" in message
    assert "第5位" in message


def test_wrong_check_character_says_expected_and_actual() -> None:
    message = error_of("91350100M000100Y44")
    assert "第18位校验码应为3，实为4" in message


def test_organisation_check_digit_is_not_enforced() -> None:
    first17 = "11370700004188030"  # org check digit should be 9
    code = first17 + hand_check_char(first17)
    assert validate_uscc(code) == code
    assert not organisation_code_valid(code)


def test_organisation_code_valid_is_false_for_invalid_codes() -> None:
    assert not organisation_code_valid("91350100M000100Y44")
    assert not organisation_code_valid("")
    assert not organisation_code_valid(None)  # type: ignore[arg-type]


def test_is_government_organ() -> None:
    assert is_government_organ("113707000041880393")
    assert is_government_organ(" 113707000041880393 ")
    assert not is_government_organ("12370700493459206G")  # 事业单位
    assert not is_government_organ(PUBLISHED_EXAMPLE)  # 企业
    assert not is_government_organ("113707000041880394")  # malformed: no evidence of anything
    assert not is_government_organ("11")


@pytest.mark.parametrize(("text", "fragment"), [("123", "前17位"), ("91350100M000100YO", "第17位“O”")])
def test_check_char_refuses_bad_input(text: str, fragment: str) -> None:
    with pytest.raises(UsccError) as exc_info:
        uscc_check_char(text)
    assert fragment in exc_info.value.message


# --- properties -------------------------------------------------------------------------------

_chars = st.sampled_from(HAND_ALPHABET)
_digits = st.sampled_from("0123456789")
_first17 = st.tuples(
    st.lists(_chars, min_size=2, max_size=2),
    st.lists(_digits, min_size=6, max_size=6),
    st.lists(_chars, min_size=9, max_size=9),
).map(lambda parts: "".join(parts[0] + parts[1] + parts[2]))


@given(_first17)
def test_round_trip_matches_hand_implementation(first17: str) -> None:
    check = uscc_check_char(first17)
    assert check == hand_check_char(first17)
    code = first17 + check
    assert validate_uscc(code) == code
    assert validate_uscc(f" {code.lower()} ") == code


@given(_first17, st.integers(min_value=0, max_value=17), st.integers(min_value=1, max_value=30))
def test_any_single_substitution_is_detected(first17: str, position: int, shift: int) -> None:
    code = first17 + uscc_check_char(first17)
    # Replace one character by a different legal one; 31 is prime and every weight non-zero, so
    # the check character must catch it (or, at positions 3-8, the digit rule may fire first).
    replacement = HAND_ALPHABET[(HAND_ALPHABET.index(code[position]) + shift) % 31]
    tampered = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(UsccError):
        validate_uscc(tampered)


@given(st.text(max_size=20))
def test_arbitrary_text_validates_or_raises_uscc_error(text: str) -> None:
    try:
        code = validate_uscc(text)
    except UsccError as err:
        assert err.message
    else:
        assert len(code) == 18
        assert code[17] == hand_check_char(code[:17])
