"""One way to write dates, times and people on every page: 2026年11月30日, China Standard Time, and a person's
name with their office — never a login name (issue 9, part 6)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse

from yixie.core.people import user_label
from yixie.ledger import services
from yixie.ledger.choices import EventKind
from yixie.testing.factories import establish


def render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_dates_are_written_the_chinese_way_without_a_load_tag():
    assert render("{{ d|date_zh }}", d=datetime.date(2026, 3, 5)) == "2026年3月5日"
    assert render("{{ d|date_zh }}", d=None) == ""
    assert render("{{ d|month_zh }}", d=datetime.date(2026, 3, 5)) == "2026年3月"


def test_times_are_shown_in_china_standard_time():
    # 23:30 UTC on 30 November is 07:30 on 1 December in Beijing.
    t = datetime.datetime(2026, 11, 30, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert render("{{ t|datetime_zh }}", t=t) == "2026年12月1日 07:30"
    assert render("{{ t|date_zh }}", t=t) == "2026年12月1日"


@pytest.mark.django_db
def test_a_person_is_named_with_their_office_not_their_login(city):
    u = city.bianban
    u.first_name, u.last_name = "敏", "王"
    u.save()
    assert user_label(u) == "王敏（潍坊市委编办）"
    clerk = city.clerk
    clerk.first_name = "赵丽"
    clerk.save()
    assert user_label(clerk) == "赵丽（市发展和改革委员会）"
    # The demo writes "<office> <name>" into the name: the office written there is used as it is.
    clerk.first_name = "市发展改革委 赵丽"
    assert user_label(clerk) == "赵丽（市发展改革委）"
    # No name recorded: the login, still with the office; no user at all: the system.
    assert user_label(city.zuzhibu) == "zuzhibu（潍坊市委组织部）"
    assert user_label(None) == "系统"


@pytest.mark.django_db
def test_body_page_logs_name_people_and_dates(client_for, city):
    u = city.bianban
    u.first_name, u.last_name = "敏", "王"
    u.save()
    body = establish(city.city, name="市安全生产委员会", lead=city.yjj, on=datetime.date(2015, 1, 1), actor=u)
    services.event_record(actor=u, body=body, kind=EventKind.RENAME, on=datetime.date(2020, 6, 1),
                          changes={"name": "市安全生产工作委员会"})
    html = client_for(u).get(reverse("ledger:body_detail", args=[body.pk])).content.decode()
    assert "登记人：王敏（潍坊市委编办）" in html
    assert "2020年6月1日" in html
    assert ">bianban<" not in html
