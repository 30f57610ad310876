"""A fuzz of every URL parameter: every route, every query parameter its view reads, nasty values.

The parameters are found in each view's source (`yixie.testing.params`), so a parameter added tomorrow is
fuzzed tomorrow. No answer may be a server error, and a script sent in must never come back unescaped.
Three roles stand for all (the superuser, a county's region role, a department's clerk): what differs
between roles is the scope, and these three take its three paths."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import resolve

from yixie.testing.params import query_params

from .walker import concrete_urls

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
NASTY = ["", "abc", "-1", "0", "99999999999999999999", "1.5", "2024-13-45", "1' OR '1'='1", SCRIPT, "\x00",
         "9" * 5000, "²", ["1", "abc"]]  # "²" passes str.isdigit() but not int(); the last repeats the key
#: The superuser tries each parameter alone; the scoped roles send every parameter of a page at once with
#: the same value (their scope paths differ, the parsing does not), which keeps the walk to a minute or two.
ROLES = ["admin", "qz_bianban", "fagaiwei"]


def fuzz_targets(world) -> list[tuple[str, str, list[str]]]:
    """(route name, path, parameters) of every route whose view reads query parameters."""
    urls, missing = concrete_urls(world)
    assert not missing
    targets = []
    for route, path in urls:
        params = sorted(query_params(resolve(path).func))
        if params:
            targets.append((route.name, path, params))
    return targets


def test_the_fuzz_finds_the_parameters_of_the_list_pages(city):
    """The source reading finds what the list and filter pages read (if it found nothing, the fuzz would pass)."""
    found = {name: set(params) for name, _path, params in fuzz_targets(city)}
    assert {"region", "department", "category", "status", "on", "page", "q", "expiring"} <= found["ledger:body_list"]
    assert {"region", "on"} <= found["org:department_list"]
    assert {"status", "page"} <= found["approvals:list"]
    assert {"kind", "body", "department", "proposal"} <= found["approvals:new"]
    assert {"on"} <= found["ledger:body_detail"]


@pytest.mark.parametrize("username", ROLES)
def test_no_parameter_value_makes_a_server_error(client_for, city, settings, tmp_path, username):
    settings.MEDIA_ROOT = tmp_path
    c = client_for(get_user_model().objects.get(username=username))
    failures = []
    requests = 0
    for name, path, params in fuzz_targets(city):
        queries = [{p: value} for p in params for value in NASTY] if username == "admin" else [
            {p: value for p in params} for value in NASTY]
        for query in queries:
            label = f"{name} {path}?{', '.join(query)}={str(next(iter(query.values())))[:30]!r}"
            try:
                with transaction.atomic():  # a database error must not poison the rest of the walk
                    response = c.get(path, query)
            except Exception as exc:  # noqa: BLE001 - every failure is collected, then reported together
                failures.append(f"{label}: {type(exc).__name__}: {str(exc)[:200]}")
                continue
            requests += 1
            if response.status_code >= 500:
                failures.append(f"{label}: {response.status_code}")
            body = b"".join(response) if response.streaming else response.content
            if SCRIPT.encode() in body:
                failures.append(f"{label}: the script came back unescaped")
    assert not failures, "\n".join(failures)
    assert requests > (500 if username == "admin" else 100)
