"""The notification centre: once per key and user, only one's own, marked read, counted in the navigation."""

import pytest
from django.urls import reverse

from yixie.core import notifications
from yixie.core.models import Notification
from yixie.core.registry import ALERT_SOURCES, Alert, AlertSource, register_alert_source

pytestmark = pytest.mark.django_db


def test_a_user_is_told_once_per_key(city):
    assert notifications.notify(recipients=[city.bianban.pk, city.clerk.pk], source="t", key="k1", title="甲") == 2
    assert notifications.notify(recipients=[city.bianban.pk, city.clerk.pk, city.hr.pk], source="t", key="k1",
                                title="甲") == 1
    assert Notification.objects.filter(key="k1").count() == 3


def test_unread_count_is_shown_and_marking_read_only_touches_ones_own(client_for, city):
    notifications.notify(recipients=[city.bianban.pk], source="t", key="a", title="临时机构即将到期", url="/ledger/")
    notifications.notify(recipients=[city.clerk.pk], source="t", key="b", title="别人的通知")
    theirs = Notification.objects.get(recipient=city.clerk)
    c = client_for(city.bianban)
    page = c.get(reverse("core:notifications")).content.decode()
    assert "临时机构即将到期" in page and "别人的通知" not in page
    assert 'id="nav-unread">1<' in c.get("/").content.decode()
    c.post(reverse("core:notifications"), {"id": [str(theirs.pk)]})
    theirs.refresh_from_db()
    assert theirs.read_at is None  # another user's notification is never touched
    c.post(reverse("core:notifications"), {})
    assert notifications.unread_count(city.bianban) == 0
    assert 'id="nav-unread"' not in c.get("/").content.decode()


def test_nonsense_ids_get_a_chinese_message(client_for, city):
    r = client_for(city.bianban).post(reverse("core:notifications"), {"id": ["abc"]}, follow=True)
    assert r.status_code == 200 and "编号无效" in r.content.decode()


def test_the_daily_alerts_run_every_registered_source_once_per_key(city):
    def collect(on):
        yield Alert(key=f"demo:{on}", title="演示提醒", url="/", recipients=(city.bianban.pk,))

    before = list(ALERT_SOURCES)
    register_alert_source(AlertSource("demo", "演示", collect))
    try:
        first = notifications.run_alerts()
        again = notifications.run_alerts()
    finally:
        ALERT_SOURCES[:] = before
    assert first["demo"] == 1 and again["demo"] == 0
    assert Notification.objects.filter(recipient=city.bianban, source="demo").count() == 1
