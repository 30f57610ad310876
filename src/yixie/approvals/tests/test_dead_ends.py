"""Issue 9: no dead ends in joint approval. A duplicate name is refused when the draft is saved or
submitted; a high overlap warns the department, pre-answers 编办's checklist and needs a written reason to
approve over; every state that is not final has a way out for some role, on its page; the meeting and
publication dates follow the flow; the published application keeps the evidence of its submission and
hands its draft work rules to the body."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from yixie.approvals import selectors, services
from yixie.approvals.choices import CLOSED_STATUSES, OPEN_STATUSES, ApplicationKind, Decision, ReviewStep
from yixie.approvals.choices import ApplicationStatus as S
from yixie.approvals.models import Application
from yixie.approvals.services import ApprovalError
from yixie.core.dates import format_date_zh
from yixie.ledger.choices import BodyFileKind
from yixie.ledger.models import PolicyValue
from yixie.testing.factories import establish

from .conftest import ALL_YES, draft
from .test_flow import run_to

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DUTIES = "统筹推进全市预制菜产业发展，研究解决重大问题。"


# ---------------------------------------------------------------- a name in force is refused from the draft on

def test_a_name_in_force_is_refused_when_the_draft_is_saved(city):
    establish(city.city, name="市预制菜产业发展工作领导小组", lead=city.fgw, on=TODAY - timedelta(days=400))
    with pytest.raises(ApprovalError, match="已有同名机构“市预制菜产业发展工作领导小组”") as exc:
        draft(city)
    assert exc.value.field == "name"
    assert not Application.objects.exists()


def test_a_name_taken_after_the_draft_is_refused_when_it_is_submitted(city):
    app = draft(city)
    establish(city.city, name="市预制菜产业发展工作领导小组", lead=city.fgw, on=TODAY - timedelta(days=3))
    with pytest.raises(ApprovalError, match="同名"):
        services.submit(actor=city.hr, app=app)
    assert Application.objects.get(pk=app.pk).status == S.DRAFT


def test_a_rename_to_a_name_in_force_is_refused_and_the_own_name_is_not_a_clash(city):
    body = establish(city.city, name="市安全生产委员会", lead=city.yjj, members=[city.gxj], on=TODAY - timedelta(days=900))
    establish(city.city, name="市安全生产工作委员会", lead=city.yjj, on=TODAY - timedelta(days=800))
    state = body.events.get().state
    with pytest.raises(ApprovalError, match="同名"):
        services.application_save(actor=city.clerk, app=None, region=city.city, department=city.fgw,
                                  kind=ApplicationKind.ADJUST, body=body, reasons="理由",
                                  proposed={**state, "name": "市安全生产工作委员会"})
    app = services.application_save(actor=city.clerk, app=None, region=city.city, department=city.fgw,
                                    kind=ApplicationKind.ADJUST, body=body, reasons="理由",
                                    proposed={**state, "duties": state["duties"] + "新增职责。"})
    assert app.pk


def test_the_draft_form_shows_the_clash_on_the_name_field(city, client_for):
    establish(city.city, name="市预制菜产业发展工作领导小组", lead=city.fgw, on=TODAY - timedelta(days=400))
    data = {"name": "市预制菜产业发展工作领导小组", "category": "government", "form": "领导小组",
            "sequence": "government", "legal_ground": "local", "lead_department": city.fgw.pk,
            "office_department": city.nyj.pk, "duties": DUTIES, "leader": city.mayor.pk, "task_scope": "single",
            "members": [city.fgw.pk, city.nyj.pk], "reasons": "省级设有对口机构。"}
    r = client_for(city.clerk).post(reverse("approvals:new") + "?kind=establish", data)
    text = r.content.decode()
    assert r.status_code == 200 and "已有同名机构" in text
    assert not Application.objects.exists()


# ---------------------------------------------------------------- a high overlap

@pytest.fixture
def duplicate(city):
    """A body in force whose duties are those of the proposal: the engine scores it high."""
    return establish(city.city, name="市预制菜产业发展领导小组", lead=city.fgw, members=[city.fgw, city.nyj],
                     on=TODAY - timedelta(days=400), duties=DUTIES)


def _in_review(city, app):
    app = services.submit(actor=city.hr, app=app, overlaps=selectors.overlaps_for)
    return services.accept(actor=city.liangban, app=app)


def test_a_high_overlap_warns_the_department_before_it_submits(city, client_for, duplicate):
    app = draft(city)
    page = client_for(city.hr).get(reverse("approvals:detail", args=[app.pk])).content.decode()
    assert 'id="overlap-warning"' in page and "重复度较高" in page and "市预制菜产业发展领导小组" in page


def test_high_is_a_policy_value_a_region_may_set(city):
    app = draft(city)
    matches = [{"name": "市某某领导小组", "score": 0.7, "shared_terms": ["预制菜"]}]
    assert selectors.overlap_high(city.city) == 0.6
    assert selectors.high_overlaps(app, matches) == matches
    PolicyValue.objects.create(region=city.city, key="approvals.overlap.high", value=0.8, severity="warning",
                               source="本地规定")
    assert selectors.high_overlaps(app, matches) == []
    PolicyValue.objects.filter(region=city.city).update(value="八成")  # mistyped: the registered default
    assert selectors.overlap_high(city.city) == 0.6


def test_a_high_overlap_pre_answers_the_checklist_with_the_evidence(city, client_for, duplicate):
    app = _in_review(city, draft(city))
    high = selectors.high_overlaps(app)
    assert [m["name"] for m in high] == ["市预制菜产业发展领导小组"]
    page = client_for(city.bianban).get(reverse("approvals:detail", args=[app.pk])).content.decode()
    assert 'name="est-ck_proh_similar" value="yes"' in page
    checked = page.split('name="est-ck_proh_similar" value="yes"')[1].split(">")[0]
    assert "checked" in checked
    assert "与“市预制菜产业发展领导小组”综合相似度" in page and 'id="est-overlap"' in page


def test_approving_over_a_high_overlap_needs_a_written_reason(city, duplicate):
    app = _in_review(city, draft(city))
    with pytest.raises(ApprovalError, match="须在审核意见中写明理由") as exc:
        services.review(actor=city.bianban, app=app, step=ReviewStep.ESTABLISHMENT, decision=Decision.APPROVE,
                        checklist=ALL_YES)
    assert exc.value.field == "opinion"
    assert Application.objects.get(pk=app.pk).status == S.IN_REVIEW
    app = services.review(actor=city.bianban, app=app, step=ReviewStep.ESTABLISHMENT, decision=Decision.APPROVE,
                          checklist=ALL_YES, opinion="预制菜产业链招商与现有小组的产业规划职责不同，经研究确需单设。")
    assert app.reviews.get(step=ReviewStep.ESTABLISHMENT).opinion.startswith("预制菜产业链招商")


def test_without_a_high_overlap_approval_needs_no_reason(city):
    app = _in_review(city, draft(city))
    assert not selectors.high_overlaps(app)
    services.review(actor=city.bianban, app=app, step=ReviewStep.ESTABLISHMENT, decision=Decision.APPROVE,
                    checklist=ALL_YES)


# ---------------------------------------------------------------- every state that is not final has a way out

def _way_out(city, status, app):
    """For a state: the user, the form's URL on the page, and what it posts (a withdraw, return or refuse)."""
    detail = reverse("approvals:detail", args=[app.pk])
    review = lambda step: reverse("approvals:review", args=[app.pk, step])  # noqa: E731
    return {
        S.DRAFT: (city.clerk, reverse("approvals:withdraw", args=[app.pk]), {"reason": "不再申请"}),
        S.RETURNED: (city.clerk, reverse("approvals:withdraw", args=[app.pk]), {"reason": "不再申请"}),
        S.SUBMITTED: (city.liangban, reverse("approvals:accept", args=[app.pk]),
                      {"acc-decision": "return", "acc-opinion": "材料不全"}),
        S.IN_REVIEW: (city.bianban, review("establishment"),
                      {"est-decision": "return", "est-opinion": "请补充上级文件"}),
        S.REVIEWED: (city.liangban, review("deliberation"), {"delr-decision": "return", "delr-opinion": "上会前需补充"}),
        S.DECIDED: (city.liangban, review("publication"), {"pubr-decision": "refuse", "pubr-opinion": "与现有机构重名"}),
    }[status], detail


