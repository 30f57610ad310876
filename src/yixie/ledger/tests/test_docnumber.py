"""Tests for the 文号 parser: pure Python, no database or Django settings needed."""

from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yixie.ledger.docnumber import (
    DocumentNumber,
    DocumentNumberError,
    normalise_document_number,
    parse_document_number,
)

MAX = 2026


def parse(text: str) -> tuple[DocumentNumber, list[str]]:
    return parse_document_number(text, max_year=MAX)


def error_of(text: str, **kwargs: int) -> str:
    with pytest.raises(DocumentNumberError) as exc_info:
        parse_document_number(text, max_year=kwargs.get("max_year", MAX))
    message = exc_info.value.message
    assert str(exc_info.value) == message
    assert isinstance(exc_info.value, ValueError)
    return message


# --- canonical input passes untouched -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "agency", "year", "serial"),
    [
        ("潍发〔2022〕5号", "潍发", 2022, 5),
        ("潍政字〔2023〕12号", "潍政字", 2023, 12),
        ("潍办发〔2019〕30号", "潍办发", 2019, 30),
        ("鲁编〔2025〕3号", "鲁编", 2025, 3),
        ("国发〔2019〕1号", "国发", 2019, 1),
        ("潍政办字〔2022〕45号", "潍政办字", 2022, 45),
        ("中办发〔1949〕100号", "中办发", 1949, 100),
    ],
)
def test_canonical_numbers_parse_without_notes(text: str, agency: str, year: int, serial: int) -> None:
    number, notes = parse(text)
    assert number == DocumentNumber(agency=agency, year=year, serial=serial)
    assert notes == []
    assert number.canonical == text
    assert str(number) == text
    assert normalise_document_number(text, max_year=MAX) == text


def test_document_number_is_frozen_and_hashable() -> None:
    number = DocumentNumber("潍发", 2022, 5)
    with pytest.raises(AttributeError):
        number.serial = 6  # type: ignore[misc]
    assert {number, DocumentNumber("潍发", 2022, 5)} == {number}


@pytest.mark.parametrize(
    ("agency", "year", "serial", "fragment"),
    [
        ("", 2022, 5, "缺少发文机关代字"),
        ("WF", 2022, 5, "数字或字母"),
        ("潍发", 1948, 5, "1949"),
        ("潍发", 2022, 0, "正整数"),
        ("潍发", True, 5, "整数"),
        ("潍发", 2022, "5", "整数"),
    ],
)
def test_document_number_validates_on_construction(
    agency: str, year: int, serial: int, fragment: str
) -> None:
    with pytest.raises(DocumentNumberError) as exc_info:
        DocumentNumber(agency, year, serial)
    assert fragment in exc_info.value.message


# --- normalisations, each with a note ------------------------------------------------------------


@pytest.mark.parametrize(
    "bracketed",
    ["[2022]", "［2022］", "(2022)", "（2022）", "【2022】", "〔2022]", "﹝2022﹞", "〖2022〗", "{2022}"],
)
def test_wrong_brackets_become_hexagonal_with_a_note(bracketed: str) -> None:
    number, notes = parse(f"潍发{bracketed}5号")
    assert number.canonical == "潍发〔2022〕5号"
    assert len(notes) == 1
    assert "六角括号〔〕" in notes[0]
    assert "GB/T 9704" in notes[0]
    assert bracketed in notes[0]


def test_leading_zeros_are_dropped_with_a_note() -> None:
    number, notes = parse("潍发〔2022〕05号")
    assert number.serial == 5
    assert number.canonical == "潍发〔2022〕5号"
    assert len(notes) == 1
    assert "不编虚位" in notes[0]
    assert "05" in notes[0]


def test_many_leading_zeros() -> None:
    number, notes = parse("潍发〔2022〕007号")
    assert number.serial == 7
    assert any("不编虚位" in n for n in notes)


def test_surrounding_whitespace_is_stripped_with_a_note() -> None:
    number, notes = parse("  潍发〔2022〕5号\t\n")
    assert number.canonical == "潍发〔2022〕5号"
    assert notes == ["已去除文号首尾的空白"]


def test_ideographic_space_counts_as_whitespace() -> None:
    number, notes = parse("\u3000潍发〔2022〕5号\u3000")
    assert number.canonical == "潍发〔2022〕5号"
    assert notes == ["已去除文号首尾的空白"]


def test_inner_whitespace_is_removed_with_a_note() -> None:
    number, notes = parse("潍 发 〔 2022 〕 5 号")
    assert number.canonical == "潍发〔2022〕5号"
    assert notes == ["已去除文号中间的空格"]


