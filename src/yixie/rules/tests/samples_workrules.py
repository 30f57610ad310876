"""Work rules test data: a body hosted by 市发展和改革委员会 (fagaiwei / fagaiwei_hr) with two member units, its
work rules at each step, the files, and the URL samples for the walker and the generated page tests."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from yixie.rules import services
from yixie.rules.services import TaskRow
from yixie.testing.factories import establish

SETUP = date(2019, 3, 1)


def pdf_file(name: str = "工作规则.pdf") -> SimpleUploadedFile:
    body = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types '
                    'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        zf.writestr("word/document.xml", '<?xml version="1.0"?><w:document '
                    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>')
    return buf.getvalue()


def docx_file(name: str = "工作规则.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, docx_bytes())


def a_body(world, i: int = 0, *, name: str | None = None):
    return establish(world.city, name=name or f"市工作规则样例{i}号领导小组", lead=world.fgw,
                     members=[world.gxj, world.nyj], on=SETUP)


def a_draft(world, i: int = 0, *, body=None):
    return services.draft_create(actor=None, body=body or a_body(world, i))


def complete(world, wr, *, uploaded=True):
    """Fill a draft so it may be submitted: one task led by the lead, assisted by a member; duties for both."""
    return services.draft_save(
        actor=None, work_rules=wr, expected_version=wr.version,
        texts={"full_meeting": "原则上每年召开1次", "office_meeting": "原则上每季度召开1次", "office_duties": "承担日常工作"},
        tasks=[TaskRow("统筹推进有关工作", [world.fgw.pk], [world.gxj.pk])],
        member_duties={world.gxj.pk: "负责工业领域有关工作", world.nyj.pk: "负责农业农村领域有关工作"},
        uploaded=pdf_file() if uploaded else None)


def a_submitted(world, i: int = 0, *, body=None):
    wr = complete(world, a_draft(world, i, body=body))
    return services.submit(actor=None, work_rules=wr, expected_version=wr.version)


def a_filed(world, i: int = 0, *, body=None, on: date = date(2019, 3, 20)):
    wr = a_submitted(world, i, body=body)
    return services.file_rules(actor=None, work_rules=wr, expected_version=wr.version, on=on)


def url_samples(world):
    body = a_body(world, 900, name="市工作规则走查领导小组")
    filed = a_filed(world, body=body)
    revision = services.draft_create(actor=None, body=body, revision_reason="走查修订")
    one = {"pk": filed.pk}
    return {
        "rules:workrules_body": {"pk": body.pk},
        "rules:workrules_new": {"pk": body.pk},
        "rules:workrules_detail": one,
        "rules:workrules_file": one,
        "rules:workrules_review": one,
        "rules:workrules_edit": {"pk": revision.pk},
        "rules:workrules_submit": {"pk": revision.pk},
        "rules:department_duties": {"pk": world.fgw.pk},
    }
