"""The demo city loads through the services and reproduces the seed's figures in the ledger itself."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import F

from yixie.ledger.choices import BodyCategory, EventKind
from yixie.ledger.models import Body, LedgerEvent
from yixie.ledger.selectors import bodies_as_of
from yixie.org.models import Department, Region

pytestmark = pytest.mark.django_db


def test_demo_city_reproduces_the_seed_figures():
    call_command("demo", verbosity=0)
    city = Region.objects.get(code="370700")
    assert city.children.filter(level="county").count() == 12

    def counted(on):
        return bodies_as_of(region=city, on=on).filter(
            category__in=[BodyCategory.PARTY, BodyCategory.GOVERNMENT]).count()

    assert counted(date(2019, 1, 1)) == 292
    assert counted(date(2019, 7, 1)) == 133
    assert bodies_as_of(region=city, on=date(2026, 11, 25)).filter(category=BodyCategory.MECHANISM).count() == 2
    campaign = LedgerEvent.objects.filter(region=city, effective_on=date(2022, 9, 30), is_void=False)
    assert campaign.filter(kind=EventKind.ABOLISH).count() == 9
    assert campaign.filter(kind=EventKind.RENAME).count() == 8
    assert campaign.filter(kind=EventKind.REAFFILIATE).count() == 7
    assert not Body.objects.filter(region__level="township").exists()
    # No body is hosted by a department before it was set up or after it ended (the services refused it).
    live = LedgerEvent.objects.filter(is_void=False).exclude(
        kind__in=[EventKind.ABOLISH, EventKind.MERGE, EventKind.DERECOGNISE])
    for host in ("lead_department", "office_department"):
        assert not live.filter(**{f"{host}__established_on__gt": F("effective_on")}).exists()
        assert not live.filter(**{f"{host}__ended_on__lte": F("effective_on")}).exists()
    assert Department.objects.get(name="市应急管理局").established_on == date(2019, 1, 10)
    assert Department.objects.get(name="市安全生产监督管理局").ended_on == date(2019, 1, 10)
    for county in city.children.filter(level="county"):
        assert bodies_as_of(region=county, on=date(2026, 11, 25)).count() >= 25, county.name
    yzc = Body.objects.get(name="市预制菜产业发展工作领导小组")
    assert yzc.basis_document.number == "潍政字〔2023〕12号" and yzc.office_department.name == "市农业农村局"
    # Loading twice is refused; --if-empty skips.
    call_command("demo", if_empty=True, verbosity=0)
    with pytest.raises(Exception, match="已有数据"):
        call_command("demo", verbosity=0)
