"""Leader load counts the bodies in force on a date (not every seat ever held)."""

from datetime import date

import pytest
from django.urls import reverse

from yixie.leaderload.selectors import leader_load, seats_by_posts
from yixie.ledger import services
from yixie.ledger.choices import EventKind
from yixie.testing.factories import establish

pytestmark = pytest.mark.django_db


def test_post_seats_are_of_bodies_in_force(client_for, city):
    a = establish(city.city, name="市甲领导小组", lead=city.fgw, leader=city.mayor, on=date(2019, 3, 1))
    establish(city.city, name="市乙领导小组", lead=city.fgw, leader=city.mayor, deputies=[city.vice],
              on=date(2019, 3, 1))
    services.event_record(actor=city.bianban, body=a, kind=EventKind.ABOLISH, on=date(2022, 5, 1))
    assert seats_by_posts([city.mayor.pk, city.vice.pk]) == {city.mayor.pk: 1, city.vice.pk: 1}
    assert seats_by_posts([city.mayor.pk], date(2020, 1, 1)) == {city.mayor.pk: 2}
    page = client_for(city.bianban).get(reverse("org:post_list") + "?on=2020-01-01").content.decode()
    assert "担任组长/副组长的机构数（在设立）" in page


def test_a_proposal_sees_the_posts_current_load_and_the_cap(city):
    establish(city.city, name="市甲领导小组", lead=city.fgw, leader=city.mayor, deputies=[city.vice],
              on=date(2019, 3, 1))
    load = leader_load(region=city.city, leaders=[{"post_id": city.mayor.pk, "post": "市长", "role": "leader"},
                                                  {"post_id": city.vice.pk, "post": "副市长", "role": "deputy"}],
                       adds=1)
    assert [r["total"] for r in load["rows"]] == [1, 1]
    assert load["rows"][0]["leads"][0]["name"] == "市甲领导小组"
    assert load["counted"] == 1 and load["after"] == 2


def test_the_load_reads_the_total_cap_of_total_number_control_inherited_by_a_county(city):
    """The cap beside the load is the ledger's `quota.counted_bodies` (ledger.policy.quota_status), a county's
    inherited from its city; a category cap alone leaves the total uncapped."""
    from yixie.ledger.models import PolicyValue

    establish(city.city, name="市甲领导小组", lead=city.fgw, on=date(2019, 3, 1))
    establish(city.county, name="青州市甲领导小组", lead=city.qz_fgj, on=date(2019, 3, 1))
    PolicyValue.objects.create(region=city.city, key="quota.party", value=0, severity="error", source="x")
    assert leader_load(region=city.city, leaders=[], adds=1)["cap"] is None
    PolicyValue.objects.create(region=city.city, key="quota.counted_bodies", value=1, severity="warning", source="y")
    load = leader_load(region=city.city, leaders=[], adds=1)
    assert (load["counted"], load["cap"], load["after"], load["over_cap"]) == (1, 1, 2, True)
    county = leader_load(region=city.county, leaders=[], adds=0)
    assert (county["counted"], county["cap"], county["over_cap"]) == (1, 1, False)
