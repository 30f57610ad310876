import pytest
from django.urls import reverse

from yixie.core.models import AuditEntry
from yixie.org.models import Department
from yixie.org.uscc import uscc_check_char

pytestmark = pytest.mark.django_db


def valid_uscc(body17="11370700MB285123"):
    body17 = (body17 + "0")[:17]
    return body17 + uscc_check_char(body17)


def test_establishment_office_adds_a_department_with_a_valid_credit_code(client_for, city):
    c = client_for(city.bianban)
    code = valid_uscc()
    r = c.post(reverse("org:department_create"), {"region": city.city.pk, "name": "市大数据局", "kind": "government",
                                                  "order": 60, "uscc": code.lower()})
    assert r.status_code == 302
    dept = Department.objects.get(name="市大数据局")
    assert dept.uscc == code
    assert AuditEntry.objects.filter(action="新增部门", target_id=str(dept.pk)).exists()


@pytest.mark.parametrize("uscc, message", [("11370700MB28512", "18"), ("11370700MB285123X0", "校验")])
def test_bad_credit_code_is_refused_with_a_message(client_for, city, uscc, message):
    c = client_for(city.bianban)
    r = c.post(reverse("org:department_create"), {"region": city.city.pk, "name": "市大数据局", "kind": "government",
                                                  "order": 60, "uscc": uscc})
    assert r.status_code == 200 and message in r.content.decode()
    assert not Department.objects.filter(name="市大数据局").exists()


def test_duplicate_department_name_refused(client_for, city):
    c = client_for(city.bianban)
    r = c.post(reverse("org:department_create"), {"region": city.city.pk, "name": city.fgw.name,
                                                  "kind": "government", "order": 1})
    assert r.status_code == 200 and "已有名为" in r.content.decode()


def test_county_office_cannot_edit_city_departments(client_for, city):
    c = client_for(city.qz_bianban)
    assert c.get(reverse("org:department_edit", args=[city.fgw.pk])).status_code == 404
    assert c.get(reverse("org:department_edit", args=[city.qz_fgj.pk])).status_code == 200


def test_department_clerk_cannot_add_departments(client_for, city):
    assert client_for(city.clerk).get(reverse("org:department_create")).status_code == 403


def test_post_turnover_keeps_seats(city):
    from datetime import date

    from yixie.org.services import post_holder_change
    from yixie.testing.factories import establish

    body = establish(city.city, name="市某领导小组", lead=city.fgw)
    post_holder_change(actor=None, post=city.mayor, person_name="张伟", started_on=date(2019, 1, 1))
    post_holder_change(actor=None, post=city.mayor, person_name="李明", started_on=date(2023, 2, 1))
    assert body.leader_seats.get().post == city.mayor
    assert city.mayor.holder_on(date(2020, 1, 1)).person_name == "张伟"
    assert city.mayor.holder_on(date(2024, 1, 1)).person_name == "李明"


def test_post_turnover_through_the_page(client_for, city):
    c = client_for(city.bianban)
    url = reverse("org:post_holder", args=[city.mayor.pk])
    r = c.post(url, {"person_name": "王强", "started_on": "2024年1月5日"})
    assert r.status_code == 302
    assert city.mayor.holdings.get().person_name == "王强"
    r = c.post(url, {"person_name": "赵六", "started_on": "2023-01-01"})
    assert r.status_code == 200 and "须晚于" in r.content.decode()
    r = c.post(url, {"person_name": "赵六", "started_on": "2024-02-30"})
    assert r.status_code == 200 and "日期" in r.content.decode()
    assert client_for(city.leader).post(url, {"person_name": "x", "started_on": "2025-01-01"}).status_code == 403
