"""The demo's work rules and 三定 duties (yixie.demo.workrules), on a small world: filed through the services for
six bodies in seven, idempotent, 市安全生产委员会's division, one returned once, two overdue today."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from yixie.core.files import check_upload
from yixie.core.models import AuditEntry
from yixie.demo.workrules import file_demo_work_rules, load_department_duties
from yixie.ledger.models import Body, BodyFile
from yixie.org.duties import duties_in_force
from yixie.org.models import Department
from yixie.rules.choices import TaskRole, WorkRulesStatus
from yixie.rules.models import WorkRules
from yixie.testing.factories import establish, make_department

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _next_pk_not_multiple_of_7(world, n: int):
    """A filler body where the next one would fall in the unfiled seventh (the bodies below must be filed)."""
    last = Body.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if (last + 1) % 7 == 0:
        establish(world.city, name=f"市填充{n}号领导小组", lead=world.swj, on=date(2018, 5, 1))


@pytest.fixture
def world(city):
    housing = make_department(city.city, "市住房和城乡建设局", order=60)
    market = make_department(city.city, "市市场监督管理局", order=70)
    police = make_department(city.city, "市公安局", order=80)
    bodies = [establish(city.city, name=f"市演示{i}号工作领导小组", lead=city.fgw, members=[city.gxj, city.nyj],
                        on=date(2019, 3, 1) + timedelta(days=i), duties="统筹推进有关工作。研究解决重大问题。指导督促落实。")
              for i in range(16)]
    _next_pk_not_multiple_of_7(city, 1)
    city.safety = establish(city.city, name="市安全生产委员会", lead=city.yjj,
                            members=[city.yjj, housing, market, police, city.gxj], on=date(2004, 3, 26),
                            duties="统筹协调全市安全生产工作。")
    _next_pk_not_multiple_of_7(city, 2)
    city.prepared = establish(city.city, name="市预制菜产业发展工作领导小组", lead=city.nyj, members=[city.fgw, city.swj],
                              on=date(2023, 3, 20), duties="统筹推进全市预制菜产业发展。")
    city.county_body = establish(city.county, name="青州市演示工作领导小组", lead=city.qz_fgj, on=date(2020, 1, 1))
    city.fresh = establish(city.city, name="市新设演示领导小组", lead=city.fgw, on=TODAY - timedelta(days=3))
    city.housing, city.market = housing, market
    city.bodies = bodies
    Department.objects.filter(pk=city.yjj.pk).update(duties="负责全市应急管理工作。组织编制应急预案；承担安委会日常工作")
    return city


def test_department_duties_are_split_into_rows(world):
    assert load_department_duties() == 3
    assert list(duties_in_force([world.yjj.pk]).values_list("text", flat=True)) == [
        "负责全市应急管理工作", "组织编制应急预案", "承担安委会日常工作"]
    assert load_department_duties() == 0  # idempotent


def test_work_rules_are_filed_for_six_bodies_in_seven(world):
    n = file_demo_work_rules(None, TODAY)
    expected = [b for b in Body.objects.filter(status="active", established_on__lte=TODAY - timedelta(days=20))
                if b.pk % 7 != 0]
    assert n == len(expected) and n >= 10
    for b in Body.objects.all():
        b_filed = WorkRules.objects.filter(body=b, status=WorkRulesStatus.FILED).first()
        if b in expected:
            assert b_filed is not None and b_filed.filed_on == b.established_on + timedelta(days=20), b.name
            assert b.work_rules_filed_on == b_filed.filed_on
            assert BodyFile.objects.filter(body=b).count() == 1
            with b_filed.file.open("rb") as fh:
                from django.core.files import File

                check_upload(File(fh, name=b_filed.original_name), allowed=(".pdf", ".docx"), max_bytes=10 << 20)
        else:
            assert b_filed is None and b.work_rules_filed_on is None, b.name
    # the county body was filed by the county's 编办, the city's by the city's
    county = WorkRules.objects.filter(body=world.county_body, status="filed").first()
    if county is not None:
        assert county.reviewed_by == world.qz_bianban
    assert WorkRules.objects.filter(body__region=world.city, status="filed").exclude(
        reviewed_by=world.bianban).count() == 0
    # every member unit of every filed version has a duty or a task (the services refused otherwise)
    before = WorkRules.objects.count()
    assert file_demo_work_rules(None, TODAY) == 0 and WorkRules.objects.count() == before  # idempotent


def test_the_safety_committees_division(world):
    file_demo_work_rules(None, TODAY)
    wr = WorkRules.objects.get(body=world.safety, status=WorkRulesStatus.FILED)
    assert wr.file_type == "DOCX"
    gas = wr.tasks.get(text="城镇燃气安全监管")
    roles = {a.department.name: a.role for a in gas.assignments.select_related("department")}
    assert roles == {"市住房和城乡建设局": TaskRole.PRINCIPAL, "市应急管理局": TaskRole.ASSISTING,
                     "市市场监督管理局": TaskRole.ASSISTING}
    assert wr.tasks.filter(text="餐饮等行业生产经营单位燃气安全监管").exists()
    # tasks of units that are not the body's are left out (市交通运输局 is not a member here)
    assert not wr.tasks.filter(text="道路交通安全管理", assignments__department__name="市交通运输局").exists()
    assert wr.member_duties.get(department=world.housing).duties.startswith("负责房屋建筑")


def test_one_returned_once_then_filed_and_two_overdue_today(world):
    file_demo_work_rules(None, TODAY)
    wr = WorkRules.objects.get(body=world.prepared)
    assert wr.status == WorkRulesStatus.FILED and wr.revision == 1
    assert AuditEntry.objects.filter(action="退回工作规则", target_id=str(wr.pk)).exists()
    assert wr.member_duties.count() == 2 and "季度" in wr.office_meeting
    assert timezone.localtime(wr.submitted_at).date() == wr.filed_on - timedelta(days=2)
    under_way = WorkRules.objects.filter(status__in=[WorkRulesStatus.DRAFT, WorkRulesStatus.SUBMITTED],
                                         body__work_rules_due_on__lt=TODAY)
    assert sorted(under_way.values_list("status", flat=True)) == ["draft", "submitted"]
    assert under_way.get(status="draft").body.office_department == world.fgw
    assert not WorkRules.objects.filter(body=world.fresh).exists()


def test_an_evaluations_date_files_only_what_was_due_by_then(world):
    until = date(2019, 3, 25)
    file_demo_work_rules(None, until)
    filed = set(WorkRules.objects.filter(status="filed").values_list("body__name", flat=True))
    assert "市安全生产委员会" in filed and "市预制菜产业发展工作领导小组" not in filed
    assert all(b.established_on + timedelta(days=20) <= until for b in Body.objects.filter(work_rules__status="filed"))
    assert not WorkRules.objects.exclude(status="filed").exists()  # the overdue examples wait for the last call
