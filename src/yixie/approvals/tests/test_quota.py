"""Total-number control in joint approval (docs/decisions/0023): the application reads the ledger's caps (no
import of campaigns), warns or refuses where setting up one more body would exceed them, and requires 撤一建一
where the region says so; the replaced body is named within the user's scope and proposed for abolition
when the new body is published."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from yixie.approvals import selectors, services
from yixie.approvals.choices import ApplicationKind
from yixie.approvals.choices import ApplicationStatus as S
from yixie.approvals.models import Application
from yixie.approvals.services import ApprovalError
from yixie.core.models import Proposal
from yixie.ledger.choices import BodyCategory, BodyStatus, Severity
from yixie.ledger.models import Body, PolicyValue
from yixie.testing.factories import establish

from .conftest import PDF, draft, proposal
from .test_flow import run_to
from .test_views import create_payload

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def cap(region, key, value, severity=Severity.WARNING, source="潍编〔2019〕5号"):
    PolicyValue.objects.update_or_create(region=region, key=key,
                                         defaults={"value": value, "severity": severity, "source": source})


def government_bodies(city, n, lead=None):
    return [establish(city.city, name=f"市现有第{i}号领导小组", lead=lead or city.fgw, on=date(2020, 1, 1))
            for i in range(n)]


def test_an_application_at_the_cap_is_warned_to_the_department_and_to_the_establishment_office(city, client_for):
    government_bodies(city, 2)
    cap(city.city, "quota.government", 2)
    app = draft(city)
    [finding] = [f for f in selectors.rule_findings(app) if f.rule.startswith("quota.")]
    assert finding.rule == "quota.government" and finding.severity == Severity.WARNING
    message = "潍坊市政府议事协调机构已有2个，限额2个（来源：潍编〔2019〕5号）：再设立将超出限额。"
    assert finding.message == message
    page = client_for(city.clerk).get(reverse("approvals:detail", args=[app.pk])).content.decode()
    assert 'id="quota-warning"' in page and message in page and "可以提交" in page
    app = services.submit(actor=city.hr, app=app)  # a warning does not refuse
    assert app.status == S.SUBMITTED
    assert [f["rule"] for f in app.findings_snapshot if f["rule"].startswith("quota.")] == ["quota.government"]
    app = services.accept(actor=city.liangban, app=app)
    page = client_for(city.bianban).get(reverse("approvals:detail", args=[app.pk])).content.decode()
    assert 'id="est-quota"' in page and message in page


def test_an_application_over_a_refusing_cap_cannot_be_submitted(city, client_for):
    government_bodies(city, 1)
    cap(city.city, "quota.counted_bodies", 1, Severity.ERROR, "市编委会议纪要〔2023〕2号")
    app = draft(city)
    with pytest.raises(ApprovalError) as exc:
        services.submit(actor=city.hr, app=app)
    assert "议事协调机构合计（党委、政府）已有1个，限额1个（来源：市编委会议纪要〔2023〕2号）：再设立将超出限额。" \
        in exc.value.message
    assert exc.value.message.count("市编委会议纪要〔2023〕2号") == 1  # the source is named once
    app.refresh_from_db()
    assert app.status == S.DRAFT
    r = client_for(city.hr).post(reverse("approvals:submit", args=[app.pk]), follow=True)
    assert "再设立将超出限额" in r.content.decode()
    assert Application.objects.get(pk=app.pk).status == S.DRAFT


def test_one_out_one_in_required_and_missing_is_refused_then_named_it_submits(city):
    [old] = government_bodies(city, 1)
    cap(city.city, "quota.one_out_one_in", True, Severity.ERROR, "市编委：新设立实行撤一建一")
    app = draft(city)
    with pytest.raises(ApprovalError, match="撤一建一.*须写明同时撤销或合并的本级现有议事协调机构"):
        services.submit(actor=city.hr, app=app)
    app = services.application_save(actor=city.clerk, app=app, region=city.city, department=city.fgw,
                                     kind=ApplicationKind.ESTABLISH, body=None, reasons=app.reasons,
                                     proposed=app.proposed, replaces=[old])
    assert list(app.replaces.all()) == [old]
    assert not [f for f in selectors.rule_findings(app) if f.rule.startswith("quota.")]
    assert services.submit(actor=city.hr, app=app).status == S.SUBMITTED


def test_publication_names_the_replaced_body_and_proposes_its_abolition(city, client_for):
    [old] = government_bodies(city, 1)
    cap(city.city, "quota.government", 1, Severity.ERROR)
    app = services.application_save(actor=city.clerk, app=None, region=city.city, department=city.fgw,
                                     kind=ApplicationKind.ESTABLISH, body=None, reasons="撤一建一。",
                                     proposed=proposal(city), replaces=[old])
    services.attach(actor=city.clerk, app=app, kind="rules", uploaded=SimpleUploadedFile("工作规则.pdf", PDF))
    app = run_to(city, app, S.PUBLISHED)
    assert app.status == S.PUBLISHED
    old.refresh_from_db()
    assert old.status == BodyStatus.ACTIVE  # abolished by its own application, not here
    [p] = Proposal.objects.filter(body_id=old.pk)
    assert p.kind == "abolish" and p.source == "撤一建一" and app.result_body.name in p.reason
    assert p in selectors.proposals_to_take(city.clerk)  # its lead department drafts the abolition
    page = client_for(city.clerk).get(reverse("approvals:detail", args=[app.pk])).content.decode()
    assert old.name in page and "发文时已向其牵头部门提出撤销建议" in page
    # Counted again now, the new body would count against itself; the page shows what was found at submission.
    assert not [f for f in selectors.rule_findings(app) if f.rule.startswith("quota.")]


def test_publication_is_refused_when_the_cap_filled_up_after_submission(city):
    cap(city.city, "quota.government", 1, Severity.ERROR)
    app = run_to(city, draft(city), S.DECIDED)
    establish(city.city, name="市会后设立的领导小组", lead=city.gxj, on=TODAY)
    with pytest.raises(ApprovalError, match="政府议事协调机构已有1个，限额1个.*不能发文时"):
        services.publish(actor=city.liangban, app=app, number=f"潍政字〔{TODAY.year}〕12号", issued_on=TODAY,
                         title="关于成立市预制菜产业发展工作领导小组的通知")
    assert Application.objects.get(pk=app.pk).status == S.DECIDED


def test_an_adjustment_into_a_full_category_is_checked_against_its_new_cap(city):
    joint = establish(city.city, name="市某某工作联席会议", lead=city.fgw, category=BodyCategory.JOINT_MEETING,
                      form="联席会议", leader=None, on=date(2020, 1, 1))
    government_bodies(city, 1)
    cap(city.city, "quota.government", 1)
    state = proposal(city, name=joint.name)
    app = services.application_save(actor=city.clerk, app=None, region=city.city, department=city.fgw,
                                     kind=ApplicationKind.ADJUST, body=joint, reasons="升格为领导小组。",
                                     proposed=state)
    assert [f.rule for f in selectors.quota_findings(app)] == ["quota.government"]
    cap(city.city, "quota.one_out_one_in", True, Severity.ERROR)
    assert [f.rule for f in selectors.quota_findings(app)] == ["quota.government"]  # 撤一建一 is for new bodies


def test_the_replaced_body_is_offered_and_taken_only_within_the_users_scope(city, client_for):
    mine = establish(city.city, name="市发展改革委牵头的领导小组", lead=city.fgw, on=date(2020, 1, 1))
    others = establish(city.city, name="市应急管理局牵头的领导小组", lead=city.yjj, on=date(2020, 1, 1))
    joint = establish(city.city, name="市发展改革委牵头的联席会议", lead=city.fgw, category=BodyCategory.JOINT_MEETING,
                      form="联席会议", leader=None, on=date(2020, 1, 1))
    county = establish(city.county, name="青州市某领导小组", lead=city.qz_fgj, on=date(2020, 1, 1))
    c = client_for(city.clerk)
    url = reverse("approvals:new") + "?kind=establish"
    form = c.get(url).context["form"]
    assert set(form.fields["replaces"].queryset) == {mine}  # neither another department's, nor uncounted, nor a county's
    for outsider in (others, joint, county):
        r = c.post(url, create_payload(city, replaces=[outsider.pk]))
        assert r.status_code == 200 and "replaces" in r.context["form"].errors
    assert not Application.objects.exists()
    r = c.post(url, create_payload(city, replaces=[mine.pk]))
    assert r.status_code == 302
    app = Application.objects.get()
    assert list(app.replaces.all()) == [mine]
    assert mine.name in c.get(reverse("approvals:detail", args=[app.pk])).content.decode()
    assert "replaces" in c.get(reverse("approvals:edit", args=[app.pk])).context["form"].fields
    # Changes name no replaced body; the service refuses what the form would not offer.
    assert "replaces" not in c.get(reverse("approvals:new") + "?kind=adjust").context["form"].fields
    for outsider, message in ((county, "不属于本区划"), (joint, "不计入总量")):
        with pytest.raises(ApprovalError, match=message):
            services.application_save(actor=city.clerk, app=None, region=city.city, department=city.fgw,
                                      kind=ApplicationKind.ESTABLISH, body=None, reasons="理由",
                                      proposed=proposal(city), replaces=[outsider])
    with pytest.raises(ApprovalError, match="只有设立申请"):
        services.application_save(actor=city.clerk, app=None, region=city.city, department=city.fgw,
                                  kind=ApplicationKind.ADJUST, body=mine, reasons="理由",
                                  proposed=proposal(city, name=mine.name), replaces=[mine])
    assert Body.objects.get(pk=county.pk).status == BodyStatus.ACTIVE


def test_the_form_says_when_the_region_requires_one_out_one_in(city, client_for):
    c = client_for(city.clerk)
    url = reverse("approvals:new") + "?kind=establish"
    assert "实行“撤一建一”" not in c.get(url).content.decode()
    cap(city.city, "quota.one_out_one_in", True, Severity.ERROR)
    assert "潍坊市实行“撤一建一”" in c.get(url).content.decode()


def test_a_replaced_body_abolished_before_the_new_one_still_counts_as_the_one_out(city, client_for):
    from yixie.ledger import services as ledger
    from yixie.ledger.choices import EventKind

    [old] = government_bodies(city, 1)
    cap(city.city, "quota.one_out_one_in", True, Severity.ERROR)
    app = draft(city)
    app = services.application_save(actor=city.clerk, app=app, region=city.city, department=city.fgw,
                                     kind=ApplicationKind.ESTABLISH, body=None, reasons=app.reasons,
                                     proposed=app.proposed, replaces=[old])
    ledger.event_record(actor=city.bianban, body=old, kind=EventKind.ABOLISH, on=TODAY)
    old.refresh_from_db()
    assert old.status == BodyStatus.ABOLISHED
    assert not selectors.quota_findings(app)  # the one out happened first
    # An edit keeps it (offered on the edit page though ended), and a new draft cannot name an ended body.
    form = client_for(city.clerk).get(reverse("approvals:edit", args=[app.pk])).context["form"]
    assert old in form.fields["replaces"].queryset
    app = services.application_save(actor=city.clerk, app=app, region=city.city, department=city.fgw,
                                     kind=ApplicationKind.ESTABLISH, body=None, reasons=app.reasons,
                                     proposed=app.proposed)
    assert list(app.replaces.all()) == [old]
    with pytest.raises(ApprovalError, match="已撤销"):
        services.application_save(actor=city.clerk, app=None, region=city.city, department=city.fgw,
                                  kind=ApplicationKind.ESTABLISH, body=None, reasons="理由",
                                  proposed=proposal(city, name="市另一个领导小组"), replaces=[old])
    assert services.submit(actor=city.hr, app=app).status == S.SUBMITTED
