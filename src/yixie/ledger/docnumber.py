"""Chinese official document numbers (文号) in the form GB/T 9704-2012 prescribes.

A 文号 is 发文机关代字 + 〔年份〕 + 发文顺序号 + 号, e.g. ``潍发〔2022〕5号``. The ledger ties every
event to the document that authorised it and reconciles its lists against the ones kept by 市委办公室
and 市政府办公室 by 文号, so the same document must always be written the same way: a number typed
as ``潍发[2022]05号`` has to be recognised as ``潍发〔2022〕5号`` or the match silently fails.

The parser therefore normalises the common, unambiguous slips (wrong brackets, full-width digits,
padding zeros, stray spaces) and reports each one, so a form can show the user what was changed, and
refuses everything it cannot read with certainty, with a Chinese message that says what is wrong.

This module is pure Python on purpose: forms, Excel imports and reconciliation all call it, and it is
tested without a database.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

__all__ = [
    "EARLIEST_YEAR",
    "DocumentNumber",
    "DocumentNumberError",
    "ISSUING_OFFICES",
    "issuer_for",
    "normalise_document_number",
    "parse_document_number",
]

#: No document of the People's Republic predates its founding; an earlier year is a typo.
EARLIEST_YEAR = 1949

#: Shown in messages so the user always sees what a correct number looks like.
_EXAMPLE = "潍发〔2022〕5号"

_CANONICAL_OPEN = "〔"  # U+3014, the 六角括号 GB/T 9704-2012 §7.2.4 requires
_CANONICAL_CLOSE = "〕"  # U+3015

# Brackets people type instead of 〔〕: ASCII and full-width square/round brackets, 【】 from
# Chinese IMEs, the small-form ﹝﹞ that Word substitutes, 〖〗 and curly braces.
_OPEN_BRACKETS = "〔[［(（【﹝〖{｛〘"
_CLOSE_BRACKETS = "〕]］)）】﹞〗}｝〙"

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_ASCII_DIGITS = re.compile(r"[0-9]+")

# A number written without brackets, e.g. "潍发2022 5号" or "潍发2022年5号"; used only to suggest
# the corrected form in the error message, never to accept the input.
_UNBRACKETED = re.compile(
    r"^(?P<agency>\S+?)\s*(?P<year>[0-9]{4})(?:\s+|[-－—、，,.．年])\s*第?(?P<serial>[0-9]+)\s*号$"
)


class DocumentNumberError(ValueError):
    """A 文号 that cannot be read with certainty.

    ``message`` is the Chinese text meant for the user; it says what is wrong and shows a correct
    example, because the user has to fix the input without knowing GB/T 9704.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _is_cjk(ch: str) -> bool:
    """Whether ``ch`` is a Chinese character (CJK unified ideographs, extensions, compatibility)."""
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3134F
    )


def _agency_problem(agency: str) -> str | None:
    """Why ``agency`` is not a valid 发文机关代字, or ``None`` if it is one."""
    if not agency:
        return "缺少发文机关代字（如“潍发”“潍政字”）"
    for ch in agency:
        if _is_cjk(ch):
            continue
        if ch.isdigit() or ch.isalpha():
            return f"发文机关代字“{agency}”中含有数字或字母“{ch}”，机关代字应全部为汉字"
        return f"发文机关代字“{agency}”中含有非汉字字符“{ch}”，机关代字应全部为汉字"
    return None


