import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yixie.approvals import services
from yixie.approvals.choices import ApplicationKind, AttachmentKind
from yixie.ledger.state import build_state

PDF = b"%PDF-1.4\n%%EOF\n"


def proposal(city, name="市预制菜产业发展工作领导小组", **over):
    kw = dict(name=name, category="government", form="领导小组", sequence="government", legal_ground="local",
              lead_department=city.fgw, office_department=city.nyj, duties="统筹推进全市预制菜产业发展，研究解决重大问题。",
              leader=city.mayor, deputies=[city.vice],
              members=[(city.fgw, "principal"), (city.gxj, "assisting"), (city.nyj, "assisting"),
                       (city.swj, "assisting")])
    kw.update(over)
    return build_state(**kw)


def draft(city, *, kind=ApplicationKind.ESTABLISH, body=None, proposed=None, actor=None, with_rules=True):
    app = services.application_save(actor=actor or city.clerk, app=None, region=city.city, department=city.fgw,
                                     kind=kind, body=body, reasons="省级设有对口机构，工作跨部门。",
                                     proposed=proposal(city) if proposed is None else proposed)
    if with_rules:
        services.attach(actor=actor or city.clerk, app=app, kind=AttachmentKind.RULES,
                        uploaded=SimpleUploadedFile("工作规则.pdf", PDF))
    return app


ALL_YES = {k: {"holds": True} for k in ("cond_upper", "cond_cross", "cond_major", "rule_office", "rule_seal",
                                        "rule_leaders", "rule_temporary")} | {
    k: {"holds": False} for k in ("proh_duties", "proh_mechanism", "proh_similar")}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
