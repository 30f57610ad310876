"""统一社会信用代码 (unified social credit code, GB 32100-2015).

Departments and member units are identified by their 统一社会信用代码, which is how the ledger
matches a unit across imports and renames. A mistyped code would create a second, phantom unit, so
every code is checked against the standard's check character before it is stored, and the message
says exactly which position is wrong.

Layout of the 18 characters (1-based positions):

* 1      登记管理部门代码 (registration authority; ``1`` = 机构编制, i.e. 机关/事业单位)
* 2      机构类别代码 (``11`` = 机构编制 + 机关)
* 3–8    登记管理机关行政区划码 (6 digits, GB/T 2260)
* 9–17   主体标识码 (the GB 11714 organisation code; its own check digit is position 17)
* 18     校验码 over positions 1–17

Pure Python so forms, Excel imports and tests can use it without Django.
"""

from __future__ import annotations

__all__ = [
    "ALPHABET",
    "UsccError",
    "is_government_organ",
    "organisation_code_valid",
    "uscc_check_char",
    "validate_uscc",
]

#: The 31 characters GB 32100 allows: digits and capital letters except I, O, Z, S, V, which are
#: excluded because they are easily confused with 1, 0, 2, 5 and U.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}

#: Weights of positions 1–17 for the check character: 3**i mod 31.
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

#: GB 11714 weights of the 8 body characters of the organisation code.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

_LENGTH = 18
_ALLOWED_HINT = "只能使用数字和除I、O、Z、S、V以外的大写英文字母"


class UsccError(ValueError):
    """An invalid 统一社会信用代码; ``message`` is the Chinese text shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _normalise(text: str) -> str:
    """Strip, fold full-width ASCII (common when typed with a Chinese IME) and upper-case.

    Inner whitespace is deliberately kept, so that validation reports it by position instead of
    silently joining fragments that may not belong together.
    """
    folded = "".join(
        chr(ord(ch) - 0xFEE0) if 0xFF01 <= ord(ch) <= 0xFF5E else (" " if ch == "\u3000" else ch)
        for ch in text
    )
    return folded.strip().upper()


def _describe(ch: str) -> str:
    """A readable name for a character in a message; whitespace would be invisible in quotes."""
    return "空格" if ch.isspace() else f"“{ch}”"


def _check_chars(code: str, what: str) -> None:
    """Raise on the first character outside the alphabet, naming it and its 1-based position."""
    for pos, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            raise UsccError(f"{what}“{code}”第{pos}位{_describe(ch)}不是合法字符：{_ALLOWED_HINT}")


def _compute_check(first17: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def uscc_check_char(first17: str) -> str:
    """The 18th (check) character for the first 17 characters of a code.

    Exposed so tests and fixtures can build valid codes, and so a form can suggest the right check
    character. The input is normalised like ``validate_uscc`` and must be 17 legal characters.
    """
    if not isinstance(first17, str):
        raise UsccError("统一社会信用代码应为文本")
    code = _normalise(first17)
    if len(code) != _LENGTH - 1:
        raise UsccError(f"计算校验码需要统一社会信用代码的前17位，“{code}”为{len(code)}位")
    _check_chars(code, "统一社会信用代码前17位")
    return _compute_check(code)


def validate_uscc(text: str) -> str:
    """Return the normalised code, or raise ``UsccError`` saying exactly what is wrong.

    Checks, in order: not empty, 18 characters, every character in the alphabet, positions 3–8
    digits (they are an administrative division code), and the check character. The GB 11714 check
    digit at position 17 is *not* enforced: some codes in circulation fail it yet are the codes
    actually issued; see ``organisation_code_valid``.
    """
    if not isinstance(text, str):
        raise UsccError(f"统一社会信用代码应为文本，收到的是{type(text).__name__}")
    code = _normalise(text)
    if not code:
        raise UsccError("统一社会信用代码不能为空")
    if len(code) != _LENGTH:
        raise UsccError(f"统一社会信用代码应为18位，“{code}”为{len(code)}位")
    _check_chars(code, "统一社会信用代码")
    for pos in range(3, 9):
        ch = code[pos - 1]
        if not ch.isdigit():
            raise UsccError(
                f"统一社会信用代码“{code}”第3至8位为登记管理机关行政区划码，应为数字，第{pos}位却是“{ch}”"
            )
    expected = _compute_check(code[:17])
    if code[17] != expected:
        raise UsccError(
            f"统一社会信用代码“{code}”第18位校验码应为{expected}，实为{code[17]}，请核对是否有错字"
        )
    return code


def is_government_organ(code: str) -> bool:
    """Whether the code belongs to a 机关 registered by 机构编制 (it starts with ``11``).

    A malformed code returns ``False``: it is no evidence that the unit is an organ, and callers use
    this as a predicate (e.g. to pick which units may lead a body), not as validation.
    """
    try:
        return validate_uscc(code).startswith("11")
    except UsccError:
        return False


def _org_char_value(ch: str) -> int | None:
    """GB 11714 value of a body character: digits as-is, letters A=10 … Z=35."""
    if "0" <= ch <= "9":
        return ord(ch) - ord("0")
    if "A" <= ch <= "Z":
        return ord(ch) - ord("A") + 10
    return None


def organisation_code_valid(code: str) -> bool:
    """Whether positions 9–17 form an organisation code whose GB 11714 check digit is right.

    Informational only (e.g. a warning on a data-quality report): codes failing it exist in real
    registrations, so ``validate_uscc`` accepts them. ``False`` also for a code that is not a valid
    统一社会信用代码 in the first place.
    """
    try:
        normalised = validate_uscc(code)
    except UsccError:
        return False
    body, check = normalised[8:16], normalised[16]
    values = [_org_char_value(ch) for ch in body]
    if any(v is None for v in values):
        return False
    remainder = 11 - sum(v * w for v, w in zip(values, _ORG_WEIGHTS, strict=True) if v is not None) % 11
    expected = "X" if remainder == 10 else "0" if remainder == 11 else str(remainder)
    return check == expected
