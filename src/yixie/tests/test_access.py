"""Deny by default: scopes, CSRF, lockout, admin. (Every URL as every role: `test_url_walker.py`.)"""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from yixie.ledger import services
from yixie.testing.factories import PASSWORD, establish

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(city):
    doc = services.document_create(actor=None, region=city.city, number="潍发〔2019〕1号", issuer="中共潍坊市委",
                                   issued_on=date(2019, 1, 1), title="关于设立的通知")
    body = establish(city.city, name="市甲领导小组", lead=city.fgw, members=[city.gxj], document=doc)
    other = establish(city.city, name="市应急工作领导小组", lead=city.yjj)
    county_body = establish(city.county, name="青州市安全生产委员会", lead=city.qz_yjj, leader=city.qz_mayor)
    return {"doc": doc, "body": body, "other": other, "county_body": county_body}


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
