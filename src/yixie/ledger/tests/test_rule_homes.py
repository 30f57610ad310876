"""One home per rule (docs/decisions/0012): each rule is read from the policy table or one function, and
every write path (services, forms, views) refuses it in the same words."""

from datetime import date

import pytest
from django.urls import reverse

from yixie.ledger import services
from yixie.ledger.choices import EventKind
from yixie.ledger.models import Body, PolicyValue
from yixie.ledger.policy import (
    NATIONAL_DEFAULTS,
    POLICY_LABELS,
    Policy,
    PolicyViolation,
    check_body_state,
    check_region_may_hold_bodies,
    region_may_hold_bodies,
    register_defaults,
    values_for_regions,
)
from yixie.testing.factories import body_state, establish, make_department

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- rule 4: townships hold no bodies

def test_township_rule_reads_the_policy_table(city):
    assert not region_may_hold_bodies(city.township)
    assert region_may_hold_bodies(city.county) and region_may_hold_bodies(city.city)
    [finding] = check_region_may_hold_bodies(city.township)
    assert finding.rule == "townships.may_hold_bodies" and finding.is_error and "王府街道" in finding.message
    assert "乡镇（街道）不设立" in finding.source
    # A jurisdiction that allows it (data, not code): the same function now lets the township hold bodies.
    PolicyValue.objects.create(region=city.county, key="townships.may_hold_bodies", value=True, severity="error",
                               source="某地试点规定")
    assert region_may_hold_bodies(city.township)
    assert check_region_may_hold_bodies(city.township) == []


def test_township_rule_is_the_one_check_body_state_applies(city):
    dept = make_department(city.township, "王府街道党政办", kind="other")
    state = body_state(city.township, name="街道某联席会议", lead=dept, category="joint", form="联席会议")
    assert [f.rule for f in check_body_state(state, region=city.township) if f.is_error] == \
        ["townships.may_hold_bodies"]
    with pytest.raises(PolicyViolation, match="不得设立议事协调机构"):
        services.body_establish(actor=None, region=city.township, state=state, on=date(2024, 1, 1))
    PolicyValue.objects.create(region=city.township, key="townships.may_hold_bodies", value=True,
                               severity="error", source="某地试点规定")
    body, _ = services.body_establish(actor=None, region=city.township, state=state, on=date(2024, 1, 1))
    assert body.region == city.township


# ---------------------------------------------------------------- rule 5: the leader is not also a deputy

def test_rule_5_leader_is_not_also_a_deputy_in_check_body_state(city):
    state = body_state(city.city, name="市某领导小组", lead=city.fgw, leader=city.mayor, deputies=[city.mayor])
    [finding] = [f for f in check_body_state(state, region=city.city) if f.is_error]
    assert finding.rule == "leaders.leader_not_deputy" and finding.field == "deputies"
    assert finding.message == "领导职务“市长”不能既任组长又任副组长。"
    assert finding.source.startswith("《地方议事协调机构管理办法（试行）》")
    ok = body_state(city.city, name="市某领导小组", lead=city.fgw, leader=city.mayor, deputies=[city.vice])
    assert not [f for f in check_body_state(ok, region=city.city) if f.rule == "leaders.leader_not_deputy"]


def test_rule_5_leader_is_not_also_a_deputy_on_establish_and_adjust(city):
    with pytest.raises(PolicyViolation, match="不能既任组长又任副组长"):
        establish(city.city, name="市某领导小组", lead=city.fgw, leader=city.mayor, deputies=[city.mayor])
    assert not Body.objects.exists()
    body = establish(city.city, name="市某领导小组", lead=city.fgw, leader=city.mayor, deputies=[city.vice])
    leaders = [{"role": "leader", "post_id": city.mayor.pk, "post": "市长"},
               {"role": "deputy", "post_id": city.mayor.pk, "post": "市长"}]
    with pytest.raises(PolicyViolation, match="不能既任组长又任副组长"):
        services.event_record(actor=None, body=body, kind=EventKind.ADJUST, on=date(2024, 1, 1),
                              changes={"leaders": leaders})
    assert body.events.count() == 1


def test_rule_5_leader_is_not_also_a_deputy_a_region_may_relax_it(city):
    PolicyValue.objects.create(region=city.city, key="leaders.leader_not_deputy", value=False, severity="error",
                               source="测试")
    state = body_state(city.city, name="市某领导小组", lead=city.fgw, leader=city.mayor, deputies=[city.mayor])
    assert not [f for f in check_body_state(state, region=city.city) if f.rule == "leaders.leader_not_deputy"]


