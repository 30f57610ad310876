"""Pages of duty-division disputes (职责分工争议): thin views over `dispute_selectors` (reads) and `disputes`
(writes). Who may open a page is its registered action plus the dispute's scope (out of scope: 404, no hint
it exists); what is allowed when, and every rule about content, is the services' (their refusals come back
on the field they name, with what the user typed kept)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from yixie.core.access import requires, user_can
from yixie.core.dates import format_date_zh
from yixie.core.errors import DomainError
from yixie.core.files import serve_stored
from yixie.ledger.models import Body
from yixie.org.duties import duties_in_force
from yixie.org.models import Department
from yixie.org.scopes import regions_visible_to, scope_for

from . import dispute_selectors as sel
from . import disputes as services
from . import division as work_rules_division
from .choices import OPEN_DISPUTE_STATUSES, DisputeStatus
from .disputes import COORDINATE, HOST, RAISE, VIEW
from .forms_disputes import (
    ConsultationForm,
    DisputeRaiseForm,
    EscalateForm,
    FilingForm,
    OpinionForm,
    ReferForm,
    WithdrawForm,
)
from .models import Consultation, DisputeFile

PAGE_SIZE = 50

STATUS_FILTERS = [("", "全部"), ("open", "办理中"), *[(s.value, s.label) for s in DisputeStatus]]


def _id(raw) -> int:
    raw = str(raw or "")
    return int(raw) if raw.isdecimal() and raw.isascii() and len(raw) <= 18 else 0


def _refused(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields and exc.field != "version" else None
    form.add_error(field, exc.message)


# ---------------------------------------------------------------- list

@requires(VIEW)
def dispute_list(request):
    u = request.user
    status = request.GET.get("status", "")
    status = status if status in dict(STATUS_FILTERS) else ""
    overdue = request.GET.get("overdue") == "1"
    body_id = _id(request.GET.get("body"))
    visible = sel.disputes_visible_to(u)
    body = Body.objects.filter(pk=body_id, pk__in=visible.values("body_id")).first() if body_id else None
    qs = sel.dispute_rows(u, status=status, overdue=overdue, body_id=body.pk if body else (-1 if body_id else 0))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = sel.decorate(list(page.object_list))
    return render(request, "rules/disputes/list.html", {
        "page": page, "rows": rows, "status": status, "overdue": overdue, "body": body, "filters": STATUS_FILTERS,
        "can_raise": user_can(u, RAISE),
        "query": f"status={status}&overdue={'1' if overdue else ''}&body={body.pk if body else ''}"})


# ---------------------------------------------------------------- raise

def _raising_departments(user) -> list[int]:
    return sorted(scope_for(user, RAISE).department_ids)


@requires(RAISE)
@require_http_methods(["GET", "POST"])
def dispute_new(request):
    u = request.user
    bodies = sel.bodies_for_raising(u)
    body = bodies.filter(pk=_id(request.POST.get("body") or request.GET.get("body"))).first()
    own = _raising_departments(u)
    parties = Department.objects.filter(region__in=regions_visible_to(u, RAISE)).order_by("order", "id")
    tasks, duties = [], []
    if body is not None:
        units = services.body_units(body, timezone.localdate())
        unit_ids = units.all if units else frozenset()
        parties = Department.objects.filter(pk__in=unit_ids).exclude(pk__in=own).order_by("order", "id")
        rules = work_rules_division.filed_work_rules(body)
        tasks = list(rules.tasks.order_by("ordinal", "id")) if rules else []
        duties = list(duties_in_force(unit_ids).select_related("department"))
    departments = None
    if not own:  # a superuser raises in a unit's name (a department's clerk always raises in their own)
        units = services.body_units(body, timezone.localdate()) if body is not None else None
        departments = Department.objects.filter(pk__in=units.all if units else []).order_by("order", "id")
    form = DisputeRaiseForm(request.POST or None, bodies=bodies, parties=parties, tasks=tasks, duties=duties,
                            departments=departments, initial={"body": body.pk if body else None})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        body = c["body"]
        units = services.body_units(body, timezone.localdate())
        if departments is not None:
            raised_by = c["raised_by"]
        else:
            mine = [i for i in own if units and i in units.all] or own
            raised_by = Department.objects.get(pk=mine[0])
        task = next((t for t in tasks if t.pk == c.get("cited_task")), None)
        cited = [d for d in duties if d.pk in set(c.get("cited_duties") or [])]
        try:
            dispute = services.dispute_raise(actor=u, body=body, raised_by=raised_by, matter=c["matter"],
                                             objection=c["objection"], parties=list(c["parties"]), cited_task=task,
                                             cited_duties=cited)
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, f"已提出异议：{dispute.matter}。{dispute.body.office_department.name}"
                                      f"应在{format_date_zh(dispute.stage_due_on)}前组织协商；协商期间按原分工执行。")
            return redirect("rules:dispute", pk=dispute.pk)
    return render(request, "rules/disputes/new.html", {"form": form, "body": body, "has_bodies": bodies.exists(),
                                                        "tasks": tasks})


# ---------------------------------------------------------------- the dispute's page

def _holds(user, action: str, dispute) -> bool:
    return user_can(user, action) and sel.disputes_visible_to(user, action).filter(pk=dispute.pk).exists()


@requires(VIEW)
def dispute_detail(request, pk: int):
    u = request.user
    dispute = sel.dispute_for_user(u, pk)
    consultations = list(dispute.consultations.select_related("minutes", "recorded_by").prefetch_related("present"))
    files = list(dispute.files.select_related("uploaded_by"))
    s = dispute.status
    host, coordinator, raiser = _holds(u, HOST, dispute), _holds(u, COORDINATE, dispute), _holds(u, RAISE, dispute)
    n_failed = sum(1 for c in consultations if not c.agreed)
    stage_label, _who = sel.stage_of(dispute, n_failed)
    return render(request, "rules/disputes/detail.html", {
        "dispute": dispute, "consultations": consultations, "files": files,
        "parties": list(dispute.parties.order_by("order", "id")),
        "cited_duties": list(dispute.cited_duties.select_related("department")),
        "stages": sel.timeline(dispute, consultations), "stage_label": stage_label,
        "overdue_days": sel.overdue_days(dispute), "in_force": sel.division_in_force(dispute),
        "outcome": sel.outcome_names(dispute), "is_open": s in OPEN_DISPUTE_STATUSES,
        "duty_changes": sel.duty_changes(dispute) if s == DisputeStatus.SETTLED else [],
        "can_consult": host and s == DisputeStatus.RAISED,
        "can_escalate": host and s == DisputeStatus.RAISED and bool(consultations),
        "can_file": coordinator and s == DisputeStatus.AGREED,
        "can_opinion": coordinator and s == DisputeStatus.ESCALATED,
        "can_decide": coordinator and s == DisputeStatus.REFERRED,
        "can_withdraw": raiser and s in OPEN_DISPUTE_STATUSES})


@requires(VIEW)
def dispute_file_download(request, pk: int, file_pk: int):
    dispute = sel.dispute_for_user(request.user, pk)
    f = get_object_or_404(DisputeFile, pk=file_pk, dispute=dispute)
    return serve_stored(request, f.file, filename=f.original_name, about=dispute, body_id=dispute.body_id)


@requires(VIEW)
def minutes_download(request, pk: int, c_pk: int):
    dispute = sel.dispute_for_user(request.user, pk)
    c = get_object_or_404(Consultation, pk=c_pk, dispute=dispute)
    if not c.file:
        raise Http404
    return serve_stored(request, c.file, filename=c.original_name, about=dispute, body_id=dispute.body_id)


# ---------------------------------------------------------------- stage forms

def _stage(request, dispute, form, template: str, write, done: str, extra: dict | None = None):
    """The common shape of a stage's form: render; on a valid POST call `write(cleaned)`; a refusal goes back on
    its field; success returns to the dispute's page with `done`."""
    if request.method == "POST" and form.is_valid():
        try:
            write(form.cleaned_data)
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, done)
            return redirect("rules:dispute", pk=dispute.pk)
    return render(request, f"rules/disputes/{template}.html", {"dispute": dispute, "form": form, **(extra or {})})


