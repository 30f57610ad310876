"""What the overlap engine reads from the ledger and org: a scope's regions, its candidates, and the
cheap queries that tell whether they changed.

Why a module of its own: these are the engine's only database reads (the floor below it, read-only);
the index and the query work on the plain dicts returned here (kind, id, name, status, names
[(label, is_main, short)], duties), so they can be built and tested without a database, and a change of
the ledger's models touches this module only.

Candidates: bodies active on a day (today from the current rows; another day from the ledger events in
force) or ended within the last few years before it (a body abolished last year and proposed again is
the commonest near-duplicate), and the active departments with 三定 duties. Models are imported inside
the functions: this package is imported while Django loads its apps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date


def _fingerprint(region_ids: Sequence[int]) -> tuple:
    """Cheap: changes whenever a body, an event or a department of the regions is written, by any process."""
    from django.db.models import Count, Max

    from yixie.ledger.models import Body, LedgerEvent
    from yixie.org.models import Department

    where = {"region_id": region_ids[0]} if len(region_ids) == 1 else {"region_id__in": region_ids}
    ev = LedgerEvent.objects.filter(**where).aggregate(m=Max("id"), n=Count("id"))
    bo = Body.objects.filter(**where).aggregate(m=Max("updated_at"), n=Count("id"))
    de = Department.objects.filter(**where).aggregate(m=Max("updated_at"), n=Count("id"))
    return (ev["m"], ev["n"], bo["m"], bo["n"], de["m"], de["n"])


def _stamps(region_ids: Sequence[int], since=None) -> dict:
    """(kind, id) → updated_at of every body and department of the regions (with `since`, of those
    stamped at or after it): what changed since an index was built is what has another stamp (every
    ledger write saves the body, which sets updated_at)."""
    from yixie.ledger.models import Body
    from yixie.org.models import Department

    recent = {} if since is None else {"updated_at__gte": since}
    out = {("body", pk): at for pk, at in Body.objects.filter(region_id__in=region_ids, **recent)
           .values_list("id", "updated_at")}
    out.update({("department", pk): at for pk, at in Department.objects.filter(region_id__in=region_ids, **recent)
                .values_list("id", "updated_at")})
    return out


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def _lines(value) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.splitlines() if v.strip()]
    return [str(v).strip() for v in (value or []) if str(v).strip()]


def _load_candidates(regions, on: date | None, recent_years: int, *, body_ids: Iterable[int] | None = None,
                     department_ids: Iterable[int] | None = None) -> list[dict]:
    """The candidates of a region (a Region) or of several (their ids); only the given bodies and
    departments when `body_ids` / `department_ids` are given."""
    from django.db.models import Q
    from django.utils import timezone

    from yixie.ledger.choices import BodyStatus
    from yixie.ledger.models import Body, LedgerEvent
    from yixie.org.models import Department

    region_ids = [regions.pk] if hasattr(regions, "pk") else list(regions)
    day = on or timezone.localdate()
    cutoff = _years_before(day, recent_years)
    raw: list[dict] = []
    if on is None:
        rows = (Body.objects.filter(region_id__in=region_ids)
                .filter(Q(status=BodyStatus.ACTIVE) | Q(ended_on__gte=cutoff)))
        if body_ids is not None:
            rows = rows.filter(pk__in=list(body_ids))
        for b in rows.values("id", "name", "short_name", "aliases", "former_names", "duties", "status"):
            raw.append(_body_raw(b["id"], b["name"], b["status"], b["short_name"], _lines(b["aliases"]),
                                 _lines(b["former_names"]), b["duties"]))
    else:
        rows = (LedgerEvent.objects.in_force_on(on).filter(region_id__in=region_ids)
                .filter(Q(status=BodyStatus.ACTIVE) | Q(effective_on__gte=cutoff)))
        if body_ids is not None:
            rows = rows.filter(body_id__in=list(body_ids))
        for ev in rows.values("body_id", "name", "status", "state"):
            s = ev["state"] or {}
            raw.append(_body_raw(ev["body_id"], ev["name"], ev["status"], s.get("short_name", ""),
                                 _lines(s.get("aliases")), _lines(s.get("former_names")), s.get("duties", "")))
    # Departments' 三定 duties: the rows in force on the day (org.DepartmentDuty, docs/decisions/0026).
    from yixie.org.duties import duties_in_force

    departments = Department.objects.filter(region_id__in=region_ids, is_active=True)
    if department_ids is not None:
        departments = departments.filter(pk__in=list(department_ids))
    texts: dict[int, list[str]] = {}
    for dept_id, text in duties_in_force(departments.values_list("id", flat=True), day).values_list("department_id", "text"):
        texts.setdefault(dept_id, []).append(text)
    for d in departments.filter(pk__in=list(texts)).values("id", "name", "short_name"):
        names = [(d["name"], True, False)]
        if d["short_name"]:
            names.append((d["short_name"], False, False))
        raw.append({"kind": "department", "id": d["id"], "name": d["name"], "status": "department",
                    "names": names, "duties": "。".join(texts[d["id"]]) + "。"})
    return raw


def _body_raw(pk, name, status, short_name, aliases, former_names, duties) -> dict:
    names = [(name, True, False)]
    if short_name:
        names.append((short_name, False, True))
    names += [(a, False, False) for a in aliases]
    names += [(f, False, False) for f in former_names]
    return {"kind": "body", "id": pk, "name": name, "status": status, "names": names, "duties": duties or ""}


def _scope(region, include_descendants: bool) -> tuple[list[int], list[str]]:
    """The region ids of a scope and the region names that prefix its names (the scope's and the parent's)."""
    from yixie.org.models import Region
    from yixie.org.scopes import region_subtree_ids

    parent = getattr(region, "parent", None)
    parent_names = [parent.name] if parent is not None else []
    if not include_descendants:
        return [region.pk], [region.name, *parent_names]
    ids = region_subtree_ids({region.pk})
    names = dict(Region.objects.filter(pk__in=ids).values_list("id", "name"))
    return sorted(ids), [region.name, *parent_names, *(names[i] for i in sorted(ids) if i != region.pk)]