def test_full_width_digits_are_converted_with_a_note() -> None:
    number, notes = parse("潍发〔２０２２〕１２号")
    assert number.canonical == "潍发〔2022〕12号"
    assert notes == ["已将全角数字改为半角数字"]


def test_di_prefix_on_serial_is_dropped_with_a_note() -> None:
    number, notes = parse("潍发〔2022〕第5号")
    assert number.canonical == "潍发〔2022〕5号"
    assert len(notes) == 1
    assert "“第”字" in notes[0]


def test_all_normalisations_together_each_noted_once() -> None:
    number, notes = parse(" 潍政办字 ［２０２２］ 第０４５号 ")
    assert number.canonical == "潍政办字〔2022〕45号"
    # Surrounding space, inner space, full-width digits, brackets, 第, leading zero.
    assert len(notes) == 6
    assert len(set(notes)) == 6


def test_normalise_returns_canonical() -> None:
    assert normalise_document_number("潍发[2022]05号", max_year=MAX) == "潍发〔2022〕5号"


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\u3000", "\n"])
def test_empty_input_is_refused(text: str) -> None:
    assert "不能为空" in error_of(text)


def test_non_string_is_refused() -> None:
    with pytest.raises(DocumentNumberError) as exc_info:
        parse_document_number(2022)  # type: ignore[arg-type]
    assert "文本" in exc_info.value.message


def test_missing_brackets_message_matches_spec_example() -> None:
    assert (
        error_of("潍发2022 5号")
        == "文号“潍发2022 5号”缺少用六角括号〔〕括起的年份，应写作如“潍发〔2022〕5号”"
    )


def test_missing_brackets_suggests_the_corrected_number() -> None:
    message = error_of("潍政字2023年12号")
    assert "缺少用六角括号〔〕括起的年份" in message
    assert "“潍政字〔2023〕12号”" in message


def test_missing_brackets_unparseable_rest_shows_generic_example() -> None:
    message = error_of("潍发5号")
    assert "缺少用六角括号〔〕括起的年份" in message
    assert "潍发〔2022〕5号" in message


def test_missing_agency_is_refused() -> None:
    message = error_of("〔2022〕5号")
    assert message.startswith("文号“〔2022〕5号”缺少发文机关代字")
    assert "潍发〔2022〕5号" in message


@pytest.mark.parametrize(
    ("text", "culprit"), [("WF〔2022〕5号", "W"), ("潍发2〔2022〕5号", "2"), ("潍ａ〔2022〕5号", "ａ")]
)
def test_digits_or_latin_in_agency_are_refused(text: str, culprit: str) -> None:
    message = error_of(text)
    assert "数字或字母" in message
    assert f"“{culprit}”" in message
    assert "汉字" in message


def test_punctuation_in_agency_is_refused() -> None:
    message = error_of("潍-发〔2022〕5号")
    assert "非汉字字符“-”" in message


def test_empty_year_is_refused() -> None:
    assert "缺少年份" in error_of("潍发〔〕5号")


@pytest.mark.parametrize("year", ["22", "022", "20222"])
def test_year_not_four_digits_is_refused(year: str) -> None:
    message = error_of(f"潍发〔{year}〕5号")
    assert "四位数字" in message
    assert f"“{year}”" in message


def test_year_in_chinese_numerals_is_refused() -> None:
    assert "阿拉伯数字" in error_of("潍发〔二〇二二〕5号")


def test_year_before_1949_is_refused() -> None:
    message = error_of("潍发〔1948〕5号")
    assert "1948" in message
    assert "1949" in message


def test_year_after_max_year_is_refused() -> None:
    message = error_of("潍发〔2027〕5号", max_year=2026)
    assert "2027" in message
    assert "2026" in message
    assert parse_document_number("潍发〔2027〕5号", max_year=2027)[0].year == 2027


def test_default_max_year_is_next_year() -> None:
    next_year = datetime.date.today().year + 1
    assert parse_document_number(f"潍发〔{next_year}〕5号")[0].year == next_year
    with pytest.raises(DocumentNumberError):
        parse_document_number(f"潍发〔{next_year + 1}〕5号")


@pytest.mark.parametrize("text", ["潍发〔2022〕号", "潍发〔2022〕", "潍发〔2022〕第号"])
def test_missing_serial_is_refused(text: str) -> None:
    assert "缺少发文顺序号" in error_of(text)