@pytest.mark.parametrize("status", sorted(OPEN_STATUSES))
def test_every_state_that_is_not_final_has_a_way_out_on_its_page(city, client_for, status):
    assert OPEN_STATUSES | CLOSED_STATUSES == set(S.values)
    app = run_to(city, draft(city), status)
    assert app.status == status
    (user, url, data), detail = _way_out(city, status, app)
    c = client_for(user)
    page = c.get(detail).content.decode()
    assert f'action="{url}"' in page, f"no way out of {status} for {user.username}"
    c.post(url, data)
    moved = Application.objects.get(pk=app.pk).status
    assert moved != status and moved in (S.RETURNED, S.REFUSED, S.WITHDRAWN)


def test_a_publication_refused_by_the_ledger_can_be_returned(city, client_for):
    app = run_to(city, draft(city), S.DECIDED)
    establish(city.city, name="市预制菜产业发展工作领导小组", lead=city.fgw, on=TODAY - timedelta(days=30))
    with pytest.raises(ApprovalError, match="同名"):
        services.publish(actor=city.liangban, app=app, number=f"潍政字〔{TODAY.year}〕12号", issued_on=TODAY,
                         title="通知")
    app = services.review(actor=city.liangban, app=app, step=ReviewStep.PUBLICATION, decision=Decision.RETURN,
                          opinion="已有同名机构，请改名后重新提交。")
    assert app.status == S.RETURNED and "同名" in app.last_reason


