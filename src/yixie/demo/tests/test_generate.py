"""The benchmark generator: reproducible, consistent with the ledger's own replay, and only for empty databases."""

import random
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count

from yixie.approvals.choices import ApplicationStatus, ReviewStep
from yixie.approvals.models import Application, Review
from yixie.approvals.selectors import todo_for
from yixie.ledger import services
from yixie.ledger.choices import ENDED_STATUSES, BodyStatus, EventKind
from yixie.ledger.models import Body, LeaderSeat, LedgerEvent, Membership
from yixie.ledger.selectors import ledger_rows
from yixie.org.models import Department, Region

pytestmark = pytest.mark.django_db

EVENT_FIELDS = ["state", "valid_until", "name", "category", "sequence", "status", "lead_department_id",
                "office_department_id", "is_temporary", "ends_on", "search_text", "department_keys"]


def _generate(seed=7):
    call_command("generate", scale="tiny", seed=seed, verbosity=0)


def _body_picture(body: Body) -> dict:
    body = Body.objects.get(pk=body.pk)
    # The version moves on with every write, a replay included (docs/decisions/0018); the rest must not.
    columns = {f.attname: getattr(body, f.attname) for f in Body._meta.concrete_fields
               if f.name not in ("updated_at", "version")}
    return {
        "body": columns,
        "events": list(body.events.order_by("effective_on", "seq", "id").values("id", *EVENT_FIELDS)),
        "seats": list(LeaderSeat.objects.filter(body=body).order_by("order").values_list("role", "post_id", "order")),
        "members": list(Membership.objects.filter(body=body).order_by("order")
                        .values_list("department_id", "role", "order")),
    }


def test_generated_states_are_exactly_what_replay_derives():
    _generate()
    bodies = list(Body.objects.order_by("id"))
    assert len(bodies) == 45
    # Every kind of history the generator writes is in the sample: merged, abolished and renamed bodies too.
    sample = random.Random(1).sample(bodies, 20)
    sample += [b for b in bodies if b.status in ENDED_STATUSES or b.former_names][:10]
    for body in sample:
        before = _body_picture(body)
        version = Body.objects.get(pk=body.pk).version
        services.replay(body=body)
        assert _body_picture(body) == before, body.name
        assert Body.objects.get(pk=body.pk).version == version + 1


def test_same_seed_same_data_other_seed_other_data():
    _generate(seed=7)
    first = list(Body.objects.order_by("id").values_list("name", "established_on", "region__code"))
    events = list(LedgerEvent.objects.order_by("id").values_list("kind", "effective_on", "name"))
    docs = list(Body.objects.order_by("id").values_list("basis_document__number", flat=True))
    # A fresh database with the same seed: the same rows.
    _wipe()
    _generate(seed=7)
    assert list(Body.objects.order_by("id").values_list("name", "established_on", "region__code")) == first
    assert list(LedgerEvent.objects.order_by("id").values_list("kind", "effective_on", "name")) == events
    assert list(Body.objects.order_by("id").values_list("basis_document__number", flat=True)) == docs
    _wipe()
    _generate(seed=8)
    assert list(Body.objects.order_by("id").values_list("name", "established_on", "region__code")) != first


def _wipe():
    """Empty the tables the generator fills (raw SQL: ledger rows refuse ORM deletes on purpose)."""
    from django.db import connection

    from yixie.approvals.models import ApplicationLog
    from yixie.ledger.models import Document
    from yixie.org.models import Post, PostHolding, RoleAssignment

    models = [ApplicationLog, Review, Application, Membership, LeaderSeat, LedgerEvent, Body, Document, RoleAssignment,
              PostHolding, Post, Department, get_user_model(), Region]
    with connection.cursor() as cursor:
        for m in models:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(m._meta.db_table)}")


