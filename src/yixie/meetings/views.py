"""Pages of the meetings register (会议和发文登记): thin views over selectors (reads) and services (writes).

Who may open a page is the registered action of its view; which rows, the user's scope: every id a page takes
(the URL, a form's drop-down, the query string) goes through it, and one outside it is a 404. The rules about
content are the services' (their refusals come back on the field they name, with what the user typed kept)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from yixie.core.access import requires, user_can
from yixie.core.errors import DomainError
from yixie.core.files import serve_stored
from yixie.org.models import Department, Post, Region
from yixie.org.scopes import scope_for

from . import selectors, services
from .choices import DecisionStatus, MeetingKind
from .forms import DecisionDoneForm, DecisionForm, DocumentForm, MeetingForm, ReasonForm
from .models import BodyDocument, Meeting, MeetingDecision

PAGE_SIZE = 30
VIEW, RECORD, OVERVIEW = selectors.VIEW, selectors.RECORD, selectors.OVERVIEW
DECISION_FILTERS = [("open", "未落实"), ("overdue", "超过时限未落实"), ("done", "已落实"), ("all", "全部")]


def _id(raw) -> int:
    """An id from the query string or a form, or 0 (matches nothing) for anything that is not a plausible id."""
    raw = str(raw or "")
    return int(raw) if raw.isdecimal() and raw.isascii() and len(raw) <= 18 else 0


def _year(raw, default: int | None = None) -> int | None:
    raw = str(raw or "")
    if raw.isdecimal() and raw.isascii() and len(raw) == 4 and 1949 <= int(raw) <= 2100:
        return int(raw)
    return default


def _years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this, this - 8, -1))


def _refused(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _carry_version(form, version: int) -> None:
    """After a stale save: keep what the user typed, carry the version now (the next save wins)."""
    data = form.data.copy()
    data["version"] = str(version)
    form.data = data


def _body_from_query(request):
    """`?body=` through the user's scope: a body outside it is a 404, no hint that it exists."""
    raw = request.GET.get("body")
    if not raw:
        return None
    body = selectors.bodies_visible_to(request.user).filter(pk=_id(raw)).first()
    if body is None:
        raise Http404
    return body


def _posts(body):
    return Post.objects.filter(region_id=body.region_id, is_active=True).order_by("order", "id")


def _departments(body):
    today = timezone.localdate()
    return (Department.objects.filter(region_id=body.region_id, is_active=True)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today)).order_by("order", "id"))


# ---- the register: list, a body's register, a meeting --------------------------------------------------------

