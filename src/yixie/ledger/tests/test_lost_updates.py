"""Two people editing one body: the second save is refused with who changed what, never written over the
first (issue 10, item 2). Through the pages, with two logged-in clients."""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yixie.core.people import user_label
from yixie.core.roles import Role
from yixie.ledger import services
from yixie.ledger.choices import EventKind
from yixie.ledger.forms import StateFieldsMixin
from yixie.ledger.models import Body
from yixie.testing.factories import establish, make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return c


def _version(html: str) -> str:
    m = re.search(r'name="version" value="(\d+)"', html)
    assert m, "the form carries the body's version"
    return m.group(1)


def _event_payload(body: Body, **over) -> dict:
    """What the event form posts when nothing is changed (the body's state today), with `over` laid on."""
    initial = StateFieldsMixin.initial_from_state(services.state_on(body, timezone.localdate()))
    data = {k: v for k, v in initial.items() if v not in (None, False)}
    data = {k: ("on" if v is True else v) for k, v in data.items()}
    data.update(kind=EventKind.ADJUST, effective_on=timezone.localdate().isoformat(), doc_number="")
    data.update(over)
    return data


@pytest.fixture
def zhang(city):
    user = make_user("zhangsan", Role.ESTABLISHMENT, region=city.city)
    user.first_name, user.last_name = "三", "张"
    user.save()
    return user


def test_version_starts_at_one_and_every_write_bumps_it(city):
    body = establish(city.city, name="市甲领导小组", lead=city.fgw, members=[city.gxj])
    assert body.version == 1
    services.body_update_aliases(actor=None, body=body, aliases=["甲小组"])
    services.event_record(actor=None, body=body, kind=EventKind.RENAME, on=date(2022, 1, 1),
                          changes={"name": "市乙领导小组"})
    services.work_rules_file(actor=None, body=body, filed_on=date(2022, 2, 1))
    services.event_void(actor=None, event=body.events.get(kind=EventKind.RENAME), reason="登记有误")
    body.refresh_from_db()
    assert body.version == 5
    # A stale version is refused by the service itself, and nothing is written.
    with pytest.raises(services.ConcurrentChange) as exc:
        services.body_update_aliases(actor=None, body=body, aliases=["乙"], expected_version=4)
    assert exc.value.version == 5
    body.refresh_from_db()
    assert body.alias_list == ["甲小组"] and body.version == 5
    # The import's bulk changes (no replay) move it on too, and a form opened before them is refused.
    services.bodies_change_bulk(actor=None, items=[services.BodyChange(
        body_id=body.pk, kind=EventKind.RENAME, on=date(2023, 1, 1), changes={"name": "市丙领导小组"})])
    body.refresh_from_db()
    assert body.version == 6
    with pytest.raises(services.ConcurrentChange):
        services.body_update_aliases(actor=None, body=body, aliases=["丙"], expected_version=5)


def test_aliases_saved_from_a_stale_page_are_refused_with_who_changed_what(city, zhang):
    body = establish(city.city, name="市甲领导小组", lead=city.fgw)
    url = reverse("ledger:body_aliases", args=[body.pk])
    first, second = _client(zhang), _client(city.bianban)
    v_first = _version(first.get(url).content.decode())
    v_second = _version(second.get(url).content.decode())

    r = first.post(url, {"aliases": "甲小组\n市甲组", "version": v_first})
    assert r.status_code == 302
    r = second.post(url, {"aliases": "老甲组", "reason": "补录", "version": v_second})
    html = r.content.decode()
    assert r.status_code == 200
    now = timezone.localtime()
    assert f"您打开此页后，{user_label(zhang)}于{now.year}年{now.month}月{now.day}日" in html
    assert user_label(zhang) == f"张三（{city.city.name}委编办）"
    assert "修改了别名：别名 由“（无）”改为“甲小组、市甲组”" in html
    assert "请核对后重新提交；您填写的内容已保留。" in html
    assert "老甲组" in html  # the second person's input is kept
    body.refresh_from_db()
    assert body.alias_list == ["甲小组", "市甲组"]  # the first person's save is not lost
    # The page now carries the version after the first save: a second submit, after checking, applies.
    v_now = _version(html)
    assert v_now == str(body.version) != v_second
    r = second.post(url, {"aliases": "甲小组\n市甲组\n老甲组", "version": v_now})
    assert r.status_code == 302
    body.refresh_from_db()
    assert body.alias_list == ["甲小组", "市甲组", "老甲组"]


