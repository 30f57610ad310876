"""The ledger's pages, tested by the shared base classes (yixie.testing.views): who sees what, queries, ids."""

from datetime import date

from yixie.ledger import services
from yixie.ledger.models import Body, Document, ImportJob, LedgerEvent
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