@requires(VIEW)
def meeting_list(request):
    """会议发文登记: the meetings (or documents) the user may see, by body, year and kind."""
    u = request.user
    body = _body_from_query(request)
    year = _year(request.GET.get("year"))
    kind = request.GET.get("kind", "")
    kind = kind if kind in MeetingKind.values else ""
    tab = "documents" if request.GET.get("tab") == "documents" else "meetings"
    unapproved = request.GET.get("unapproved") == "1"
    if tab == "meetings":
        qs = selectors.meetings_visible_to(u)
        if kind:
            qs = qs.filter(kind=kind)
        if year:
            qs = qs.filter(held_on__year=year)
        qs = selectors.meeting_rows(qs)
    else:
        qs = selectors.documents_visible_to(u)
        if unapproved:
            qs = qs.filter(to_lower_levels=True, approved=False, is_void=False)
        if year:
            qs = qs.filter(issued_on__year=year)
        qs = selectors.document_rows(qs)
    if body is not None:
        qs = qs.filter(body=body)
    page = Paginator(qs.order_by("-held_on" if tab == "meetings" else "-issued_on", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    query = {k: v for k, v in (("tab", tab if tab != "meetings" else ""), ("body", body.pk if body else ""),
                                ("year", year or ""), ("kind", kind), ("unapproved", "1" if unapproved else ""))
             if v}
    hosted = list(selectors.bodies_recordable_by(u).filter(status="active").order_by("region__code", "name")
                  .only("id", "name")[:31])
    return render(request, "meetings/list.html", {
        "page": page, "tab": tab, "body": body, "year": year, "kind": kind, "unapproved": unapproved,
        "years": _years(), "kinds": MeetingKind.choices,
        "bodies": selectors.bodies_visible_to(u).order_by("region__code", "name").only("id", "name"),
        "query": "&".join(f"{k}={v}" for k, v in query.items()),
        "hosted": hosted[:30], "hosted_more": len(hosted) > 30,
        "can_record_body": body is not None and selectors.may_record(u, body),
        "can_overview": user_can(u, OVERVIEW),
    })


@requires(VIEW)
def body_register(request, pk: int):
    """A body's register: its meetings with their decisions, its documents, the year's figures."""
    u = request.user
    body = selectors.body_for_user(u, pk)
    year = _year(request.GET.get("year"))
    register = selectors.body_register(body, year=year)
    return render(request, "meetings/body.html", {
        "body": body, "year": year, "years": _years(), **register,
        "figures_year": year or timezone.localdate().year,
        "can_record": selectors.may_record(u, body), "today": timezone.localdate(),
    })


@requires(VIEW)
def meeting_detail(request, pk: int):
    u = request.user
    meeting = selectors.meeting_for_user(u, pk)
    decisions = list(meeting.decisions.select_related("department").order_by("id"))
    today = timezone.localdate()
    for d in decisions:
        d.overdue = d.status == DecisionStatus.OPEN and d.due_on is not None and d.due_on < today
    can_record = selectors.may_record(u, meeting.body)
    return render(request, "meetings/meeting.html", {
        "meeting": meeting, "body": meeting.body, "decisions": decisions,
        "departments": list(meeting.departments.order_by("order", "id")),
        "posts": list(meeting.posts.order_by("order", "id")),
        "can_record": can_record and not meeting.is_void,
        "decision_form": DecisionForm(departments=_departments(meeting.body)) if can_record else None,
        "void_form": ReasonForm(initial={"version": meeting.version}) if can_record else None,
    })


@requires(VIEW)
def minutes(request, pk: int):
    meeting = selectors.meeting_for_user(request.user, pk)
    if not meeting.minutes:
        raise Http404
    return serve_stored(request, meeting.minutes, filename=meeting.minutes_name or "会议纪要", about=meeting,
                        body_id=meeting.body_id)


# ---- recording and correcting a meeting -----------------------------------------------------------------------

def _recordable_body(user, pk: int):
    body = selectors.bodies_recordable_by(user).select_related("region", "office_department").filter(pk=pk).first()
    if body is None:
        raise Http404
    return body


def _meeting_args(form) -> dict:
    c = form.cleaned_data
    return {"kind": c.get("kind") or "", "held_on": c.get("held_on"), "title": c.get("title") or "",
            "chair_post": c.get("chair_post"), "chair_label": c.get("chair_label") or "",
            "departments": c.get("departments") or [], "posts": c.get("posts") or [], "topics": c.get("topics") or "",
            "minutes": c.get("minutes")}


@requires(RECORD)
@require_http_methods(["GET", "POST"])
def meeting_new(request, pk: int):
    u = request.user
    body = _recordable_body(u, pk)
    form = MeetingForm(request.POST or None, request.FILES or None, posts=_posts(body),
                       departments=_departments(body), initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_record(actor=u, body=body, decisions=form.decision_lines(),
                                              **_meeting_args(form))
        except DomainError as exc:
            _refused(form, exc)
        else:
            n = meeting.decisions.count()
            messages.success(request, f"已登记“{meeting.title}”{f'，议定事项{n}项' if n else ''}。")
            return redirect("meetings:meeting", pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "body": body, "meeting": None})


def _meeting_initial(m: Meeting) -> dict:
    return {"version": m.version, "kind": m.kind, "held_on": m.held_on, "title": m.title,
            "chair_post": m.chair_post_id, "chair_label": m.chair_label, "topics": m.topics,
            "posts": [p.pk for p in m.posts.all()], "departments": [d.pk for d in m.departments.all()]}


@requires(RECORD)
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    u = request.user
    meeting = selectors.meeting_for_user(u, pk, RECORD)
    body = meeting.body
    form = MeetingForm(request.POST or None, request.FILES or None, posts=_posts(body), departments=_departments(body),
                       initial=_meeting_initial(meeting), creating=False)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_edit(actor=u, meeting=meeting, expected_version=form.cleaned_data.get("version"),
                                            **_meeting_args(form))
        except DomainError as exc:
            if exc.code == "stale":
                _carry_version(form, Meeting.objects.get(pk=meeting.pk).version)
            _refused(form, exc)
        else:
            messages.success(request, f"“{meeting.title}”的登记已修改。")
            return redirect("meetings:meeting", pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "body": body, "meeting": meeting})


@requires(RECORD)
@require_POST
def meeting_void(request, pk: int):
    u = request.user
    meeting = selectors.meeting_for_user(u, pk, RECORD)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.meeting_void(actor=u, meeting=meeting, reason=form.cleaned_data.get("reason") or "",
                              expected_version=form.cleaned_data.get("version"))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"“{meeting.title}”的登记已作废，记录仍保留在登记簿中。")
    return redirect("meetings:meeting", pk=meeting.pk)