@pytest.mark.parametrize("text", ["潍发〔2022〕0号", "潍发〔2022〕000号"])
def test_zero_serial_is_refused(text: str) -> None:
    assert "不能为0" in error_of(text)


@pytest.mark.parametrize(
    ("text", "serial"), [("潍发〔2022〕五号", "五"), ("潍发〔2022〕5a号", "5a"), ("潍发〔2022〕-5号", "-5")]
)
def test_non_numeric_serial_is_refused(text: str, serial: str) -> None:
    message = error_of(text)
    assert f"“{serial}”" in message
    assert "阿拉伯数字" in message


def test_missing_hao_is_refused_with_corrected_example() -> None:
    message = error_of("潍发〔2022〕05")
    assert "应以“号”字结尾" in message
    assert "“潍发〔2022〕5号”" in message


def test_missing_hao_with_non_numeric_rest_is_refused() -> None:
    assert "应以“号”字结尾" in error_of("潍发〔2022〕五")


def test_trailing_text_after_hao_is_refused() -> None:
    assert "多余内容“文”" in error_of("潍发〔2022〕5号文")


def test_spaces_between_digits_are_refused_not_joined() -> None:
    assert "数字之间有空格" in error_of("潍发〔2022〕5 0号")


@pytest.mark.parametrize("text", ["潍发〔2022〕〔2023〕5号", "潍发〔〔2022〕5号"])
def test_multiple_brackets_are_refused(text: str) -> None:
    assert "多个括号" in error_of(text)


@pytest.mark.parametrize("text", ["潍发〔2022 5号", "潍发2022〕5号", "潍发〕2022〔5号"])
def test_unbalanced_brackets_are_refused(text: str) -> None:
    assert "括号不完整" in error_of(text)


@pytest.mark.parametrize("text", ["潍发〔2022〕5 号x", "hello", "〔〕", "号"])
def test_every_refusal_quotes_input_and_shows_an_example(text: str) -> None:
    message = error_of(text)
    assert re.search(r"“[^”]+”", message)
    assert "应写作如“" in message


# --- properties ----------------------------------------------------------------------------------

_agencies = st.text(
    alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=6
)
_years = st.integers(min_value=1949, max_value=MAX)
_serials = st.integers(min_value=1, max_value=99_999)
_open_close = st.sampled_from(
    [
        ("〔", "〕"),
        ("[", "]"),
        ("［", "］"),
        ("(", ")"),
        ("（", "）"),
        ("【", "】"),
        ("﹝", "﹞"),
        ("〖", "〗"),
        ("{", "}"),
    ]
)
_FULL = str.maketrans("0123456789", "０１２３４５６７８９")


@given(_agencies, _years, _serials)
def test_canonical_round_trip(agency: str, year: int, serial: int) -> None:
    number = DocumentNumber(agency, year, serial)
    parsed, notes = parse(number.canonical)
    assert parsed == number
    assert notes == []


@given(
    _agencies,
    _years,
    _serials,
    _open_close,
    st.integers(min_value=0, max_value=3),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_sloppy_variants_normalise_to_the_same_number(
    agency: str,
    year: int,
    serial: int,
    brackets: tuple[str, str],
    zeros: int,
    full_width: bool,
    padded: bool,
    di: bool,
) -> None:
    open_br, close_br = brackets
    body = f"{agency}{open_br}{year}{close_br}{'第' if di else ''}{'0' * zeros}{serial}号"
    if full_width:
        body = body.translate(_FULL)
    if padded:
        body = f"  {body} "
    parsed, notes = parse(body)
    assert parsed == DocumentNumber(agency, year, serial)
    expected_notes = (brackets != ("〔", "〕")) + (zeros > 0) + full_width + padded + di
    assert len(notes) == expected_notes
    # Normalising is idempotent: the canonical form parses back with nothing to report.
    assert parse(parsed.canonical) == (parsed, [])


@given(st.text(max_size=24))
def test_arbitrary_text_parses_or_raises_document_number_error(text: str) -> None:
    try:
        number, _notes = parse(text)
    except DocumentNumberError as err:
        assert err.message.startswith("文号")
    else:
        assert parse(number.canonical) == (number, [])


@given(st.text(alphabet="潍发政字〔〕[]（）0123456789０５号第 　", max_size=16))
def test_near_miss_text_parses_or_raises_document_number_error(text: str) -> None:
    try:
        number, _notes = parse(text)
    except DocumentNumberError as err:
        assert err.message.startswith("文号")
    else:
        assert parse(number.canonical) == (number, [])
