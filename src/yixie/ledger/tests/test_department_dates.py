"""No body is hosted by a department before it existed, or after it ended: on every ledger write path."""

from datetime import date

import pytest

from yixie.ledger import services
from yixie.ledger.choices import EventKind
from yixie.ledger.state import dept_ref, member_ref
from yixie.org.models import Department
from yixie.testing.factories import body_state, establish, make_department

pytestmark = pytest.mark.django_db

REFORM = date(2019, 1, 10)


@pytest.fixture
def dated(city):
    Department.objects.filter(pk=city.yjj.pk).update(established_on=REFORM)
    city.yjj.refresh_from_db()
    city.ajj = make_department(city.city, "市安全生产监督管理局", order=51)
    Department.objects.filter(pk=city.ajj.pk).update(established_on=date(2004, 3, 1), ended_on=REFORM)
    city.ajj.refresh_from_db()
    return city


def test_setup_before_the_lead_department_existed_is_refused(dated):
    with pytest.raises(services.LedgerError) as exc:
        establish(dated.city, name="市安全生产委员会", lead=dated.yjj, on=date(2015, 6, 1))
    assert exc.value.field == "lead_department"
    assert exc.value.message.startswith("牵头部门“市应急管理局”于2019年1月10日设立，早于该日期不能牵头议事协调机构")
    assert not dated.city.bodies.exists()


def test_setup_on_or_after_the_department_existed_is_accepted(dated):
    body = establish(dated.city, name="市安全生产委员会", lead=dated.yjj, on=REFORM)
    assert body.lead_department == dated.yjj


def test_office_and_member_units_are_checked_too(dated):
    with pytest.raises(services.LedgerError) as exc:
        establish(dated.city, name="市森林防火指挥部", lead=dated.fgw, office=dated.yjj, on=date(2016, 1, 4))
    assert exc.value.field == "office_department" and "办事机构所在部门“市应急管理局”" in exc.value.message
    with pytest.raises(services.LedgerError) as exc:
        establish(dated.city, name="市森林防火指挥部", lead=dated.fgw, members=[dated.gxj, dated.yjj],
                  on=date(2016, 1, 4))
    assert exc.value.field == "members" and "成员单位“市应急管理局”" in exc.value.message


def test_an_ended_department_cannot_host_from_its_end_date(dated):
    with pytest.raises(services.LedgerError) as exc:
        establish(dated.city, name="市安全生产委员会", lead=dated.ajj, on=REFORM)
    assert "已于2019年1月10日撤销" in exc.value.message
    establish(dated.city, name="市安全生产委员会", lead=dated.ajj, on=date(2019, 1, 9))


def test_change_events_check_the_departments_on_their_own_date(dated):
    body = establish(dated.city, name="市安全生产委员会", lead=dated.ajj, members=[dated.gxj], on=date(2010, 5, 4))
    # Moving the office to 市应急管理局 before it was set up is refused …
    with pytest.raises(services.LedgerError, match="于2019年1月10日设立"):
        services.change_apply(actor=None, body=body, kind=EventKind.REAFFILIATE, on=date(2018, 12, 1),
                              proposed_state={**services.state_on(body, date(2018, 12, 1)),
                                              "lead_department": dept_ref(dated.yjj),
                                              "office_department": dept_ref(dated.yjj)})
    # … a later change keeping the ended department is refused …
    with pytest.raises(services.LedgerError, match="已于2019年1月10日撤销"):
        services.event_record(actor=None, body=body, kind=EventKind.RENAME, on=date(2020, 1, 1),
                              changes={"name": "市安全生产委员会（新）"})
    # … and the move on the reform date is what the rule expects.
    services.event_record(actor=None, body=body, kind=EventKind.REAFFILIATE, on=REFORM,
                          changes={"lead_department": dept_ref(dated.yjj), "office_department": dept_ref(dated.yjj),
                                   "members": [member_ref(dated.yjj, "principal"), member_ref(dated.gxj)]})
    services.event_record(actor=None, body=body, kind=EventKind.RENAME, on=date(2020, 1, 1),
                          changes={"name": "市安全生产委员会（新）"})
    # Ending a body is always possible, whoever hosted it.
    other = establish(dated.city, name="市安全生产检查领导小组", lead=dated.ajj, on=date(2012, 5, 4))
    services.event_record(actor=None, body=other, kind=EventKind.ABOLISH, on=date(2019, 6, 28))


