"""Deny by default: every URL as every role and as an anonymous user; scopes; lockout; admin."""

from datetime import date

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from yixie.core.access import declared_rule
from yixie.ledger import services
from yixie.testing.factories import PASSWORD, establish

pytestmark = pytest.mark.django_db


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("admin/"):
                continue
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def all_patterns():
    return list(_walk(get_resolver().url_patterns))


def test_every_view_declares_an_access_rule():
    missing = [route for route, p in all_patterns() if declared_rule(p.callback) is None]
    assert missing == []


@pytest.fixture
def ledger(city):
    doc = services.document_create(actor=None, region=city.city, number="潍发〔2019〕1号", issuer="中共潍坊市委",
                                   issued_on=date(2019, 1, 1), title="关于设立的通知")
    body = establish(city.city, name="市甲领导小组", lead=city.fgw, members=[city.gxj], document=doc)
    other = establish(city.city, name="市应急工作领导小组", lead=city.yjj)
    county_body = establish(city.county, name="青州市安全生产委员会", lead=city.qz_yjj, leader=city.qz_mayor)
    event = body.events.get()
    from yixie.approvals import services as approvals
    from yixie.ledger.state import build_state

    app = approvals.application_save(
        actor=city.clerk, app=None, region=city.city, department=city.fgw, kind="establish", body=None,
        reasons="理由", proposed=build_state(name="市乙领导小组", category="government", form="领导小组",
                                           sequence="government", legal_ground="local", lead_department=city.fgw,
                                           office_department=city.fgw, duties="职责", leader=city.mayor))
    return {"pk": body.pk, "event_pk": event.pk, "file_pk": 1, "doc": doc, "body": body, "other": other,
            "county_body": county_body, "app": app}


def concrete_urls(ledger):
    urls = []
    for route, p in all_patterns():
        path = "/" + route
        path = (path.replace("<int:pk>", str(ledger["pk"])).replace("<int:event_pk>", str(ledger["event_pk"]))
                .replace("<int:file_pk>", "1"))
        if "documents/<" in route or "documents/" in route and str(ledger["pk"]) in path:
            path = path.replace(f"documents/{ledger['pk']}", f"documents/{ledger['doc'].pk}")
        if route.startswith("approvals/"):
            path = ("/" + route).replace("<int:pk>", str(ledger["app"].pk)).replace("<str:step>", "establishment") \
                .replace("<int:file_pk>", "1")
        urls.append((route, path, declared_rule(p.callback)))
    return urls


def test_anonymous_is_sent_to_login_everywhere_but_login(client, ledger):
    for _route, path, rule in concrete_urls(ledger):
        response = client.get(path)
        if rule == "public":
            assert response.status_code == 200, path
        else:
            assert response.status_code == 302 and "/login/" in response["Location"], path


@pytest.mark.parametrize("username", ["admin", "bianban", "qz_bianban", "liangban", "zuzhibu", "lingdao",
                                      "fagaiwei", "nobody"])
def test_every_url_as_every_role_never_errors(client_for, city, ledger, username):
    from django.contrib.auth import get_user_model

    from yixie.core.access import user_can

    user = get_user_model().objects.get(username=username)
    c = client_for(user)
    for _route, path, rule in concrete_urls(ledger):
        response = c.get(path)
        assert response.status_code < 500, (path, response.status_code)
        if rule not in ("public", "authenticated") and not user_can(user, rule):
            assert response.status_code == 403, (username, path, response.status_code)


def test_department_clerk_sees_only_bodies_of_their_department(client_for, city, ledger):
    c = client_for(city.clerk)
    listing = c.get(reverse("ledger:body_list")).content.decode()
    assert "市甲领导小组" in listing and "市应急工作领导小组" not in listing
    assert c.get(reverse("ledger:body_detail", args=[ledger["body"].pk])).status_code == 200
    assert c.get(reverse("ledger:body_detail", args=[ledger["other"].pk])).status_code == 404
    assert c.get(reverse("ledger:body_detail", args=[ledger["county_body"].pk])).status_code == 404


def test_county_establishment_office_sees_only_its_county(client_for, city, ledger):
    c = client_for(city.qz_bianban)
    assert c.get(reverse("ledger:body_detail", args=[ledger["body"].pk])).status_code == 404
    assert c.get(reverse("ledger:body_detail", args=[ledger["county_body"].pk])).status_code == 200


def test_city_establishment_office_sees_its_counties(client_for, city, ledger):
    c = client_for(city.bianban)
    listing = c.get(reverse("ledger:body_list")).content.decode()
    assert "青州市安全生产委员会" in listing and "市甲领导小组" in listing


def test_read_only_roles_cannot_write(client_for, city, ledger):
    for user in (city.leader, city.liangban, city.clerk):
        c = client_for(user)
        r = c.post(reverse("ledger:event_create", args=[ledger["body"].pk]), {"kind": "abolish",
                                                                             "effective_on": "2024-01-01"})
        assert r.status_code == 403
    ledger["body"].refresh_from_db()
    assert ledger["body"].status == "active"


def test_csrf_less_post_is_refused(city, ledger):
    c = Client(enforce_csrf_checks=True)
    c.force_login(city.bianban, backend="django.contrib.auth.backends.ModelBackend")
    r = c.post(reverse("ledger:event_create", args=[ledger["body"].pk]),
               {"kind": "abolish", "effective_on": "2024-01-01"})
    assert r.status_code == 403
    assert "CSRF" in r.content.decode()
    ledger["body"].refresh_from_db()
    assert ledger["body"].status == "active"


def test_login_and_lockout_after_repeated_failures(city):
    c = Client()
    r = c.post(reverse("login"), {"username": "bianban", "password": PASSWORD})
    assert r.status_code == 302
    c.post(reverse("logout"))
    for _ in range(5):
        r = c.post(reverse("login"), {"username": "bianban", "password": "wrong"})
    r = c.post(reverse("login"), {"username": "bianban", "password": PASSWORD})
    assert r.status_code == 429 or "锁定" in r.content.decode()
    assert "_auth_user_id" not in c.session


def test_wrong_password_message_is_chinese(client, city):
    r = client.post(reverse("login"), {"username": "bianban", "password": "wrong"})
    assert "用户名或密码不正确" in r.content.decode()


def test_admin_is_for_system_administrators_only(client_for, city):
    city.bianban.is_staff = True
    city.bianban.save()
    assert client_for(city.bianban).get("/admin/").status_code == 302
    assert client_for(city.admin).get("/admin/").status_code == 200
