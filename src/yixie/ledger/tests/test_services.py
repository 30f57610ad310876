"""The ledger's write paths: events, as-of states, re-derivation, rules (spec §3), audit, no deletes."""

from datetime import date

import pytest

from yixie.core.models import AuditEntry, HardDeleteRefused
from yixie.ledger import selectors, services
from yixie.ledger.choices import BodyCategory, BodyStatus, EventKind
from yixie.ledger.models import Body, LedgerEvent, PolicyValue
from yixie.ledger.policy import PolicyViolation
from yixie.ledger.state import member_ref
from yixie.testing.factories import body_state, establish

pytestmark = pytest.mark.django_db


def names_on(city, on):
    return set(selectors.bodies_as_of(region=city.city, on=on).values_list("name", flat=True))


def test_establish_writes_body_event_and_audit(city):
    body = establish(city.city, name="市预制菜产业发展工作领导小组", lead=city.fgw, office=city.nyj,
                     members=[city.fgw, city.gxj, city.nyj, city.swj], deputies=[city.vice], actor=city.bianban,
                     on=date(2023, 3, 20))
    assert body.status == BodyStatus.ACTIVE
    assert [s.post for s in body.leader_seats.all()] == [city.mayor, city.vice]
    assert body.memberships.count() == 4
    event = body.events.get()
    assert event.kind == EventKind.ESTABLISH and event.state["name"] == body.name
    assert body.work_rules_due_on == date(2023, 4, 19)
    entry = AuditEntry.objects.get(body_id=body.pk)
    assert entry.actor == city.bianban and entry.after["name"] == body.name


def test_as_of_follows_events_rename_and_abolish(city):
    body = establish(city.city, name="市爱国卫生运动委员会", lead=city.yjj, on=date(2010, 5, 1))
    services.event_record(actor=city.bianban, body=body, kind=EventKind.RENAME, on=date(2020, 6, 1),
                          changes={"name": "市爱国卫生与健康促进委员会"})
    services.event_record(actor=city.bianban, body=body, kind=EventKind.ABOLISH, on=date(2022, 9, 30))
    assert names_on(city, date(2019, 1, 1)) == {"市爱国卫生运动委员会"}
    assert names_on(city, date(2021, 1, 1)) == {"市爱国卫生与健康促进委员会"}
    assert names_on(city, date(2023, 1, 1)) == set()
    assert names_on(city, date(2009, 1, 1)) == set()
    body.refresh_from_db()
    assert body.status == BodyStatus.ABOLISHED and body.ended_on == date(2022, 9, 30)
    assert body.former_name_list == ["市爱国卫生运动委员会"]


def test_event_inserted_in_the_past_rederives_later_states(city):
    body = establish(city.city, name="市安全生产委员会", lead=city.yjj, members=[city.gxj], on=date(2015, 1, 1))
    services.event_record(actor=None, body=body, kind=EventKind.RENAME, on=date(2022, 1, 1),
                          changes={"name": "市安全生产委员会（新）"})
    # Recorded late: a member change in 2019 must show in the 2022 state too.
    services.event_record(actor=None, body=body, kind=EventKind.MEMBERS, on=date(2019, 6, 1),
                          changes={"members": [member_ref(city.gxj, "assisting"), member_ref(city.swj, "principal")]})
    rename = body.events.get(kind=EventKind.RENAME)
    assert {m["department"] for m in rename.state["members"]} == {"市工业和信息化局", "市商务局"}
    members_event = body.events.get(kind=EventKind.MEMBERS)
    assert members_event.valid_until == date(2022, 1, 1)
    assert body.memberships.count() == 2


def test_no_event_after_abolition_and_no_abolition_before_later_events(city):
    body = establish(city.city, name="市人口普查领导小组", lead=city.fgw, on=date(2019, 1, 1), is_temporary=True,
                     ends_on=date(2021, 12, 31))
    services.event_record(actor=None, body=body, kind=EventKind.RENAME, on=date(2020, 1, 1),
                          changes={"name": "市第七次全国人口普查领导小组"})
    with pytest.raises(services.LedgerError, match="之后还有登记的事项"):
        services.event_record(actor=None, body=body, kind=EventKind.ABOLISH, on=date(2019, 6, 1))
    services.event_record(actor=None, body=body, kind=EventKind.ABOLISH, on=date(2022, 1, 5))
    with pytest.raises(services.LedgerError, match="已撤销"):
        services.event_record(actor=None, body=body, kind=EventKind.RENAME, on=date(2023, 1, 1),
                              changes={"name": "另一个名称"})