@dataclass(frozen=True)
class DocumentNumber:
    """A parsed, valid 文号.

    Construction validates the parts, so any instance can be rendered and stored without further
    checks. The upper bound on the year is a parse-time policy (see ``parse_document_number``) and
    is not enforced here, so historical data loaded in a later year stays constructible.
    """

    agency: str
    year: int
    serial: int

    def __post_init__(self) -> None:
        problem = _agency_problem(self.agency) if isinstance(self.agency, str) else "发文机关代字应为文本"
        if problem:
            raise DocumentNumberError(problem)
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            raise DocumentNumberError("年份应为整数")
        if not EARLIEST_YEAR <= self.year <= 9999:
            raise DocumentNumberError(f"年份{self.year}无效：应为{EARLIEST_YEAR}年及以后的四位年份")
        if isinstance(self.serial, bool) or not isinstance(self.serial, int):
            raise DocumentNumberError("发文顺序号应为整数")
        if self.serial < 1:
            raise DocumentNumberError(f"发文顺序号{self.serial}无效：应为从1开始的正整数")

    @property
    def canonical(self) -> str:
        """The GB/T 9704 form, e.g. ``潍发〔2022〕5号``: the only form the ledger stores."""
        return f"{self.agency}{_CANONICAL_OPEN}{self.year}{_CANONICAL_CLOSE}{self.serial}号"

    def __str__(self) -> str:
        return self.canonical


def _suggest_unbracketed(text: str) -> str:
    """A corrected form of a number typed without brackets, or the generic example."""
    m = _UNBRACKETED.match(text.translate(_FULLWIDTH_DIGITS))
    if m and _agency_problem(m["agency"]) is None and int(m["serial"]) > 0:
        return f"{m['agency']}〔{m['year']}〕{int(m['serial'])}号"
    return _EXAMPLE


def parse_document_number(text: str, *, max_year: int | None = None) -> tuple[DocumentNumber, list[str]]:
    """Parse a 文号 leniently, returning it with a note for every correction made.

    The notes (Chinese, one per normalisation) let a form or import report tell the user exactly how
    the input was changed; an empty list means the input was already canonical. Anything that cannot
    be read without guessing raises ``DocumentNumberError``.

    ``max_year`` bounds the year from above (default: next year, as documents for the coming year are
    sometimes numbered in December); the lower bound is 1949.
    """
    if not isinstance(text, str):
        raise DocumentNumberError(f"文号应为文本，收到的是{type(text).__name__}")
    shown = text.strip()
    if not shown:
        raise DocumentNumberError(f"文号不能为空，应写作如“{_EXAMPLE}”")
    if max_year is None:
        max_year = datetime.date.today().year + 1

    def fail(reason: str, example: str = _EXAMPLE) -> DocumentNumberError:
        return DocumentNumberError(f"文号“{shown}”{reason}，应写作如“{example}”")

    notes: list[str] = []

    opens = [k for k, ch in enumerate(shown) if ch in _OPEN_BRACKETS]
    closes = [k for k, ch in enumerate(shown) if ch in _CLOSE_BRACKETS]
    if not opens and not closes:
        raise fail("缺少用六角括号〔〕括起的年份", _suggest_unbracketed(shown))
    if len(opens) > 1 or len(closes) > 1:
        raise fail("中有多个括号，只应有一对括起年份的六角括号〔〕")
    if len(opens) != 1 or len(closes) != 1 or closes[0] < opens[0]:
        raise fail("中括起年份的括号不完整，年份应用一对六角括号〔〕括起")

    s = shown
    if s != text:
        notes.append("已去除文号首尾的空白")
    if re.search(r"[0-9]\s+[0-9]", s.translate(_FULLWIDTH_DIGITS)):
        raise fail("的数字之间有空格，无法确定其含义")
    if re.search(r"\s", s):
        s = re.sub(r"\s+", "", s)
        notes.append("已去除文号中间的空格")
    if s != s.translate(_FULLWIDTH_DIGITS):
        s = s.translate(_FULLWIDTH_DIGITS)
        notes.append("已将全角数字改为半角数字")

    # Positions shift once whitespace is gone; the bracket structure itself was checked above.
    i = next(k for k, ch in enumerate(s) if ch in _OPEN_BRACKETS)
    j = next(k for k, ch in enumerate(s) if ch in _CLOSE_BRACKETS)
    agency, open_br, year_text, close_br, rest = s[:i], s[i], s[i + 1 : j], s[j], s[j + 1 :]

    problem = _agency_problem(agency)
    if problem:
        raise fail(problem if problem.startswith("缺少") else f"中的{problem}")

    if not year_text:
        raise fail("的括号内缺少年份")
    if not _ASCII_DIGITS.fullmatch(year_text):
        raise fail(f"中的年份“{year_text}”应为阿拉伯数字")
    if len(year_text) != 4:
        raise fail(f"中的年份“{year_text}”应为四位数字，不能简写")
    year = int(year_text)
    if not EARLIEST_YEAR <= year <= max_year:
        raise fail(f"中的年份{year}不在{EARLIEST_YEAR}至{max_year}年之间")

    if (open_br, close_br) != (_CANONICAL_OPEN, _CANONICAL_CLOSE):
        notes.append(
            f"年份括号“{open_br}{year_text}{close_br}”已改为“〔{year_text}〕”："
            "GB/T 9704-2012 规定年份用六角括号〔〕括入"
        )

    if rest.startswith("第"):
        rest = rest[1:]
        notes.append("已去掉发文顺序号前的“第”字：GB/T 9704-2012 规定发文顺序号不加“第”字")
    if not rest or rest == "号":
        raise fail("缺少发文顺序号")
    if not rest.endswith("号"):
        if "号" in rest:
            tail = rest[rest.index("号") + 1 :]
            raise fail(f"在“号”字之后还有多余内容“{tail}”")
        if _ASCII_DIGITS.fullmatch(rest) and int(rest) > 0:
            raise fail("应以“号”字结尾", f"{agency}〔{year}〕{int(rest)}号")
        raise fail("应以“号”字结尾")
    serial_text = rest[:-1]
    if not _ASCII_DIGITS.fullmatch(serial_text):
        raise fail(f"中的发文顺序号“{serial_text}”应为阿拉伯数字")
    serial = int(serial_text)
    if serial == 0:
        raise fail("中的发文顺序号不能为0")
    if serial_text != str(serial):
        notes.append(f"发文顺序号“{serial_text}”已改为“{serial}”：GB/T 9704-2012 规定发文顺序号不编虚位")

    return DocumentNumber(agency=agency, year=year, serial=serial), notes


