"""Sample URL arguments of the ledger pages for the URL walker (`yixie.tests.test_url_walker`)."""

from datetime import date

from yixie.ledger import services
from yixie.testing.factories import establish


def url_samples(world) -> dict:
    doc = services.document_create(actor=None, region=world.city, number="潍发〔2019〕1号", issuer="中共潍坊市委",
                                   issued_on=date(2019, 1, 1), title="关于设立的通知")
    body = establish(world.city, name="市甲领导小组", lead=world.fgw, members=[world.gxj], document=doc)
    event = body.events.get()
    from yixie.ledger import regulations

    reg = regulations.regulation_create(actor=None, region=world.city, title="潍坊市巡查测试管理办法", code="wf-walk")
    version = regulations.version_add(actor=None, regulation=reg, label="2026年版", issued_on=date(2026, 1, 1),
                                      text="第一条 测试条文。\n第二条 另一条。", is_sample=True)
    article = version.articles.first()
    return {
        "ledger:regulation_detail": {"pk": reg.pk},
        "ledger:version_create": {"pk": reg.pk},
        "ledger:version_mark_sample": {"pk": reg.pk, "version_pk": version.pk},
        "ledger:article_detail": {"pk": article.pk},
        "ledger:body_detail": {"pk": body.pk},
        "ledger:event_create": {"pk": body.pk},
        "ledger:event_void": {"pk": body.pk, "event_pk": event.pk},
        "ledger:body_aliases": {"pk": body.pk},
        "ledger:body_work_rules": {"pk": body.pk},
        "ledger:document_detail": {"pk": doc.pk},
        "ledger:document_upload": {"pk": doc.pk},
        "ledger:document_file": {"pk": doc.pk, "file_pk": 1},
        "ledger:body_file": {"pk": body.pk, "file_pk": 1},
        "ledger:import_status": {"pk": 1},
        "ledger:import_confirm": {"pk": 1},
        "ledger:export_status": {"pk": 1},
        "ledger:rule_edit": {"region_pk": world.city.pk, "key": "members.cap_single"},
    }
