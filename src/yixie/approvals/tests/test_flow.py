"""Joint approval end to end at the service level, and every transition from every state."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from yixie.approvals import selectors, services
from yixie.approvals.choices import ApplicationKind, Decision, ReviewStep
from yixie.approvals.choices import ApplicationStatus as S
from yixie.approvals.models import Application, Review
from yixie.approvals.services import ApprovalError
from yixie.ledger import selectors as ledger_selectors
from yixie.ledger.models import Body
from yixie.testing.factories import establish

from .conftest import ALL_YES, draft, proposal

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def run_to(city, app, status):
    """Drive an application through the real services up to `status`."""
    if status == S.DRAFT:
        return app
    if status == S.WITHDRAWN:
        return services.withdraw(actor=city.clerk, app=app)
    app = services.submit(actor=city.hr, app=app)
    if status == S.SUBMITTED:
        return app
    if status == S.RETURNED:
        return services.review(actor=city.liangban, app=app, step=ReviewStep.ACCEPTANCE, decision=Decision.RETURN,
                               opinion="材料不全")
    if status == S.REFUSED:
        return services.review(actor=city.liangban, app=app, step=ReviewStep.ACCEPTANCE, decision=Decision.REFUSE,
                               opinion="不符合")
    app = services.accept(actor=city.liangban, app=app)
    if status == S.IN_REVIEW:
        return app
    app = services.review(actor=city.bianban, app=app, step=ReviewStep.ESTABLISHMENT, decision=Decision.APPROVE,
                          checklist=ALL_YES)
    if app.status == S.IN_REVIEW:
        app = services.review(actor=city.zuzhibu, app=app, step=ReviewStep.PERSONNEL, decision=Decision.APPROVE)
    if status == S.REVIEWED:
        return app
    app = services.deliberate(actor=city.liangban, app=app, held_on=timezone.localdate(), session="第12次",
                              agenda_item="研究设立市预制菜产业发展工作领导小组", approved=True)
    if status == S.DECIDED:
        return app
    return services.publish(actor=city.liangban, app=app, number=f"潍政字〔{TODAY.year}〕12号", issuer="潍坊市人民政府",
                            issued_on=TODAY, title="关于成立市预制菜产业发展工作领导小组的通知")


def act(city, name):
    return {
        "submit": lambda a: services.submit(actor=city.hr, app=a),
        "withdraw": lambda a: services.withdraw(actor=city.clerk, app=a),
        "accept": lambda a: services.accept(actor=city.liangban, app=a),
        "return_at_acceptance": lambda a: services.review(actor=city.liangban, app=a, step=ReviewStep.ACCEPTANCE,
                                                          decision=Decision.RETURN, opinion="补充材料"),
        "establishment_approve": lambda a: services.review(actor=city.bianban, app=a, step=ReviewStep.ESTABLISHMENT,
                                                           decision=Decision.APPROVE, checklist=ALL_YES),
        "personnel_refuse": lambda a: services.review(actor=city.zuzhibu, app=a, step=ReviewStep.PERSONNEL,
                                                      decision=Decision.REFUSE, opinion="职级不符"),
        "deliberate": lambda a: services.deliberate(actor=city.liangban, app=a, held_on=timezone.localdate(),
                                                    session="第1次", agenda_item="议题", approved=True),
        "publish": lambda a: services.publish(actor=city.liangban, app=a, number=f"潍政字〔{TODAY.year}〕99号",
                                              issuer="潍坊市人民政府", issued_on=TODAY, title="通知"),
    }[name]


ALLOWED = {
    "submit": {S.DRAFT, S.RETURNED},
    "withdraw": {S.DRAFT, S.SUBMITTED, S.RETURNED},
    "accept": {S.SUBMITTED},
    "return_at_acceptance": {S.SUBMITTED},
    "establishment_approve": {S.IN_REVIEW},
    "personnel_refuse": {S.IN_REVIEW},
    "deliberate": {S.REVIEWED},
    "publish": {S.DECIDED},
}
STATES = [S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.REVIEWED, S.DECIDED, S.PUBLISHED, S.RETURNED, S.REFUSED, S.WITHDRAWN]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_every_transition_from_every_state(city, state, action):
    app = run_to(city, draft(city), state)
    assert app.status == state
    logged = app.log.count()
    if state in ALLOWED[action]:
        act(city, action)(app)
        assert app.log.count() == logged + 1  # the step is recorded (the state moves, or waits for 组织部)
    else:
        with pytest.raises(ApprovalError) as exc:
            act(city, action)(app)
        assert exc.value.message
        assert Application.objects.get(pk=app.pk).status == state
        assert app.log.count() == logged


def test_journey_publication_writes_the_ledger_in_the_same_transaction(city):
    app = run_to(city, draft(city), S.PUBLISHED)
    body = app.result_body
    assert body.name == "市预制菜产业发展工作领导小组" and body.established_on == TODAY
    event = body.events.get()
    assert event.source_url == f"/approvals/{app.pk}/" and event.document.number == f"潍政字〔{TODAY.year}〕12号"
    assert body.work_rules_due_on == TODAY + timedelta(days=30)
    names = lambda on: set(ledger_selectors.bodies_as_of(region=city.city, on=on).values_list("name", flat=True))  # noqa
    assert body.name in names(TODAY) and body.name not in names(TODAY - timedelta(days=1))
    steps = list(app.reviews.order_by("id").values_list("step", "decision"))
    assert steps == [("acceptance", "approve"), ("establishment", "approve"), ("personnel", "approve"),
                     ("deliberation", "approve"), ("publication", "approve")]
    assert app.reviews.get(step="deliberation").details["meeting_label"] == "市政府常务会议"


def test_personnel_review_only_where_leader_posts_are_involved(city):
    body = establish(city.city, name="市某联席会议", lead=city.fgw, leader=None, category="joint", form="联席会议",
                     members=[city.gxj])
    app = draft(city, kind=ApplicationKind.RENAME, body=body,
                proposed={**body.events.get().state, "name": "市某某联席会议"}, with_rules=False)
    app = run_to(city, app, S.IN_REVIEW)
    assert not app.involves_personnel
    assert set(app.reviews.filter(decision="").values_list("step", flat=True)) == {"establishment"}
    app = services.review(actor=city.bianban, app=app, step=ReviewStep.ESTABLISHMENT, decision=Decision.APPROVE,
                          checklist=ALL_YES)
    assert app.status == S.REVIEWED


def test_returned_application_is_revised_and_resubmitted(city):
    app = run_to(city, draft(city), S.IN_REVIEW)
    app = services.review(actor=city.bianban, app=app, step=ReviewStep.ESTABLISHMENT, decision=Decision.RETURN,
                          opinion="职责与市食品产业发展领导小组相近，请说明区别")
    assert app.status == S.RETURNED and "相近" in app.last_reason
    assert Review.objects.get(application=app, step="personnel").cancelled
    app = services.application_save(actor=city.clerk, app=app, region=city.city, department=city.fgw,
                                    kind=app.kind, body=None, reasons=app.reasons + "已说明区别。",
                                    proposed=proposal(city, duties="统筹预制菜产业链招商和标准体系建设。"))
    app = services.submit(actor=city.hr, app=app)
    assert app.round == 2 and app.status == S.SUBMITTED


def test_refusal_must_cite_the_checklist(city):
    app = run_to(city, draft(city), S.IN_REVIEW)
    with pytest.raises(ApprovalError, match="援引"):
        services.review(actor=city.bianban, app=app, step=ReviewStep.ESTABLISHMENT, decision=Decision.REFUSE,
                        opinion="不同意", checklist=ALL_YES)
    answers = {**ALL_YES, "proh_duties": {"holds": True, "note": "市商务局三定已有"}}
    app = services.review(actor=city.bianban, app=app, step=ReviewStep.ESTABLISHMENT, decision=Decision.REFUSE,
                          opinion="任务已由职能部门承担", checklist=answers)
    assert app.status == S.REFUSED and "三定规定已有" in app.last_reason


def test_approval_with_a_failed_checklist_item_is_refused(city):
    app = run_to(city, draft(city), S.IN_REVIEW)
    with pytest.raises(ApprovalError, match="不符合设立条件"):
        services.review(actor=city.bianban, app=app, step=ReviewStep.ESTABLISHMENT, decision=Decision.APPROVE,
                        checklist={**ALL_YES, "proh_similar": {"holds": True}})
    with pytest.raises(ApprovalError, match="逐项填写"):
        services.review(actor=city.bianban, app=app, step=ReviewStep.ESTABLISHMENT, decision=Decision.APPROVE,
                        checklist={})


def test_recommend_another_form_then_special_group(city):
    app = run_to(city, draft(city), S.IN_REVIEW)
    app = services.review(actor=city.bianban, app=app, step=ReviewStep.ESTABLISHMENT, decision=Decision.RECOMMEND,
                          opinion="任务单一，建议改设专项小组", recommended_form="special")
    assert app.status == S.RETURNED and app.recommended_form == "special"
    special = proposal(city, category="special", form="专项小组", leader=None, deputies=[])
    app = services.application_save(actor=city.clerk, app=app, region=city.city, department=city.fgw,
                                    kind=app.kind, body=None, reasons=app.reasons, proposed=special)
    app = services.submit(actor=city.hr, app=app)
    assert not app.involves_personnel


def test_submission_refused_while_incomplete_or_breaking_rules(city):
    app = draft(city, with_rules=False)
    with pytest.raises(ApprovalError, match="工作规则"):
        services.submit(actor=city.hr, app=app)
    bad = proposal(city, is_temporary=True)
    app2 = services.application_save(actor=city.clerk, app=None, region=city.city, department=city.fgw,
                                     kind=ApplicationKind.ESTABLISH, body=None, reasons="理由", proposed=bad)
    with pytest.raises(ApprovalError, match="临时机构须写明"):
        services.submit(actor=city.hr, app=app2)


def test_only_the_hr_section_submits_and_departments_cannot_approve_their_own(city):
    app = draft(city)
    with pytest.raises(ApprovalError, match="无权"):
        services.submit(actor=city.clerk, app=app)
    with pytest.raises(ApprovalError, match="无权"):
        services.submit(actor=city.gx_clerk, app=app)
    app = services.submit(actor=city.hr, app=app)
    from yixie.core.roles import Role
    from yixie.org.models import RoleAssignment

    RoleAssignment.objects.create(user=city.liangban, role=Role.DEPARTMENT, department=city.fgw)
    city.liangban._yixie_roles = None
    city.liangban.__dict__.pop("_yixie_scopes", None)
    with pytest.raises(ApprovalError, match="不能审核"):
        services.accept(actor=city.liangban, app=app)


def test_closing_a_joint_meeting_needs_every_member_units_agreement(city):
    body = establish(city.city, name="市物流业发展联席会议", lead=city.fgw, leader=None, category="joint",
                     form="联席会议", members=[city.fgw, city.gxj])
    app = draft(city, kind=ApplicationKind.ABOLISH, body=body, proposed={}, with_rules=False)
    services.record_consent(actor=city.hr, app=app, department=city.fgw, agreed=True)
    with pytest.raises(ApprovalError, match="尚未同意的：市工业和信息化局"):
        services.submit(actor=city.hr, app=app)
    with pytest.raises(ApprovalError, match="只能登记本部门"):
        services.record_consent(actor=city.hr, app=app, department=city.gxj, agreed=True)
    services.record_consent(actor=city.gx_clerk, app=app, department=city.gxj, agreed=True)
    app = run_to(city, app, S.REVIEWED)
    app = services.deliberate(actor=city.liangban, app=app, held_on=timezone.localdate(), session="第3次",
                              agenda_item="撤销", approved=True)
    app = services.publish(actor=city.liangban, app=app, number=f"潍政办字〔{TODAY.year}〕9号", issuer="潍坊市人民政府办公室",
                           issued_on=TODAY, title="关于撤销的通知")
    body.refresh_from_db()
    assert body.status == "abolished" and body.ended_on == TODAY


def test_publication_failure_writes_nothing(city):
    app = run_to(city, draft(city), S.DECIDED)
    establish(city.city, name="市预制菜产业发展工作领导小组", lead=city.fgw, on=date(2022, 1, 1))
    with pytest.raises(ApprovalError, match="同名"):
        services.publish(actor=city.liangban, app=app, number=f"潍政字〔{TODAY.year}〕12号", issuer="潍坊市人民政府",
                         issued_on=TODAY, title="通知")
    app.refresh_from_db()
    assert app.status == S.DECIDED and app.document is None
    from yixie.ledger.models import Document

    assert not Document.objects.filter(number=f"潍政字〔{TODAY.year}〕12号").exists()
    assert Body.objects.count() == 1


def test_adjust_application_changes_members_on_publication(city):
    body = establish(city.city, name="市安全生产委员会", lead=city.yjj, members=[city.gxj], on=date(2015, 1, 1))
    state = {**body.events.get().state}
    new = proposal(city, name="市安全生产委员会", lead_department=city.yjj, office_department=city.yjj,
                   duties=state["duties"], leader=city.mayor, deputies=[],
                   members=[(city.gxj, "assisting"), (city.swj, "principal")])
    app = services.application_save(actor=city.yj_clerk if False else city.clerk, app=None, region=city.city,
                                    department=city.fgw, kind=ApplicationKind.ADJUST, body=body, reasons="理由",
                                    proposed={**state, "members": new["members"]})
    app = run_to(city, app, S.PUBLISHED)
    body.refresh_from_db()
    assert body.memberships.count() == 2
    assert body.events.order_by("-id").first().kind == "members"


def test_todo_lists_and_same_day_measure(city):
    app = draft(city)
    assert [i.action for i in selectors.todo_for(city.hr)] == ["审核后提交"]
    assert selectors.todo_for(city.liangban) == []
    app = services.submit(actor=city.hr, app=app)
    assert [i.action for i in selectors.todo_for(city.liangban)] == ["受理"]
    app = services.accept(actor=city.liangban, app=app)
    todo = selectors.todo_for(city.bianban)
    assert [i.action for i in todo] == ["编办审核"] and not todo[0].overdue
    Review.objects.filter(application=app, step="establishment").update(
        started_at=timezone.now() - timedelta(days=2))
    assert selectors.todo_for(city.bianban)[0].overdue
    assert selectors.todo_for(city.qz_bianban) == []
    services.review(actor=city.bianban, app=app, step=ReviewStep.ESTABLISHMENT, decision=Decision.APPROVE,
                    checklist=ALL_YES)
    for user in (city.hr, city.clerk, city.liangban, city.bianban, city.zuzhibu, city.qz_bianban):
        assert selectors.todo_count(user) == len(selectors.todo_for(user))
    stats = selectors.turnaround()
    assert stats["establishment_total"] == 1 and stats["same_day"] == 0


def test_scopes_county_clerk_and_drafts(city):
    app = draft(city)
    assert not selectors.applications_visible_to(city.bianban).filter(pk=app.pk).exists()  # drafts are private
    assert selectors.applications_visible_to(city.hr).filter(pk=app.pk).exists()
    services.submit(actor=city.hr, app=app)
    assert selectors.applications_visible_to(city.bianban).filter(pk=app.pk).exists()
    assert not selectors.applications_visible_to(city.qz_bianban).filter(pk=app.pk).exists()
    assert not selectors.applications_visible_to(city.qz_clerk).filter(pk=app.pk).exists()
    assert not selectors.applications_visible_to(city.yj_clerk).filter(pk=app.pk).exists()


def test_leader_load_counts_seats_per_post(city):
    for i in range(3):
        establish(city.city, name=f"市第{i}领导小组", lead=city.fgw)  # the mayor leads each
    establish(city.city, name="市某领导小组", lead=city.fgw, leader=city.vice2, deputies=[city.mayor])
    app = draft(city)
    load = selectors.leader_load(app)
    mayor = load["rows"][0]
    assert (mayor["post"], len(mayor["leads"]), len(mayor["deputy"]), mayor["total"]) == ("市长", 3, 1, 4)
    assert load["counted"] == 4 and load["cap"] is None


def test_todo_pages_merge_the_steps_oldest_first_and_count_in_sql(city, client_for, monkeypatch):
    """A province role may have thousands waiting: the to-do page loads one page, in the same order as the
    whole list, with the totals and the overdue count of all of it."""
    now = timezone.now()
    for k in range(7):
        app = services.submit(actor=city.hr, app=draft(city))
        if k % 2:  # some accepted: they wait for 编办 (a step with its own same-day rule), the others for 两办
            app = services.accept(actor=city.liangban, app=app)
            step = ReviewStep.ESTABLISHMENT
        else:
            step = ReviewStep.ACCEPTANCE
        Review.objects.filter(application=app, step=step, decision="").update(
            started_at=now - timedelta(hours=5 * k + 1))
    admin = city.admin
    whole = selectors.todo_for(admin)
    pages = [selectors.todo_page(admin, n, per_page=3) for n in (1, 2, 3)]
    assert [p.total for p in pages] == [len(whole)] * 3 and len(whole) >= 7
    assert [(i.application.pk, i.action) for p in pages for i in p.items] == \
        [(i.application.pk, i.action) for i in whole][:9]
    assert pages[0].overdue == sum(i.overdue for i in whole) > 0
    assert pages[0].num_pages == -(-len(whole) // 3) and not pages[0].has_previous and pages[0].has_next
    # Out of range or unreadable page numbers fall back to the nearest page.
    assert selectors.todo_page(admin, 999, per_page=3).number == pages[0].num_pages
    assert selectors.todo_page(admin, "x", per_page=3).number == 1
    # The page: its count, the overdue count, and page 2 linked when there is one.
    text = client_for(city.bianban).get("/approvals/todo/").content.decode()
    mine = selectors.todo_for(city.bianban)
    assert f'id="todo-total">{len(mine)}<' in text and f"{sum(i.overdue for i in mine)} 件已超时" in text
    monkeypatch.setattr(selectors, "TODO_PAGE_SIZE", 3)
    second = client_for(admin).get("/approvals/todo/", {"page": "2"}).content.decode()
    assert f"第 2 / {pages[0].num_pages} 页" in second and "上一页" in second
    assert all(f"/approvals/{i.application.pk}/" in second for i in pages[1].items)
    assert not any(f'href="/approvals/{i.application.pk}/"' in second for i in pages[0].items)


def test_turnaround_median_max_and_same_day_rate(city):
    from .turnaround_data import decided_reviews

    decided_reviews(city)  # acceptance in 1, 30 and 3 hours; 编办: one the same day, one the next morning
    stats = selectors.turnaround()
    acceptance = next(s for s in stats["steps"] if s["step"] == ReviewStep.ACCEPTANCE)
    assert (acceptance["count"], acceptance["median_hours"], acceptance["max_hours"]) == (3, 3.0, 30.0)
    # Same day in Beijing time: 09:00 → 17:00 is, 09:00 → next morning 08:00 is not.
    assert (stats["establishment_total"], stats["same_day"], stats["same_day_rate"]) == (2, 1, 0.5)
    assert selectors.turnaround(region_ids=[city.county.pk])["establishment_total"] == 0