# ---- decisions ------------------------------------------------------------------------------------------------

@requires(RECORD)
@require_http_methods(["GET", "POST"])
def decision_new(request, pk: int):
    u = request.user
    meeting = selectors.meeting_for_user(u, pk, RECORD)
    form = DecisionForm(request.POST or None, departments=_departments(meeting.body))
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.decision_add(actor=u, meeting=meeting, text=c["text"], department=c.get("department"),
                                  due_on=c.get("due_on"))
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, "已登记议定事项。")
            return redirect(reverse("meetings:meeting", args=[meeting.pk]) + "#decisions")
    return render(request, "meetings/decision_form.html", {"form": form, "meeting": meeting, "body": meeting.body})


@requires(RECORD)
@require_http_methods(["GET", "POST"])
def decision_done(request, pk: int):
    u = request.user
    decision = selectors.decision_for_user(u, pk, RECORD)
    done = decision.status == DecisionStatus.DONE  # shown as recorded, the form disabled
    form = DecisionDoneForm(request.POST or None, initial={
        "version": decision.version, "done_on": decision.done_on if done else timezone.localdate(),
        "note": decision.done_note if done else ""})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.decision_done(actor=u, decision=decision, done_on=c.get("done_on"), note=c.get("note") or "",
                                   expected_version=c.get("version"))
        except DomainError as exc:
            if exc.code == "stale":
                _carry_version(form, MeetingDecision.objects.get(pk=decision.pk).version)
            _refused(form, exc)
        else:
            messages.success(request, "已登记议定事项的落实情况。")
            back = request.POST.get("back", "")
            return redirect(back if back == reverse("meetings:decisions")
                            else reverse("meetings:meeting", args=[decision.meeting_id]) + "#decisions")
    return render(request, "meetings/decision_done.html", {
        "form": form, "decision": decision, "meeting": decision.meeting, "body": decision.body,
        "back": request.GET.get("back", "")})


@requires(RECORD)
@require_POST
def decision_reopen(request, pk: int):
    u = request.user
    decision = selectors.decision_for_user(u, pk, RECORD)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.decision_reopen(actor=u, decision=decision, reason=form.cleaned_data.get("reason") or "",
                                 expected_version=form.cleaned_data.get("version"))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "议定事项已重新列为未落实。")
    return redirect(reverse("meetings:meeting", args=[decision.meeting_id]) + "#decisions")


@requires(VIEW)
def decision_list(request):
    """议定事项落实情况: the user's decisions, the overdue open ones first (议而不决、议而不行)."""
    u = request.user
    body = _body_from_query(request)
    show = request.GET.get("show", "open")
    show = show if show in dict(DECISION_FILTERS) else "open"
    year = _year(request.GET.get("year"))
    today = timezone.localdate()
    qs = selectors.decisions_visible_to(u)
    if show == "open":
        qs = qs.filter(status=DecisionStatus.OPEN)
    elif show == "overdue":
        qs = qs.filter(status=DecisionStatus.OPEN, due_on__lt=today)
    elif show == "done":
        qs = qs.filter(status=DecisionStatus.DONE)
    if body is not None:
        qs = qs.filter(body=body)
    if year:
        qs = qs.filter(meeting__held_on__year=year)
    page = Paginator(selectors.decision_rows(qs, today=today), PAGE_SIZE).get_page(request.GET.get("page"))
    recordable = set(selectors.bodies_recordable_by(u).filter(
        pk__in={d.body_id for d in page.object_list}).values_list("pk", flat=True)) if page.object_list else set()
    for d in page.object_list:
        d.can_record = d.body_id in recordable
    query = {k: v for k, v in (("show", show), ("body", body.pk if body else ""), ("year", year or "")) if v}
    overdue = selectors.decisions_visible_to(u).filter(status=DecisionStatus.OPEN, due_on__lt=today,
                                                       meeting__is_void=False).count()
    return render(request, "meetings/decisions.html", {
        "page": page, "show": show, "filters": DECISION_FILTERS, "body": body, "year": year, "years": _years(),
        "bodies": selectors.bodies_visible_to(u).order_by("region__code", "name").only("id", "name"),
        "query": "&".join(f"{k}={v}" for k, v in query.items()), "n_overdue": overdue, "today": today,
    })


# ---- documents issued in the body's name ------------------------------------------------------------------------

def _document_args(form) -> dict:
    c = form.cleaned_data
    return {"number": c.get("number") or "", "title": c.get("title") or "", "issued_on": c.get("issued_on"),
            "to_lower_levels": bool(c.get("to_lower_levels")), "approved": bool(c.get("approved")),
            "approval_note": c.get("approval_note") or "", "file": c.get("file")}


