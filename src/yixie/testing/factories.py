"""Small, explicit builders of test data shared by every app's tests."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from yixie.core.roles import Role
from yixie.ledger import services
from yixie.ledger.choices import BodyCategory, LegalGround, MemberRole
from yixie.ledger.state import build_state
from yixie.org.models import Department, Post, Region, RoleAssignment

PASSWORD = "test-pass-2026"


def make_region(code="370700", name="潍坊市", level="city", parent=None) -> Region:
    return Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent": parent})[0]


def make_department(region, name, kind="government", order=100, short_name="") -> Department:
    return Department.objects.get_or_create(region=region, name=name,
                                            defaults={"kind": kind, "order": order, "short_name": short_name})[0]


def make_post(region, name, order=100) -> Post:
    return Post.objects.get_or_create(region=region, name=name, defaults={"order": order})[0]


def make_user(username, role=None, region=None, department=None, superuser=False):
    User = get_user_model()
    user = User.objects.create_user(username=username, password=PASSWORD, is_superuser=superuser,
                                    is_staff=superuser)
    if role is not None:
        RoleAssignment.objects.create(user=user, role=role, region=region if department is None else None,
                                      department=department)
    return user


def body_state(region, *, name, lead, office=None, members=(), leader=None, deputies=(),
               category=BodyCategory.GOVERNMENT, duties="统筹协调全市有关工作。", **extra):
    form = extra.pop("form", "领导小组")
    sequence = extra.pop("sequence", "party" if category == BodyCategory.PARTY else "government")
    return build_state(
        name=name, category=category, form=form, sequence=sequence,
        legal_ground=extra.pop("legal_ground", LegalGround.LOCAL), lead_department=lead,
        office_department=office or lead, duties=duties, leader=leader, deputies=deputies,
        members=[(m, MemberRole.ASSISTING) for m in members], **extra,
    )


def establish(region, *, name, lead, on=date(2019, 3, 15), actor=None, document=None, **kw):
    if "leader" not in kw and kw.get("category", BodyCategory.GOVERNMENT) in (
            BodyCategory.PARTY, BodyCategory.GOVERNMENT):
        kw["leader"] = make_post(region, "市长" if region.level == "city" else f"{region.name}长")
    state = body_state(region, name=name, lead=lead, **kw)
    body, _ = services.body_establish(actor=actor, region=region, state=state, on=on, document=document)
    return body


class City:
    """A small city with two counties, departments, posts and one user per role."""

    def __init__(self):
        self.city = make_region()
        self.county = make_region("370781", "青州市", "county", self.city)
        self.county2 = make_region("370782", "诸城市", "county", self.city)
        self.township = make_region("370781001", "王府街道", "township", self.county)
        self.fgw = make_department(self.city, "市发展和改革委员会", short_name="市发展改革委", order=10)
        self.gxj = make_department(self.city, "市工业和信息化局", order=20)
        self.nyj = make_department(self.city, "市农业农村局", order=30)
        self.swj = make_department(self.city, "市商务局", order=40)
        self.yjj = make_department(self.city, "市应急管理局", order=50)
        self.bb = make_department(self.city, "市委机构编制委员会办公室", kind="party", short_name="市委编办", order=1)
        self.qz_fgj = make_department(self.county, "青州市发展和改革局", order=10)
        self.qz_yjj = make_department(self.county, "青州市应急管理局", order=20)
        self.mayor = make_post(self.city, "市长", 2)
        self.vice = make_post(self.city, "副市长（分管农业农村）", 10)
        self.vice2 = make_post(self.city, "常务副市长", 4)
        self.qz_mayor = make_post(self.county, "青州市市长", 2)
        self.admin = make_user("admin", superuser=True)
        self.bianban = make_user("bianban", Role.ESTABLISHMENT, region=self.city)
        self.qz_bianban = make_user("qz_bianban", Role.ESTABLISHMENT, region=self.county)
        self.liangban = make_user("liangban", Role.GENERAL_OFFICE, region=self.city)
        self.zuzhibu = make_user("zuzhibu", Role.ORGANISATION, region=self.city)
        self.leader = make_user("lingdao", Role.LEADER, region=self.city)
        self.clerk = make_user("fagaiwei", Role.DEPARTMENT, department=self.fgw)
        self.hr = make_user("fagaiwei_hr", Role.DEPARTMENT_HR, department=self.fgw)
        self.gx_clerk = make_user("gongxin", Role.DEPARTMENT_HR, department=self.gxj)
        self.qz_clerk = make_user("qz_fagai", Role.DEPARTMENT_HR, department=self.qz_fgj)
        self.yj_clerk = make_user("yingji", Role.DEPARTMENT, department=self.yjj)
        self.nobody = make_user("nobody")