# ---------------------------------------------------------------- the dates follow the flow

def _accepted_days_ago(app, days):
    review = app.reviews.get(step=ReviewStep.ACCEPTANCE, round=app.round)
    review.decided_at = timezone.now() - timedelta(days=days)
    review.save(update_fields=["decided_at"])


def test_the_meeting_cannot_be_before_acceptance_nor_after_today(city):
    app = run_to(city, draft(city), S.REVIEWED)
    _accepted_days_ago(app, 10)
    accepted = TODAY - timedelta(days=10)
    for held_on, words in ((accepted - timedelta(days=1), f"早于两办受理此申请的日期{format_date_zh(accepted)}"),
                           (TODAY + timedelta(days=1), "不能晚于今天")):
        with pytest.raises(ApprovalError, match=words) as exc:
            services.deliberate(actor=city.liangban, app=app, held_on=held_on, session="第1次", agenda_item="议题",
                                approved=True)
        assert exc.value.field == "held_on"
    app = services.deliberate(actor=city.liangban, app=app, held_on=accepted, session="第1次", agenda_item="议题",
                              approved=True)
    assert app.status == S.DECIDED


def test_the_publication_cannot_be_before_the_meeting(city, client_for):
    app = run_to(city, draft(city), S.REVIEWED)
    _accepted_days_ago(app, 10)
    met = TODAY - timedelta(days=5)
    app = services.deliberate(actor=city.liangban, app=app, held_on=met, session="第1次", agenda_item="议题",
                              approved=True)
    r = client_for(city.liangban).post(reverse("approvals:publish", args=[app.pk]), {
        "number": f"潍政字〔{TODAY.year}〕12号", "issued_on": (met - timedelta(days=1)).isoformat(), "title": "通知"},
        follow=True)
    assert f"早于会议研究日期{format_date_zh(met)}" in r.content.decode()
    assert Application.objects.get(pk=app.pk).status == S.DECIDED
    app = services.publish(actor=city.liangban, app=app, number=f"潍政字〔{TODAY.year}〕12号", issued_on=met,
                           title="通知")
    assert app.status == S.PUBLISHED


# ---------------------------------------------------------------- the published application

def test_the_published_page_shows_the_evidence_stored_at_submission(city, client_for, duplicate):
    app = draft(city)
    app = services.submit(actor=city.hr, app=app, overlaps=selectors.overlaps_for)
    assert app.overlap_snapshot and app.load_snapshot["rows"]
    stored = [(m["name"], m["score"]) for m in app.overlap_snapshot]
    app = run_to_published(city, app)
    app.refresh_from_db()
    assert [(m["name"], m["score"]) for m in app.overlap_snapshot] == stored
    page = client_for(city.bianban).get(reverse("approvals:detail", args=[app.pk])).content.decode()
    overlaps = page.split('id="overlaps"')[1].split('id="progress"')[0]
    assert 'id="overlaps-stored"' in overlaps and "市预制菜产业发展领导小组" in overlaps
    # Never the body it created (a fresh comparison would find it at 100%).
    assert reverse("ledger:body_detail", args=[app.result_body_id]) not in overlaps
    load = page.split('id="leader-load"')[1]
    assert "市长" in load and "提交时" in load


