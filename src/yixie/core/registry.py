"""Registries: how an app joins the product without an edit in the floors below it.

Each app's `AppConfig.ready()` registers what it brings: the actions it checks and which roles hold them,
its navigation entries, its to-do sources, its alert sources, its home widgets, the facts it adds to
rows of lower floors' tables (a department's bodies, a post's seats), its sample URL arguments for the
URL walker, and who takes proposals. `core` only keeps the lists; it never imports an app above it.

Everything here is registered once per process at start-up and read on every request, so the
registries are plain module-level objects with no locking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

# ---------------------------------------------------------------- actions and role grants

#: action ("<area>.<verb>") -> its Chinese label
ACTIONS: dict[str, str] = {}
#: role value -> the actions that role holds (in its region or department; rows are scoped separately)
GRANTS: dict[str, set[str]] = {}


def register_actions(actions: dict[str, str], *, grants: dict[str, Iterable[str]] | None = None) -> None:
    """Declare actions (with Chinese labels) and grant them to roles: `{role: [action, ...]}`.

    Granting an action nobody declared is a programming error and fails at start-up."""
    ACTIONS.update(actions)
    for role, granted in (grants or {}).items():
        granted = set(granted)
        unknown = granted - ACTIONS.keys()
        if unknown:
            raise ValueError(f"undeclared actions granted to {role}: {sorted(unknown)}")
        GRANTS.setdefault(str(role), set()).update(granted)


def actions_of(role: str) -> set[str]:
    return GRANTS.get(str(role), set())


# ---------------------------------------------------------------- navigation

@dataclass(frozen=True)
class NavEntry:
    """One item of the top navigation. `active` lists URL namespaces or "namespace:name" that light it up."""

    key: str
    label: str
    url_name: str
    action: str
    order: int = 100
    active: tuple[str, ...] = ()
    #: the number shown on the entry (what waits for the user), or None
    badge: Callable[[Any], int] | None = None


NAVIGATION: list[NavEntry] = []


def register_nav(entry: NavEntry) -> None:
    NAVIGATION[:] = sorted([e for e in NAVIGATION if e.key != entry.key] + [entry], key=lambda e: (e.order, e.key))


# ---------------------------------------------------------------- to-do and alert sources

@dataclass(frozen=True)
class TodoSource:
    """What waits for a user in one capability: a count (in SQL, for every page) and where to work on it."""

    key: str
    label: str
    count: Callable[[Any], int]
    url_name: str
    order: int = 100


TODO_SOURCES: list[TodoSource] = []


def register_todo_source(source: TodoSource) -> None:
    TODO_SOURCES[:] = sorted([s for s in TODO_SOURCES if s.key != source.key] + [source],
                             key=lambda s: (s.order, s.key))


@dataclass(frozen=True)
class Alert:
    """One thing a daily check found: who is to be told, what, and where to act.

    `key` identifies the alert so that tomorrow's run does not repeat it (for example
    "expiry:30:<body id>"); `recipients` are user ids."""

    key: str
    title: str
    url: str
    recipients: tuple[int, ...]
    text: str = ""


@dataclass(frozen=True)
class AlertSource:
    """A daily check (run by the scheduled alerts job) that yields alerts for a date."""

    key: str
    label: str
    collect: Callable[..., Iterable[Alert]]


ALERT_SOURCES: list[AlertSource] = []


def register_alert_source(source: AlertSource) -> None:
    ALERT_SOURCES[:] = [s for s in ALERT_SOURCES if s.key != source.key] + [source]


# ---------------------------------------------------------------- home widgets

@dataclass(frozen=True)
class HomeWidget:
    """A panel of the home page: shown to users who hold `action`; `context(user)` feeds `template`.
    `width` is a Bootstrap column count out of 12."""

    key: str
    template: str
    context: Callable[[Any], dict]
    action: str
    order: int = 100
    width: int = 12


HOME_WIDGETS: list[HomeWidget] = []


def register_home_widget(widget: HomeWidget) -> None:
    HOME_WIDGETS[:] = sorted([w for w in HOME_WIDGETS if w.key != widget.key] + [widget],
                             key=lambda w: (w.order, w.key))


# ---------------------------------------------------------------- facts added to a lower floor's rows

@dataclass(frozen=True)
class RowFact:
    """A column that a higher floor adds to a lower floor's table (e.g. the ledger adds "bodies led, in
    force on the date" to the departments page). `compute(ids, on)` returns {row id: value} in one query;
    `link(row_id, on)` may give a URL for the value (showing the same date)."""

    table: str
    key: str
    label: str
    compute: Callable[[list[int], Any], dict[int, Any]]
    order: int = 100
    link: Callable[[int, Any], str] | None = None
    help: str = ""


ROW_FACTS: dict[str, list[RowFact]] = {}


def register_row_fact(fact: RowFact) -> None:
    facts = [f for f in ROW_FACTS.get(fact.table, []) if f.key != fact.key] + [fact]
    ROW_FACTS[fact.table] = sorted(facts, key=lambda f: (f.order, f.key))


def row_facts(table: str, ids: list[int], on) -> list[dict]:
    """The registered facts of a table for these rows: [{label, help, values: {id: (value, url)}}]."""
    columns = []
    for fact in ROW_FACTS.get(table, []):
        values = fact.compute(ids, on)
        columns.append({"key": fact.key, "label": fact.label, "help": fact.help,
                        "values": {i: (values.get(i, 0), fact.link(i, on) if fact.link else "") for i in ids}})
    return columns


# ---------------------------------------------------------------- the URL walker's sample arguments

#: app label -> dotted path of a function `samples(world) -> {"namespace:url_name": {kwarg: value}}`.
#: It lives in the app's tests (it builds data), and is imported only by the walker.
URL_SAMPLES: dict[str, str] = {}


def register_url_samples(app_label: str, dotted_path: str) -> None:
    URL_SAMPLES[app_label] = dotted_path


# ---------------------------------------------------------------- who takes proposals

@dataclass(frozen=True)
class ProposalTaker:
    """A capability that takes in proposals (the approval workflow opens an application from one; a review
    campaign puts it on a department's worklist). `url(proposal)` is where a user takes it."""

    key: str
    label: str
    action: str
    url: Callable[[Any], str]
    kinds: frozenset[str] = field(default_factory=frozenset)  # empty: every kind


PROPOSAL_TAKERS: list[ProposalTaker] = []


def register_proposal_taker(taker: ProposalTaker) -> None:
    PROPOSAL_TAKERS[:] = [t for t in PROPOSAL_TAKERS if t.key != taker.key] + [taker]
