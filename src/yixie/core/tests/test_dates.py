"""Tests for lenient date parsing and Chinese date formatting: pure Python, no Django needed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yixie.core.dates import (
    MAX_YEAR,
    MIN_YEAR,
    DateParseError,
    format_date_zh,
    parse_date,
    parse_optional_date,
)

D = datetime.date
ACCEPTED = "可写作 2019-03-15、2019/3/15 或 2019年3月15日"


def error_of(value: object) -> DateParseError:
    with pytest.raises(DateParseError) as exc_info:
        parse_date(value)
    err = exc_info.value
    assert isinstance(err, ValueError)
    assert str(err) == err.message
    assert err.value is value
    assert ACCEPTED in err.message
    return err


# --- accepted input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-03-15", D(2019, 3, 15)),
        ("2019-3-5", D(2019, 3, 5)),
        ("2019/3/15", D(2019, 3, 15)),
        ("2019/03/05", D(2019, 3, 5)),
        ("2019.3.15", D(2019, 3, 15)),
        ("2019年3月15日", D(2019, 3, 15)),
        ("2019年03月15日", D(2019, 3, 15)),
        ("20190315", D(2019, 3, 15)),
        ("  2019-03-15\t", D(2019, 3, 15)),
        ("\u30002019年3月15日\u3000", D(2019, 3, 15)),
        ("２０１９年３月１５日", D(2019, 3, 15)),
        ("２０１９－０３－１５", D(2019, 3, 15)),
        ("２０１９／３／１５", D(2019, 3, 15)),
        ("２０１９０３１５", D(2019, 3, 15)),
        ("2019 年 3 月 15 日", D(2019, 3, 15)),
        ("2019 - 03 - 15", D(2019, 3, 15)),
        ("2019—03—15", D(2019, 3, 15)),
        ("2019-03-15 00:00:00", D(2019, 3, 15)),
        ("2019-03-15T08:30", D(2019, 3, 15)),
        ("2019/3/15 9:05:07.123", D(2019, 3, 15)),
        ("2020-02-29", D(2020, 2, 29)),
        ("1949-10-01", D(1949, 10, 1)),
        ("2100-12-31", D(2100, 12, 31)),
    ],
)
def test_accepted_text(value: str, expected: datetime.date) -> None:
    assert parse_date(value) == expected


def test_date_passes_through() -> None:
    assert parse_date(D(2019, 3, 15)) == D(2019, 3, 15)


def test_datetime_gives_its_date() -> None:
    result = parse_date(datetime.datetime(2019, 3, 15, 23, 59))
    assert result == D(2019, 3, 15)
    assert type(result) is datetime.date


def test_eight_digit_int() -> None:
    assert parse_date(20190315) == D(2019, 3, 15)


# --- refused input ----------------------------------------------------------------------------


def test_bad_month_message_matches_spec() -> None:
    err = error_of("2019-13-01")
    assert err.message == f"日期“2019-13-01”无效：月份应在1至12之间；{ACCEPTED}"


@pytest.mark.parametrize("value", ["2019-00-10", "2019年0月1日", "20191301"])
def test_month_out_of_range(value: str) -> None:
    assert "月份应在1至12之间" in error_of(value).message


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2019-02-30", "2019年2月只有28天"),
        ("2019-02-29", "2019年2月只有28天"),
        ("2020-02-30", "2020年2月只有29天"),
        ("2100-02-29", "2100年2月只有28天"),
        ("2019-04-31", "2019年4月只有30天"),
        ("2019年6月31日", "2019年6月只有30天"),
    ],
)
def test_impossible_day_is_named(value: str, reason: str) -> None:
    err = error_of(value)
    assert f"“{value}”" in err.message
    assert reason in err.message


@pytest.mark.parametrize("value", ["2019-03-00", "2019-03-32", "20190300"])
def test_day_out_of_range(value: str) -> None:
    assert "日应在1至31之间" in error_of(value).message


@pytest.mark.parametrize("value", ["1948-12-31", "2101-01-01", "19000101", "0001-01-01"])
def test_year_out_of_range(value: str) -> None:
    assert f"年份应在{MIN_YEAR}至{MAX_YEAR}之间" in error_of(value).message


@pytest.mark.parametrize("value", [D(1900, 1, 1), datetime.datetime(1899, 12, 30), D(2101, 1, 1)])
def test_date_objects_out_of_range_are_refused(value: datetime.date) -> None:
    # 1899-12-30 / 1900-01-01 is what an empty Excel date cell turns into.
    assert "年份应在" in error_of(value).message


@pytest.mark.parametrize("value", [43539, 0, -1, 2019, 201903151, 1234567])
def test_other_ints_are_refused(value: int) -> None:
    err = error_of(value)
    assert f"“{value}”" in err.message
    assert "Excel" in err.message


@pytest.mark.parametrize("value", [43539.0, 43539.5, 20190315.0])
def test_floats_are_refused(value: float) -> None:
    assert "Excel" in error_of(value).message


def test_float_message_shows_integral_value_without_decimal_point() -> None:
    assert "“43539”" in error_of(43539.0).message


@pytest.mark.parametrize("value", ["43539", "２０１９"])
def test_digit_strings_other_than_eight_are_refused(value: str) -> None:
    assert "八位" in error_of(value).message


@pytest.mark.parametrize("value", [True, False, Decimal("20190315"), [2019, 3, 15], None])
def test_other_types_are_refused(value: object) -> None:
    error_of(value)


@pytest.mark.parametrize("value", ["19-3-15", "19/03/15", "19年3月15日"])
def test_two_digit_year_is_refused(value: str) -> None:
    assert "四位" in error_of(value).message


@pytest.mark.parametrize(
    "value",
    [
        "2019-3/15",
        "2019-03",
        "2019年3月15",
        "二〇一九年三月十五日",
        "March 15, 2019",
        "15/03/2019",
        "2019-03-15 25:00",
        "2019-03-15abc",
        "abc",
    ],
)
def test_unrecognised_text_quotes_input(value: str) -> None:
    err = error_of(value)
    assert f"日期“{value.strip()}”无法识别" in err.message


def test_digits_separated_by_spaces_are_not_joined() -> None:
    assert "空格" in error_of("2019 0315").message


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_string_is_refused_by_parse_date(value: str) -> None:
    assert "不能为空" in error_of(value).message


# --- optional dates and formatting ------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "  ", "\u3000\t"])
def test_optional_blank_is_none(value: object) -> None:
    assert parse_optional_date(value) is None


def test_optional_parses_and_still_refuses() -> None:
    assert parse_optional_date(" 2019/3/15 ") == D(2019, 3, 15)
    with pytest.raises(DateParseError):
        parse_optional_date("2019-02-30")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D(2019, 3, 15), "2019年3月15日"),
        (D(2026, 5, 1), "2026年5月1日"),
        (D(2019, 12, 31), "2019年12月31日"),
        (datetime.datetime(2019, 3, 5, 12, 0), "2019年3月5日"),
        (None, ""),
    ],
)
def test_format_date_zh(value: datetime.date | None, expected: str) -> None:
    assert format_date_zh(value) == expected


# --- properties -------------------------------------------------------------------------------

_dates = st.dates(min_value=D(MIN_YEAR, 1, 1), max_value=D(MAX_YEAR, 12, 31))
_FULL = str.maketrans("0123456789-/.", "０１２３４５６７８９－／．")


@given(_dates)
def test_every_written_form_round_trips(d: datetime.date) -> None:
    forms = [
        format_date_zh(d),
        d.isoformat(),
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}.{d.month}.{d.day}",
        f"{d.year}年{d.month:02d}月{d.day:02d}日",
        d.strftime("%Y%m%d"),
        f" {d.isoformat().translate(_FULL)} ",
        f"{d.isoformat()} 00:00:00",
    ]
    for form in forms:
        assert parse_date(form) == d, form
    assert parse_date(int(d.strftime("%Y%m%d"))) == d
    assert parse_date(datetime.datetime.combine(d, datetime.time(13, 45))) == d
    assert parse_optional_date(format_date_zh(d)) == d


@given(st.text(max_size=20))
def test_arbitrary_text_either_parses_in_range_or_raises_date_parse_error(text: str) -> None:
    try:
        result = parse_date(text)
    except DateParseError as err:
        assert err.message
    else:
        assert MIN_YEAR <= result.year <= MAX_YEAR
