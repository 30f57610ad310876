"""One error for every broken domain rule: a Chinese message that says what and where."""

from __future__ import annotations


class DomainError(Exception):
    """A write refused by a rule. `field` names the form field (or import column) it is about, if any;
    `code` identifies the rule for tests and callers."""

    def __init__(self, message: str, field: str | None = None, *, code: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def __str__(self) -> str:
        return self.message