def _concerned(dispute):
    ids = {dispute.raised_by_id, dispute.body.office_department_id, *dispute.parties.values_list("pk", flat=True)}
    return Department.objects.filter(pk__in=ids).order_by("order", "id")


def _units(dispute, on=None):
    units = services.body_units(dispute.body, on or timezone.localdate())
    return Department.objects.filter(pk__in=units.all if units else []).order_by("order", "id")


@requires(HOST)
@require_http_methods(["GET", "POST"])
def dispute_consult(request, pk: int):
    u = request.user
    dispute = sel.dispute_for_user(u, pk, HOST)
    form = ConsultationForm(request.POST or None, request.FILES or None, present=_concerned(dispute),
                            units=_units(dispute), initial={"version": dispute.version,
                                                            "held_on": timezone.localdate()})

    def write(c):
        services.consultation_record(actor=u, dispute=dispute, held_on=c["held_on"], present=list(c["present"]),
                                     agreed=c["agreed"], summary=c["summary"], uploaded=c.get("file"),
                                     principal=list(c["principal"]), assisting=list(c["assisting"]),
                                     expected_version=c.get("version"))

    return _stage(request, dispute, form, "consult", write, "已登记协商情况。", {"in_force": sel.division_in_force(dispute)})


@requires(HOST)
@require_http_methods(["GET", "POST"])
def dispute_escalate(request, pk: int):
    u = request.user
    dispute = sel.dispute_for_user(u, pk, HOST)
    form = EscalateForm(request.POST or None, request.FILES or None,
                        initial={"version": dispute.version, "on": timezone.localdate()})

    def write(c):
        services.dispute_escalate(actor=u, dispute=dispute, on=c["on"], note=c["note"], uploads=c.get("files") or [],
                                  expected_version=c.get("version"))

    return _stage(request, dispute, form, "escalate", write, "已提请编办协调；协调期间按原分工执行。",
                  {"consultations": list(dispute.consultations.all())})


