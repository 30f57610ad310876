"""Counts of bodies per department and per post mean bodies in force on the date shown, the page says so,
and the number's link shows the ledger on that same date (issue 9, part 3)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from yixie.ledger import services
from yixie.ledger.choices import EventKind
from yixie.testing.factories import establish

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(city):
    ended = establish(city.city, name="市爱国卫生运动委员会", lead=city.yjj, on=date(2010, 1, 1), deputies=[city.vice2])
    services.event_record(actor=None, body=ended, kind=EventKind.ABOLISH, on=date(2022, 9, 30))
    establish(city.city, name="市安全生产委员会", lead=city.yjj, on=date(2015, 1, 1), deputies=[city.vice2])
    return city


def _row(html: str, name: str) -> str:
    start = html.index(f"<td>{name}</td>")
    return html[start:html.index("</tr>", start)]


def test_department_counts_follow_the_date_and_link_to_that_date(client_for, history):
    c = client_for(history.bianban)
    url = reverse("org:department_list")
    today = c.get(url).content.decode()
    assert "在设立的机构" in today
    row = _row(today, "市应急管理局")
    assert f'lead={history.yjj.pk}">1</a>' in row, row
    past = c.get(url, {"on": "2020-01-01"}).content.decode()
    assert "截至2020年1月1日在设立的机构" in past
    row = _row(past, "市应急管理局")
    # Two bodies then, and the link opens the ledger as it was on that day, with those two bodies.
    assert f'lead={history.yjj.pk}&amp;on=2020-01-01">2</a>' in row, row
    ledger = c.get(reverse("ledger:body_list"), {"lead": history.yjj.pk, "on": "2020-01-01"}).content.decode()
    assert 'id="total">2<' in ledger and "牵头部门：市应急管理局" in ledger


def test_the_led_count_opens_only_the_bodies_led(client_for, history):
    # 市工业和信息化局 is a member of a body 市应急管理局 leads: it leads none, and its link shows none.
    establish(history.city, name="市化工园区安全工作专班", lead=history.gxj, members=[history.yjj],
              on=date(2021, 1, 1))
    c = client_for(history.bianban)
    row = _row(c.get(reverse("org:department_list")).content.decode(), "市应急管理局")
    assert f'lead={history.yjj.pk}">1</a>' in row, row
    ledger = c.get(reverse("ledger:body_list"), {"lead": history.yjj.pk}).content.decode()
    assert 'id="total">1<' in ledger and "市化工园区安全工作专班" not in ledger


def test_post_seats_follow_the_date(client_for, history):
    c = client_for(history.bianban)
    url = reverse("org:post_list")
    assert re.search(r"<td>1</td>", _row(c.get(url).content.decode(), "常务副市长"))
    past = c.get(url, {"on": "2020-01-01"}).content.decode()
    assert "截至2020年1月1日在设立的机构" in past
    assert re.search(r"<td>2</td>", _row(past, "常务副市长"))
    assert 'type="date"' in past
