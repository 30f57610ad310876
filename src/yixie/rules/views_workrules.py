"""Pages of the work rules (工作规则): thin views over selectors (reads) and services (writes).

Who may open a page is its declared action; which body or version is the user's scope (out of scope: 404, no
hint it exists). Which write is allowed when, and every content rule, is the services' (their refusals come
back on the field they name, with what the user typed kept)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from yixie.core.access import requires, user_can
from yixie.core.dates import format_date_zh
from yixie.core.errors import DomainError
from yixie.core.files import serve_stored
from yixie.org.scopes import regions_visible_to

from . import selectors, services
from .choices import WorkRulesStatus
from .forms import BLANK_ROWS, NewVersionForm, ReviewForm, SubmitForm, WorkRulesForm

PAGE_SIZE = 50


def _id(raw) -> int:
    raw = str(raw or "")
    return int(raw) if raw.isdecimal() and raw.isascii() and len(raw) <= 18 else 0


def _refused(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


# ---------------------------------------------------------------- lists

@requires("workrules.view")
def workrules_list(request):
    u = request.user
    today = timezone.localdate()
    status = request.GET.get("status", "")
    status = status if status in dict(selectors.STATUS_FILTERS) else ""
    regions = list(regions_visible_to(u, "workrules.view").exclude(level="township").order_by("code"))
    region_id = _id(request.GET.get("region"))
    region_id = region_id if region_id in {r.pk for r in regions} else 0
    days = selectors.deadline_days()
    qs = selectors.body_rows(u, status=status, region_id=region_id or None, today=today, days=days)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.with_due(page.object_list, today, days)
    review_scope = user_can(u, "workrules.review")
    return render(request, "rules/workrules/list.html", {
        "page": page, "rows": rows, "status": status, "filters": selectors.STATUS_FILTERS, "today": today,
        "regions": regions if len(regions) > 1 else [], "region_id": region_id,
        "to_review": list(selectors.to_review(u)[:20]) if review_scope else [],
        "query": f"status={status}&region={region_id or ''}", "tab": "workrules"})


@requires("workrules.view")
def workrules_overdue(request):
    """逾期未备案: bodies in force with no filed work rules past their due date, with days overdue."""
    u = request.user
    today = timezone.localdate()
    days = selectors.deadline_days()
    page = Paginator(selectors.overdue_rows(u, today, days), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.with_due(page.object_list, today, days)
    rows.sort(key=lambda b: (-b.days_overdue, b.pk))
    return render(request, "rules/workrules/overdue.html", {"page": page, "rows": rows, "today": today,
                                                            "tab": "overdue"})


# ---------------------------------------------------------------- a body's work rules

@requires("workrules.view")
def workrules_body(request, pk: int):
    u = request.user
    body = selectors.body_for_user(u, pk)
    versions = list(selectors.versions_of(body))
    current = next((v for v in versions if v.status == WorkRulesStatus.FILED), None)
    pending = next((v for v in versions if v.status in services.OPEN), None)
    shown = current or pending
    [row] = selectors.with_due([body])
    return render(request, "rules/workrules/body.html", {
        "body": body, "versions": versions, "current": current, "pending": pending, "shown": shown,
        "content": selectors.content(shown) if shown else None, "due": row.due, "days_overdue": row.days_overdue,
        "can_draft": selectors.holds(u, body, "workrules.draft"), "tab": "workrules"})


@requires("workrules.view")
def workrules_detail(request, pk: int):
    """One version as it was (earlier versions stay readable)."""
    u = request.user
    wr = selectors.work_rules_for_user(u, pk)
    body = wr.body
    return render(request, "rules/workrules/detail.html", {
        "wr": wr, "body": body, "content": selectors.content(wr),
        "can_edit": wr.status in services.EDITABLE and selectors.holds(u, body, "workrules.draft"),
        "can_submit": wr.status in services.EDITABLE and selectors.holds(u, body, "workrules.submit"),
        "can_review": wr.status == WorkRulesStatus.SUBMITTED and selectors.reviews(u, body),
        "problems": services.completeness_problems(wr) if wr.status in services.EDITABLE else [],
        "history": selectors.history(wr), "tab": "workrules"})


@requires("workrules.view")
def workrules_file(request, pk: int):
    wr = selectors.work_rules_for_user(request.user, pk)
    if not wr.file:
        raise Http404
    ctype = "application/pdf" if wr.file_type == "PDF" else \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return serve_stored(request, wr.file, filename=wr.original_name, content_type=ctype, about=wr.body,
                        body_id=wr.body_id)


# ---------------------------------------------------------------- writes

@requires("workrules.draft")
@require_http_methods(["GET", "POST"])
def workrules_new(request, pk: int):
    """Start the first version of a body's work rules, or a revision of the one in force."""
    u = request.user
    body = selectors.body_for_user(u, pk, "workrules.draft")
    current = body.work_rules.filter(status=WorkRulesStatus.FILED).first()
    pending = body.work_rules.filter(status__in=services.OPEN).first()
    form = NewVersionForm(request.POST or None, revising=current is not None)
    if request.method == "POST" and form.is_valid():
        try:
            wr = services.draft_create(actor=u, body=body, kind=form.cleaned_data["kind"],
                                       revision_reason=form.cleaned_data.get("revision_reason", ""))
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, f"已新建“{wr}”，请填写会议制度、工作任务分工和成员单位职责，上传文件后报送编办备案。")
            return redirect("rules:workrules_edit", pk=wr.pk)
    return render(request, "rules/workrules/new.html", {"form": form, "body": body, "current": current,
                                                        "pending": pending, "tab": "workrules"})


