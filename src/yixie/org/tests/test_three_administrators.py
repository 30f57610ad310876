"""三员分立 (GB/T 22239-2019 8.1.4.2, 8.1.5; docs/decisions/0021): no user holds two of the three
administrator roles, nor one of them with a business role; the rule holds in the service and in the
admin's role-grant form alike."""

import pytest

from yixie.core.models import AuditEntry
from yixie.core.roles import Role
from yixie.org import services
from yixie.org.models import RoleAssignment
from yixie.org.services import OrgError
from yixie.testing.factories import make_user

pytestmark = pytest.mark.django_db


def test_an_administrator_cannot_take_a_second_administrator_role(city):
    anquan = make_user("anquan", Role.SECURITY_ADMIN, region=city.city)
    with pytest.raises(OrgError) as exc:
        services.role_assign(actor=city.admin, user=anquan, role=Role.AUDIT_ADMIN, region=city.city)
    assert "已担任安全管理员" in exc.value.message and "不能再担任审计管理员" in exc.value.message
    assert exc.value.field == "role"
    assert list(anquan.role_assignments.values_list("role", flat=True)) == [Role.SECURITY_ADMIN]


def test_a_business_user_cannot_become_an_administrator_nor_the_other_way(city):
    with pytest.raises(OrgError, match="已担任编办管理员，不能再担任系统管理员"):
        services.role_assign(actor=city.admin, user=city.bianban, role=Role.SYSTEM_ADMIN, region=city.city)
    shenji = make_user("shenji", Role.AUDIT_ADMIN, region=city.city)
    with pytest.raises(OrgError, match="已担任审计管理员，不能再担任部门经办人"):
        services.role_assign(actor=city.admin, user=shenji, role=Role.DEPARTMENT, department=city.fgw)
    assert not RoleAssignment.objects.filter(user=city.bianban, role=Role.SYSTEM_ADMIN).exists()


def test_allowed_grants_are_written_and_journaled(city):
    xitong = make_user("xitong")
    a = services.role_assign(actor=city.admin, user=xitong, role=Role.SYSTEM_ADMIN, region=city.city)
    assert AuditEntry.objects.filter(action="授予角色", target_id=str(a.pk)).exists()
    # Business roles still combine with each other.
    services.role_assign(actor=city.admin, user=city.bianban, role=Role.LEADER, region=city.city)


def test_a_grant_without_its_region_is_refused_in_chinese(city):
    with pytest.raises(OrgError, match="该角色须指定所辖区划"):
        services.role_assign(actor=city.admin, user=make_user("x"), role=Role.AUDIT_ADMIN)


def test_the_admin_form_refuses_a_second_administrator_role(city, client_for):
    anquan = make_user("anquan", Role.SECURITY_ADMIN, region=city.city)
    c = client_for(anquan)
    xitong = make_user("xitong", Role.SYSTEM_ADMIN, region=city.city)
    r = c.post("/admin/org/roleassignment/add/", {"user": xitong.pk, "role": Role.AUDIT_ADMIN, "region": city.city.pk})
    assert r.status_code == 200
    assert "已担任系统管理员，不能再担任审计管理员" in r.content.decode()
    assert not RoleAssignment.objects.filter(user=xitong, role=Role.AUDIT_ADMIN).exists()
    # Changing an existing grant into a clash is refused as well.
    own = xitong.role_assignments.get()
    grant = RoleAssignment.objects.create(user=xitong, role=Role.SYSTEM_ADMIN, region=city.county)
    r = c.post(f"/admin/org/roleassignment/{grant.pk}/change/",
               {"user": xitong.pk, "role": Role.ESTABLISHMENT, "region": city.county.pk})
    assert "不能再担任编办管理员" in r.content.decode()
    assert RoleAssignment.objects.get(pk=grant.pk).role == Role.SYSTEM_ADMIN
    assert own.role == Role.SYSTEM_ADMIN
    # A clean grant goes through (and the admin journals it).
    r = c.post("/admin/org/roleassignment/add/", {"user": make_user("new").pk, "role": Role.AUDIT_ADMIN,
                                                 "region": city.city.pk})
    assert r.status_code == 302
