"""Reads of the meetings register."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Max, Q

from .choices import DecisionStatus
from .models import BodyDocument, Meeting, MeetingDecision


def register_figures(*, body_ids, year: int) -> dict[int, dict]:
    """What the register knows of each body's year (the evaluation pre-fills from it), in four grouped queries:
    meetings held (by kind), documents issued, documents issued to lower levels without approval, decisions of
    the year's meetings and how many are carried out. Bodies with nothing registered get zeros."""
    ids = list(body_ids)
    out: dict[int, dict] = {i: {"meetings_held": 0, "meetings_by_kind": {}, "documents_issued": 0,
                                "unapproved_documents": 0, "decisions_total": 0, "decisions_done": 0,
                                "last_meeting_on": None} for i in ids}
    meetings = Meeting.objects.filter(body_id__in=ids, is_void=False, held_on__year=year)
    kinds: dict[int, dict] = defaultdict(dict)
    for row in meetings.values("body_id", "kind").annotate(n=Count("id")):
        kinds[row["body_id"]][row["kind"]] = row["n"]
    for body_id, by_kind in kinds.items():
        out[body_id]["meetings_by_kind"] = by_kind
        out[body_id]["meetings_held"] = sum(by_kind.values())
    for row in meetings.values("body_id").annotate(last=Max("held_on")):
        out[row["body_id"]]["last_meeting_on"] = row["last"].isoformat() if row["last"] else None
    docs = BodyDocument.objects.filter(body_id__in=ids, is_void=False, issued_on__year=year)
    for row in docs.values("body_id").annotate(
            n=Count("id"), bad=Count("id", filter=Q(to_lower_levels=True, approved=False))):
        out[row["body_id"]]["documents_issued"] = row["n"]
        out[row["body_id"]]["unapproved_documents"] = row["bad"]
    decisions = MeetingDecision.objects.filter(body_id__in=ids, meeting__is_void=False, meeting__held_on__year=year)
    for row in decisions.values("body_id").annotate(
            n=Count("id"), done=Count("id", filter=Q(status=DecisionStatus.DONE))):
        out[row["body_id"]]["decisions_total"] = row["n"]
        out[row["body_id"]]["decisions_done"] = row["done"]
    return out
