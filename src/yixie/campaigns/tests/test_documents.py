"""The published list and the adjustment opinion as 公文 (Word and PDF), made by the job from the campaign."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document as Docx

from yixie.campaigns import documents, services
from yixie.campaigns.choices import FileKind, Meeting
from yixie.campaigns.models import CampaignFile

from .test_services import _to_deliberation, publish, world  # noqa: F401


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _text(docx_bytes: bytes) -> str:
    d = Docx(io.BytesIO(docx_bytes))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.append("|".join(c.text for c in row.cells))
    return "\n".join(parts)


def test_list_and_opinion_are_generated_as_word_and_pdf(world):  # noqa: F811
    import pypdfium2

    c = world
    campaign = _to_deliberation(c)
    documents.generate(campaign.pk, documents.OPINION_KINDS)
    opinion = CampaignFile.objects.get(campaign=campaign, kind=FileKind.OPINION_DOCX)
    assert opinion.status == "done"
    text = _text(opinion.file.read())
    assert "调整规范意见" in text and "市乙领导小组" in text and "撤销" in text
    # the list cannot be made before publication
    documents.generate(campaign.pk, documents.LIST_KINDS)
    assert CampaignFile.objects.get(campaign=campaign, kind=FileKind.LIST_DOCX).error == "清单尚未发文公布。"
    for m in (Meeting.PARTY, Meeting.GOVERNMENT):
        services.deliberation_record(actor=c.liangban, campaign=campaign, meeting=m, held_on=date(2022, 9, 20))
    campaign = publish(c, campaign)
    documents.generate(campaign.pk, documents.LIST_KINDS)
    docx = CampaignFile.objects.get(campaign=campaign, kind=FileKind.LIST_DOCX)
    text = _text(docx.file.read()).replace("\n", "")
    assert "潍办发〔2022〕30号" in text and "关于公布市级议事协调机构调整规范结果的通知" in text
    assert "保留的政府议事协调机构" in text and "市甲委员会" in text  # the renamed one under its new name
    assert "撤销、合并" in text and "市乙领导小组" in text
    assert "调整规范前，市级党委、政府议事协调机构共4个；调整规范后保留2个" in text
    pdf = CampaignFile.objects.get(campaign=campaign, kind=FileKind.LIST_PDF)
    assert pdf.status == "done"
    doc = pypdfium2.PdfDocument(pdf.file.read())
    pdf_text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    doc.close()
    assert "市甲委员会" in pdf_text.replace("\r", "").replace("\n", "")
    assert documents.filename(campaign, FileKind.LIST_PDF).endswith("公布清单.pdf")
