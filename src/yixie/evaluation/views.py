"""Pages of the yearly evaluation (多方评价): thin views over selectors (reads) and services (writes).

Who may do what is the registered action of each view plus the scope of the evaluation, the system or the
self-evaluation (out of scope: 404, no hint it exists); what is allowed when, and every rule about content,
is the services' (their refusals come back on the field they name, with what the user typed kept)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from yixie.core.access import requires, user_can
from yixie.core.dates import format_date_zh
from yixie.core.errors import DomainError
from yixie.core.files import serve_stored
from yixie.org.models import Department, Region
from yixie.org.scopes import scope_for

from . import result_selectors, selectors, services
from .choices import GRADE_LEVELS, CheckVerdict, Method, Office, SelfStatus, Target
from .forms import (
    CheckForm,
    EvaluationOpenForm,
    EvidenceForm,
    IndicatorForm,
    ReopenForm,
    ScaleForm,
    SelfEvaluationForm,
    SubmitForm,
    SystemCreateForm,
)
from .models import EvidenceFile, Indicator, SelfEvaluation

PAGE_SIZE = 50
#: the department's worklist on the evaluation's page (the rest on the paginated list)
WORKLIST_SIZE = 100


def _id(raw) -> int:
    """An id from the query string or a form, or 0 (matches nothing) for anything that is not a plausible id."""
    raw = str(raw or "")
    return int(raw) if raw.isdecimal() and raw.isascii() and len(raw) <= 18 else 0


def _refused(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _manage_regions(user):
    scope = scope_for(user, "evaluation.manage")
    qs = Region.objects.filter(level__in=["province", "city", "county"]).order_by("code")
    return qs if scope.everything else qs.filter(pk__in=scope.region_ids)


# ======================================================================== part A: evaluations

@requires("evaluation.view")
def evaluation_list(request):
    u = request.user
    return render(request, "evaluation/list.html", {
        "evaluations": list(selectors.evaluation_rows(u)), "can_open": user_can(u, "evaluation.manage"),
        "can_systems": user_can(u, "evaluation.check"), "today": timezone.localdate(),
        "can_score": user_can(u, "evaluation.member_score"), "can_results": user_can(u, "evaluation.results"),
        "can_charts": user_can(u, "evaluation.ranking")})


@requires("evaluation.manage")
@require_http_methods(["GET", "POST"])
def evaluation_new(request):
    u = request.user
    regions = _manage_regions(u)
    systems = selectors.systems_visible_to(u, "evaluation.manage").filter(region__in=regions).order_by("-year")
    today = timezone.localdate()
    region = regions.first()
    system = systems.filter(year=today.year - 1).first()
    initial = {"region": region.pk if region else None, "year": today.year - 1, "carried_out_in": today.year,
               "opened_on": today, "system": system.pk if system else None}
    form = EvaluationOpenForm(request.POST or None, regions=regions, systems=systems, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            evaluation = services.evaluation_open(
                actor=u, region=c["region"], year=c["year"], carried_out_in=c["carried_out_in"], system=c["system"],
                opened_on=c["opened_on"], deadline=c["deadline"], scoring_deadline=c["scoring_deadline"],
                title=c.get("title") or "")
        except DomainError as exc:
            _refused(form, exc)
        else:
            n = evaluation.self_evaluations.count()
            messages.success(request, f"已部署{evaluation.title}：按{evaluation.year}年12月31日的台账列入{n}个机构，"
                                      f"“{evaluation.system.title}”已冻结。各办事机构所在部门现在可以填写自评。")
            return redirect("evaluation:detail", pk=evaluation.pk)
    return render(request, "evaluation/new.html", {"form": form, "has_systems": systems.exists()})


@requires("evaluation.view")
def evaluation_detail(request, pk: int):
    u = request.user
    evaluation = selectors.evaluation_for_user(u, pk)
    region_view = selectors.region_role(u, evaluation.region_id, "evaluation.view")
    ctx = {"evaluation": evaluation, "region_view": region_view, "today": timezone.localdate(),
           "late": timezone.localdate() > evaluation.deadline,
           "can_manage": selectors.region_role(u, evaluation.region_id, "evaluation.manage"),
           "can_check": selectors.region_role(u, evaluation.region_id, "evaluation.check"),
           "indicators": selectors.indicators_of(evaluation.system)}
    if region_view:
        ctx["progress"] = selectors.progress(evaluation)
        ctx["scoring"] = result_selectors.scoring_progress(evaluation)
    else:
        mine = selectors.selfevals_visible_to(u).filter(evaluation=evaluation).order_by("category", "name")
        rows = list(mine[:WORKLIST_SIZE + 1])
        for se in rows:
            se.overdue = services.is_overdue(se, evaluation)
        ctx["mine"] = rows[:WORKLIST_SIZE]
        ctx["mine_more"] = len(rows) > WORKLIST_SIZE
    return render(request, "evaluation/detail.html", ctx)


STATUS_FILTERS = [("", "全部"), ("draft", "填写中"), ("returned", "已退回"), ("overdue", "逾期未报送"),
                  ("submitted", "已报送待审核"), ("checked", "已审核")]


@requires("evaluation.view")
def selfeval_list(request, pk: int):
    """The self-evaluations of an evaluation: a host department's worklist; the offices' list to check."""
    u = request.user
    evaluation = selectors.evaluation_for_user(u, pk)
    today = timezone.localdate()
    qs = selectors.selfevals_visible_to(u).filter(evaluation=evaluation)
    departments = list(Department.objects.filter(pk__in=qs.values("department_id")).order_by("order", "id"))
    dept_id = _id(request.GET.get("department"))
    if dept_id:
        qs = qs.filter(department_id=dept_id)
    status = request.GET.get("status", "")
    if status == "overdue":
        qs = qs.filter(status=SelfStatus.DRAFT) if today > evaluation.deadline else qs.none()
        qs = qs.exclude(reopened_until__gte=today)
    elif status in SelfStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("department__order", "category", "name", "id"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    rows = list(page.object_list)
    checks = selectors.checks_by_selfeval(rows)
    for se in rows:
        se.overdue = services.is_overdue(se, evaluation, today)
        se.office_checks = [checks.get(se.pk, {}).get(o) for o in Office.values]
    return render(request, "evaluation/selfevals.html", {
        "evaluation": evaluation, "page": page, "rows": rows, "departments": departments,
        "department_id": dept_id, "status": status, "filters": STATUS_FILTERS, "offices": Office.labels,
        "query": f"department={dept_id or ''}&status={status}"})


# ======================================================================== part A: the self-evaluation

def _editor(user, se) -> bool:
    return user.is_superuser or se.department_id in scope_for(user, "evaluation.fill").department_ids


def _submitter(user, se) -> bool:
    return user.is_superuser or se.department_id in scope_for(user, "evaluation.submit").department_ids


def _selfeval_initial(se) -> dict:
    data = {f: getattr(se, f) for f in SelfEvaluationForm.FIGURE_NAMES}
    data.update({f: getattr(se, f) for f in services.TEXTS})
    data["version"] = se.version
    return {k: ("" if v is None else v) for k, v in data.items()}


#: What the product knew beside each figure (prefill key, how to say it).
KNOWN = {"meetings_held": "meetings_held", "documents_issued": "documents_issued"}


def _known(se) -> dict:
    pre = se.prefill or {}
    kinds = {"full": "全体会议", "office": "办公室会议", "special": "专题会议"}
    by_kind = "，".join(f"{kinds.get(k, k)}{n}次" for k, n in (pre.get("meetings_by_kind") or {}).items())
    return {
        "meetings_held": f"会议登记{pre.get('meetings_held', 0)}次" + (f"（{by_kind}）" if by_kind else ""),
        "documents_issued": f"发文登记{pre.get('documents_issued', 0)}件"
                            + (f"，其中未经批准向下级发文{pre['unapproved_documents']}件"
                               if pre.get("unapproved_documents") else ""),
        "problems_coordinated": f"供参考：会议登记的议定事项{pre.get('decisions_total', 0)}项",
        "tasks_done": f"供参考：会议议定事项已落实{pre.get('decisions_done', 0)}项"
                      f"（共{pre.get('decisions_total', 0)}项）",
    }


def _lines(se):
    """The indicator lines with the points the self-evaluation earns now (grades pending show as —)."""
    indicators = list(se.evaluation.system.indicators.order_by("target", "order", "id"))
    total, lines, pending = services.scoring.body_score(indicators, se)
    for ln in lines:
        ln.grade = (se.grades or {}).get(str(ln.indicator.pk), "")
    return {"total": total, "lines": lines, "pending": pending}


def _selfeval_page(request, se, form, evidence_form=None, status: int = 200):
    u = request.user
    evaluation = se.evaluation
    editor = _editor(u, se)
    open_ = services.is_editable(se, evaluation)
    fields = [(form[f], _known(se).get(f, "")) for f in SelfEvaluationForm.FIGURE_NAMES]
    office = selectors.user_office(u, evaluation.region_id)
    return render(request, "evaluation/selfeval.html", {
        "se": se, "evaluation": evaluation, "form": form, "figure_fields": fields,
        "evidence_form": evidence_form or EvidenceForm(), "submit_form": SubmitForm(initial={"version": se.version}),
        "editor": editor, "open": open_, "editable": editor and open_,
        "can_submit": _submitter(u, se) and open_, "overdue": services.is_overdue(se, evaluation),
        "files": list(se.files.select_related("uploaded_by").order_by("id")),
        "checks": list(se.checks.select_related("given_by").order_by("created_at", "id")),
        "score": _lines(se), "pre": se.prefill or {},
        "can_check": office is not None and user_can(u, "evaluation.check") and se.status == SelfStatus.SUBMITTED,
        "can_manage": selectors.region_role(u, evaluation.region_id, "evaluation.manage"),
    }, status=status)


@requires("evaluation.view")
@require_http_methods(["GET", "POST"])
def selfeval_edit(request, pk: int):
    u = request.user
    se = selectors.selfeval_for_user(u, pk)
    form = SelfEvaluationForm(request.POST or None, initial=_selfeval_initial(se))
    if request.method == "POST":
        if not _editor(u, se):
            raise PermissionDenied
        if form.is_valid():
            c = form.cleaned_data
            try:
                services.selfeval_save(actor=u, self_evaluation=se, data=c, expected_version=c.get("version"))
            except DomainError as exc:
                now = SelfEvaluation.objects.get(pk=se.pk)
                if c.get("version") is not None and now.version != c["version"]:
                    data = form.data.copy()
                    data["version"] = str(now.version)
                    form.data = data
                    form.add_error(None, f"您打开本页后，“{se.name}”的自评已被他人修改，您这次填写的内容尚未保存。"
                                         "您填写的内容仍保留在下面；核对后再次保存，将以您的内容为准。")
                elif exc.field == "department":
                    form.add_error(None, exc.message)
                else:
                    _refused(form, exc)
            else:
                messages.success(request, f"“{se.name}”的自评已保存。")
                return redirect("evaluation:selfeval", pk=se.pk)
    return _selfeval_page(request, se, form)


@requires("evaluation.fill")
@require_POST
def evidence_upload(request, pk: int):
    u = request.user
    se = selectors.selfeval_for_user(u, pk, "evaluation.fill")
    ev_form = EvidenceForm(request.POST, request.FILES)
    if ev_form.is_valid():
        try:
            f = services.evidence_add(actor=u, self_evaluation=se, uploaded=ev_form.cleaned_data["file"])
        except DomainError as exc:
            _refused(ev_form, exc)
        else:
            messages.success(request, f"佐证材料“{f.original_name}”已上传。")
            return redirect(reverse("evaluation:selfeval", args=[se.pk]) + "#evidence")
    form = SelfEvaluationForm(initial=_selfeval_initial(se))
    return _selfeval_page(request, se, form, evidence_form=ev_form)


@requires("evaluation.view")
def evidence_file(request, pk: int, file_pk: int):
    se = selectors.selfeval_for_user(request.user, pk)
    f = get_object_or_404(EvidenceFile, pk=file_pk, self_evaluation=se)
    return serve_stored(request, f.file, filename=f.original_name, about=se, body_id=se.body_id)


@requires("evaluation.submit")
@require_POST
def selfeval_submit(request, pk: int):
    u = request.user
    se = selectors.selfeval_for_user(u, pk, "evaluation.submit")
    form = SubmitForm(request.POST)
    form.is_valid()
    try:
        se = services.selfeval_submit(actor=u, self_evaluation=se, expected_version=form.cleaned_data.get("version"))
    except DomainError as exc:
        messages.error(request, f"“{se.name}”的自评未能报送：{exc.message}")
    else:
        messages.success(request, f"“{se.name}”的自评已报送（自评得分{se.self_score}分），等待编办会同两办、组织部审核。")
    return redirect("evaluation:selfeval", pk=se.pk)


# ======================================================================== part A: check and reopen

def _region_selfeval(user, pk: int, action: str) -> SelfEvaluation:
    se = selectors.selfeval_for_user(user, pk, action)
    if not selectors.region_role(user, se.evaluation.region_id, action):
        raise Http404
    return se


@requires("evaluation.check")
@require_http_methods(["GET", "POST"])
def check(request, pk: int):
    u = request.user
    se = _region_selfeval(u, pk, "evaluation.check")
    office = selectors.user_office(u, se.evaluation.region_id)
    if office is None:
        raise Http404
    grade_inds = [i for i in se.evaluation.system.indicators.order_by("order", "id")
                  if i.target == Target.BODY and i.method == Method.GRADE] if office == Office.ESTABLISHMENT else []
    initial = {f"grade_{i.pk}": (se.grades or {}).get(str(i.pk), "") for i in grade_inds}
    form = CheckForm(request.POST or None, grade_indicators=grade_inds, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.check_give(actor=u, self_evaluation=se, office=office, verdict=c["verdict"], score=c.get("score"),
                                reason=c.get("reason") or "", grades=form.grades())
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, f"已登记{Office(office).label}对“{se.name}”的审核意见：{CheckVerdict(c['verdict']).label}。")
            return redirect("evaluation:selfeval", pk=se.pk)
    return render(request, "evaluation/check.html", {
        "se": se, "evaluation": se.evaluation, "form": form, "office": Office(office).label,
        "office_key": office, "score": _lines(se), "pre": se.prefill or {},
        "checks": list(se.checks.select_related("given_by").order_by("created_at", "id")),
        "files": list(se.files.order_by("id")), "open": se.status == SelfStatus.SUBMITTED,
        "missing": [Office(o).label for o in services.missing_offices(se)], "levels": GRADE_LEVELS})


@requires("evaluation.manage")
@require_POST
def check_done(request, pk: int):
    u = request.user
    se = _region_selfeval(u, pk, "evaluation.manage")
    try:
        se = services.selfeval_check_done(actor=u, self_evaluation=se)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:check", pk=se.pk)
    messages.success(request, f"“{se.name}”审核完成：得分{se.score}分，等次“{se.grade}”。")
    return redirect("evaluation:selfeval", pk=se.pk)


@requires("evaluation.manage")
@require_http_methods(["GET", "POST"])
def reopen(request, pk: int):
    u = request.user
    se = _region_selfeval(u, pk, "evaluation.manage")
    form = ReopenForm(request.POST or None, initial={"until": timezone.localdate() + timedelta(days=7)})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            se = services.selfeval_reopen(actor=u, self_evaluation=se, until=c["until"], reason=c["reason"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, f"已准予“{se.name}”补报至{format_date_zh(se.reopened_until)}。")
            return redirect("evaluation:selfeval", pk=se.pk)
    return render(request, "evaluation/reopen.html", {"se": se, "evaluation": se.evaluation, "form": form,
                                                      "overdue": services.is_overdue(se)})


# ======================================================================== part A: indicator systems

@requires("evaluation.check")
@require_http_methods(["GET", "POST"])
def system_list(request):
    u = request.user
    systems = list(selectors.systems_visible_to(u).order_by("-year", "region__code"))
    can_manage = user_can(u, "evaluation.manage")
    form = None
    if can_manage:
        regions = _manage_regions(u)
        today = timezone.localdate()
        region = regions.first()
        form = SystemCreateForm(request.POST or None, regions=regions,
                                systems=selectors.systems_visible_to(u, "evaluation.manage").order_by("-year"),
                                initial={"region": region.pk if region else None, "year": today.year,
                                         "title": f"{region.name if region else ''}{today.year}年度议事协调机构运行成效评价指标体系"})
        if request.method == "POST" and form.is_valid():
            c = form.cleaned_data
            try:
                system = services.system_create(actor=u, region=c["region"], year=c["year"], title=c["title"],
                                                copy_from=c.get("copy_from"), source=c.get("source") or "")
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, f"已建立“{system.title}”。")
                return redirect("evaluation:system", pk=system.pk)
    elif request.method == "POST":
        raise PermissionDenied
    totals = _totals([s.pk for s in systems])
    for s in systems:
        s.totals = totals.get(s.pk, {})
    return render(request, "evaluation/systems.html", {"systems": systems, "form": form, "can_manage": can_manage})


def _totals(system_ids) -> dict:
    from django.db.models import Count, Sum

    out: dict = {}
    for r in (Indicator.objects.filter(system_id__in=system_ids).values("system_id", "target")
              .annotate(w=Sum("weight"), n=Count("id")).order_by()):
        out.setdefault(r["system_id"], {})[r["target"]] = {"weight": r["w"], "n": r["n"]}
    return out


def _system_ctx(request, system, *, add_form=None, scale_form=None) -> dict:
    u = request.user
    editable = selectors.region_role(u, system.region_id, "evaluation.manage") and not system.is_frozen
    indicators = selectors.indicators_of(system)
    totals = services.weight_totals(system)
    scale_initial = {"version": system.version}
    for i, band in enumerate(system.scale[:3]):
        scale_initial[f"grade_{i}"] = band["grade"]
        scale_initial[f"min_{i}"] = f"{band['min']:g}"
    return {
        "system": system, "editable": editable, "totals": [(Target(t).label, w) for t, w in totals.items()],
        "usable": all(w == 100 for w in totals.values()),
        "groups": [(Target(t).label, [i for i in indicators if i.target == t]) for t in Target.values],
        "add_form": add_form or IndicatorForm(initial={"version": system.version, "target": Target.BODY}),
        "scale_form": scale_form or ScaleForm(initial=scale_initial),
        "evaluations": list(system.evaluations.order_by("-year")),
    }


@requires("evaluation.check")
@require_http_methods(["GET", "POST"])
def system_detail(request, pk: int):
    """The system's editor: its indicators by target and dimension, the add form and the grade scale; a frozen
    system (its year's evaluation opened) is read-only. POST adds an indicator."""
    u = request.user
    system = selectors.system_for_user(u, pk)
    form = IndicatorForm(request.POST or None, initial={"version": system.version, "target": Target.BODY})
    if request.method == "POST":
        if not selectors.region_role(u, system.region_id, "evaluation.manage"):
            raise PermissionDenied
        if form.is_valid():
            c = form.cleaned_data
            try:
                ind = services.indicator_add(actor=u, system=system, target=c["target"], dimension=c["dimension"],
                                             name=c["name"], weight=c["weight"], method=c["method"],
                                             source=c.get("source") or "", norm=c.get("norm"),
                                             guidance=c.get("guidance") or "", expected_version=c.get("version"))
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, f"已增加指标“{ind.name}”。")
                return redirect(reverse("evaluation:system", args=[system.pk]) + f"#ind-{ind.pk}")
    ctx = _system_ctx(request, system, add_form=form)
    ctx["form"] = form
    return render(request, "evaluation/system.html", ctx)


