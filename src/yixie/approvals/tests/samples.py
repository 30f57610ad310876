"""Sample URL arguments of the approval pages for the URL walker (`yixie.tests.test_url_walker`)."""

from yixie.approvals import services
from yixie.ledger.state import build_state


def url_samples(world) -> dict:
    app = services.application_save(
        actor=world.clerk, app=None, region=world.city, department=world.fgw, kind="establish", body=None,
        reasons="理由", proposed=build_state(name="市乙领导小组", category="government", form="领导小组",
                                           sequence="government", legal_ground="local", lead_department=world.fgw,
                                           office_department=world.fgw, duties="职责", leader=world.mayor))
    one = {"pk": app.pk}
    return {
        **{f"approvals:{name}": one for name in ("detail", "edit", "submit", "withdraw", "accept", "deliberate",
                                                  "publish", "attach", "consent")},
        "approvals:review": {"pk": app.pk, "step": "establishment"},
        "approvals:file": {"pk": app.pk, "file_pk": 1},
    }
