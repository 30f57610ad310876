"""Publication writes through the ledger's services, so the rule that no body is hosted by a department
before it existed (ledger.policy.check_departments_exist) refuses it too, in the clerk's words."""

from datetime import date

import pytest

from yixie.approvals import services
from yixie.approvals.choices import ApplicationStatus as S
from yixie.approvals.services import ApprovalError
from yixie.ledger.models import Body
from yixie.org.models import Department

from .conftest import draft
from .test_rule_homes import _decided

pytestmark = pytest.mark.django_db


def test_publication_before_the_office_department_existed_is_refused_and_nothing_is_written(city):
    app = _decided(city, draft(city))  # office department: 市农业农村局
    Department.objects.filter(pk=city.nyj.pk).update(established_on=date(2019, 1, 10))
    with pytest.raises(ApprovalError) as exc:
        services.publish(actor=city.liangban, app=app, number="潍政字〔2018〕12号", issued_on=date(2018, 3, 20),
                         title="关于成立市预制菜产业发展工作领导小组的通知")
    assert exc.value.message.startswith("办事机构所在部门“市农业农村局”于2019年1月10日设立，早于该日期不能")
    assert exc.value.field == "office_department"
    app.refresh_from_db()
    assert app.status == S.DECIDED and not Body.objects.exists()
    app = services.publish(actor=city.liangban, app=app, number="潍政字〔2023〕12号", issued_on=date(2023, 3, 20),
                           title="关于成立市预制菜产业发展工作领导小组的通知")
    assert app.status == S.PUBLISHED and app.result_body.office_department == city.nyj
