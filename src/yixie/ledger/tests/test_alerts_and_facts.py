"""What the ledger registers for other floors: expiry alerts (J7) and in-force counts on the org pages."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from yixie.core.models import Notification
from yixie.core.notifications import run_alerts
from yixie.ledger import selectors, services
from yixie.ledger.choices import EventKind
from yixie.testing.factories import establish

pytestmark = pytest.mark.django_db


def temporary(city, name, ends_on, office=None):
    return establish(city.city, name=name, lead=city.fgw, office=office or city.yjj, on=date(2023, 1, 1),
                     is_temporary=True, ends_on=ends_on, end_condition="任务完成后撤销")


def test_expiry_is_told_at_90_60_30_days_and_on_the_day(city):
    today = date(2026, 6, 1)
    for days in (90, 60, 30, 0):
        temporary(city, f"市甲{days}指挥部", today + timedelta(days=days))
    far = temporary(city, "市远期指挥部", today + timedelta(days=91))
    alerts = list(selectors.expiry_alerts(today))
    names = sorted(a.title for a in alerts)
    assert len(alerts) == 4 and not any(far.name in n for n in names)
    assert any("今天到期" in n for n in names)
    for a in alerts:  # the office host department's clerk and the city's 编办, not the lead's clerk
        assert city.yj_clerk.pk in a.recipients and city.bianban.pk in a.recipients
        assert city.clerk.pk not in a.recipients and city.qz_bianban.pk not in a.recipients


def test_the_daily_job_tells_once_per_stage(city):
    body = temporary(city, "市运动会筹备工作指挥部", date(2026, 6, 1) + timedelta(days=60))
    run_alerts(date(2026, 6, 1))
    run_alerts(date(2026, 6, 2))  # 59 days: still the 60-day stage, told already
    assert Notification.objects.filter(recipient=city.yj_clerk, url__endswith=f"/{body.pk}/").count() == 1
    run_alerts(date(2026, 7, 2))  # 29 days: the 30-day stage
    assert Notification.objects.filter(recipient=city.yj_clerk, url__endswith=f"/{body.pk}/").count() == 2


def test_department_counts_are_of_bodies_in_force_on_the_date(client_for, city):
    a = establish(city.city, name="市甲领导小组", lead=city.fgw, members=[city.gxj], on=date(2019, 3, 1))
    establish(city.city, name="市乙领导小组", lead=city.fgw, members=[city.gxj], on=date(2019, 3, 1))
    services.event_record(actor=city.bianban, body=a, kind=EventKind.ABOLISH, on=date(2022, 5, 1))
    assert selectors.bodies_led_by_departments([city.fgw.pk, city.gxj.pk]) == {city.fgw.pk: 1}
    assert selectors.bodies_joined_by_departments([city.gxj.pk]) == {city.gxj.pk: 1}
    assert selectors.bodies_led_by_departments([city.fgw.pk], date(2021, 1, 1)) == {city.fgw.pk: 2}
    page = client_for(city.bianban).get(reverse("org:department_list") + "?on=2021-01-01").content.decode()
    assert "牵头机构数（在设立）" in page and "截至2021年1月1日" in page
    bad = client_for(city.bianban).get(reverse("org:department_list") + "?on=2021-13-45")
    assert bad.status_code == 200 and "无法识别" in bad.content.decode()
