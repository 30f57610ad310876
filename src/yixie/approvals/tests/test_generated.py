"""The approval pages, tested by the shared base classes (yixie.testing.views)."""

from django.urls import reverse

from yixie.approvals import selectors, services
from yixie.approvals.models import Application
from yixie.core.proposals import proposal_raise
from yixie.org.scopes import scope_for
from yixie.testing.factories import establish
from yixie.testing.views import DetailPageTests, FormPageTests, ListPageTests

from .conftest import proposal


def a_draft(world, i=0):
    """A draft of 市发展改革委: only its own clerks (and the superuser) may see it."""
    return services.application_save(actor=world.clerk, app=None, region=world.city, department=world.fgw,
                                     kind="establish", body=None, reasons="工作需要。",
                                     proposed=proposal(world, name=f"市生成测试{i}号领导小组"))


class Drafts:
    make = staticmethod(a_draft)
    text_attr = "title"


class TestApplicationList(Drafts, ListPageTests):
    url_name = "approvals:list"
    max_queries = 14
    query_roles = ("admin", "hr")


class TestTodo(Drafts, ListPageTests):
    """A draft waits for its department's HR section, who submits it."""

    url_name = "approvals:todo"
    max_queries = 30
    query_roles = ("admin", "hr")

    def visible(self, user):
        scope = scope_for(user, "application.submit")
        qs = selectors.applications_visible_to(user)
        return qs if scope.everything else qs.filter(department_id__in=scope.department_ids)


class TestApplicationDetail(Drafts, DetailPageTests):
    url_name = "approvals:detail"


class TestProposalList(ListPageTests):
    url_name = "approvals:proposals"
    max_queries = 14
    text_attr = "reason"

    def make(self, world, i=0):
        body = establish(world.city, name=f"市生成测试{i}号领导小组", lead=world.fgw)
        return proposal_raise(kind="adjust", region_id=world.city.pk, body_id=body.pk, body_label=body.name,
                              reason=f"生成测试建议{i}号：职责交叉。", source="test", source_ref=str(i))


class TestNewApplicationForm(FormPageTests):
    """An adjustment: the body drop-down and `?body=` take only bodies of the drafting department."""

    url_name = "approvals:new"
    counted = (Application,)

    def make(self, world, i=0):
        establish(world.city, name="市发展改革委牵头的领导小组", lead=world.fgw)
        other = establish(world.city, name="市应急管理局牵头的领导小组", lead=world.yjj)
        establish(world.county, name="青州市生成测试领导小组", lead=world.qz_fgj)
        proposal_raise(kind="adjust", region_id=world.city.pk, body_id=other.pk, body_label=other.name,
                       reason="职责交叉。", source="test")
        return None

    def url(self, obj):
        return reverse(self.url_name) + "?kind=adjust"


class TestNewEstablishmentForm(FormPageTests):
    """A new body: the 撤一建一 choice (`replaces`) offers only counted bodies in force that the drafting
    department may name, and refuses the id of any other."""

    url_name = "approvals:new"
    counted = (Application,)

    def make(self, world, i=0):
        establish(world.city, name="市发展改革委牵头的领导小组", lead=world.fgw)
        other = establish(world.city, name="市应急管理局牵头的领导小组", lead=world.yjj)
        establish(world.county, name="青州市生成测试领导小组", lead=world.qz_fgj)
        proposal_raise(kind="abolish", region_id=world.city.pk, body_id=other.pk, body_label=other.name,
                       reason="撤一建一。", source="test")
        return None

    def url(self, obj):
        return reverse(self.url_name) + "?kind=establish"