def test_rule_5_leader_is_not_also_a_deputy_shown_on_the_deputies_field_of_the_form(client_for, city):
    from .test_views import _create_payload

    c = client_for(city.bianban)
    r = c.post(reverse("ledger:body_create") + f"?region={city.city.pk}",
               _create_payload(city, deputies=[city.mayor.pk]))
    assert r.status_code == 200
    form = r.context["form"]
    assert any("不能既任组长又任副组长" in e for e in form.errors.get("deputies", []))
    assert not Body.objects.exists()


# ---------------------------------------------------------------- registering a capability's keys

def test_a_capability_registers_its_own_policy_keys(city):
    key = "testcap.limit"
    try:
        register_defaults({key: (3, "warning", "测试来源", "测试上限")})
        register_defaults({key: (3, "warning", "测试来源", "测试上限")})  # a second ready() is harmless
        assert Policy.for_region(city.county)[key].value == 3 and POLICY_LABELS[key] == "测试上限"
        with pytest.raises(ValueError):
            register_defaults({key: (4, "warning", "测试来源", "测试上限")})
        PolicyValue.objects.create(region=city.city, key=key, value=5, severity="warning", source="潍坊")
        assert Policy.for_region(city.county)[key].value == 5  # the county inherits the city's row
        values = values_for_regions(key, [city.city.pk, city.county.pk, city.township.pk])
        assert {r: v.value for r, v in values.items()} == {city.city.pk: 5, city.county.pk: 5, city.township.pk: 5}
        PolicyValue.objects.create(region=city.county, key=key, value=7, severity="warning", source="青州")
        values = values_for_regions(key, [city.city.pk, city.township.pk, city.county2.pk])
        assert {r: v.value for r, v in values.items()} == {city.city.pk: 5, city.township.pk: 7, city.county2.pk: 5}
    finally:
        NATIONAL_DEFAULTS.pop(key, None)
        POLICY_LABELS.pop(key, None)


# ---------------------------------------------------------------- one public service applies a change

def test_change_apply_decides_the_event_from_what_changes(city):
    body = establish(city.city, name="市安全生产委员会", lead=city.yjj, members=[city.gxj], on=date(2015, 1, 1))
    state = body.events.get().state
    members = [*state["members"], {"department_id": city.swj.pk, "department": city.swj.name, "role": "assisting"}]
    event, _ = services.change_apply(actor=None, body=body, kind=EventKind.ADJUST, on=date(2016, 1, 1),
                                     proposed_state={**state, "members": members}, source_label="申请2016-0001",
                                     source_url="/approvals/1/")
    assert event.kind == EventKind.MEMBERS and event.changes == {"members": members}
    assert (event.source_label, event.source_url) == ("申请2016-0001", "/approvals/1/")
    state = event.state
    event, _ = services.change_apply(actor=None, body=body, kind=EventKind.ADJUST, on=date(2017, 1, 1),
                                     proposed_state={**state, "name": "市安全生产工作委员会"})
    assert event.kind == EventKind.RENAME
    state = event.state
    event, _ = services.change_apply(actor=None, body=body, kind=EventKind.ADJUST, on=date(2018, 1, 1),
                                     proposed_state={**state, "duties": "新职责。", "name": "市安委会"})
    assert event.kind == EventKind.ADJUST and set(event.changes) == {"duties", "name"}
    with pytest.raises(services.LedgerError, match="没有改变任何内容"):
        services.change_apply(actor=None, body=body, kind=EventKind.ADJUST, on=date(2019, 1, 1),
                              proposed_state=event.state)
    with pytest.raises(services.LedgerError, match="须写明调整后的内容"):
        services.change_apply(actor=None, body=body, kind=EventKind.REAFFILIATE, on=date(2019, 1, 1))
    with pytest.raises(services.LedgerError, match="只能登记新机构"):
        services.change_apply(actor=None, body=body, kind=EventKind.ESTABLISH, on=date(2019, 1, 1))
    event, _ = services.change_apply(actor=None, body=body, kind=EventKind.ABOLISH, on=date(2020, 1, 1))
    body.refresh_from_db()
    assert event.kind == EventKind.ABOLISH and body.status == "abolished"


def test_change_apply_merges_bodies_into_the_survivor(city):
    survivor = establish(city.city, name="市甲领导小组", lead=city.fgw, on=date(2015, 1, 1))
    merged = establish(city.city, name="市乙领导小组", lead=city.gxj, on=date(2015, 1, 1),
                       leader=city.vice2)
    event, _ = services.change_apply(actor=None, body=survivor, kind=EventKind.MERGE, on=date(2020, 1, 1),
                                     merged=[merged])
    merged.refresh_from_db()
    assert event.body == merged and event.kind == EventKind.MERGE and merged.successor == survivor
