"""The ledger's pages, tested by the shared base classes (yixie.testing.views): who sees what, queries, ids."""

from datetime import date

from yixie.ledger import services
from yixie.ledger.models import Body, Document, ImportJob, LedgerEvent, PolicyValue
from yixie.testing.factories import establish
from yixie.testing.views import DetailPageTests, FormPageTests, ListPageTests


def a_body(world, i=0):
    """A city body led by the emergency bureau: 市发展改革委's clerk and the counties may not see it."""
    return establish(world.city, name=f"市生成测试{i}号领导小组", lead=world.yjj, members=[world.swj])


def a_document(world, i=0):
    return services.document_create(actor=None, region=world.city, number=f"潍办发〔2020〕{i + 1}号",
                                    issuer="潍坊市人民政府办公室", issued_on=date(2020, 1, 2), title=f"关于生成测试{i}的通知")


class TestBodyList(ListPageTests):
    url_name = "ledger:body_list"
    max_queries = 14
    query_roles = ("admin", "yj_clerk")
    make = staticmethod(a_body)


class TestBodyDetail(DetailPageTests):
    url_name = "ledger:body_detail"
    make = staticmethod(a_body)


class TestDocumentList(ListPageTests):
    url_name = "ledger:document_list"
    max_queries = 14
    text_attr = "title"
    make = staticmethod(a_document)


class TestDocumentDetail(DetailPageTests):
    url_name = "ledger:document_detail"
    text_attr = "title"
    make = staticmethod(a_document)


class TestBodyCreateForm(FormPageTests):
    url_name = "ledger:body_create"
    counted = (Body, LedgerEvent, Document)

    def make(self, world, i=0):
        a_body(world)
        return None


class TestEventForm(FormPageTests):
    """A county body: 青州市's 编办 records its events and may offer no city department, post or body."""

    url_name = "ledger:event_create"
    counted = (Body, LedgerEvent, Document)

    def make(self, world, i=0):
        a_body(world)
        return establish(world.county, name="青州市生成测试领导小组", lead=world.qz_fgj, members=[world.qz_yjj])


class TestImportForm(FormPageTests):
    url_name = "ledger:import"
    counted = (ImportJob, Body)

    def make(self, world, i=0):
        return None


def _rule_regions(user):
    from yixie.org.scopes import regions_visible_to

    return regions_visible_to(user, "policy.edit")


class TestRuleList(ListPageTests):
    """管理规则: 编办 sees its own region's values (the city's, here); a county's 编办 sees its county."""

    url_name = "ledger:rule_list"
    max_queries = 16
    query_roles = ("admin", "bianban")
    text_attr = "source"

    def make(self, world, i=0):
        from yixie.ledger.policy import NATIONAL_DEFAULTS

        if i == 0:
            return PolicyValue.objects.create(region=world.city, key="members.cap_single", value=11,
                                              source="潍坊市生成测试依据", severity="warning")
        key = list(NATIONAL_DEFAULTS)[i % len(NATIONAL_DEFAULTS)]
        return PolicyValue.objects.get_or_create(region=world.county, key=key,
                                                 defaults={"value": 1, "source": f"青州市依据{i}"})[0]

    def visible(self, user):
        """A region's own values and those it inherits from the regions above it (shown as in force)."""
        ids = set()
        for region in _rule_regions(user):
            while region is not None:
                ids.add(region.pk)
                region = region.parent
        return PolicyValue.objects.filter(region__in=ids)


class TestRuleForm(FormPageTests):
    url_name = "ledger:rule_edit"
    counted = (PolicyValue,)

    def make(self, world, i=0):
        return world.city

    def url_kwargs(self, obj) -> dict:
        return {"region_pk": obj.pk, "key": "members.cap_single"}

    def visible(self, user):
        return _rule_regions(user)
