"""An application changes a body from the state it was drafted from: a change recorded in the ledger in
between is kept, and one that collides with it is refused at publication, naming the field (issue 10,
item 2); bad ids on the application pages are a clear answer, never a server error (item 5)."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yixie.approvals import services
from yixie.approvals.choices import ApplicationKind
from yixie.approvals.choices import ApplicationStatus as S
from yixie.ledger.choices import EventKind
from yixie.ledger.tests.test_lost_updates import _event_payload, _version
from yixie.testing.factories import establish

from .test_flow import run_to

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return c


def _draft_adjustment(city, body, **change):
    state = {**body.events.get().state, **change}
    return services.application_save(actor=city.clerk, app=None, region=city.city, department=city.fgw,
                                     kind=ApplicationKind.ADJUST, body=body, reasons="理由", proposed=state)


def _rename_in_the_ledger(city, body, name):
    ledger = _client(city.bianban)
    url = reverse("ledger:event_create", args=[body.pk])
    version = _version(ledger.get(url + "?kind=rename").content.decode())
    r = ledger.post(url, _event_payload(body, kind=EventKind.RENAME, name=name, version=version))
    assert r.status_code == 302, r.content.decode()[:2000]


def _publish(city, app):
    today = timezone.localdate()
    return _client(city.liangban).post(
        reverse("approvals:publish", args=[app.pk]),
        {"number": f"潍政字〔{today.year}〕12号", "issued_on": today.isoformat(), "title": "关于调整的通知"}, follow=True)


def test_a_rename_recorded_between_drafting_and_publishing_an_adjustment_is_kept(city):
    body = establish(city.city, name="市安全生产委员会", lead=city.yjj, members=[city.gxj], on=date(2015, 1, 1))
    members = [{"department_id": city.gxj.pk, "department": city.gxj.name, "role": "assisting"},
               {"department_id": city.swj.pk, "department": city.swj.name, "role": "principal"}]
    app = _draft_adjustment(city, body, members=members)
    assert app.base_state["name"] == "市安全生产委员会" and app.base_version == 1
    app = run_to(city, app, S.DECIDED)

    _rename_in_the_ledger(city, body, "市安全生产和应急委员会")
    r = _publish(city, app)
    assert "已发文公布" in r.content.decode()
    body.refresh_from_db()
    assert body.name == "市安全生产和应急委员会"  # the rename is not written over with the drafted name
    assert sorted(body.memberships.values_list("department_id", flat=True)) == sorted([city.gxj.pk, city.swj.pk])
    assert body.events.order_by("-id").first().kind == EventKind.MEMBERS


def test_a_field_changed_both_ways_is_refused_at_publication_naming_it(city):
    body = establish(city.city, name="市安全生产委员会", lead=city.yjj, members=[city.gxj], on=date(2015, 1, 1))
    app = _draft_adjustment(city, body, name="市安全生产工作委员会")
    app = run_to(city, app, S.DECIDED)
    _rename_in_the_ledger(city, body, "市安全生产和应急委员会")

    text = _publish(city, app).content.decode()
    assert ("“机构名称”申请起草时为“市安全生产委员会”，申请拟改为“市安全生产工作委员会”，"
            "但台账中已改为“市安全生产和应急委员会”") in text
    assert "登记了“更名”" in text and "“不能发文时”中选择退回修改" in text
    app.refresh_from_db()
    body.refresh_from_db()
    assert app.status == S.DECIDED and app.ledger_event is None  # left where it was: 两办 can return it
    assert body.name == "市安全生产和应急委员会" and body.events.count() == 2
    assert not body.events.filter(document__number__contains="12号").exists()


def test_the_redraft_shows_the_body_now_and_takes_it_as_its_base(city):
    body = establish(city.city, name="市安全生产委员会", lead=city.yjj, members=[city.gxj], on=date(2015, 1, 1))
    app = _draft_adjustment(city, body, duties="统筹协调全市安全生产工作。")
    _rename_in_the_ledger(city, body, "市安全生产和应急委员会")
    html = _client(city.clerk).get(reverse("approvals:edit", args=[app.pk])).content.decode()
    assert 'value="市安全生产和应急委员会"' in html and "统筹协调全市安全生产工作。" in html


def test_a_non_integer_department_is_never_a_server_error(city):
    clerk = _client(city.clerk)
    for bad in ("abc", "-1", "1.5", "²", "9" * 40, "\x00"):
        r = clerk.get(reverse("approvals:new"), {"department": bad, "kind": "adjust"})
        assert r.status_code == (400 if bad == "\x00" else 200)  # NUL: the control-character middleware's 400
        r = clerk.post(reverse("approvals:new") + "?kind=adjust", {"department": bad, "kind_fixed": "adjust",
                                                                   "body": bad, "reasons": "x"})
        assert r.status_code < 500
    body = establish(city.city, name="市甲联席会议", lead=city.fgw, members=[city.fgw, city.gxj], category="joint",
                     form="联席会议")
    app = services.application_save(actor=city.clerk, app=None, region=city.city, department=city.fgw,
                                     kind=ApplicationKind.ABOLISH, body=body, reasons="任务完成", proposed={})
    hr = _client(city.hr)
    for bad in ("abc", "-1", "1.5", "²", "9" * 40, ""):
        r = hr.post(reverse("approvals:consent", args=[app.pk]), {"department": bad, "agreed": "yes"})
        assert r.status_code == 404, (bad, r.status_code)
    assert not app.consents.exists()


def test_a_draft_from_a_page_opened_before_a_rename_is_refused_then_saved_on_top(city):
    import re

    body = establish(city.city, name="市安全生产委员会", lead=city.fgw, members=[city.gxj], on=date(2015, 1, 1))
    clerk = _client(city.clerk)
    url = reverse("approvals:new") + f"?kind=adjust&body={body.pk}"
    opened = clerk.get(url).content.decode()
    state = body.events.get().state
    payload = {**_event_payload(body), "body": body.pk, "reasons": "理由", "kind_fixed": "adjust",
               "members": [city.gxj.pk, city.swj.pk], "version": _version(opened)}
    for key in ("kind", "effective_on", "doc_number"):
        payload.pop(key)
    _rename_in_the_ledger(city, body, "市安全生产和应急委员会")

    html = clerk.post(url, payload).content.decode()
    assert "您打开此页后" in html and "登记了“更名”：机构名称 由“市安全生产委员会”改为“市安全生产和应急委员会”" in html
    assert re.search(r'name="name" value="市安全生产和应急委员会"', html)
    assert not body.applications.exists()
    r = clerk.post(url, {**payload, "name": "市安全生产和应急委员会", "version": _version(html)})
    assert r.status_code == 302, r.content.decode()[:2000]
    app = body.applications.get()
    assert app.base_state["name"] == app.proposed["name"] == "市安全生产和应急委员会" != state["name"]
    assert [m["department_id"] for m in app.proposed["members"]] == [city.gxj.pk, city.swj.pk]
