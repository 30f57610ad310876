"""Two reviewers acting on the same step at once, on real concurrent PostgreSQL connections:
exactly one wins, the other is told, nothing is lost."""

import threading

import pytest
from django.db import connection, connections

from yixie.approvals import services
from yixie.approvals.choices import ApplicationStatus as S
from yixie.approvals.choices import Decision, ReviewStep
from yixie.approvals.models import Application, ApplicationLog, Review
from yixie.testing.factories import make_user

from .conftest import ALL_YES, draft

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections (PostgreSQL)"),
]


def race(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            fn()
            results[i] = "ok"
        except services.ApprovalError as exc:
            results[i] = exc.message
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_two_establishment_reviewers_at_once_exactly_one_wins(city, attempt):
    from yixie.core.roles import Role

    second = make_user(f"bianban2_{attempt}", Role.ESTABLISHMENT, region=city.city)
    app = services.submit(actor=city.hr, app=draft(city))
    app = services.accept(actor=city.liangban, app=app)
    results = race(
        lambda: services.review(actor=city.bianban, app=Application.objects.get(pk=app.pk),
                                step=ReviewStep.ESTABLISHMENT, decision=Decision.APPROVE, checklist=ALL_YES),
        lambda: services.review(actor=second, app=Application.objects.get(pk=app.pk), step=ReviewStep.ESTABLISHMENT,
                                decision=Decision.RETURN, opinion="请补充材料"),
    )
    assert sorted(r == "ok" for r in results) == [False, True], results
    loser = next(r for r in results if r != "ok")
    assert "他人" in loser or "不在" in loser
    review = Review.objects.get(application=app, step=ReviewStep.ESTABLISHMENT, round=1)
    assert review.decision in (Decision.APPROVE, Decision.RETURN)
    status = Application.objects.get(pk=app.pk).status
    assert status == (S.IN_REVIEW if review.decision == Decision.APPROVE else S.RETURNED)


def test_two_general_office_clerks_accept_at_once(city):
    from yixie.core.roles import Role

    second = make_user("liangban2", Role.GENERAL_OFFICE, region=city.city)
    app = services.submit(actor=city.hr, app=draft(city))
    results = race(lambda: services.accept(actor=city.liangban, app=Application.objects.get(pk=app.pk)),
                   lambda: services.accept(actor=second, app=Application.objects.get(pk=app.pk)))
    assert sorted(r == "ok" for r in results) == [False, True], results
    assert ApplicationLog.objects.filter(application=app, action="受理").count() == 1
    assert Review.objects.filter(application=app, step=ReviewStep.ESTABLISHMENT).count() == 1