def normalise_document_number(text: str, *, max_year: int | None = None) -> str:
    """The canonical form of ``text``, for callers that do not need the notes; raises if invalid."""
    number, _notes = parse_document_number(text, max_year=max_year)
    return number.canonical


# ------------------------------------------------------------------ who issues a document (发文机关)

#: What follows a region's 机关代字 prefix in a 文号 (潍|政办字), and which of its offices that names.
#: 发 = the Party committee, 办发/办字 = its general office, 政发/政字 = the government, 政办发/政办字 = the
#: government's general office (the usual GB/T 9704 practice of cities and counties).
ISSUING_OFFICES: dict[str, str] = {
    "发": "party", "委发": "party",
    "办发": "party_office", "办字": "party_office", "委办发": "party_office", "委办字": "party_office",
    "政发": "government", "政字": "government",
    "政办发": "government_office", "政办字": "government_office",
}


def issuer_for(region, number: str | DocumentNumber) -> str | None:
    """The issuing office (发文机关) a 文号 names, read from its 机关代字 and the region's data.

    `region` is an `org.Region` (its `agency_prefix_or_default`, `party_committee_name`, `government_name`
    and `parent`): the document's region is tried first, then the regions above it, so 潍发 read for a county
    is still 中共潍坊市委. None when the 代字 is not one of theirs (the caller asks the user). A number
    that cannot be read raises `DocumentNumberError`.
    """
    parsed = number if isinstance(number, DocumentNumber) else parse_document_number(number)[0]
    agency = parsed.agency
    r = region
    while r is not None:
        prefix = r.agency_prefix_or_default
        office = ISSUING_OFFICES.get(agency[len(prefix):]) if prefix and agency.startswith(prefix) else None
        if office is not None:
            return {
                "party": r.party_committee_name,
                "party_office": f"{r.party_committee_name}办公室",
                "government": r.government_name,
                "government_office": f"{r.government_name}办公室",
            }[office]
        r = r.parent
    return None
