"""How a person is named on every page and log: "王敏（潍坊市委编办）" — their name and office, never the login.

The office comes from the floors above (org knows a user's role assignments): they register a function
`office_of(user) -> str` with `register_office_of`; core never imports them (docs/decisions/0011)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: Functions that name a user's office ("潍坊市委编办", "市发展和改革委员会"), first non-empty answer wins.
OFFICE_OF: list[Callable[[Any], str]] = []

SYSTEM = "系统"


def register_office_of(fn: Callable[[Any], str]) -> None:
    if fn not in OFFICE_OF:
        OFFICE_OF.append(fn)


def _name_and_given_office(user) -> tuple[str, str]:
    """The person's name and, if the account's name was written as "<office> <name>" (as the demo and many
    administrators do), that office."""
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    if first and last:
        return last + first, ""  # Chinese order: family name first
    full = first or last
    if " " in full:
        office, name = full.rsplit(" ", 1)
        return name.strip(), office.strip()
    return full, ""


def office_of(user) -> str:
    cached = getattr(user, "_yixie_office", None)  # a page names the same person many times
    if cached is not None:
        return cached
    office = next((o for o in (fn(user) for fn in OFFICE_OF) if o), "")
    try:
        user._yixie_office = office
    except AttributeError:
        pass
    return office


def user_label(user) -> str:
    """"王敏（潍坊市委编办）": the person's name and office; the login name only when no name is recorded;
    "系统" for no user (a job, the demo loader)."""
    if user is None or not getattr(user, "pk", None):
        return SYSTEM
    name, given_office = _name_and_given_office(user)
    name = name or user.get_username()
    office = given_office or office_of(user)
    if not office and getattr(user, "is_superuser", False):
        office = "系统管理员"
    if office and office != name:
        return f"{name}（{office}）"
    return name