def test_bulk_path_refuses_the_item_with_the_column_field(dated):
    ok = services.NewBody(region=dated.city, on=date(2020, 1, 2),
                          state=body_state(dated.city, name="市应急救援协调领导小组", lead=dated.yjj,
                                           leader=dated.mayor))
    bad = services.NewBody(region=dated.city, on=date(2017, 1, 2),
                           state=body_state(dated.city, name="市防汛抗旱指挥部", lead=dated.fgw, members=[dated.yjj],
                                            leader=dated.mayor))
    with pytest.raises(services.ItemRefused) as exc:
        services.bodies_establish_bulk(actor=None, items=[ok, bad])
    assert exc.value.index == 1 and exc.value.error.field == "members"
    assert "成员单位“市应急管理局”于2019年1月10日设立" in exc.value.error.message
    assert not dated.city.bodies.exists()
    # With refs built from instances in memory (the Excel import's directory), the same.
    refs = services.Refs.of(Department.objects.filter(region=dated.city), [dated.mayor])
    with pytest.raises(services.ItemRefused):
        services.bodies_establish_bulk(actor=None, items=[bad], refs=refs)
    assert services.bodies_establish_bulk(actor=None, items=[ok], refs=refs)


def test_a_body_whose_host_ended_later_is_told_to_the_establishment_office(dated):
    from yixie.core.models import Notification
    from yixie.core.notifications import run_alerts
    from yixie.ledger import selectors

    body = establish(dated.city, name="市安全生产委员会", lead=dated.ajj, on=date(2010, 5, 4))
    county_body = establish(dated.county, name="青州市安全生产委员会", lead=dated.qz_yjj, on=date(2010, 5, 4))
    assert run_alerts(date(2018, 12, 1))["ledger.ended_host"] == 0
    told = run_alerts(date(2019, 3, 1))
    assert told["ledger.ended_host"] == 1  # 编办 of the city (the county's host has not ended)
    note = Notification.objects.get(source="ledger.ended_host", recipient=dated.bianban)
    assert note.title == "“市安全生产委员会”的牵头部门、办事机构所在部门“市安全生产监督管理局”已于2019年1月10日撤销"
    assert note.url.endswith(f"/{body.pk}/")
    assert not Notification.objects.filter(source="ledger.ended_host", recipient=dated.qz_bianban).exists()
    assert run_alerts(date(2019, 3, 2))["ledger.ended_host"] == 0  # told once
    # Re-affiliated to the new department: nothing more to tell.
    services.event_record(actor=None, body=body, kind=EventKind.REAFFILIATE, on=REFORM,
                          changes={"lead_department": dept_ref(dated.yjj), "office_department": dept_ref(dated.yjj)})
    assert not list(selectors.ended_host_alerts(date(2019, 3, 1)))
    assert county_body.lead_department == dated.qz_yjj


def test_excel_import_refuses_the_row_naming_the_column_and_writes_nothing(dated):
    from yixie.core.models import AuditEntry
    from yixie.ledger.excel import import_workbook

    from .test_excel import GOV, good_row, xlsx

    before = AuditEntry.objects.count()
    rows = [good_row(), good_row(机构名称="潍坊市安全生产委员会", 设立时间="2016-05-04",
                                 依据文件="潍政字〔2016〕5号《关于成立潍坊市安全生产委员会的通知》",
                                 办事机构所在部门="市发展改革委", 牵头部门="市发展改革委",
                                 成员单位="市发展改革委（主办）、市应急管理局、市商务局", 简称="", 别名="")]
    report = import_workbook(xlsx({GOV: rows}), actor=dated.bianban, default_region=dated.city)
    (e,) = report.errors
    assert (e.row, e.column) == (3, "成员单位")
    assert e.message.startswith("成员单位“市应急管理局”于2019年1月10日设立，早于该日期不能作为议事协调机构的成员单位")
    assert not dated.city.bodies.exists() and AuditEntry.objects.count() == before
