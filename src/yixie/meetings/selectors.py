"""Reads of the meetings register."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Case, Count, Max, Prefetch, Q, Value, When
from django.http import Http404
from django.utils import timezone

from yixie.ledger.choices import BodyStatus, LeaderRole
from yixie.ledger.models import Body, LeaderSeat, Membership
from yixie.org.models import Post
from yixie.org.scopes import scope_for

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


# ---------------------------------------------------------------- scopes

VIEW = "meeting.view"
RECORD = "meeting.record"
OVERVIEW = "meeting.overview"


def _involved(scope) -> Q:
    """A department role reads the register of a body it leads, hosts or joins (as `Body.objects.visible_to`
    says), within its region first (an index)."""
    ids = scope.department_ids
    return Q(body__region_id__in=scope.department_region_ids) & (
        Q(body__lead_department_id__in=ids) | Q(body__office_department_id__in=ids)
        | Q(body_id__in=Membership.objects.filter(department_id__in=ids).values("body_id")))


def bodies_visible_to(user, action: str = VIEW):
    """The bodies whose register the user may read: the region roles' regions, a department's led, hosted and
    joined bodies."""
    return Body.objects.visible_to(user, action)


def bodies_recordable_by(user):
    """The bodies whose register the user keeps: 编办 its regions', a department only those whose office it
    hosts (Body.office_department)."""
    return scope_for(user, RECORD).restrict(
        Body.objects.all(), regions=lambda ids: Q(region_id__in=ids),
        departments=lambda s: Q(region_id__in=s.department_region_ids, office_department_id__in=s.department_ids))


def _restrict(user, qs, action: str = VIEW, *, region_field: str = "region_id"):
    """Rows of the register within the user's scope for `action`: a region role's regions; for reading, a
    department's led, hosted and joined bodies; for recording, only the bodies whose office it hosts."""
    def departments(s):
        if action == RECORD:
            return Q(**{f"{region_field}__in": s.department_region_ids}) & Q(body__office_department_id__in=s.department_ids)
        return _involved(s)

    return scope_for(user, action).restrict(qs, regions=lambda ids: Q(**{f"{region_field}__in": ids}),
                                            departments=departments)


def meetings_visible_to(user, action: str = VIEW):
    """The meetings the user may read (`meeting.view`) or correct (`meeting.record`)."""
    return _restrict(user, Meeting.objects.all(), action)


def documents_visible_to(user, action: str = VIEW):
    return _restrict(user, BodyDocument.objects.all(), action)


def decisions_visible_to(user, action: str = VIEW):
    return _restrict(user, MeetingDecision.objects.all(), action, region_field="body__region_id")


def body_for_user(user, pk: int) -> Body:
    """A body whose register the user may read, or 404."""
    body = (bodies_visible_to(user).select_related("region", "lead_department", "office_department")
            .filter(pk=pk).first())
    if body is None:
        raise Http404
    return body


def meeting_for_user(user, pk: int, action: str = VIEW) -> Meeting:
    m = (meetings_visible_to(user, action)
         .select_related("body__region", "body__office_department", "chair_post", "recorded_by")
         .filter(pk=pk).first())
    if m is None:
        raise Http404
    return m


def decision_for_user(user, pk: int, action: str = VIEW) -> MeetingDecision:
    d = (decisions_visible_to(user, action)
         .select_related("meeting", "body__region", "body__office_department", "department")
         .filter(pk=pk).first())
    if d is None:
        raise Http404
    return d


def document_for_user(user, pk: int, action: str = VIEW) -> BodyDocument:
    doc = (documents_visible_to(user, action).select_related("body__region", "body__office_department", "recorded_by")
           .filter(pk=pk).first())
    if doc is None:
        raise Http404
    return doc


def may_record(user, body) -> bool:
    """Whether the user keeps this body's register: the host department of its office, the region's (or an upper
    region's) establishment office, the superuser. Pages show their buttons by it; the services check it."""
    scope = scope_for(user, RECORD)
    return (scope.everything or body.region_id in scope.region_ids
            or body.office_department_id in scope.department_ids)


# ---------------------------------------------------------------- lists

def meeting_rows(qs):
    """Meetings with what a list shows, in a constant number of queries."""
    return (qs.select_related("body", "chair_post", "region")
            .prefetch_related("departments", "posts")
            .annotate(n_decisions=Count("decisions", distinct=True),
                      n_open=Count("decisions", filter=Q(decisions__status=DecisionStatus.OPEN), distinct=True)))


