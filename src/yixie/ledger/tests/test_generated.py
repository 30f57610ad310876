"""The ledger's pages, tested by the shared base classes (yixie.testing.views): who sees what, queries, ids."""

from datetime import date

from yixie.ledger import services
from yixie.ledger.models import (
    Article,
    Body,
    Document,
    ImportJob,
    LedgerEvent,
    PolicyValue,
    Regulation,
    RegulationVersion,
)
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
    """The article drop-down offers the articles the city may cite; another city's is refused at the field."""

    url_name = "ledger:rule_edit"
    counted = (PolicyValue,)

    def make(self, world, i=0):
        a_regulation(world, region=another_city())
        return world.city

    def url_kwargs(self, obj) -> dict:
        return {"region_pk": obj.pk, "key": "members.cap_single"}

    def visible(self, user):
        return _rule_regions(user)


# ---------------------------------------------------------------- the regulations library (制度文件库)

def another_city():
    from yixie.testing.factories import make_region

    return make_region("370300", "淄博市", "city")


def a_regulation(world, i=0, region=None):
    """A regulation of 青州市 with one version: the city's department clerks do not read it."""
    from yixie.ledger import regulations

    reg = regulations.regulation_create(actor=None, region=region or world.county, title=f"生成测试{i}号管理办法")
    regulations.version_add(actor=None, regulation=reg, label="2026年版", issued_on=date(2026, 1, 1),
                            text=f"第一条 生成测试{i}号条文。\n第二条 第二条条文。", is_sample=True)
    return reg


def _regulations(user):
    from yixie.ledger import regulations

    return regulations.regulations_visible_to(user)


def _managed(user):
    from yixie.ledger import regulations
    from yixie.ledger.models import Regulation

    if user.is_superuser:
        return Regulation.objects.all()
    return Regulation.objects.filter(region__in=regulations.regions_managed_by(user))


class TestRegulationList(ListPageTests):
    url_name = "ledger:regulation_list"
    max_queries = 16
    query_roles = ("admin", "qz_bianban")
    text_attr = "title"
    make = staticmethod(a_regulation)

    def visible(self, user):
        return _regulations(user)


class TestRegulationDetail(DetailPageTests):
    url_name = "ledger:regulation_detail"
    text_attr = "title"
    make = staticmethod(a_regulation)

    def visible(self, user):
        return _regulations(user)


class TestArticleDetail(DetailPageTests):
    url_name = "ledger:article_detail"
    text_attr = "citation"

    def make(self, world, i=0):
        return a_regulation(world, i).versions.get().articles.first()

    def visible(self, user):
        from yixie.ledger import regulations

        return regulations.articles_visible_to(user)


class TestRegulationCreateForm(FormPageTests):
    url_name = "ledger:regulation_create"
    counted = (Regulation, RegulationVersion)

    def make(self, world, i=0):
        another_city()
        a_regulation(world)
        return None


class TestVersionCreateForm(FormPageTests):
    url_name = "ledger:version_create"
    counted = (Regulation, RegulationVersion, Article)

    def make(self, world, i=0):
        another_city()
        return a_regulation(world, i)

    def visible(self, user):
        return _managed(user)
