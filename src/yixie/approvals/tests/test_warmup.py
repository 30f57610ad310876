"""A new worker builds the overlap indexes of the regions under review before the first check needs them."""

import pytest

from yixie.approvals import services
from yixie.approvals.selectors import regions_under_review
from yixie.approvals.warmup import warm_overlap_indexes
from yixie.overlap import api as overlap
from yixie.overlap import index as ov_index
from yixie.testing.factories import establish

from .conftest import draft


@pytest.fixture
def fresh_indexes():
    overlap.invalidate()
    yield
    overlap.invalidate()


@pytest.mark.django_db(transaction=True)
def test_worker_warm_up_builds_the_indexes_of_regions_under_review(city, fresh_indexes, monkeypatch):
    establish(city.city, name="市预制菜产业发展工作专班", lead=city.fgw, duties="统筹推进全市预制菜产业发展。")
    assert list(regions_under_review()) == []
    assert warm_overlap_indexes() == 0
    services.submit(actor=city.hr, app=draft(city))
    assert list(regions_under_review()) == [city.city]
    assert warm_overlap_indexes() == 1
    assert (city.city.pk, False) in ov_index._CACHE

    # The reviewer's first check uses the warmed index: nothing is built again.
    def no_build(*args, **kwargs):
        raise AssertionError("the index was built again")

    monkeypatch.setattr(ov_index, "_build_index", no_build)
    matches = overlap.find_overlaps(region=city.city, name="市预制菜产业工作专班", duties="预制菜产业发展")
    assert matches and matches[0].name == "市预制菜产业发展工作专班"


@pytest.mark.django_db
def test_closed_applications_need_no_warm_up(city):
    app = services.submit(actor=city.hr, app=draft(city))
    services.withdraw(actor=city.hr, app=app, reason="另行研究")
    app.refresh_from_db()
    assert app.status == "withdrawn"
    assert list(regions_under_review()) == []