def test_an_adjustment_from_a_page_opened_before_a_rename_does_not_undo_it(city, zhang):
    body = establish(city.city, name="市甲领导小组", lead=city.fgw, members=[city.gxj])
    url = reverse("ledger:event_create", args=[body.pk])
    renamer, adjuster = _client(zhang), _client(city.bianban)
    v_adjuster = _version(adjuster.get(url).content.decode())
    v_renamer = _version(renamer.get(url + "?kind=rename").content.decode())
    stale = _event_payload(body, members=[city.gxj.pk, city.swj.pk], version=v_adjuster)

    r = renamer.post(url, _event_payload(body, kind=EventKind.RENAME, name="市乙领导小组", version=v_renamer))
    assert r.status_code == 302, r.content.decode()[:3000]
    r = adjuster.post(url, stale)
    html = r.content.decode()
    assert r.status_code == 200
    assert "您打开此页后，张三" in html and "登记了“更名”：机构名称 由“市甲领导小组”改为“市乙领导小组”" in html
    body.refresh_from_db()
    assert body.name == "市乙领导小组"
    assert list(body.memberships.values_list("department_id", flat=True)) == [city.gxj.pk]
    assert body.events.count() == 2  # the setup and the rename; the stale adjustment wrote nothing
    # The adjuster's choice of members is kept; the name they left alone now shows the new name.
    assert re.search(rf'name="members" value="{city.swj.pk}"[^>]*checked', html)
    assert re.search(r'name="name" value="市乙领导小组"', html)
    assert "您未改动的“机构名称”已更新为最新登记的内容。" in html
    # Submitting the page as it is now shown applies the adjustment on top: both changes stand.
    r = adjuster.post(url, {**stale, "name": "市乙领导小组", "version": _version(html)})
    assert r.status_code == 302, r.content.decode()[:3000]
    body.refresh_from_db()
    assert body.name == "市乙领导小组"
    assert sorted(body.memberships.values_list("department_id", flat=True)) == sorted([city.gxj.pk, city.swj.pk])


def test_a_field_both_people_changed_keeps_the_second_persons_input_and_says_so(city, zhang):
    body = establish(city.city, name="市甲领导小组", lead=city.fgw, members=[city.gxj])
    url = reverse("ledger:event_create", args=[body.pk])
    first, second = _client(zhang), _client(city.bianban)
    v_second = _version(second.get(url).content.decode())
    v_first = _version(first.get(url).content.decode())
    assert first.post(url, _event_payload(body, kind=EventKind.RENAME, name="市乙领导小组",
                                          version=v_first)).status_code == 302
    html = second.post(url, _event_payload(body, kind=EventKind.RENAME, name="市丙领导小组",
                                           version=v_second)).content.decode()
    assert "“机构名称”您也作了修改，已保留您填写的内容，请核对。" in html
    assert re.search(r'name="name" value="市丙领导小组"', html)
    body.refresh_from_db()
    assert body.name == "市乙领导小组"


def test_a_garbled_version_is_a_clear_message_not_a_server_error(client_for, city):
    body = establish(city.city, name="市甲领导小组", lead=city.fgw)
    c = client_for(city.bianban)
    for bad in ("abc", "-1", "²", "9" * 40):
        r = c.post(reverse("ledger:body_aliases", args=[body.pk]), {"aliases": "甲", "version": bad})
        assert r.status_code == 200 and "页面的版本信息有误" in r.content.decode()
    body.refresh_from_db()
    assert body.alias_list == []
