"""The name rule on the bulk change path (the import and a campaign's publication): checked for all renamed
bodies at once, against the ledger and within the same batch."""

from datetime import date

import pytest

from yixie.ledger import services
from yixie.ledger.models import LedgerEvent
from yixie.testing.factories import establish

pytestmark = pytest.mark.django_db
ON = date(2022, 9, 30)


def rename(body, name):
    return services.BodyChange(body_id=body.pk, kind="rename", on=ON, changes={"name": name})


def test_a_new_name_taken_in_the_ledger_or_twice_in_the_batch_is_refused_and_nothing_written(city):
    a = establish(city.city, name="市甲领导小组", lead=city.fgw)
    b = establish(city.city, name="市乙领导小组", lead=city.fgw)
    c = establish(city.city, name="市丙领导小组", lead=city.gxj)
    q = establish(city.county, name="青州市甲领导小组", lead=city.qz_fgj)
    before = LedgerEvent.objects.count()
    with pytest.raises(services.ItemRefused) as e:
        services.bodies_change_bulk(actor=None, items=[rename(a, "市丙领导小组")])
    assert e.value.index == 0 and "已有同名机构“市丙领导小组”" in str(e.value.error.message)
    with pytest.raises(services.ItemRefused) as e:
        services.bodies_change_bulk(actor=None, items=[rename(a, "市丁委员会"), rename(b, "市丁委员会")])
    assert e.value.index == 1 and "本次变更中已用于另一个机构" in e.value.error.message
    assert LedgerEvent.objects.count() == before
    # the same name in another region, and a body keeping its own name's spans, are fine
    services.bodies_change_bulk(actor=None, items=[rename(a, "市丁委员会"), rename(q, "市丁委员会"),
                                                   rename(c, "市丙委员会")])
    assert LedgerEvent.objects.count() == before + 3
