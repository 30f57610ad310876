"""What the admin site changes, and every login attempt, lands in the audit journal (issue 10, item 4)."""

from __future__ import annotations

from datetime import date

import pytest
from axes.models import AccessAttempt
from django.forms.models import model_to_dict
from django.urls import reverse

from yixie.core import audit, auditchain
from yixie.core.models import AuditEntry
from yixie.ledger.models import PolicyValue
from yixie.org.models import PostHolding, RoleAssignment

pytestmark = pytest.mark.django_db


def _form(obj, **changes) -> dict:
    data = {k: ("" if v is None else v) for k, v in model_to_dict(obj).items()}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


@pytest.fixture
def admin_client(client, city):
    client.force_login(city.admin, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_a_department_changed_in_the_admin_is_journaled_with_before_after_and_address(admin_client, city):
    url = reverse("admin:org_department_change", args=[city.gxj.pk])
    r = admin_client.post(url, _form(city.gxj, name="市工业和信息化局（改）"), REMOTE_ADDR="10.20.30.40")
    assert r.status_code == 302, r.content.decode()[:2000]
    e = AuditEntry.objects.filter(action=audit.ADMIN_CHANGE, target_type="org.department").latest("seq")
    assert e.before["name"] == "市工业和信息化局" and e.after["name"] == "市工业和信息化局（改）"
    assert e.actor == city.admin and e.client_ip == "10.20.30.40"
    assert auditchain.verify().ok


def test_a_role_grant_and_a_policy_value_are_journaled(admin_client, city):
    r = admin_client.post(reverse("admin:org_roleassignment_add"),
                          {"user": city.nobody.pk, "role": "leader", "region": city.city.pk, "department": ""})
    assert r.status_code == 302, r.content.decode()[:2000]
    grant = RoleAssignment.objects.get(user=city.nobody)
    e = AuditEntry.objects.get(action=audit.ADMIN_ADD, target_type="org.roleassignment", target_id=str(grant.pk))
    assert e.before is None and e.after["role"]
    policy = PolicyValue.objects.filter(region__isnull=True).order_by("id").first()
    data = _form(policy, value="999", source=policy.source)
    r = admin_client.post(reverse("admin:ledger_policyvalue_change", args=[policy.pk]), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    e = AuditEntry.objects.filter(action=audit.ADMIN_CHANGE, target_type="ledger.policyvalue").latest("seq")
    assert e.after["value"] == 999 and e.before["value"] != 999


def test_a_post_holding_cannot_be_deleted_in_the_admin_and_changes_are_journaled(admin_client, city):
    holding = PostHolding.objects.create(post=city.mayor, person_name="张三", started_on=date(2021, 1, 1))
    url = reverse("admin:org_post_change", args=[city.mayor.pk])
    page = admin_client.get(url).content.decode()
    assert "holdings-0-DELETE" not in page
    data = _form(city.mayor)
    data.update({
        "holdings-TOTAL_FORMS": "1", "holdings-INITIAL_FORMS": "1", "holdings-MIN_NUM_FORMS": "0",
        "holdings-MAX_NUM_FORMS": "1000", "holdings-0-id": holding.pk, "holdings-0-post": city.mayor.pk,
        "holdings-0-person_name": "张三", "holdings-0-started_on": "2021-01-01", "holdings-0-ended_on": "2023-06-30",
        "holdings-0-DELETE": "on",  # sent anyway, as an attacker would: ignored, never a 500
    })
    r = admin_client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    holding.refresh_from_db()
    assert holding.ended_on == date(2023, 6, 30)
    e = AuditEntry.objects.get(action=audit.ADMIN_CHANGE, target_type="org.postholding")
    assert e.before["ended_on"] is None and e.after["ended_on"] == "2023-06-30"


def test_deleting_login_records_is_journaled(admin_client, city):
    attempt = AccessAttempt.objects.create(username="someone", ip_address="10.0.0.9", user_agent="x",
                                           failures_since_start=3, get_data="", post_data="")
    r = admin_client.post(reverse("admin:axes_accessattempt_changelist"),
                          {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"})
    assert r.status_code == 302
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
    e = AuditEntry.objects.get(action=audit.ADMIN_DELETE, target_type="axes.accessattempt")
    assert e.before["username"] == "someone"


def test_failed_and_successful_logins_are_journaled(client, city):
    city.bianban.set_password("a-good-pass-2026")
    city.bianban.save()
    client.post(reverse("login"), {"username": "bianban", "password": "wrong"}, REMOTE_ADDR="10.1.1.1")
    client.post(reverse("login"), {"username": "no-such-user", "password": "wrong"}, REMOTE_ADDR="10.1.1.2")
    failed = list(AuditEntry.objects.filter(action=audit.LOGIN_FAILED).order_by("seq"))
    assert [(e.target_id, e.client_ip) for e in failed] == [(str(city.bianban.pk), "10.1.1.1"), ("", "10.1.1.2")]
    assert "no-such-user" in failed[1].target_label
    assert all("wrong" not in str(e.after) + e.reason for e in failed)
    client.post(reverse("login"), {"username": "bianban", "password": "a-good-pass-2026"}, REMOTE_ADDR="10.1.1.1")
    assert AuditEntry.objects.filter(action=audit.LOGIN, actor=city.bianban, client_ip="10.1.1.1").exists()