def test_event_before_establishment_refused(city):
    body = establish(city.city, name="市森林防火指挥部", lead=city.yjj, on=date(2015, 1, 1))
    with pytest.raises(services.LedgerError, match="早于该机构设立日期"):
        services.event_record(actor=None, body=body, kind=EventKind.ABOLISH, on=date(2014, 1, 1))


def test_rename_requires_a_new_name(city):
    body = establish(city.city, name="市森林防火指挥部", lead=city.yjj, on=date(2015, 1, 1))
    with pytest.raises(services.LedgerError, match="更名须改变"):
        services.event_record(actor=None, body=body, kind=EventKind.RENAME, on=date(2020, 1, 1),
                              changes={"name": "市森林防火指挥部"})


def test_duplicate_name_in_region_refused_but_allowed_elsewhere(city):
    establish(city.city, name="市食品安全委员会", lead=city.swj)
    with pytest.raises(services.LedgerError, match="已有同名机构"):
        establish(city.city, name="市食品安全委员会", lead=city.fgw)
    establish(city.county, name="市食品安全委员会", lead=city.qz_fgj, leader=city.qz_mayor)


def test_merge_points_at_survivor(city):
    survivor = establish(city.city, name="市生态环境保护委员会", lead=city.fgw, on=date(2016, 1, 1))
    merged = establish(city.city, name="市环境保护工作领导小组", lead=city.fgw, on=date(2012, 1, 1))
    services.body_merge(actor=None, bodies=[merged], into=survivor, on=date(2019, 6, 28))
    merged.refresh_from_db()
    assert merged.status == BodyStatus.MERGED and merged.successor == survivor
    assert list(survivor.merged_from.all()) == [merged]
    assert "市环境保护工作领导小组" not in names_on(city, date(2019, 7, 1))


def test_void_rederives(city):
    body = establish(city.city, name="市防汛抗旱指挥部", lead=city.yjj, on=date(2015, 1, 1))
    event, _ = services.event_record(actor=None, body=body, kind=EventKind.ABOLISH, on=date(2020, 1, 1))
    services.event_void(actor=city.bianban, event=event, reason="误登记")
    body.refresh_from_db()
    assert body.status == BodyStatus.ACTIVE
    assert "市防汛抗旱指挥部" in names_on(city, date(2021, 1, 1))
    assert LedgerEvent.objects.filter(pk=event.pk, is_void=True).exists()


# ---- spec §3 rules, one test each, named after the rule

def test_rule_1_temporary_body_requires_end_date_or_condition(city):
    with pytest.raises(PolicyViolation) as exc:
        establish(city.city, name="市运动会指挥部", lead=city.yjj, is_temporary=True)
    finding = exc.value.findings[0]
    assert finding.rule == "temporary.requires_end" and "第227号" in finding.source
    establish(city.city, name="市运动会指挥部", lead=city.yjj, is_temporary=True, end_condition="运动会结束后撤销")


def test_rule_2_office_host_department_required(city):
    state = body_state(city.city, name="市某领导小组", lead=city.fgw, leader=city.mayor)
    state["office_department"] = None
    with pytest.raises(PolicyViolation, match="办事机构所在部门"):
        services.body_establish(actor=None, region=city.city, state=state, on=date(2020, 1, 1))


def test_rule_4_townships_never_hold_bodies(city):
    with pytest.raises(PolicyViolation) as exc:
        establish(city.township, name="街道某领导小组", lead=city.qz_fgj, leader=None)
    assert any(f.rule == "townships.may_hold_bodies" for f in exc.value.findings)
    assert not Body.objects.exists()


def test_rule_5_one_leader_and_at_most_two_deputies(city):
    extra = [city.vice, city.vice2, city.qz_mayor]
    with pytest.raises(PolicyViolation, match="副组长最多2名"):
        establish(city.city, name="市某领导小组", lead=city.fgw, deputies=[city.vice, city.vice2,
                                                                        type(city.vice).objects.create(
                                                                            region=city.city, name="副市长（分管教育）")])
    with pytest.raises(PolicyViolation, match="组长应为1名"):
        establish(city.city, name="市某领导小组", lead=city.fgw, leader=None)
    assert extra  # joint meetings need no post leaders:
    establish(city.city, name="市某联席会议", lead=city.fgw, leader=None, category=BodyCategory.JOINT_MEETING,
              form="联席会议")


