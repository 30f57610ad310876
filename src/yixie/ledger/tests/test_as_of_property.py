"""The ledger as of any date matches what the events say, whatever order they were recorded in."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as s

from yixie.ledger import selectors, services
from yixie.ledger.choices import EventKind
from yixie.testing.factories import City, establish

pytestmark = pytest.mark.django_db

START = date(2015, 1, 1)

# (day offset, kind) — renames carry a fresh name; one optional abolition ends the story.
events_strategy = s.lists(s.tuples(s.integers(1, 3000), s.sampled_from(["rename", "members"])), min_size=0,
                          max_size=6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=events_strategy, abolish_after=s.one_of(s.none(), s.integers(1, 3500)), order_seed=s.randoms())
def test_as_of_equals_replaying_events_in_date_order(django_db_blocker, steps, abolish_after, order_seed):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        city = City()
        body = establish(city.city, name="市测试领导小组", lead=city.fgw, on=START, members=[city.gxj])
        # Expected history, computed independently: sorted by date, later recording order on ties.
        planned = []
        for i, (offset, kind) in enumerate(steps):
            on = START + timedelta(days=offset)
            planned.append((on, kind, f"市测试领导小组{i}" if kind == "rename" else None,
                            [city.gxj] if i % 2 else [city.nyj, city.swj]))
        order_seed.shuffle(planned)
        recorded = []
        for on, kind, name, members in planned:
            from yixie.ledger.state import member_ref

            changes = {"name": name} if kind == "rename" else {"members": [member_ref(d, "assisting") for d in members]}
            try:
                services.event_record(actor=None, body=body, kind=kind, on=on, changes=changes)
            except services.LedgerError:
                continue  # e.g. a rename to the name it already has on that date, or no change: refused, fine
            recorded.append((on, len(recorded), kind, name, members))
        end = START + timedelta(days=abolish_after) if abolish_after else None
        if end is not None:
            try:
                services.event_record(actor=None, body=body, kind=EventKind.ABOLISH, on=end)
            except services.LedgerError:
                end = None  # later events exist: refused, as the rule says
        recorded.sort(key=lambda r: (r[0], r[1]))

        def expected_on(d):
            if d < START or (end is not None and d >= end):
                return None
            name = "市测试领导小组"
            members = {city.gxj.pk}
            for on, _, kind, new_name, new_members in recorded:
                if on > d:
                    break
                if kind == "rename":
                    name = new_name
                else:
                    members = {m.pk for m in new_members}
            return name, members

        probes = {START - timedelta(days=1), START, date(2030, 1, 1)} | {r[0] for r in recorded} | {
            r[0] - timedelta(days=1) for r in recorded}
        if end:
            probes |= {end, end - timedelta(days=1)}
        for d in sorted(probes):
            row = selectors.bodies_as_of(region=city.city, on=d).first()
            got = None if row is None else (row.name, {m["department_id"] for m in row.state["members"]})
            assert got == expected_on(d), d
        transaction.set_rollback(True)