def _rule3_message(doc: BodyDocument) -> str:
    return ("该文件未经批准以议事协调机构名义向下级发文（规则3），已照实登记并标出。" if doc.unapproved_to_lower else "")


@requires(RECORD)
@require_http_methods(["GET", "POST"])
def document_new(request, pk: int):
    u = request.user
    body = _recordable_body(u, pk)
    form = DocumentForm(request.POST or None, request.FILES or None, initial={"issued_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.document_record(actor=u, body=body, **_document_args(form))
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, f"已登记“{doc.title}”。")
            if doc.unapproved_to_lower:
                messages.warning(request, _rule3_message(doc))
            return redirect(reverse("meetings:body", args=[body.pk]) + "#documents")
    return render(request, "meetings/document_form.html", {"form": form, "body": body, "document": None})


@requires(RECORD)
@require_http_methods(["GET", "POST"])
def document_edit(request, pk: int):
    u = request.user
    doc = selectors.document_for_user(u, pk, RECORD)
    body = doc.body
    form = DocumentForm(request.POST or None, request.FILES or None, creating=False, initial={
        "version": doc.version, "number": doc.number, "title": doc.title, "issued_on": doc.issued_on,
        "to_lower_levels": doc.to_lower_levels, "approved": doc.approved, "approval_note": doc.approval_note})
    void_form = ReasonForm(initial={"version": doc.version})
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.document_edit(actor=u, document=doc, expected_version=form.cleaned_data.get("version"),
                                         **_document_args(form))
        except DomainError as exc:
            if exc.code == "stale":
                _carry_version(form, BodyDocument.objects.get(pk=doc.pk).version)
            _refused(form, exc)
        else:
            messages.success(request, f"“{doc.title}”的登记已修改。")
            if doc.unapproved_to_lower:
                messages.warning(request, _rule3_message(doc))
            return redirect(reverse("meetings:body", args=[body.pk]) + "#documents")
    return render(request, "meetings/document_form.html", {"form": form, "body": body, "document": doc,
                                                           "void_form": void_form})


@requires(RECORD)
@require_POST
def document_void(request, pk: int):
    u = request.user
    doc = selectors.document_for_user(u, pk, RECORD)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.document_void(actor=u, document=doc, reason=form.cleaned_data.get("reason") or "",
                               expected_version=form.cleaned_data.get("version"))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("meetings:document_edit", pk=doc.pk)
    messages.success(request, f"“{doc.title}”的登记已作废，记录仍保留在登记簿中。")
    return redirect(reverse("meetings:body", args=[doc.body_id]) + "#documents")


@requires(VIEW)
def document_file(request, pk: int):
    doc = selectors.document_for_user(request.user, pk)
    if not doc.file:
        raise Http404
    return serve_stored(request, doc.file, filename=doc.file_name or doc.title, about=doc, body_id=doc.body_id)


# ---- leader load and bodies that met no meeting -------------------------------------------------------------------

def _overview_regions(user):
    scope = scope_for(user, OVERVIEW)
    qs = Region.objects.filter(level__in=["province", "city", "county"]).order_by("code")
    return qs if scope.everything else qs.filter(pk__in=scope.region_ids)


def _region_and_year(request):
    """`?region=` (one of the user's regions, else 404) and `?year=` (default this year)."""
    regions = list(_overview_regions(request.user))
    raw = request.GET.get("region")
    if raw:
        region = next((r for r in regions if r.pk == _id(raw)), None)
        if region is None:
            raise Http404
    else:
        region = regions[0] if regions else None
    return regions, region, _year(request.GET.get("year"), timezone.localdate().year)


@requires(OVERVIEW)
def leader_load(request):
    """领导会议负担: per post of a region, the meetings its holder chaired and attended in a year, and its seats."""
    regions, region, year = _region_and_year(request)
    rows = selectors.leader_load(region=region, year=year) if region else []
    return render(request, "meetings/load.html", {
        "regions": regions, "region": region, "year": year, "years": _years(), "rows": rows,
        "total": sum(1 for r in rows if r["meetings"]),
    })


@requires(OVERVIEW)
def idle_bodies(request):
    """全年未开会机构: the region's bodies in force during the year that held no meeting in it."""
    regions, region, year = _region_and_year(request)
    bodies = list(selectors.bodies_without_meeting(
        region=region, year=year, bodies=selectors.bodies_visible_to(request.user, OVERVIEW))) if region else []
    return render(request, "meetings/idle.html", {
        "regions": regions, "region": region, "year": year, "years": _years(), "bodies": bodies,
        "this_year": year == timezone.localdate().year,
    })

