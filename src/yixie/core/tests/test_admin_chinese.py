"""The admin speaks Chinese throughout, third-party apps included, and shows times in China Standard Time."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin

from yixie.core.models import AuditEntry

pytestmark = pytest.mark.django_db

# Words a clerk must not meet in the admin (what django-axes, django-q2 and Django's newer admin strings
# showed before they were translated).
ENGLISH = re.compile(r"Access attempts|Access logs|Access failures|Axes|Model name|Add link|Attempt Time|"
                     r"IP Address|User Agent|Cluster|Function|Locked Out|Time Taken")


def _visible_text(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_admin_index_and_every_list_page_speak_chinese(client_for, city):
    c = client_for(city.admin)
    index = c.get("/admin/").content.decode()
    assert "登录保护" in index and "登录尝试" in index
    assert not ENGLISH.search(_visible_text(index)), ENGLISH.findall(_visible_text(index))
    for model in admin.site._registry:
        opts = model._meta
        assert re.search(r"[\u4e00-\u9fff]", str(opts.verbose_name_plural)), opts.label
        r = c.get(f"/admin/{opts.app_label}/{opts.model_name}/")
        assert r.status_code == 200, opts.label
        found = ENGLISH.findall(_visible_text(r.content.decode()))
        assert not found, (opts.label, found)


def test_admin_shows_times_in_china_standard_time_and_people_by_name(client_for, city):
    city.bianban.first_name = "市委编办 王敏"
    city.bianban.save()
    # 23:30 UTC on 30 November 2026 is 07:30 on 1 December in Beijing. (Written with its time: the journal
    # refuses UPDATE.)
    entry = AuditEntry.objects.create(actor=city.bianban, action="body.establish", target_type="ledger.body",
                                      target_id="1", target_label="市安全生产委员会",
                                      at=datetime.datetime(2026, 11, 30, 23, 30, tzinfo=ZoneInfo("UTC")))
    entry.refresh_from_db()
    html = client_for(city.admin).get("/admin/core/auditentry/").content.decode()
    assert "2026年12月1日 07:30" in html
    assert "王敏（市委编办）" in html
    assert str(entry).startswith("2026年12月1日 07:30")
