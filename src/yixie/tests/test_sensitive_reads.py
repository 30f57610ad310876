"""Sensitive reads leave a journal entry: attachment downloads and ledger exports (issue 10, item 4)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yixie.core import audit
from yixie.core.models import AuditEntry
from yixie.ledger import services
from yixie.ledger.models import DocumentFile
from yixie.testing.factories import establish

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_download_is_journaled_with_who_what_and_where(client_for, city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    doc = services.document_create(actor=None, region=city.city, number="潍发〔2019〕1号", issuer="中共潍坊市委",
                                   issued_on=date(2019, 1, 1), title="通知")
    establish(city.city, name="市甲领导小组", lead=city.fgw, document=doc)
    c = client_for(city.bianban)
    c.post(reverse("ledger:document_upload", args=[doc.pk]), {"file": SimpleUploadedFile("设立通知.pdf", PDF)})
    f = DocumentFile.objects.get()
    r = c.get(reverse("ledger:document_file", args=[doc.pk, f.pk]), REMOTE_ADDR="10.3.3.3")
    assert b"".join(r.streaming_content) == PDF
    e = AuditEntry.objects.get(action=audit.DOWNLOAD)
    assert (e.actor, e.target_type, e.target_id, e.target_label, e.client_ip) == (
        city.bianban, "ledger.document", str(doc.pk), "潍发〔2019〕1号：设立通知.pdf", "10.3.3.3")
    # A refused download (out of scope) writes nothing.
    client_for(city.yj_clerk).get(reverse("ledger:document_file", args=[doc.pk, f.pk]))
    assert AuditEntry.objects.filter(action=audit.DOWNLOAD).count() == 1


def test_an_export_is_journaled_with_its_date_filter_and_size(client_for, city):
    establish(city.city, name="市甲领导小组", lead=city.fgw)
    establish(city.city, name="市乙领导小组", lead=city.gxj)
    c = client_for(city.bianban)
    r = c.get(reverse("ledger:export"), {"on": "2026-06-30", "q": "甲"}, REMOTE_ADDR="10.4.4.4")
    assert r.status_code == 200
    e = AuditEntry.objects.get(action=audit.EXPORT)
    assert e.actor == city.bianban and e.client_ip == "10.4.4.4"
    assert e.after["截至"] == "2026-06-30" and e.after["机构数"] == 1 and "q=" in e.after["筛选"]
