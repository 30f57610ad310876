"""A large export runs as a background job: a page to wait on, the file for who asked, a notification."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from yixie.core.models import Notification
from yixie.ledger.models import ExportJob
from yixie.testing.factories import establish

pytestmark = pytest.mark.django_db


@pytest.fixture
def bodies(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for i in range(3):
        establish(city.city, name=f"市测试{i}领导小组", lead=city.fgw, on=date(2019, 3, 1))
    establish(city.county, name="青州市测试领导小组", lead=city.qz_fgj, leader=city.qz_mayor, on=date(2019, 3, 1))


def _names(content: bytes) -> set[str]:
    wb = load_workbook(BytesIO(content), read_only=True)
    return {row[0] for ws in wb.worksheets for row in ws.iter_rows(min_row=2, values_only=True) if row and row[0]}


def test_a_small_export_is_answered_at_once(client_for, city, bodies, settings):
    settings.YIXIE_EXPORT_INLINE_MAX = 100
    r = client_for(city.bianban).get(reverse("ledger:export"))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not ExportJob.objects.exists()


def test_a_large_export_runs_as_a_job_through_the_same_scope_and_filter(client_for, city, bodies, settings):
    settings.YIXIE_EXPORT_INLINE_MAX = 0
    c = client_for(city.qz_bianban)
    r = c.get(reverse("ledger:export") + "?on=2020-01-01")
    job = ExportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("ledger:export_status", args=[job.pk])
    page = c.get(r["Location"]).content.decode()
    assert "已生成" in page and "下载 Excel 文件" in page
    download = c.get(r["Location"] + "?download=1")
    assert download.status_code == 200
    assert _names(b"".join(download.streaming_content)) == {"青州市测试领导小组"}  # the county's only
    assert Notification.objects.filter(recipient=city.qz_bianban, url=r["Location"]).count() == 1


def test_another_user_cannot_open_or_download_it(client_for, city, bodies, settings):
    settings.YIXIE_EXPORT_INLINE_MAX = 0
    r = client_for(city.bianban).get(reverse("ledger:export"))
    url = r["Location"]
    other = client_for(city.qz_bianban)
    assert other.get(url).status_code == 404
    assert other.get(url + "?download=1").status_code == 404
