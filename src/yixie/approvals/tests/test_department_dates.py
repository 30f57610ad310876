"""Publication writes through the ledger's services, so the rule that no body is hosted by a department
before it existed (ledger.policy.check_departments_exist) refuses it too, in the clerk's words."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from yixie.approvals import services
from yixie.approvals.choices import ApplicationStatus as S
from yixie.approvals.services import ApprovalError
from yixie.core.dates import format_date_zh
from yixie.ledger.models import Body
from yixie.org.models import Department

from .conftest import draft
from .test_rule_homes import _decided

pytestmark = pytest.mark.django_db


def test_publication_before_the_office_department_existed_is_refused_and_nothing_is_written(city):
    """A department to be set up next month cannot host a body published today (publication is dated
    today at the latest, and not before the meeting)."""
    app = _decided(city, draft(city))  # office department: 市农业农村局
    today = timezone.localdate()
    soon = today + timedelta(days=30)
    Department.objects.filter(pk=city.nyj.pk).update(established_on=soon)
    number = f"潍政字〔{today.year}〕12号"
    with pytest.raises(ApprovalError) as exc:
        services.publish(actor=city.liangban, app=app, number=number, issued_on=today,
                         title="关于成立市预制菜产业发展工作领导小组的通知")
    assert exc.value.message.startswith(f"办事机构所在部门“市农业农村局”于{format_date_zh(soon)}设立，早于该日期不能")
    assert exc.value.field == "office_department"
    app.refresh_from_db()
    assert app.status == S.DECIDED and not Body.objects.exists()
    Department.objects.filter(pk=city.nyj.pk).update(established_on=date(2019, 1, 10))
    app = services.publish(actor=city.liangban, app=app, number=number, issued_on=today,
                           title="关于成立市预制菜产业发展工作领导小组的通知")
    assert app.status == S.PUBLISHED and app.result_body.office_department == city.nyj
