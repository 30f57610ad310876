"""Leader load: the bodies in force on a date that each post leads (组长) or deputises in (副组长).

Seats are held by posts, not people (自然补入), so a post's load is read from the ledger's states in
force on the date; a person's load is the load of the posts they hold."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from yixie.ledger.choices import BodyStatus, LeaderRole
from yixie.ledger.models import Body, LedgerEvent
from yixie.ledger.policy import quota_status
from yixie.org.models import Post


def _states_in_force(on: date, region_ids):
    return (LedgerEvent.objects.in_force_on(on).filter(status=BodyStatus.ACTIVE, region_id__in=region_ids)
            .order_by("name", "body_id"))


def seats_by_posts(post_ids: list[int], on: date | None = None) -> dict[int, int]:
    """{post id: number of bodies in force on `on` in which the post is 组长 or 副组长}."""
    on = on or timezone.localdate()
    wanted = set(post_ids)
    regions = set(Post.objects.filter(id__in=wanted).values_list("region_id", flat=True))
    counts: dict[int, int] = {}
    for state in _states_in_force(on, regions).values_list("state", flat=True):
        for post_id in {s.get("post_id") for s in state.get("leaders", [])} & wanted:
            counts[post_id] = counts.get(post_id, 0) + 1
    return counts


def leader_load(*, region, leaders: list[dict], exclude_body_id: int | None = None, adds: int = 0,
                on: date | None = None) -> dict:
    """For each proposed leader seat ({"post_id", "post", "role"}): the bodies in force on `on` (default today)
    that its post already leads or deputises in (leaving out `exclude_body_id`, the body being changed);
    and the region's counted bodies against its cap, before and after `adds` more."""
    on = on or timezone.localdate()
    post_ids = [s["post_id"] for s in leaders]
    posts = {p.pk: p for p in Post.objects.filter(pk__in=post_ids)}
    by_post: dict[int, dict] = {pid: {"leads": [], "deputy": []} for pid in post_ids}
    regions = {p.region_id for p in posts.values()} or {region.pk}
    for row in _states_in_force(on, regions).values("body_id", "name", "state"):
        if row["body_id"] == exclude_body_id:
            continue
        for seat in row["state"].get("leaders", []):
            if seat.get("post_id") in by_post:
                key = "leads" if seat.get("role") == LeaderRole.LEADER else "deputy"
                by_post[seat["post_id"]][key].append({"pk": row["body_id"], "name": row["name"]})
    rows = []
    role_labels = dict(LeaderRole.choices)
    for s in leaders:
        data = by_post.get(s["post_id"], {"leads": [], "deputy": []})
        post = posts.get(s["post_id"])
        rows.append({"post": post.name if post else s.get("post"), "role": role_labels.get(s["role"], s["role"]),
                     "leads": data["leads"], "deputy": data["deputy"],
                     "total": len(data["leads"]) + len(data["deputy"])})
    # The total cap and count of the ledger's total-number control (one home: `ledger.policy.quota_status`);
    # the per-category caps and 撤一建一 are the approval workflow's findings.
    total = quota_status(region, on).total
    counted, cap = total.count, total.cap
    return {"rows": rows, "counted": counted, "cap": cap, "after": counted + adds, "on": on,
            "over_cap": cap is not None and counted + adds > cap}


def bodies_of_post(post, on: date | None = None):
    """The bodies in force on `on` in which this post holds a seat (for a post's page)."""
    on = on or timezone.localdate()
    ids = [row["body_id"] for row in _states_in_force(on, [post.region_id]).values("body_id", "state")
           if any(s.get("post_id") == post.pk for s in row["state"].get("leaders", []))]
    return Body.objects.filter(pk__in=ids).order_by("name")