def test_rule_5_member_cap_warns_unless_approved(city):
    from yixie.testing.factories import make_department

    depts = [make_department(city.city, f"市测试局{i}") for i in range(12)]
    _, findings = services.body_establish(
        actor=None, region=city.city, on=date(2020, 1, 1),
        state=body_state(city.city, name="市某单项领导小组", lead=city.fgw, leader=city.mayor, members=depts))
    assert [f.rule for f in findings] == ["members.cap_single"]
    _, findings = services.body_establish(
        actor=None, region=city.city, on=date(2020, 1, 1),
        state=body_state(city.city, name="市某综合领导小组", lead=city.fgw, leader=city.mayor, members=depts,
                         task_scope="comprehensive"))
    assert findings == []


def test_rules_are_data_a_city_can_tune(city):
    PolicyValue.objects.create(region=city.city, key="leaders.max_deputies", value=1, severity="error",
                               source="潍坊市议事协调机构管理办法")
    with pytest.raises(PolicyViolation) as exc:
        establish(city.city, name="市某领导小组", lead=city.fgw, deputies=[city.vice, city.vice2])
    assert exc.value.findings[0].source == "潍坊市议事协调机构管理办法"
    # The county inherits the city's rule.
    from yixie.testing.factories import make_post

    with pytest.raises(PolicyViolation):
        establish(city.county, name="青州某领导小组", lead=city.qz_fgj, leader=city.qz_mayor,
                  deputies=[make_post(city.county, "副市长甲"), make_post(city.county, "副市长乙")])


def test_departments_of_another_region_refused(city):
    with pytest.raises(services.LedgerError, match="不属于潍坊市"):
        establish(city.city, name="市某领导小组", lead=city.fgw, members=[city.qz_fgj])


def test_ledger_rows_are_never_hard_deleted(city):
    body = establish(city.city, name="市某领导小组", lead=city.fgw)
    with pytest.raises(HardDeleteRefused):
        body.delete()
    with pytest.raises(HardDeleteRefused):
        Body.objects.all().delete()
    with pytest.raises(HardDeleteRefused):
        body.events.all().delete()
    with pytest.raises(HardDeleteRefused):
        AuditEntry.objects.all().delete()


def test_history_text_reads_like_the_offices_write_it(city):
    doc = services.document_create(actor=None, region=city.city, number="潍发〔2015〕3号", issuer="中共潍坊市委",
                                   issued_on=date(2015, 1, 1), title="关于设立的通知")
    body = establish(city.city, name="市甲领导小组", lead=city.fgw, on=date(2015, 1, 1), document=doc)
    services.event_record(actor=None, body=body, kind=EventKind.RENAME, on=date(2020, 1, 2),
                          changes={"name": "市乙领导小组"})
    text = selectors.history_text(body.events.select_related("document").order_by("effective_on"))
    assert text == "2015年1月1日设立（潍发〔2015〕3号）；2020年1月2日更名为市乙领导小组"


def test_document_number_normalised_and_year_checked(city):
    doc = services.document_create(actor=None, region=city.city, number="潍发[2022]05号", issuer="中共潍坊市委",
                                   issued_on=date(2022, 3, 1), title="通知")
    assert doc.number == "潍发〔2022〕5号"
    with pytest.raises(services.LedgerError, match="已登记"):
        services.document_create(actor=None, region=city.city, number="潍发〔2022〕5号", issuer="x",
                                 issued_on=date(2022, 3, 1), title="y")
    with pytest.raises(services.LedgerError, match="年份2021与成文日期"):
        services.document_create(actor=None, region=city.city, number="潍发〔2021〕9号", issuer="x",
                                 issued_on=date(2022, 3, 1), title="y")
    with pytest.raises(services.LedgerError):
        services.document_create(actor=None, region=city.city, number="潍发2022号", issuer="x",
                                 issued_on=date(2022, 3, 1), title="y")


def test_name_must_be_free_on_later_dates_too(city):
    establish(city.city, name="市甲领导小组", lead=city.fgw, on=date(2021, 1, 1))
    with pytest.raises(services.LedgerError, match="2021年1月1日已有同名机构"):
        establish(city.city, name="市甲领导小组", lead=city.fgw, on=date(2019, 1, 1))


# ---------------------------------------------------------------- many setups at once

def _new(city, name, on=date(2021, 1, 1), region=None, **kw):
    region = region or city.city
    kw.setdefault("leader", city.mayor if region == city.city else city.qz_mayor)
    return services.NewBody(region=region, state=body_state(region, name=name, **kw), on=on)


