"""URL samples for the generated access tests and the URL walker (see yixie/tests/walker.py)."""

from datetime import date

from django.utils import timezone

from yixie.evaluation import services
from yixie.evaluation.models import EvidenceFile
from yixie.testing.factories import establish


def url_samples(world):
    establish(world.city, name="市评价样例工作领导小组", lead=world.fgw, members=[world.gxj], on=date(2019, 3, 1))
    today = timezone.localdate()
    system = services.system_create(actor=None, region=world.city, year=2019, title="潍坊市2019年度评价指标体系")
    evaluation = services.evaluation_open(actor=None, region=world.city, year=2019, carried_out_in=2020,
                                          system=system, opened_on=today, deadline=today, scoring_deadline=today)
    se = evaluation.self_evaluations.order_by("id").first()
    indicator = system.indicators.order_by("id").first()
    evidence = EvidenceFile.objects.order_by("id").first()
    one = {"pk": se.pk}
    return {
        "evaluation:detail": {"pk": evaluation.pk},
        "evaluation:selfevals": {"pk": evaluation.pk},
        **{f"evaluation:{name}": one for name in ("selfeval", "evidence", "submit", "check", "check_done", "reopen")},
        "evaluation:evidence_file": {"pk": se.pk, "file_pk": evidence.pk if evidence else 1},
        "evaluation:system": {"pk": system.pk},
        "evaluation:scale": {"pk": system.pk},
        "evaluation:indicator": {"pk": system.pk, "ind_pk": indicator.pk},
        "evaluation:indicator_remove": {"pk": system.pk, "ind_pk": indicator.pk},
    }