@requires("evaluation.manage")
@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk: int, ind_pk: int):
    u = request.user
    system = selectors.system_for_user(u, pk, "evaluation.manage")
    ind = get_object_or_404(Indicator, pk=ind_pk, system=system)
    initial = {"version": system.version, "dimension": ind.dimension, "name": ind.name,
               "weight": f"{ind.weight.normalize():f}", "method": ind.method, "source": ind.source,
               "norm": f"{ind.norm.normalize():f}" if ind.norm is not None else "", "guidance": ind.guidance}
    form = IndicatorForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.indicator_edit(actor=u, indicator=ind, dimension=c["dimension"], name=c["name"],
                                    weight=c["weight"], method=c["method"], source=c.get("source") or "",
                                    norm=c.get("norm"), guidance=c.get("guidance") or "",
                                    expected_version=c.get("version"))
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, f"已修改指标“{c['name']}”。")
            return redirect(reverse("evaluation:system", args=[system.pk]) + f"#ind-{ind.pk}")
    return render(request, "evaluation/indicator.html", {"system": system, "ind": ind, "form": form,
                                                         "editable": not system.is_frozen})


@requires("evaluation.manage")
@require_POST
def indicator_remove(request, pk: int, ind_pk: int):
    u = request.user
    system = selectors.system_for_user(u, pk, "evaluation.manage")
    ind = get_object_or_404(Indicator, pk=ind_pk, system=system)
    try:
        services.indicator_remove(actor=u, indicator=ind, expected_version=_id(request.POST.get("version")) or None)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除指标“{ind.name}”。")
    return redirect("evaluation:system", pk=system.pk)


@requires("evaluation.manage")
@require_POST
def scale(request, pk: int):
    u = request.user
    system = selectors.system_for_user(u, pk, "evaluation.manage")
    form = ScaleForm(request.POST)
    if form.is_valid():
        try:
            services.scale_set(actor=u, system=system, scale=form.scale(), expected_version=form.cleaned_data.get("version"))
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, "等次标准已保存。")
            return redirect(reverse("evaluation:system", args=[system.pk]) + "#scale")
    ctx = _system_ctx(request, system, scale_form=form)
    ctx["form"] = ctx["add_form"]
    return render(request, "evaluation/system.html", ctx)

