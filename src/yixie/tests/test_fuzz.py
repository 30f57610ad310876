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


# ---------------------------------------------------------------- posted forms

def _state_payload(state: dict) -> dict:
    """What a form showing `state` posts when nothing is changed (ids for departments and posts)."""
    from yixie.ledger.forms import StateFieldsMixin

    initial = StateFieldsMixin.initial_from_state(state)
    return {k: ("on" if v is True else v) for k, v in initial.items() if v not in (None, False)}


STATE_ID_FIELDS = ["lead_department", "office_department", "leader", "deputies", "members", "principal_members",
                   "ends_on", "category"]


def form_targets(world) -> list[tuple[str, str, dict, list[str]]]:
    """(label, path, a plausible payload, the fields to fuzz) of every form that takes ids."""
    from datetime import date

    from django.urls import reverse

    from yixie.approvals import services as approvals
    from yixie.ledger import services as ledger
    from yixie.ledger.choices import EventKind
    from yixie.testing.factories import establish

    body = establish(world.city, name="市丙领导小组", lead=world.fgw, members=[world.gxj, world.fgw])
    ledger.event_record(actor=None, body=body, kind=EventKind.RENAME, on=date(2022, 1, 1),
                        changes={"name": "市丁领导小组"})
    rename = body.events.get(kind=EventKind.RENAME)
    body.refresh_from_db()
    state = ledger.state_on(body, date.today())
    joint = establish(world.city, name="市丙联席会议", lead=world.fgw, members=[world.gxj, world.fgw],
                      category="joint", form="联席会议")
    closing = approvals.application_save(actor=world.clerk, app=None, region=world.city, department=world.fgw,
                                         kind="abolish", body=joint, reasons="任务完成", proposed={})
    adjusting = approvals.application_save(actor=world.clerk, app=None, region=world.city, department=world.fgw,
                                           kind="adjust", body=body, reasons="理由", proposed=state)
    version = str(body.version)
    event = {**_state_payload(state), "kind": "adjust", "effective_on": "2024-01-01", "version": version}
    application = {**_state_payload(state), "body": body.pk, "reasons": "理由", "kind_fixed": "adjust"}
    return [
        ("event form", reverse("ledger:event_create", args=[body.pk]), event,
         ["kind", "effective_on", "successor", "version", "doc_number", "doc_date", *STATE_ID_FIELDS]),
        ("void", reverse("ledger:event_void", args=[body.pk, rename.pk]), {"reason": "登记有误"}, ["reason"]),
        ("aliases", reverse("ledger:body_aliases", args=[body.pk]), {"aliases": "丙组", "version": version},
         ["aliases", "version", "reason"]),
        ("work rules", reverse("ledger:body_work_rules", args=[body.pk]), {"filed_on": "2024-01-01", "version": version},
         ["filed_on", "version", "file"]),
        ("new application", reverse("approvals:new") + f"?kind=adjust&department={world.fgw.pk}", application,
         ["department", "body", "kind_fixed", "proposal", *STATE_ID_FIELDS]),
        ("application edit", reverse("approvals:edit", args=[adjusting.pk]), application,
         ["body", "merge_bodies", *STATE_ID_FIELDS]),
        ("consent", reverse("approvals:consent", args=[closing.pk]), {"department": world.fgw.pk, "agreed": "yes"},
         ["department", "agreed", "note"]),
    ]


@pytest.mark.parametrize("username", ROLES)
def test_no_posted_form_value_makes_a_server_error(client_for, city, settings, tmp_path, username):
    """The forms that take ids, posted with nasty values: the superuser field by field on a plausible
    payload (so the values reach the services), the scoped roles every field of a form at once."""
    settings.MEDIA_ROOT = tmp_path
    c = client_for(get_user_model().objects.get(username=username))
    failures = []
    requests = 0
    for label, path, payload, fields in form_targets(city):
        posts = [{**payload, f: value} for f in fields for value in NASTY] if username == "admin" else [
            {**payload, **{f: value for f in fields}} for value in NASTY]
        for data in posts:
            what = f"{label} {path} {', '.join(f for f in fields if data.get(f) != payload.get(f))}"
            try:
                with transaction.atomic():
                    response = c.post(path, data)
            except Exception as exc:  # noqa: BLE001 - every failure is collected, then reported together
                failures.append(f"{what}: {type(exc).__name__}: {str(exc)[:200]}")
                continue
            requests += 1
            if response.status_code >= 500:
                failures.append(f"{what} = {str(data)[:80]}: {response.status_code}")
            if SCRIPT.encode() in response.content:
                failures.append(f"{what}: the script came back unescaped")
    assert not failures, "\n".join(failures)
    assert requests >= (400 if username == "admin" else 90)
