"""The ledger's status filter: the default is the bodies in force (在设立), shown selected; 全部状态 is a
real choice that adds the ended bodies; the export follows the same filter (issue 9, part 4)."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from yixie.ledger import services
from yixie.ledger.choices import EventKind
from yixie.testing.factories import establish

pytestmark = pytest.mark.django_db


@pytest.fixture
def bodies(city):
    ended = establish(city.city, name="市爱国卫生运动委员会", lead=city.yjj, on=date(2010, 1, 1))
    services.event_record(actor=None, body=ended, kind=EventKind.ABOLISH, on=date(2022, 9, 30))
    establish(city.city, name="市安全生产委员会", lead=city.yjj, on=date(2015, 1, 1))
    return city


def _status_select(html: str) -> str:
    start = html.index('name="status"')
    return html[start:html.index("</select>", start)]


def test_default_view_shows_bodies_in_force_with_the_choice_visible(client_for, bodies):
    c = client_for(bodies.bianban)
    html = c.get(reverse("ledger:body_list")).content.decode()
    assert "市安全生产委员会" in html and "市爱国卫生运动委员会" not in html
    select = _status_select(html)
    assert '<option value="active" selected>在设立</option>' in select
    assert '<option value="all">全部状态</option>' in select
    assert "在设立的机构" in html
    # A URL with other filters but no status means the same: in force, and the page says so.
    html = c.get(reverse("ledger:body_list"), {"q": "委员会"}).content.decode()
    assert "市爱国卫生运动委员会" not in html
    assert '<option value="active" selected>在设立</option>' in _status_select(html)


def test_all_statuses_include_ended_bodies(client_for, bodies):
    c = client_for(bodies.bianban)
    html = c.get(reverse("ledger:body_list"), {"status": "all"}).content.decode()
    assert "市安全生产委员会" in html and "市爱国卫生运动委员会" in html
    assert '<option value="all" selected>全部状态</option>' in _status_select(html)
    assert 'id="total">2<' in html
    # Category tabs keep the chosen status.
    assert "status=all" in html
    # On a date before the abolition, the body was in force, so the default shows it.
    html = c.get(reverse("ledger:body_list"), {"on": "2020-01-01"}).content.decode()
    assert "市爱国卫生运动委员会" in html


def test_export_follows_the_status_filter(client_for, bodies):
    c = client_for(bodies.bianban)

    def names(params):
        r = c.get(reverse("ledger:export"), params)
        assert r.status_code == 200
        book = load_workbook(BytesIO(b"".join(r.streaming_content)))
        return {cell for ws in book.worksheets for row in ws.iter_rows(values_only=True) for cell in row
                if isinstance(cell, str)}

    assert "市爱国卫生运动委员会" not in names({})
    assert "市爱国卫生运动委员会" not in names({"q": "委员会"})
    everything = names({"status": "all"})
    assert {"市爱国卫生运动委员会", "市安全生产委员会"} <= everything