@requires(COORDINATE)
@require_http_methods(["GET", "POST"])
def dispute_file(request, pk: int):
    u = request.user
    dispute = sel.dispute_for_user(u, pk, COORDINATE)
    form = FilingForm(request.POST or None, initial={"version": dispute.version, "on": timezone.localdate()})

    def write(c):
        services.agreement_file(actor=u, dispute=dispute, on=c["on"], expected_version=c.get("version"))

    return _stage(request, dispute, form, "file", write, "已备案：职责分工调整已登记台账，工作规则已据此修订。",
                  {"outcome": sel.outcome_names(dispute),
                   "agreed": dispute.consultations.filter(agreed=True).select_related("minutes").last()})


def _decision_view(request, pk: int, *, decision: bool):
    u = request.user
    dispute = sel.dispute_for_user(u, pk, COORDINATE)
    parties = _concerned(dispute)
    duties = list(duties_in_force(parties.values_list("pk", flat=True)).select_related("department"))
    region_name = dispute.region.name
    form = OpinionForm(request.POST or None, request.FILES or None, units=_units(dispute), parties=parties,
                       duties=duties, decision=decision,
                       initial={"version": dispute.version, "on": timezone.localdate(),
                                "document_issuer": f"中共{region_name}委机构编制委员会" + ("" if decision else "办公室"),
                                "document_title": f"关于{dispute.body.name}“{dispute.matter}”职责分工的"
                                                  + ("决定" if decision else "协调意见")})

    def write(c):
        moves = []
        if c.get("move_to"):
            duty = next((d for d in duties if d.pk == c.get("move_duty")), None)
            moves.append(services.DutyMove(text=c["move_text"], to_department=c["move_to"], duty=duty))
        kw = dict(actor=u, dispute=dispute, on=c["on"], text=c["text"], principal=list(c["principal"]),
                  assisting=list(c["assisting"]), document_number=c.get("document_number") or "",
                  document_issuer=c["document_issuer"], document_title=c["document_title"], moves=moves,
                  uploaded=c.get("file"), expected_version=c.get("version"))
        (services.decision_record if decision else services.opinion_give)(**kw)

    return _stage(request, dispute, form, "opinion", write,
                  ("已登记编委会决定" if decision else "已登记协调意见") + "：职责分工调整已登记台账，工作规则已据此修订。",
                  {"decision": decision, "in_force": sel.division_in_force(dispute),
                   "files": list(dispute.files.all())})


@requires(COORDINATE)
@require_http_methods(["GET", "POST"])
def dispute_opinion(request, pk: int):
    return _decision_view(request, pk, decision=False)


@requires(COORDINATE)
@require_http_methods(["GET", "POST"])
def dispute_decide(request, pk: int):
    return _decision_view(request, pk, decision=True)


@requires(COORDINATE)
@require_http_methods(["GET", "POST"])
def dispute_refer(request, pk: int):
    u = request.user
    dispute = sel.dispute_for_user(u, pk, COORDINATE)
    form = ReferForm(request.POST or None, initial={"version": dispute.version, "on": timezone.localdate()})

    def write(c):
        services.dispute_refer(actor=u, dispute=dispute, on=c["on"], note=c["note"], expected_version=c.get("version"))

    return _stage(request, dispute, form, "refer", write, "已提交编委会研究；研究期间按原分工执行。")


@requires(RAISE)
@require_http_methods(["GET", "POST"])
def dispute_withdraw(request, pk: int):
    u = request.user
    dispute = sel.dispute_for_user(u, pk, RAISE)
    form = WithdrawForm(request.POST or None, initial={"version": dispute.version})

    def write(c):
        services.dispute_withdraw(actor=u, dispute=dispute, reason=c["reason"], expected_version=c.get("version"))

    return _stage(request, dispute, form, "withdraw", write, "已撤回异议。")