def document_rows(qs):
    return qs.select_related("body", "region")


def body_register(body: Body, *, year: int | None = None) -> dict:
    """A body's register: its meetings (each with its decisions), its documents, and the year's figures."""
    meetings = Meeting.objects.filter(body=body)
    documents = BodyDocument.objects.filter(body=body)
    if year:
        meetings = meetings.filter(held_on__year=year)
        documents = documents.filter(issued_on__year=year)
    meetings = list(meetings.select_related("chair_post", "recorded_by").prefetch_related(
        "departments", "posts",
        Prefetch("decisions", queryset=MeetingDecision.objects.select_related("department").order_by("id"))))
    today = timezone.localdate()
    for m in meetings:
        for d in m.decisions.all():
            d.overdue = _overdue(d, today)
    return {"meetings": meetings, "documents": list(documents.select_related("recorded_by")),
            "figures": register_figures(body_ids=[body.pk], year=year or today.year)[body.pk]}


def _overdue(d: MeetingDecision, today: date) -> bool:
    return d.status == DecisionStatus.OPEN and d.due_on is not None and d.due_on < today


def decision_rows(qs, *, today: date):
    """Decisions with their meeting and body, the overdue open ones first; `overdue` set on each."""
    rows = list(qs.filter(meeting__is_void=False).select_related("meeting", "body", "department")
                .annotate(late=Case(When(status=DecisionStatus.OPEN, due_on__lt=today, then=Value(0)),
                                    When(status=DecisionStatus.OPEN, then=Value(1)), default=Value(2)))
                .order_by("late", "due_on", "meeting__held_on", "id"))
    for d in rows:
        d.overdue = d.late == 0
    return rows


def open_decisions(user, *, today: date | None = None):
    """The user's open decisions (议而不决、议而不行), overdue ones first and marked `overdue`."""
    return decision_rows(decisions_visible_to(user).filter(status=DecisionStatus.OPEN), today=today or timezone.localdate())


def unapproved_documents(qs=None, *, region=None, year: int | None = None):
    """Documents issued in a body's name to lower levels without approval (spec §3 rule 3), not voided."""
    qs = BodyDocument.objects.all() if qs is None else qs
    qs = qs.filter(to_lower_levels=True, approved=False, is_void=False)
    if region is not None:
        qs = qs.filter(region=region)
    if year:
        qs = qs.filter(issued_on__year=year)
    return qs.select_related("body").order_by("-issued_on", "-id")


# ---------------------------------------------------------------- leader load and idle bodies

def leader_load(*, region, year: int) -> list[dict]:
    """Per post of the region, in one year: the non-void meetings it chaired, those it attended (on the list of
    attending posts), the meetings its holder must be at (either), and the bodies it sits in now (ledger
    LeaderSeat of bodies in force: as 组长, as 副组长). Four queries, whatever the size; posts with neither
    a meeting nor a seat are left out. Heaviest first."""
    meetings = Meeting.objects.filter(region=region, is_void=False, held_on__year=year)
    chaired: dict[int, set[int]] = defaultdict(set)
    attended: dict[int, set[int]] = defaultdict(set)
    for post_id, meeting_id in meetings.filter(chair_post__isnull=False).values_list("chair_post_id", "id"):
        chaired[post_id].add(meeting_id)
    through = Meeting.posts.through
    for post_id, meeting_id in through.objects.filter(meeting__in=meetings).values_list("post_id", "meeting_id"):
        attended[post_id].add(meeting_id)
    seats: dict[int, dict] = defaultdict(lambda: {"bodies": 0, "leader": 0, "deputy": 0})
    for row in (LeaderSeat.objects.filter(post__region=region, body__status=BodyStatus.ACTIVE)
                .values("post_id").annotate(
                    bodies=Count("body_id", distinct=True),
                    leader=Count("body_id", distinct=True, filter=Q(role=LeaderRole.LEADER)),
                    deputy=Count("body_id", distinct=True, filter=Q(role=LeaderRole.DEPUTY)))):
        seats[row["post_id"]].update(bodies=row["bodies"], leader=row["leader"], deputy=row["deputy"])
    ids = set(chaired) | set(attended) | set(seats)
    rows = []
    for post in Post.objects.filter(pk__in=ids, region=region).order_by("order", "id"):
        rows.append({"post": post, "chaired": len(chaired[post.pk]), "attended": len(attended[post.pk]),
                     "meetings": len(chaired[post.pk] | attended[post.pk]), "seats": seats[post.pk]["bodies"],
                     "leader_seats": seats[post.pk]["leader"], "deputy_seats": seats[post.pk]["deputy"]})
    rows.sort(key=lambda r: (-r["meetings"], -r["seats"], r["post"].order, r["post"].pk))
    return rows