def test_as_of_returns_one_row_per_live_body():
    _generate()
    for on in (date(2019, 3, 1), date(2021, 6, 30), date(2023, 1, 1), date(2025, 10, 1), date(2026, 11, 25)):
        rows = LedgerEvent.objects.in_force_on(on)
        per_body = rows.values("body_id").annotate(n=Count("id")).filter(n__gt=1)
        assert not per_body.exists(), on
        live = {
            b.pk for b in Body.objects.filter(established_on__lte=on)
            if b.ended_on is None or b.ended_on > on
        }
        assert set(rows.filter(status=BodyStatus.ACTIVE).values_list("body_id", flat=True)) == live, on
        assert set(rows.values_list("body_id", flat=True)) == set(
            Body.objects.filter(established_on__lte=on).values_list("pk", flat=True)), on


def test_shape_regions_members_documents_applications():
    _generate()
    city = Region.objects.get(level="city")
    assert Region.objects.filter(level="province").count() == 1
    assert city.code.endswith("00") and city.parent.code.endswith("0000") and len(city.code) == 6
    counties = list(city.children.all())
    assert len(counties) == 2 and all(c.code[:4] == city.code[:4] for c in counties)
    for region in [city, *counties]:
        assert Body.objects.filter(region=region).count() == 15
        assert Department.objects.filter(region=region).count() >= 25
    sizes = [n for n in Body.objects.annotate(n=Count("memberships")).values_list("n", flat=True)]
    assert min(sizes) >= 10 and max(sizes) <= 30
    kinds = set(LedgerEvent.objects.values_list("kind", flat=True))
    assert {EventKind.ESTABLISH, EventKind.MEMBERS} <= kinds
    # Every basis document's 文号 is canonical and unique; its year is the setup year.
    for body in Body.objects.exclude(basis_document=None).select_related("basis_document"):
        assert f"〔{body.established_on.year}〕" in body.basis_document.number
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses >= {ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW, ApplicationStatus.PUBLISHED,
                        ApplicationStatus.DRAFT}
    published = Application.objects.filter(status=ApplicationStatus.PUBLISHED)
    for app in published:
        assert app.ledger_event.source_label == app.number
        assert not app.reviews.filter(decision="", cancelled=False).exists()


def test_bench_users_can_log_in_and_the_reviewer_is_busy(client):
    _generate()
    response = client.post("/login/", {"username": "bench_bianban", "password": "yixie-bench-2026"})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    bianban = get_user_model().objects.get(username="bench_bianban")
    todo = todo_for(bianban)
    pending = Review.objects.filter(step=ReviewStep.ESTABLISHMENT, decision="", cancelled=False).count()
    assert len([i for i in todo if i.action == "编办审核"]) == pending >= 10
    assert ledger_rows(bianban).count() > 0
    assert client.get("/ledger/?q=工作&category=government").status_code == 200
    assert client.get("/approvals/todo/").status_code == 200
    body = Body.objects.filter(region__level="city").first()
    assert client.get(f"/ledger/bodies/{body.pk}/").status_code == 200


def test_refuses_a_database_that_is_not_empty():
    Region.objects.create(code="370700", name="潍坊市", level="city")
    with pytest.raises(CommandError, match="数据库不是空的"):
        _generate()
    assert not Body.objects.exists()


def test_generated_bodies_are_hosted_only_by_departments_that_existed():
    _generate()
    assert Department.objects.get(region__level="city", name__endswith="应急管理局").established_on == date(2018, 12, 28)
    # Every state the generator wrote passes the rule the services check on every write.
    from yixie.ledger.policy import check_departments_exist

    dates = {d.pk: (d.name, d.established_on, d.ended_on) for d in Department.objects.all()}
    live = LedgerEvent.objects.exclude(kind__in=[EventKind.ABOLISH, EventKind.MERGE, EventKind.DERECOGNISE])
    for event in live:
        assert check_departments_exist(event.state, event.effective_on, dates) == [], event.name


def test_the_generator_refuses_a_state_hosted_by_a_department_not_yet_set_up(monkeypatch):
    from yixie.demo import generate

    monkeypatch.setattr(generate, "SET_UP_BY_REFORM", {k: date(2030, 1, 1) for k in generate.SET_UP_BY_REFORM})
    with pytest.raises(CommandError, match="于2030年1月1日设立，早于该日期不能"):
        _generate()