def run_to_published(city, app):
    app = services.accept(actor=city.liangban, app=app)
    app = services.review(actor=city.bianban, app=app, step=ReviewStep.ESTABLISHMENT, decision=Decision.APPROVE,
                          checklist=ALL_YES, opinion="经核实职责不同，确需设立。")
    app = services.review(actor=city.zuzhibu, app=app, step=ReviewStep.PERSONNEL, decision=Decision.APPROVE)
    app = services.deliberate(actor=city.liangban, app=app, held_on=TODAY, session="第1次", agenda_item="议题",
                              approved=True)
    return services.publish(actor=city.liangban, app=app, number=f"潍政字〔{TODAY.year}〕12号", issued_on=TODAY,
                            title="关于成立市预制菜产业发展工作领导小组的通知")


def test_the_trail_writes_dates_in_chinese(city, client_for):
    app = run_to(city, draft(city), S.PUBLISHED)
    page = client_for(city.liangban).get(reverse("approvals:detail", args=[app.pk])).content.decode()
    progress = page.split('id="progress"')[1]
    assert f"{format_date_zh(TODAY)}" in progress and f"（{format_date_zh(TODAY)}）" in progress
    assert f"{TODAY:%m-%d} " not in progress and TODAY.isoformat() not in progress


# ---------------------------------------------------------------- the work rules travel with the body

def test_the_draft_work_rules_are_kept_with_the_body_and_its_document(city, client_for):
    app = run_to(city, draft(city), S.PUBLISHED)
    files = list(app.result_body.files.all())
    assert len(files) == 1
    f = files[0]
    assert f.kind == BodyFileKind.WORK_RULES_DRAFT and f.original_name == "工作规则.pdf"
    assert f.document == app.document and f.source_label == app.number and f.filed_on == TODAY
    c = client_for(city.bianban)
    page = c.get(reverse("ledger:body_detail", args=[app.result_body_id])).content.decode()
    rules = page.split('id="work-rules"')[1].split("</tr>")[0]
    url = reverse("ledger:body_file", args=[app.result_body_id, f.pk])
    assert url in rules and "工作规则.pdf" in rules and app.document.number in rules
    r = c.get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")


def test_filing_the_work_rules_keeps_the_file(city, client_for, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = establish(city.city, name="市某某工作领导小组", lead=city.fgw, on=TODAY - timedelta(days=20))
    c = client_for(city.bianban)
    r = c.post(reverse("ledger:body_work_rules", args=[body.pk]), {
        "filed_on": TODAY.isoformat(), "file": SimpleUploadedFile("市某某工作领导小组工作规则.pdf", b"%PDF-1.4\n%%EOF\n")})
    assert r.status_code == 302
    body.refresh_from_db()
    assert body.work_rules_filed_on == TODAY
    f = body.files.get()
    assert f.kind == BodyFileKind.WORK_RULES and f.uploaded_by == city.bianban
    page = c.get(reverse("ledger:body_detail", args=[body.pk])).content.decode()
    assert "市某某工作领导小组工作规则.pdf" in page
    r = c.post(reverse("ledger:body_work_rules", args=[body.pk]), {
        "filed_on": TODAY.isoformat(), "file": SimpleUploadedFile("规则.pdf", b"not a pdf")})
    assert r.status_code == 200 and "不是有效的PDF文件" in r.content.decode()
    assert body.files.count() == 1


def test_an_other_users_scope_does_not_reach_a_body_file(city, client_for):
    app = run_to(city, draft(city), S.PUBLISHED)
    f = app.result_body.files.get()
    other_body = establish(city.county, name="青州市某某领导小组", lead=city.qz_fgj, on=TODAY - timedelta(days=5))
    r = client_for(city.qz_clerk).get(reverse("ledger:body_file", args=[other_body.pk, f.pk]))
    assert r.status_code == 404
