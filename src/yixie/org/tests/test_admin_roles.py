"""The admin site per administrator (三员分立, docs/decisions/0021): the system administrator keeps user
accounts and the organisation tables, the security administrator grants roles and unlocks accounts, the
audit administrator reads and exports the journal, and none of them does the others' work."""

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from yixie.core import audit
from yixie.core.models import AuditEntry
from yixie.core.roles import Role
from yixie.org.models import RoleAssignment
from yixie.testing.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(city):
    return {
        "xitong": make_user("xitong", Role.SYSTEM_ADMIN, region=city.city),
        "anquan": make_user("anquan", Role.SECURITY_ADMIN, region=city.city),
        "shenji": make_user("shenji", Role.AUDIT_ADMIN, region=city.city),
    }


def _attempt():
    return AccessAttempt.objects.create(username="bianban", ip_address="10.0.0.9", user_agent="x",
                                        attempt_time=timezone.now(), failures_since_start=5,
                                        get_data="", post_data="", http_accept="", path_info="/login/")


def test_business_users_and_anonymous_cannot_open_the_admin(city, client_for):
    assert client_for(city.bianban).get("/admin/").status_code == 302
    assert client_for(city.leader).get("/admin/").status_code == 302


def test_system_administrator_changes_users_but_not_grants_nor_the_journal(city, admins, client_for):
    c = client_for(admins["xitong"])
    index = c.get("/admin/").content.decode()
    assert "用户" in index and "角色授权" not in index and "操作日志" not in index
    assert c.get(f"/admin/auth/user/{city.clerk.pk}/change/").status_code == 200
    r = c.post(f"/admin/auth/user/{city.clerk.pk}/change/", {
        "username": "fagaiwei", "first_name": "张三", "last_name": "", "email": "", "is_active": "on",
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00",
        "is_superuser": "on"})
    assert r.status_code == 302, r.content.decode()[:3000]
    city.clerk.refresh_from_db()
    assert city.clerk.first_name == "张三"
    assert not city.clerk.is_superuser  # the privilege fields are not the system administrator's
    assert AuditEntry.objects.filter(action=audit.ADMIN_CHANGE, target_id=str(city.clerk.pk),
                                     actor=admins["xitong"]).exists()
    assert c.get("/admin/org/department/").status_code == 200
    assert c.get("/admin/org/roleassignment/").status_code == 403
    assert c.post("/admin/org/roleassignment/add/", {"user": admins["xitong"].pk, "role": Role.ESTABLISHMENT,
                                                    "region": city.city.pk}).status_code == 403
    assert c.get("/admin/core/auditentry/").status_code == 403
    assert c.get("/admin/axes/accessattempt/").status_code == 403
    assert c.get("/admin/ledger/policyvalue/").status_code == 403
    assert c.get("/audit/chain/").status_code == 403
    assert c.get("/audit/export/?all=1").status_code == 403
    # No business page either.
    assert c.get("/ledger/").status_code == 403


def test_security_administrator_grants_roles_and_unlocks_but_does_not_edit_users(city, admins, client_for):
    c = client_for(admins["anquan"])
    assert c.get("/admin/org/roleassignment/").status_code == 200
    r = c.post("/admin/org/roleassignment/add/", {"user": city.nobody.pk, "role": Role.LEADER,
                                                 "region": city.city.pk})
    assert r.status_code == 302
    assert RoleAssignment.objects.filter(user=city.nobody, role=Role.LEADER).exists()
    attempt = _attempt()
    assert c.get("/admin/axes/accessattempt/").status_code == 200
    r = c.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert AuditEntry.objects.filter(action=audit.ADMIN_DELETE, target_type="axes.accessattempt").exists()
    assert c.get(f"/admin/auth/user/{city.clerk.pk}/change/").status_code == 403
    assert c.post(f"/admin/auth/user/{city.clerk.pk}/change/", {"username": "x"}).status_code == 403
    assert c.get("/admin/core/auditentry/").status_code == 403
    assert c.get("/audit/export/?all=1").status_code == 403


def test_audit_administrator_reads_verifies_and_exports_the_journal_only(city, admins, client_for):
    audit.record(actor=city.bianban, action="修改机构", target=city.fgw, reason="=HYPERLINK(\"x\")")
    c = client_for(admins["shenji"])
    index = c.get("/admin/").content.decode()
    assert "操作日志" in index and "查看站点" not in index  # no business page to go back to
    assert c.get("/admin/core/auditentry/").status_code == 200
    assert AuditEntry.objects.filter(actor=admins["shenji"], action=audit.JOURNAL_READ).exists()
    entry = AuditEntry.objects.filter(action="修改机构").get()
    assert c.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 200
    assert c.post(f"/admin/core/auditentry/{entry.pk}/change/", {"reason": "x"}).status_code == 403
    assert c.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    r = c.get("/audit/chain/")
    assert r.status_code == 200 and "校验通过" in r.content.decode()
    r = c.get("/audit/export/?all=1")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    text = b"".join(r.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff序号") and "修改机构" in text
    assert "'=HYPERLINK" in text  # a cell never runs as a formula in Excel
    assert AuditEntry.objects.filter(actor=admins["shenji"], action=audit.EXPORT).exists()
    for url in ("/admin/auth/user/", "/admin/org/roleassignment/", "/admin/axes/accessattempt/",
                "/admin/org/department/", "/admin/ledger/policyvalue/"):
        assert c.get(url).status_code == 403, url
    assert c.get("/ledger/").status_code == 403


def test_export_refuses_bad_dates_in_chinese(city, admins, client_for):
    c = client_for(admins["shenji"])
    r = c.get("/audit/export/?since=2026-13-01")
    assert r.status_code == 400 and "起始日期“2026-13-01”不是有效日期" in r.content.decode()
    r = c.get("/audit/export/?since=2026-05-02&until=2026-05-01")
    assert r.status_code == 400 and "早于起始日期" in r.content.decode()
    r = c.get("/audit/export/?since=2026-01-01&until=2026-12-31")
    assert r.status_code == 200


def test_administrators_land_in_the_admin_after_login(city, admins, client):
    r = client.post("/login/", {"username": "shenji", "password": "test-pass-2026"})
    assert r.status_code == 302 and r["Location"] == "/admin/"
    client.logout()
    r = client.post("/login/", {"username": "bianban", "password": "test-pass-2026"})
    assert r.status_code == 302 and r["Location"] != "/admin/"
