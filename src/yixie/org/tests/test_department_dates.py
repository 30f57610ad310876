"""Departments carry the dates they were set up and ended; an end before the set-up is refused."""

from datetime import date

import pytest
from django.urls import reverse

from yixie.org import services
from yixie.org.models import Department

pytestmark = pytest.mark.django_db


def test_department_page_saves_and_lists_the_set_up_and_end_dates(client_for, city):
    c = client_for(city.bianban)
    r = c.post(reverse("org:department_create"), {
        "region": city.city.pk, "name": "市安全生产监督管理局", "kind": "government", "order": 60,
        "established_on": "2004年3月1日", "ended_on": "2019-01-10"})
    assert r.status_code == 302
    dept = Department.objects.get(name="市安全生产监督管理局")
    assert (dept.established_on, dept.ended_on) == (date(2004, 3, 1), date(2019, 1, 10))
    page = c.get(reverse("org:department_list"), {"region": city.city.pk}).content.decode()
    assert "设立日期" in page and "撤销日期" in page
    assert "2004年3月1日" in page and "2019年1月10日" in page


def test_end_before_set_up_is_refused_with_a_message_on_the_field(client_for, city):
    c = client_for(city.bianban)
    r = c.post(reverse("org:department_create"), {
        "region": city.city.pk, "name": "市医疗保障局", "kind": "government", "order": 60,
        "established_on": "2019-01-10", "ended_on": "2018-12-31"})
    assert r.status_code == 200
    assert "撤销日期2018年12月31日早于设立日期2019年1月10日" in r.content.decode()
    assert not Department.objects.filter(name="市医疗保障局").exists()


def test_service_refuses_end_before_set_up(city):
    with pytest.raises(services.OrgError) as exc:
        services.department_save(actor=city.bianban, department=city.yjj, region=city.city, name=city.yjj.name,
                                 kind="government", established_on=date(2019, 1, 10), ended_on=date(2019, 1, 9))
    assert exc.value.field == "ended_on"
    city.yjj.refresh_from_db()
    assert city.yjj.established_on is None


def test_exists_on():
    d = Department(name="市国土资源局", established_on=date(2010, 1, 1), ended_on=date(2019, 1, 10))
    assert not d.exists_on(date(2009, 12, 31))
    assert d.exists_on(date(2010, 1, 1)) and d.exists_on(date(2019, 1, 9))
    assert not d.exists_on(date(2019, 1, 10))
    assert Department(name="市委办公室").exists_on(date(1950, 1, 1))
