"""The proposal intake: a capability raises a proposal; the lead department drafts an application from it,
which takes the proposal in; nobody outside the scope sees or takes it."""

from datetime import date

import pytest
from django.urls import reverse

from yixie.core import proposals
from yixie.core.errors import DomainError
from yixie.core.models import Proposal, ProposalStatus
from yixie.testing.factories import establish

pytestmark = pytest.mark.django_db


@pytest.fixture
def raised(city):
    body = establish(city.city, name="市甲领导小组", lead=city.fgw, members=[city.gxj], on=date(2019, 3, 1))
    p = proposals.proposal_raise(kind="abolish", region_id=city.city.pk, body_id=body.pk, body_label=body.name,
                                 reason="连续两年未召开会议，工作任务已完成。", source="评价", source_ref="2024:1")
    return body, p


def test_raising_the_same_proposal_twice_keeps_one_open(city, raised):
    body, p = raised
    again = proposals.proposal_raise(kind="abolish", region_id=city.city.pk, body_id=body.pk, reason="再次",
                                     source="评价", source_ref="2024:1")
    assert again.pk == p.pk and Proposal.objects.count() == 1


def test_a_proposal_needs_a_reason(city):
    with pytest.raises(DomainError, match="理由"):
        proposals.proposal_raise(kind="abolish", region_id=city.city.pk, reason="  ", source="评价")


def test_the_lead_department_drafts_an_application_from_it(client_for, city, raised):
    body, p = raised
    c = client_for(city.clerk)
    listing = c.get(reverse("approvals:proposals")).content.decode()
    assert "市甲领导小组" in listing and "据此起草申请" in listing
    url = f"{reverse('approvals:new')}?kind=abolish&body={body.pk}&proposal={p.pk}"
    form = c.get(url).content.decode()
    assert "连续两年未召开会议" in form  # the reason is carried into the application
    assert c.get("/").content.decode().count("待处理的调整建议") == 1  # a to-do source on the home page


def test_taking_it_in_marks_it_taken_once(city, raised):
    from yixie.approvals import services

    body, p = raised
    app = services.application_save(actor=city.clerk, app=None, region=city.city, department=city.fgw,
                                     kind="abolish", body=body, reasons=p.reason, proposed={}, proposal=p)
    p.refresh_from_db()
    assert p.status == ProposalStatus.TAKEN and p.taken_ref == f"application:{app.pk}"
    with pytest.raises(services.ApprovalError, match="不能重复处理"):
        services.application_save(actor=city.clerk, app=None, region=city.city, department=city.fgw,
                                  kind="abolish", body=body, reasons=p.reason, proposed={}, proposal=p)


def test_other_departments_and_counties_neither_see_nor_take_it(client_for, city, raised):
    body, p = raised
    for user in (city.gx_clerk, city.qz_clerk, city.qz_bianban):
        c = client_for(user)
        assert "市甲领导小组" not in c.get(reverse("approvals:proposals")).content.decode()
    r = client_for(city.gx_clerk).get(f"{reverse('approvals:new')}?kind=abolish&body={body.pk}&proposal={p.pk}",
                                      follow=True)
    assert "不能据此起草申请" in r.content.decode()
    p.refresh_from_db()
    assert p.status == ProposalStatus.OPEN


def test_dismissing_needs_a_reason_and_is_final(city, raised):
    _body, p = raised
    with pytest.raises(DomainError, match="理由"):
        proposals.proposal_dismiss(proposal=p, actor=city.bianban, note="")
    proposals.proposal_dismiss(proposal=p, actor=city.bianban, note="仍在发挥作用")
    with pytest.raises(DomainError):
        proposals.proposal_dismiss(proposal=p, actor=city.bianban, note="再次")
