"""One home per rule (docs/decisions/0012), as the approval workflow sees it: the township rule and the
leader/deputy rule from the ledger's policy checks, review deadlines from the policy table, the issuing
office from the number's 机关代字, the deciding meeting named after the region, and the two maps."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from yixie.approvals import selectors, services
from yixie.approvals.choices import (
    APPLICATION_EVENT_KIND,
    POLICY_DEFAULTS,
    STEP_ACTIONS,
    ApplicationKind,
    Decision,
    ReviewStep,
    deadline_key,
)
from yixie.approvals.choices import ApplicationStatus as S
from yixie.approvals.models import Review
from yixie.approvals.services import ApprovalError
from yixie.core import registry
from yixie.ledger.choices import EventKind
from yixie.ledger.models import PolicyValue
from yixie.ledger.policy import NATIONAL_DEFAULTS, Policy
from yixie.ledger.state import build_state
from yixie.testing.factories import make_department

from .conftest import ALL_YES, draft, proposal

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


# ---------------------------------------------------------------- rule 4: townships hold no bodies

def test_township_rule_refuses_a_draft_in_a_township_from_the_policy_table(city):
    dept = make_department(city.township, "王府街道党政办", kind="other")
    state = build_state(name="街道某联席会议", category="joint", form="联席会议", sequence="government",
                        legal_ground="local", lead_department=dept, office_department=dept, duties="协调有关工作。")

    def save():
        return services.application_save(actor=city.admin, app=None, region=city.township, department=dept,
                                         kind=ApplicationKind.ESTABLISH, body=None, reasons="理由", proposed=state)

    with pytest.raises(ApprovalError, match="王府街道为乡镇（街道），不得设立议事协调机构") as exc:
        save()
    assert "乡镇（街道）不设立议事协调机构" in exc.value.message  # the source clause, from the policy table
    PolicyValue.objects.create(region=city.county, key="townships.may_hold_bodies", value=True, severity="error",
                               source="某地试点规定")
    assert save().region == city.township


# ---------------------------------------------------------------- rule 5: the leader is not also a deputy

def test_rule_5_leader_is_not_also_a_deputy_refuses_submission(city):
    app = draft(city, proposed=proposal(city, deputies=[city.mayor]))
    assert [f.rule for f in selectors.policy_findings(app) if f.is_error] == ["leaders.leader_not_deputy"]
    with pytest.raises(ApprovalError, match="领导职务“市长”不能既任组长又任副组长"):
        services.submit(actor=city.hr, app=app)


def test_rule_5_leader_is_not_also_a_deputy_shown_on_the_application_page(client_for, city):
    app = draft(city, proposed=proposal(city, deputies=[city.mayor]))
    page = client_for(city.clerk).get(reverse("approvals:detail", args=[app.pk])).content.decode()
    assert "不能既任组长又任副组长" in page


# ---------------------------------------------------------------- review deadlines: data with a source

def test_review_deadlines_are_registered_policy_values_with_their_source(city):
    policy = Policy.for_region(city.county)
    for step in ReviewStep.values:
        assert deadline_key(step) in NATIONAL_DEFAULTS and policy[deadline_key(step)].source
    assert policy[deadline_key(ReviewStep.ESTABLISHMENT)].value == "same_day"
    assert "当天即可提出审核意见" in policy[deadline_key(ReviewStep.ESTABLISHMENT)].source
    assert policy[deadline_key(ReviewStep.ACCEPTANCE)].value == 24
    assert policy[deadline_key(ReviewStep.PERSONNEL)].source == "本系统默认值，可由各地调整"
    assert set(POLICY_DEFAULTS) == {deadline_key(s) for s in ReviewStep.values} | {"approvals.overlap.high"}


def _waiting_for_bianban(city, started_at):
    app = services.accept(actor=city.liangban, app=services.submit(actor=city.hr, app=draft(city)))
    Review.objects.filter(application=app, step=ReviewStep.ESTABLISHMENT).update(started_at=started_at)
    return app


def test_review_deadline_override_for_a_region_changes_the_overdue_flag(city, client_for):
    now = timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    _waiting_for_bianban(city, max(now - timedelta(minutes=1), midnight))  # today: within the same-day rule

    def todo_text():
        return client_for(city.bianban).get(reverse("approvals:todo")).content.decode()

    [item] = selectors.todo_for(city.bianban)
    assert not item.overdue and "件已超时" not in todo_text()
    # 潍坊 gives 编办 half a minute (data, not code): the same review is now overdue, on the page too.
    PolicyValue.objects.create(region=city.city, key=deadline_key(ReviewStep.ESTABLISHMENT), value=0.01,
                               severity="warning", source="潍坊市规定")
    [item] = selectors.todo_for(city.bianban)
    assert item.overdue
    page = selectors.todo_page(city.bianban)
    assert page.overdue == 1 and page.items[0].overdue
    text = todo_text()
    assert "1 件已超时" in text and 'badge text-bg-danger">超时' in text
    # Another region's override does not touch 潍坊's applications.
    PolicyValue.objects.filter(region=city.city).update(region=city.county)
    assert not selectors.todo_for(city.bianban)[0].overdue and selectors.todo_page(city.bianban).overdue == 0


def test_review_deadline_in_hours_for_the_acceptance_step(city):
    app = services.submit(actor=city.hr, app=draft(city))
    Review.objects.filter(application=app, step=ReviewStep.ACCEPTANCE).update(
        started_at=timezone.now() - timedelta(hours=5))
    assert not selectors.todo_for(city.liangban)[0].overdue  # default 24 hours
    PolicyValue.objects.create(region=city.city, key=deadline_key(ReviewStep.ACCEPTANCE), value=4,
                               severity="warning", source="潍坊市规定")
    assert selectors.todo_for(city.liangban)[0].overdue
    assert selectors.todo_page(city.liangban).overdue == 1


# ---------------------------------------------------------------- the issuing office follows the 机关代字

def _decided(city, app):
    app = services.accept(actor=city.admin, app=services.submit(actor=city.admin, app=app))
    app = services.review(actor=city.admin, app=app, step=ReviewStep.ESTABLISHMENT, decision=Decision.APPROVE,
                          checklist=ALL_YES)
    if app.status == S.IN_REVIEW:
        app = services.review(actor=city.admin, app=app, step=ReviewStep.PERSONNEL, decision=Decision.APPROVE)
    return services.deliberate(actor=city.admin, app=app, held_on=timezone.localdate(), session="第3次",
                               agenda_item="研究设立事项", approved=True)


def test_publication_records_the_issuer_of_the_number(city):
    app = services.publish(actor=city.liangban, app=_decided(city, draft(city)), number=f"潍政字〔{TODAY.year}〕12号",
                           issued_on=TODAY, title="关于成立市预制菜产业发展工作领导小组的通知")
    assert app.document.issuer == "潍坊市人民政府"
    other = draft(city, proposed=proposal(city, name="市某某工作领导小组"))
    other = services.publish(actor=city.liangban, app=_decided(city, other), number=f"潍政办字〔{TODAY.year}〕4号",
                             issued_on=TODAY, title="通知")
    assert other.document.issuer == "潍坊市人民政府办公室"


def test_publication_refuses_an_issuer_that_contradicts_the_number(city):
    app = _decided(city, draft(city))
    with pytest.raises(ApprovalError, match="发文机关为“潍坊市人民政府”") as exc:
        services.publish(actor=city.liangban, app=app, number=f"潍政字〔{TODAY.year}〕12号", issuer="潍坊市人民政府办公室",
                         issued_on=TODAY, title="通知")
    assert exc.value.field == "issuer"
    app.refresh_from_db()
    assert app.status == S.DECIDED and app.document is None


def county_proposal(city, *, sequence="government", **over):
    kw = dict(name="青州市某某工作领导小组", category="party" if sequence == "party" else "government",
              form="领导小组", sequence=sequence, legal_ground="local", lead_department=city.qz_fgj,
              office_department=city.qz_fgj, duties="统筹推进青州市有关工作。", leader=city.qz_mayor,
              members=[(city.qz_fgj, "principal"), (city.qz_yjj, "assisting")])
    kw.update(over)
    return build_state(**kw)


def county_draft(city, **kw):
    from django.core.files.uploadedfile import SimpleUploadedFile

    app = services.application_save(actor=city.qz_clerk, app=None, region=city.county, department=city.qz_fgj,
                                    kind=ApplicationKind.ESTABLISH, body=None, reasons="上级有要求。",
                                    proposed=county_proposal(city, **kw))
    services.attach(actor=city.qz_clerk, app=app, kind="rules", uploaded=SimpleUploadedFile("规则.pdf", b"%PDF-1.4\n%%EOF\n"))
    return app


def test_a_countys_publication_records_the_countys_issuer(city):
    app = services.publish(actor=city.admin, app=_decided(city, county_draft(city)), number=f"青政字〔{TODAY.year}〕3号",
                           issued_on=TODAY, title="关于成立青州市某某工作领导小组的通知")
    assert app.document.issuer == "青州市人民政府"
    party = county_draft(city, sequence="party", name="青州市某某委员会")
    party = services.publish(actor=city.admin, app=_decided(city, party), number=f"青发〔{TODAY.year}〕7号",
                             issued_on=TODAY, title="通知")
    assert party.document.issuer == "中共青州市委"


def test_issuer_for_reads_the_regions_data(city):
    from yixie.ledger.docnumber import issuer_for

    assert issuer_for(city.city, "潍发〔2022〕5号") == "中共潍坊市委"
    assert issuer_for(city.city, "潍办发〔2022〕5号") == "中共潍坊市委办公室"
    assert issuer_for(city.city, "潍政发〔2022〕5号") == "潍坊市人民政府"
    assert issuer_for(city.city, "潍政办字〔2022〕5号") == "潍坊市人民政府办公室"
    assert issuer_for(city.county, "青政办字〔2022〕5号") == "青州市人民政府办公室"
    assert issuer_for(city.county, "潍发〔2022〕5号") == "中共潍坊市委"  # a city document read for a county
    assert issuer_for(city.county2, "青发〔2022〕5号") is None  # 青 is not 诸城's
    assert issuer_for(city.city, "国发〔2022〕5号") is None
    # A district carries its city's name; a 代字 that is not the name's first character is the region's data.
    from yixie.testing.factories import make_region

    district = make_region("370703", "寒亭区", "county", city.city)
    assert issuer_for(district, "寒政字〔2022〕5号") == "潍坊市寒亭区人民政府"
    linqu = make_region("370724", "临朐县", "county", city.city)
    assert issuer_for(linqu, "朐发〔2022〕5号") is None
    linqu.agency_prefix = "朐"
    linqu.save()
    assert issuer_for(linqu, "朐发〔2022〕5号") == "中共临朐县委"


def test_ledger_document_form_fills_the_issuer_from_the_number(client_for, city):
    from yixie.ledger.models import Document

    r = client_for(city.bianban).post(reverse("ledger:document_create"), {
        "region": city.county.pk, "number": "青政办字〔2023〕9号", "issuer": "", "issued_on": "2023-05-06",
        "title": "通知"})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Document.objects.get(number="青政办字〔2023〕9号").issuer == "青州市人民政府办公室"
    r = client_for(city.bianban).post(reverse("ledger:document_create"), {
        "region": city.county.pk, "number": "鲁政字〔2023〕9号", "issuer": "", "issued_on": "2023-05-06",
        "title": "通知"})
    assert r.status_code == 200 and "请填写发文机关" in r.content.decode()


# ---------------------------------------------------------------- the deciding meeting per region

def test_a_countys_meeting_is_named_after_the_county(city, client_for):
    gov = county_draft(city)
    app = services.accept(actor=city.admin, app=services.submit(actor=city.admin, app=gov))
    app = services.review(actor=city.admin, app=app, step=ReviewStep.ESTABLISHMENT, decision=Decision.APPROVE,
                          checklist=ALL_YES)
    app = services.review(actor=city.admin, app=app, step=ReviewStep.PERSONNEL, decision=Decision.APPROVE)
    page = client_for(city.admin).get(reverse("approvals:detail", args=[app.pk])).content.decode()
    assert "会议研究：青州市政府常务会议" in page and "如 青州市政府常务会议第12次" in page
    app = services.deliberate(actor=city.admin, app=app, held_on=timezone.localdate(), session="第3次",
                              agenda_item="研究设立事项", approved=True)
    assert app.reviews.get(step="deliberation").details["meeting_label"] == "青州市政府常务会议"
    assert app.log.get(action="会议研究同意").reason == "青州市政府常务会议第3次"
    party = _decided(city, county_draft(city, sequence="party", name="青州市某某委员会"))
    assert party.reviews.get(step="deliberation").details["meeting_label"] == "青州市委常委会会议"
    assert selectors.meeting_label(city.city, "party") == "市委常委会会议"
    city.county.meeting_prefix = "中共青州市"
    assert selectors.meeting_label(city.county, "party") == "中共青州市委常委会会议"


# ---------------------------------------------------------------- one definition of each map

def test_every_application_kind_writes_one_ledger_event_kind():
    assert set(APPLICATION_EVENT_KIND) == set(ApplicationKind.values)
    assert set(APPLICATION_EVENT_KIND.values()) <= set(EventKind.values)


def test_every_review_step_needs_one_registered_action():
    assert set(STEP_ACTIONS) == set(ReviewStep.values)
    registered = registry.ACTIONS
    assert all(action in registered for action, _label in STEP_ACTIONS.values())


def test_an_adjustment_that_only_renames_is_recorded_as_a_rename(city):
    from yixie.testing.factories import establish

    body = establish(city.city, name="市安全生产委员会", lead=city.yjj, members=[city.gxj], on=date(2015, 1, 1))
    state = body.events.get().state
    app = services.application_save(actor=city.clerk, app=None, region=city.city, department=city.fgw,
                                    kind=ApplicationKind.ADJUST, body=body, reasons="理由",
                                    proposed={**state, "name": "市安全生产工作委员会"})
    app = services.publish(actor=city.admin, app=_decided(city, app), number=f"潍政办字〔{TODAY.year}〕2号",
                           issued_on=TODAY, title="通知")
    assert app.ledger_event.kind == EventKind.RENAME and app.ledger_event.body.name == "市安全生产工作委员会"



def test_a_mistyped_review_deadline_counts_as_the_default_not_a_500(city, client_for):
    app = services.submit(actor=city.hr, app=draft(city))
    Review.objects.filter(application=app, step=ReviewStep.ACCEPTANCE).update(
        started_at=timezone.now() - timedelta(hours=30))
    PolicyValue.objects.create(region=city.city, key=deadline_key(ReviewStep.ACCEPTANCE), value="两天",
                               severity="warning", source="误填")
    assert selectors.todo_for(city.liangban)[0].overdue  # 30 hours > the default 24
    assert client_for(city.liangban).get(reverse("approvals:todo")).status_code == 200