def test_bulk_setup_writes_what_body_establish_writes(city):
    """The same columns, event, seats, members and audit entry as one `body_establish` per item."""
    kw = {"lead": city.fgw, "office": city.nyj, "members": [city.gxj, city.swj], "deputies": [city.vice],
          "is_temporary": True, "ends_on": date(2025, 6, 30), "aliases": ["别名"]}
    (bulk,) = services.bodies_establish_bulk(actor=city.bianban, items=[_new(city, "甲", **kw)], note="说明",
                                             source=("来源", "/x/"))
    single, _ = services.body_establish(actor=city.bianban, region=city.city, on=date(2021, 1, 1),
                                        state=body_state(city.city, name="乙", leader=city.mayor, **kw), note="说明",
                                        source=("来源", "/x/"))

    def picture(body):
        body = Body.objects.get(pk=body.pk)
        skip = {"id", "name", "created_at", "updated_at"}
        event = body.events.values().get()
        entry = AuditEntry.objects.filter(body_id=body.pk).values().get()
        return (
            {f.attname: getattr(body, f.attname) for f in Body._meta.concrete_fields if f.name not in skip},
            {k: v for k, v in event.items() if k not in {"id", "body_id", "recorded_at", "name", "search_text",
                                                            "changes", "state"}},
            {**event["state"], "name": ""},
            list(body.leader_seats.values_list("role", "post_id", "order")),
            list(body.memberships.values_list("department_id", "role", "order")),
            {k: v for k, v in entry.items() if k not in {"id", "at", "target_id", "target_label", "body_id", "after",
                                                           "seq", "prev_hash", "hash"}},
        )

    assert picture(bulk) == picture(single)


def test_bulk_setup_refuses_the_first_bad_item_and_writes_nothing(city):
    cases = [
        ([_new(city, "甲", lead=city.fgw), _new(city, "甲", lead=city.gxj, on=date(2020, 1, 1))], 1, "2021年1月1日已有同名机构"),
        ([_new(city, "甲", lead=city.fgw), _new(city, "乙", lead=city.qz_fgj)], 1, "不属于潍坊市"),
        ([_new(city, "甲", lead=city.fgw, is_temporary=True)], 0, "临时机构须写明"),
    ]
    establish(city.city, name="已有", lead=city.fgw, on=date(2018, 1, 1))
    cases.append(([_new(city, "丙", lead=city.fgw), _new(city, "已有", lead=city.fgw)], 1, "已有同名机构“已有”"))
    before = (Body.objects.count(), LedgerEvent.objects.count(), AuditEntry.objects.count())
    for items, index, message in cases:
        with pytest.raises(services.ItemRefused) as refused:
            services.bodies_establish_bulk(actor=city.bianban, items=items)
        assert refused.value.index == index
        assert message in str(refused.value.error)
        assert (Body.objects.count(), LedgerEvent.objects.count(), AuditEntry.objects.count()) == before


def test_same_name_in_another_region_is_fine_in_bulk(city):
    bodies = services.bodies_establish_bulk(actor=None, items=[
        _new(city, "安全生产委员会", lead=city.fgw), _new(city, "安全生产委员会", lead=city.qz_fgj, region=city.county)])
    assert [b.region for b in bodies] == [city.city, city.county]


def test_bulk_documents_are_registered_and_audited_like_document_create(city):
    kw = {"region": city.city, "issuer": "潍坊市人民政府", "issued_on": date(2020, 3, 1), "title": "关于设立的通知"}
    single = services.document_create(actor=city.bianban, number="潍政字〔2020〕1号", **kw)
    (bulk,) = services.documents_create_bulk(actor=city.bianban, items=[
        services.NewDocument(number="潍政字[2020]02号", **kw)])
    assert bulk.number == "潍政字〔2020〕2号"
    entries = {e.target_id: e for e in AuditEntry.objects.filter(action="登记文件")}
    a, b = entries[str(single.pk)], entries[str(bulk.pk)]
    assert (b.actor, b.target_type, b.target_label, b.after) == (
        a.actor, a.target_type, "潍政字〔2020〕2号", {**a.after, "number": "潍政字〔2020〕2号"})
    for numbers, index in ((["潍政字〔2020〕3号", "潍政字〔2020〕1号"], 1), (["潍政字〔2020〕4号", "潍政字〔2020〕04号"], 1),
                           (["潍政字〔2019〕5号"], 0)):
        with pytest.raises(services.ItemRefused) as refused:
            services.documents_create_bulk(actor=None, items=[services.NewDocument(number=n, **kw) for n in numbers])
        assert refused.value.index == index
    assert AuditEntry.objects.filter(action="登记文件").count() == 2
