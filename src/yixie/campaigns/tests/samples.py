"""URL samples for the generated access tests (see core/tests/test_generated.py) and the URL walker."""

from datetime import date

from django.utils import timezone

from yixie.campaigns import services
from yixie.testing.factories import establish


def url_samples(world):
    establish(world.city, name="市样例工作领导小组", lead=world.fgw, members=[world.gxj], on=date(2019, 3, 1))
    today = timezone.localdate()
    campaign = services.campaign_open(
        actor=None, region=world.city, year=2022, title="潍坊市2022年议事协调机构调整规范行动",
        categories=["party", "government"], snapshot_on=today, deadlines={"reporting": today.isoformat()})
    item = campaign.items.get()
    one = {"pk": campaign.pk}
    report = {"pk": campaign.pk, "report_pk": item.report_id}
    on_item = {"pk": campaign.pk, "item_pk": item.pk}
    return {
        **{f"campaigns:{name}": one for name in ("detail", "advance", "remind", "files_generate", "review", "agree_rest", "pairs",
                                                 "deliberate", "publish", "stats", "stats_export")},
        **{f"campaigns:{name}": report for name in ("submit", "return", "inspection")},
        **{f"campaigns:{name}": on_item for name in ("item", "opinion", "agree")},
        "campaigns:file": {"pk": campaign.pk, "file_pk": 1},
    }
