"""Lenient date input for forms and Excel imports, and the Chinese date format for output.

Dates reach the ledger typed by hand (``2019/3/15``, ``2019年3月15日``, full-width digits from a
Chinese IME) and from Excel, where a cell may hold a real date, a text date or a bare ``20190315``.
All of these must yield the same ``datetime.date``; anything that would need a guess (an Excel serial
number, a two-digit year, an impossible day) is refused with a Chinese message that quotes the input,
names the problem and shows forms that are accepted, because an import report must let the user fix
the cell without help.

The accepted range is 1949–2100: no 议事协调机构 predates the People's Republic, and a date outside
that range is, in practice, always a typo or an Excel artefact (e.g. 1900-01-00 for an empty cell).

Pure Python so it can be used and tested without Django.
"""

from __future__ import annotations

import calendar
import datetime
import re

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "DateParseError",
    "format_date_zh",
    "parse_date",
    "parse_optional_date",
]

MIN_YEAR = 1949
MAX_YEAR = 2100

_ACCEPTED = "可写作 2019-03-15、2019/3/15 或 2019年3月15日"

# Full-width ASCII (FF01–FF5E) folds onto ASCII; ideographic space and dash look-alikes too.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: " ", 0x2010: "-", 0x2011: "-", 0x2013: "-", 0x2014: "-", 0x2212: "-"})

_TIME_SUFFIX = re.compile(
    r"^(?P<date>.+?)(?:T|\s+)(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?$"
)
_SEPARATED = re.compile(r"^(?P<y>[0-9]{4})(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})$")
_CHINESE = re.compile(r"^(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})日$")
_COMPACT = re.compile(r"^(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$")
_SHORT_YEAR = re.compile(r"^[0-9]{2}(?:([-/.])[0-9]{1,2}\1[0-9]{1,2}|年[0-9]{1,2}月[0-9]{1,2}日)$")
_ALL_DIGITS = re.compile(r"^[0-9]+$")
_DIGIT_GAP = re.compile(r"[0-9]\s+[0-9]")


class DateParseError(ValueError):
    """A value that is not an acceptable date.

    ``message`` is the Chinese text for the user; ``value`` is the original input, kept so an import
    report can show the offending cell as it was.
    """

    def __init__(self, message: str, value: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.value = value


def _invalid(shown: str, reason: str, value: object) -> DateParseError:
    return DateParseError(f"日期“{shown}”无效：{reason}；{_ACCEPTED}", value)


def _checked(year: int, month: int, day: int, shown: str, value: object) -> datetime.date:
    """Build the date, explaining precisely which part is impossible."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _invalid(shown, f"年份应在{MIN_YEAR}至{MAX_YEAR}之间", value)
    if not 1 <= month <= 12:
        raise _invalid(shown, "月份应在1至12之间", value)
    if not 1 <= day <= 31:
        raise _invalid(shown, "日应在1至31之间", value)
    days_in_month = calendar.monthrange(year, month)[1]
    if day > days_in_month:
        raise _invalid(shown, f"{year}年{month}月只有{days_in_month}天", value)
    return datetime.date(year, month, day)


def _parse_text(value: str) -> datetime.date:
    shown = value.strip()
    if not shown:
        raise DateParseError(f"日期不能为空；{_ACCEPTED}", value)
    text = shown.translate(_FOLD)
    m = _TIME_SUFFIX.match(text)
    if m:
        # Excel and databases render a date as "2019-03-15 00:00:00"; the time is irrelevant here.
        text = m["date"]
    if _DIGIT_GAP.search(text):
        # "2019 0315" could be read several ways; joining the parts would be a guess.
        raise DateParseError(f"日期“{shown}”无法识别：数字之间不应有空格；{_ACCEPTED}", value)
    text = re.sub(r"\s+", "", text)
    for pattern in (_SEPARATED, _CHINESE, _COMPACT):
        m = pattern.match(text)
        if m:
            return _checked(int(m["y"]), int(m["m"]), int(m["d"]), shown, value)
    if _SHORT_YEAR.match(text):
        raise _invalid(shown, "年份应写全四位数字", value)
    if _ALL_DIGITS.match(text):
        raise _invalid(shown, "纯数字只接受 20190315 这样的八位写法，不接受Excel日期序列号", value)
    raise DateParseError(f"日期“{shown}”无法识别；{_ACCEPTED}", value)


def parse_date(value: object) -> datetime.date:
    """Turn form or spreadsheet input into a ``date``, or raise ``DateParseError``.

    Accepts ``date``; ``datetime`` (its date part); 8-digit ``int`` ``YYYYMMDD`` (how a number-
    formatted Excel cell holding 20190315 arrives); and text such as ``2019-03-15``, ``2019-3-5``,
    ``2019/3/15``, ``2019.3.15``, ``2019年3月15日``, ``20190315`` with surrounding whitespace and
    full-width digits. Other numbers are refused: an Excel serial (43539) cannot be told apart from a
    typo, and its meaning depends on the workbook's 1900/1904 date system.
    """
    if isinstance(value, datetime.datetime):
        d = value.date()
        return _checked(d.year, d.month, d.day, d.isoformat(), value)
    if isinstance(value, datetime.date):
        return _checked(value.year, value.month, value.day, value.isoformat(), value)
    if isinstance(value, bool):
        raise DateParseError(f"无法把“{value}”识别为日期；{_ACCEPTED}", value)
    if isinstance(value, int):
        if 10_000_000 <= value <= 99_999_999:
            text = str(value)
            return _checked(int(text[:4]), int(text[4:6]), int(text[6:]), text, value)
        raise _invalid(str(value), "纯数字只接受 20190315 这样的八位写法，不接受Excel日期序列号", value)
    if isinstance(value, float):
        shown = str(int(value)) if value.is_integer() else str(value)
        raise _invalid(
            shown, "不接受小数形式的日期（如Excel日期序列号），请把单元格设为文本或日期格式", value
        )
    if isinstance(value, str):
        return _parse_text(value)
    if value is None:
        raise DateParseError(f"日期不能为空；{_ACCEPTED}", value)
    raise DateParseError(f"无法把{type(value).__name__}类型的值识别为日期；{_ACCEPTED}", value)


def parse_optional_date(value: object) -> datetime.date | None:
    """Like ``parse_date``, but an empty cell or field (``None``, ``''``, whitespace) means no date.

    Many ledger dates are optional (e.g. 存续期限 of a standing body), and Excel hands empty cells
    over as ``None`` or as blank strings.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_date(value)


def format_date_zh(d: datetime.date | None) -> str:
    """Render a date as ``2019年3月15日`` (no zero padding), the form the spec requires; ``''`` for None."""
    if d is None:
        return ""
    return f"{d.year}年{d.month}月{d.day}日"


def format_datetime_zh(t: datetime.datetime | None) -> str:
    """Render a moment as ``2026年12月1日 13:22`` in China Standard Time (the server's zone); ``''`` for None."""
    if t is None:
        return ""
    from django.utils import timezone

    if timezone.is_aware(t):
        t = timezone.localtime(t)
    return f"{format_date_zh(t.date())} {t:%H:%M}"