def active_during(year: int) -> Q:
    """Bodies in force at some time of the year: set up by its last day, not ended by its first."""
    return Q(established_on__lte=date(year, 12, 31)) & (Q(ended_on__isnull=True) | Q(ended_on__gt=date(year, 1, 1)))


def bodies_without_meeting(*, region, year: int, bodies=None):
    """The region's bodies in force during the year with no non-void meeting held in it, each with the date of
    its last meeting before (`last_meeting_on`, or None: never). One query. `bodies` narrows to a user's scope."""
    qs = Body.objects.all() if bodies is None else bodies
    met = Meeting.objects.filter(is_void=False, held_on__year=year).values("body_id")
    return (qs.filter(active_during(year), region=region).exclude(pk__in=met)
            .select_related("lead_department", "office_department")
            .annotate(last_meeting_on=Max("meetings__held_on", filter=Q(meetings__is_void=False,
                                                                        meetings__held_on__lt=date(year, 1, 1))))
            .order_by("category", "name"))


def meetings_by_posts(post_ids, on) -> dict[int, int]:
    """For the posts page (a row fact): the meetings each post chaired or attended in the year of `on`, in one
    query (a meeting counted once per post)."""
    year = on.year
    through = Meeting.posts.through
    attended = through.objects.filter(post_id__in=list(post_ids), meeting__is_void=False,
                                      meeting__held_on__year=year).order_by().values_list("post_id", "meeting_id")
    chaired = Meeting.objects.filter(chair_post_id__in=list(post_ids), is_void=False,
                                     held_on__year=year).order_by().values_list("chair_post_id", "id")
    seen: dict[int, set[int]] = defaultdict(set)
    for post_id, meeting_id in attended.union(chaired):
        seen[post_id].add(meeting_id)
    return {post_id: len(ids) for post_id, ids in seen.items()}


# ---------------------------------------------------------------- the daily check of spec §3 rule 3

#: How far back the daily check looks at documents registered (each is told once, by its key).
RULE3_RECENT_DAYS = 30


def rule3_alerts(on: date):
    """The daily check of spec §3 rule 3: a document registered as issued to lower levels in a body's own name
    without approval (recorded in the last 30 days, not voided). Told: the establishment office of the body's
    region and of the regions above it, once per document, with a link to the register's list of such documents."""
    from datetime import datetime, time, timedelta

    from django.urls import reverse

    from yixie.core.dates import format_date_zh
    from yixie.core.registry import Alert
    from yixie.core.roles import Role
    from yixie.org.models import Region, RoleAssignment

    since = timezone.make_aware(datetime.combine(on - timedelta(days=RULE3_RECENT_DAYS), time.min))
    docs = list(BodyDocument.objects.filter(to_lower_levels=True, approved=False, is_void=False,
                                            created_at__gte=since).select_related("body").order_by("id"))
    if not docs:
        return
    parents = dict(Region.objects.values_list("id", "parent_id"))
    holders = defaultdict(set)
    for user_id, region_id in RoleAssignment.objects.filter(role=Role.ESTABLISHMENT).values_list("user_id",
                                                                                                 "region_id"):
        holders[region_id].add(user_id)
    url = f"{reverse('meetings:list')}?tab=documents&unapproved=1"
    for doc in docs:
        users, region = set(), doc.region_id
        while region is not None:
            users |= holders.get(region, set())
            region = parents.get(region)
        if not users:
            continue
        number = f"（{doc.number}）" if doc.number else ""
        yield Alert(key=f"meetings.rule3:{doc.pk}",
                    title=f"“{doc.body.name}”未经批准以机构名义向下级发文：{doc.title}{number}",
                    text=f"印发日期{format_date_zh(doc.issued_on)}。议事协调机构未经批准不得以机构名义向下级部门发文，"
                         "请核实并督促整改。",
                    url=url, recipients=tuple(sorted(users)))