def _editable(user, pk: int, action: str):
    return selectors.work_rules_for_user(user, pk, action)


def _form_initial(wr) -> dict:
    initial = {"version": wr.version, "kind": wr.kind, "full_meeting": wr.full_meeting,
               "office_meeting": wr.office_meeting, "meeting_notes": wr.meeting_notes,
               "office_duties": wr.office_duties, "revision_reason": wr.revision_reason}
    for i, t in enumerate(wr.tasks.prefetch_related("assignments")):
        initial[f"task_{i}_text"] = t.text
        for role in ("principal", "assisting"):
            initial[f"task_{i}_{role}"] = [a.department_id for a in t.assignments.all() if a.role == role]
    for d in wr.member_duties.all():
        initial[f"duty_{d.department_id}"] = d.duties
    return initial


@requires("workrules.draft")
@require_http_methods(["GET", "POST"])
def workrules_edit(request, pk: int):
    u = request.user
    wr = _editable(u, pk, "workrules.draft")
    body = wr.body
    if wr.status not in services.EDITABLE:
        messages.info(request, f"“{wr}”{wr.get_status_display()}，不能再修改。")
        return redirect("rules:workrules_detail", pk=wr.pk)
    units = list(services.allowed_units(body).values())
    members = services.member_units(body)
    n_tasks = wr.tasks.count()
    posted_rows = _id(request.POST.get("rows")) if request.method == "POST" else 0
    n_rows = max(n_tasks + BLANK_ROWS, posted_rows)
    form = WorkRulesForm(request.POST or None, request.FILES or None, initial=_form_initial(wr), units=units,
                         members=members, n_rows=n_rows, revising=wr.previous_id is not None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        texts = {f: c.get(f, "") for f in services.TEXTS if f in form.fields}
        try:
            wr = services.draft_save(actor=u, work_rules=wr, expected_version=c["version"], kind=c["kind"],
                                     texts=texts, tasks=form.tasks(), member_duties=form.member_duties(),
                                     uploaded=c.get("file"))
        except DomainError as exc:
            _refused(form, exc)
        else:
            problems = services.completeness_problems(wr)
            if problems:
                messages.warning(request, "已保存。报送前还需：" + "；".join(m for m, _f in problems))
            else:
                messages.success(request, "已保存，内容完整，可以报送编办备案。")
            if "add_rows" in request.POST:
                return redirect("rules:workrules_edit", pk=wr.pk)
            return redirect("rules:workrules_detail", pk=wr.pk)
    return render(request, "rules/workrules/form.html", {"form": form, "wr": wr, "body": body, "units": units,
                                                         "n_rows": form.n_rows, "tab": "workrules"})


@requires("workrules.submit")
@require_http_methods(["GET", "POST"])
def workrules_submit(request, pk: int):
    u = request.user
    wr = _editable(u, pk, "workrules.submit")
    form = SubmitForm(request.POST or None, initial={"version": wr.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.submit(actor=u, work_rules=wr, expected_version=form.cleaned_data["version"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, f"已将“{wr}”报送{wr.body.region.name}编办备案。")
            return redirect("rules:workrules_detail", pk=wr.pk)
    return render(request, "rules/workrules/submit.html", {
        "form": form, "wr": wr, "body": wr.body, "problems": services.completeness_problems(wr),
        "editable": wr.status in services.EDITABLE, "tab": "workrules"})


@requires("workrules.review")
@require_http_methods(["GET", "POST"])
def workrules_review(request, pk: int):
    """编办: file (备案) the submitted version, or return it with reasons."""
    u = request.user
    wr = selectors.work_rules_for_user(u, pk, "workrules.review")
    form = ReviewForm(request.POST or None, initial={"version": wr.version})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            if c["decision"] == "file":
                services.file_rules(actor=u, work_rules=wr, expected_version=c["version"], on=c.get("filed_on"),
                                    note=c.get("note") or "")
            else:
                services.return_rules(actor=u, work_rules=wr, expected_version=c["version"],
                                      reason=c.get("note") or "")
        except DomainError as exc:
            if exc.field == "reason":
                exc.field = "note"
            _refused(form, exc)
        else:
            wr.refresh_from_db()
            if wr.status == WorkRulesStatus.FILED:
                messages.success(request, f"“{wr}”已于{format_date_zh(wr.filed_on)}备案，机构台账的工作规则备案日期已更新。")
            else:
                messages.success(request, f"已将“{wr}”退回{wr.body.office_department.name}修改。")
            return redirect("rules:workrules_detail", pk=wr.pk)
    return render(request, "rules/workrules/review.html", {
        "form": form, "wr": wr, "body": wr.body, "content": selectors.content(wr),
        "reviewable": wr.status == WorkRulesStatus.SUBMITTED, "tab": "workrules"})


# ---------------------------------------------------------------- a department's duties

@requires("workrules.view")
def department_duties(request, pk: int):
    """部门职责总览: the department's 三定 duties and its duties under each body's filed work rules."""
    dept = selectors.department_for_user(request.user, pk)
    return render(request, "rules/workrules/department.html", {
        "dept": dept, **selectors.department_overview(dept), "today": timezone.localdate(),
        "can_edit_sanding": user_can(request.user, "org.edit") and dept.region_id in {
            r.pk for r in regions_visible_to(request.user, "org.edit")}, "tab": "departments"})
