"""Joint-approval pages: thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from yixie.core.access import requires, user_can
from yixie.core.files import serve_stored
from yixie.ledger import selectors as ledger_selectors
from yixie.ledger import services as ledger_services
from yixie.ledger.choices import BodyStatus
from yixie.ledger.forms import StateFieldsMixin
from yixie.ledger.models import Body
from yixie.org.models import Department
from yixie.org.scopes import scope_for

from . import selectors, services
from .choices import STEP_ACTIONS, ApplicationKind, ApplicationStatus, ReviewStep
from .forms import (
    ApplicationForm,
    AttachmentForm,
    ConsentForm,
    DeliberationForm,
    PublishForm,
    ReviewForm,
)
from .models import ApplicationFile

S = ApplicationStatus


def _id(raw) -> int:
    """An id from the query string, or 0 (matches nothing) for anything that is not a plausible id."""
    raw = str(raw or "")
    return int(raw) if raw.isdecimal() and len(raw) <= 18 else 0


def _drafting_departments(user):
    scope = scope_for(user, "application.draft")
    if scope.everything:
        return Department.objects.filter(region__level__in=["city", "county"])
    return Department.objects.filter(pk__in=scope.department_ids)


@requires("application.view")
def application_list(request):
    qs = selectors.applications_visible_to(request.user).order_by("-status_changed_at", "-id")
    status = request.GET.get("status", "")
    if status in S.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "approvals/list.html", {
        "page": page, "status": status, "statuses": S.choices, "counts": selectors.status_counts(request.user),
        "can_draft": user_can(request.user, "application.draft"), "kinds": ApplicationKind.choices,
    })


@requires("application.view")
def todo(request):
    page = selectors.todo_page(request.user, request.GET.get("page"))
    return render(request, "approvals/todo.html", {"page": page, "items": page.items,
                                                   "can_stats": user_can(request.user, "approvals.stats")})


def _bodies_for(department, user, proposal=None):
    """The bodies an application may name: the department's region's active bodies that the user may see
    (a department drafts about the bodies it leads, hosts or joins, never another department's) — and the body
    a merger proposal of 编办 (taken by this department) merges its body into, which 编办 named."""
    bodies = (Body.objects.visible_to(user, "application.draft")
              .filter(region=department.region, status=BodyStatus.ACTIVE))
    target = selectors.proposal_merge_target(proposal)
    if target:
        bodies = Body.objects.filter(Q(pk__in=bodies.values("pk"))
                                     | Q(pk=target, region=department.region, status=BodyStatus.ACTIVE))
    return bodies.order_by("name")


def _loaded_version(form, loaded_body_id) -> int | None:
    """The version the page carries, if it is that of the body posted (the one whose state was loaded)."""
    body = form.cleaned_data.get("body")
    return form.cleaned_data.get("version") if body is not None and body.pk == loaded_body_id else None


def _moved_on(form, exc) -> None:
    """The body changed since the page was opened: say what, keep the input, show the new values elsewhere."""
    body = form.cleaned_data["body"]
    form.moved_on(exc, opened=ledger_selectors.values_when_opened(body, form.cleaned_data["version"]),
                  current=ledger_selectors.state_on(body, timezone.localdate()))


@requires("application.draft")
@require_http_methods(["GET", "POST"])
def application_new(request):
    kind = request.GET.get("kind") or request.POST.get("kind_fixed") or ApplicationKind.ESTABLISH
    if kind not in ApplicationKind.values:
        raise Http404
    departments = _drafting_departments(request.user)
    department = departments.filter(pk=_id(request.GET.get("department"))).first() or departments.first()
    if department is None:
        raise Http404
    initial = {}
    proposal = None
    proposal_id = request.GET.get("proposal") or request.POST.get("proposal")
    if proposal_id:
        proposal = selectors.proposals_to_take(request.user).filter(
            pk=_id(proposal_id), kind=kind).first()
        if proposal is None:
            messages.error(request, "该调整建议不存在、已处理，或不属于您的部门，不能据此起草申请。")
            return redirect("approvals:proposals")
    bodies = _bodies_for(department, request.user, proposal)
    body_id = request.GET.get("body")
    if _id(body_id):
        body = bodies.filter(pk=_id(body_id)).first()
        if body is not None:
            current = ledger_selectors.state_on(body, timezone.localdate())
            initial = {**StateFieldsMixin.initial_from_state(current or {}), "body": body.pk, "version": body.version}
    if proposal is not None:
        initial["reasons"] = proposal.reason
    form = ApplicationForm(request.POST or None, kind=kind, region=department.region, bodies=bodies, initial=initial)
    if proposal is not None:
        form.initial.update(selectors.proposal_initial(proposal, form.fields))
    if request.method == "POST" and form.is_valid():
        try:
            app = services.application_save(
                actor=request.user, app=None, region=department.region, department=department, kind=kind,
                body=form.cleaned_data.get("body"), reasons=form.cleaned_data["reasons"], proposed=form.proposed(),
                merge_bodies=form.cleaned_data.get("merge_bodies") or [], proposal=proposal,
                expected_version=_loaded_version(form, _id(body_id)), replaces=form.cleaned_data.get("replaces") or [])
        except ledger_services.ConcurrentChange as exc:
            _moved_on(form, exc)
        except services.ApprovalError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "申请已保存为草稿。请上传材料，并在页面下方查看规则检查结果。")
            return redirect("approvals:detail", pk=app.pk)
    return render(request, "approvals/form.html", {"form": form, "kind": kind, "department": department,
                                                   "proposal": proposal,
                                                   "kind_label": dict(ApplicationKind.choices)[kind],
                                                   "kinds": ApplicationKind.choices, "departments": departments})


@requires("application.draft")
@require_http_methods(["GET", "POST"])
def application_edit(request, pk: int):
    app = selectors.application_for_user(request.user, pk)
    if app.department_id not in scope_for(request.user, "application.draft").department_ids and \
            not request.user.is_superuser:
        raise Http404
    # A change of a body is shown over the body's state now (changes recorded since the draft are kept).
    initial = {**StateFieldsMixin.initial_from_state(selectors.rebased_proposed(app)), "body": app.body_id,
               "version": app.body.version if app.body_id else None,
               "reasons": app.reasons, "merge_bodies": list(app.merge_bodies.values_list("pk", flat=True)),
               "replaces": list(app.replaces.values_list("pk", flat=True))}
    named = Body.objects.visible_to(request.user, "application.draft").filter(
        pk__in=app.replaces.values("pk"))  # 撤一建一: still offered if one ended since it was named
    form = ApplicationForm(request.POST or None, kind=app.kind, region=app.region,
                           bodies=_bodies_for(app.department, request.user, selectors.proposal_of(app)), named=named,
                           initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_save(
                actor=request.user, app=app, region=app.region, department=app.department, kind=app.kind,
                body=form.cleaned_data.get("body") if app.kind != ApplicationKind.ESTABLISH else None,
                reasons=form.cleaned_data["reasons"], proposed=form.proposed(),
                merge_bodies=form.cleaned_data.get("merge_bodies") or [], rebase=True,
                expected_version=_loaded_version(form, app.body_id), replaces=form.cleaned_data.get("replaces") or [])
        except ledger_services.ConcurrentChange as exc:
            _moved_on(form, exc)
        except services.ApprovalError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "申请已保存。")
            return redirect("approvals:detail", pk=app.pk)
    return render(request, "approvals/form.html", {"form": form, "kind": app.kind, "department": app.department,
                                                   "kind_label": app.get_kind_display(), "app": app})


def _with_failed_items(reviews) -> list:
    """The reviews, each refusal with the checklist items it cited as not holding (`failed`: [(text, article
    id)]), each item linked to the article it rests on (the regulations library)."""
    from yixie.ledger.regulations import citation_articles

    from .checklist import CHECKLIST_GROUP, CHECKLIST_TEXT, failed_items
    from .choices import Decision

    reviews = list(reviews)
    refused = [r for r in reviews if r.decision == Decision.REFUSE and r.checklist]
    if refused:
        articles = citation_articles(CHECKLIST_GROUP)
        for r in refused:
            r.failed = [(CHECKLIST_TEXT[k], articles.get(k)) for k in failed_items(r.checklist) if k in CHECKLIST_TEXT]
    return reviews


@requires("application.view")
def application_detail(request, pk: int):
    app = selectors.application_for_user(request.user, pk)
    u = request.user
    mine = u.is_superuser or app.department_id in scope_for(u, "application.draft").department_ids
    pending = {r.step: r for r in app.reviews.filter(round=app.round, decision="", cancelled=False)}

    def may(step):
        return selectors.may(u, STEP_ACTIONS[step][0], app) and step in pending

    reviewer = any(selectors.may(u, action, app) for action, _label in STEP_ACTIONS.values())
    ctx = {
        "app": app, "mine": mine,
        "findings": selectors.rule_findings(app),
        "replaces": list(app.replaces.order_by("name")) if app.kind == ApplicationKind.ESTABLISH else [],
        "problems": selectors.content_problems(app) if app.status in (S.DRAFT, S.RETURNED) else [],
        "consent_missing": selectors.consent_missing(app),
        "reviews": _with_failed_items(app.reviews.select_related("reviewer").order_by("round", "started_at", "id")),
        "log": app.log.select_related("actor"),
        "files": app.files.all(),
        "current": selectors.current_state(app),
        "proposed": selectors.proposed_state(app),
        "can_edit": mine and app.status in (S.DRAFT, S.RETURNED) and user_can(u, "application.draft"),
        "can_submit": app.status in (S.DRAFT, S.RETURNED) and selectors.may(u, "application.submit", app,
                                                                              department=True),
        "can_withdraw": mine and app.status in (S.DRAFT, S.SUBMITTED, S.RETURNED),
        "can_accept": app.status == S.SUBMITTED and may(ReviewStep.ACCEPTANCE),
        "can_review_est": app.status == S.IN_REVIEW and may(ReviewStep.ESTABLISHMENT),
        "can_review_per": app.status == S.IN_REVIEW and may(ReviewStep.PERSONNEL),
        "can_deliberate": app.status == S.REVIEWED and may(ReviewStep.DELIBERATION),
        "can_publish": app.status == S.DECIDED and may(ReviewStep.PUBLICATION),
        "show_evidence": reviewer or mine,
        "meeting": selectors.meeting_label_for(app),
        "origin": selectors.proposal_of(app),
    }
    if ctx["show_evidence"]:
        from yixie.overlap.api import highlight

        # Past submission the evidence stored then is shown (never a comparison with the body it created);
        # 编办 may widen the comparison to the subordinate regions (a city's counties) with a GET toggle.
        ctx["evidence_stored"] = selectors.evidence_is_stored(app)
        ctx["can_widen_overlaps"] = selectors.may(u, STEP_ACTIONS[ReviewStep.ESTABLISHMENT][0], app) and \
            app.status != S.PUBLISHED
        ctx["overlaps_wide"] = ctx["can_widen_overlaps"] and request.GET.get("overlaps") == "wide"
        if ctx["evidence_stored"] and not ctx["overlaps_wide"]:
            ctx["overlaps"] = app.overlap_snapshot or []
            ctx["load"] = app.load_snapshot or None
        else:
            ctx["overlaps"] = selectors.overlaps_for(app, include_descendants=ctx["overlaps_wide"])
            ctx["load"] = selectors.leader_load(app)
        ctx["high_overlaps"] = selectors.high_overlaps(app, ctx["overlaps"])
        ctx["overlap_evidence"] = selectors.overlap_evidence(ctx["high_overlaps"])
        terms = {t for m in ctx["overlaps"] if m["level"] != "low" for t in m["shared_terms"]}
        if ctx["proposed"] and terms:
            ctx["duties_marked"] = highlight(ctx["proposed"].get("duties", ""), terms)
    # Total-number control: warned to the department before it submits and to 编办 in its review panel.
    ctx["quota_findings"] = [f for f in ctx["findings"] if f.rule.startswith("quota.")]
    ctx["quota_has_error"] = any(f.is_error for f in ctx["quota_findings"])
    if ctx["can_edit"]:
        ctx["attach_form"] = AttachmentForm()
    if ctx["can_review_est"]:
        # A high overlap found at submission pre-answers "与已设立的议事协调机构职责相同或相近" with the evidence.
        high = selectors.high_overlaps(app)
        initial = {"ck_proh_similar": "yes", "ck_proh_similar_note": selectors.overlap_evidence(high)[:300]} \
            if high else {}
        ctx["est_form"] = ReviewForm(with_checklist=True, prefix="est", initial=initial)
        ctx["est_high"] = high
        ctx["est_evidence"] = selectors.overlap_evidence(high)
    if ctx["can_review_per"]:
        ctx["per_form"] = ReviewForm(prefix="per")
    if ctx["can_accept"]:
        ctx["acc_form"] = ReviewForm(prefix="acc", initial={"decision": "approve"})
    if ctx["can_deliberate"]:
        ctx["del_form"] = DeliberationForm(meeting=ctx["meeting"])
    # The way out of the meeting and publication steps (the meeting panel's 不同意 refuses too).
    ctx["can_close_del"] = ctx["can_deliberate"]
    ctx["can_close_pub"] = ctx["can_publish"]
    if ctx["can_publish"]:
        # The issuer is left blank: the service reads it from the number's 机关代字 (ledger.docnumber.issuer_for).
        verb = {"establish": "成立", "abolish": "撤销", "rename": "调整"}.get(app.kind, "调整")
        ctx["pub_form"] = PublishForm(initial={"issued_on": timezone.localdate(),
                                               "title": f"关于{verb}{app.subject_name}的通知"})
    consent_scope = scope_for(u, "application.consent")
    ctx["consent_departments"] = []
    if app.body_id and app.kind == ApplicationKind.ABOLISH:
        ctx["consents"] = app.consents.select_related("department")
        ctx["consent_departments"] = [m.department for m in app.body.memberships.select_related("department")
                                      if m.department_id in consent_scope.department_ids]
        ctx["consent_form"] = ConsentForm()
    return render(request, "approvals/detail.html", ctx)


def _act(request, pk, fn, ok: str):
    app = selectors.application_for_user(request.user, pk)
    try:
        fn(app)
    except services.ApprovalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)
    return redirect("approvals:detail", pk=pk)


def _invalid(request, pk, form, what: str):
    """Back to the application with every field error named (the panels post from the detail page)."""
    errors = "；".join(f"{form.fields[k].label if k in form.fields else ''}：{v[0]}" for k, v in form.errors.items())
    messages.error(request, f"{what}：{errors}")
    return redirect("approvals:detail", pk=pk)


@requires("application.submit")
@require_POST
def submit(request, pk: int):
    return _act(request, pk, lambda app: services.submit(actor=request.user, app=app, overlaps=selectors.overlaps_for),
                "申请已提交，等待两办受理。")


@requires("application.draft")
@require_POST
def withdraw(request, pk: int):
    return _act(request, pk, lambda app: services.withdraw(actor=request.user, app=app,
                                                           reason=request.POST.get("reason", "")), "申请已撤回。")


@requires("application.accept")
@require_POST
def accept(request, pk: int):
    form = ReviewForm(request.POST, prefix="acc")
    decision = request.POST.get("acc-decision", "approve")
    opinion = request.POST.get("acc-opinion", "")
    if form.is_valid() and decision != "approve":
        return _act(request, pk, lambda app: services.review(actor=request.user, app=app, step=ReviewStep.ACCEPTANCE,
                                                             decision=decision, opinion=opinion), "已办理。")
    return _act(request, pk, lambda app: services.accept(actor=request.user, app=app, opinion=opinion),
                "已受理，转编办审核。")


@requires("application.view")
@require_POST
def review(request, pk: int, step: str):
    prefix = {"establishment": "est", "personnel": "per", "deliberation": "delr", "publication": "pubr"}.get(step)
    if prefix is None:
        raise Http404
    form = ReviewForm(request.POST, with_checklist=step == "establishment", prefix=prefix)
    if not form.is_valid():
        messages.error(request, "请选择审核意见（同意、退回修改或不予同意）。")
        return redirect("approvals:detail", pk=pk)
    c = form.cleaned_data
    return _act(request, pk, lambda app: services.review(
        actor=request.user, app=app, step=step, decision=c["decision"], opinion=c.get("opinion", ""),
        checklist=form.checklist() or None, recommended_form=c.get("recommended_form", "")), "审核意见已提交。")


@requires("application.deliberate")
@require_POST
def deliberate(request, pk: int):
    form = DeliberationForm(request.POST)
    if not form.is_valid():
        return _invalid(request, pk, form, "会议信息有误")
    c = form.cleaned_data
    return _act(request, pk, lambda app: services.deliberate(
        actor=request.user, app=app, held_on=c["held_on"], session=c["session"], agenda_item=c["agenda_item"],
        approved=c["approved"] == "yes", opinion=c.get("opinion", "")), "会议研究结果已登记。")


@requires("application.publish")
@require_POST
def publish(request, pk: int):
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _invalid(request, pk, form, "发文信息有误")
    c = form.cleaned_data
    return _act(request, pk, lambda app: services.publish(
        actor=request.user, app=app, number=c["number"], issuer=c.get("issuer") or "", issued_on=c["issued_on"],
        title=c["title"], effective_on=c.get("effective_on")), "已发文公布，台账已同步更新。")


@requires("application.draft")
@require_POST
def attach(request, pk: int):
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择材料类型和文件。")
        return redirect("approvals:detail", pk=pk)
    return _act(request, pk, lambda app: services.attach(actor=request.user, app=app, kind=form.cleaned_data["kind"],
                                                         uploaded=form.cleaned_data["file"]), "材料已上传。")


@requires("application.consent")
@require_POST
def consent(request, pk: int):
    form = ConsentForm(request.POST)
    dept = get_object_or_404(Department, pk=_id(request.POST.get("department")))
    if not form.is_valid():
        messages.error(request, "请选择本单位意见。")
        return redirect("approvals:detail", pk=pk)
    return _act(request, pk, lambda app: services.record_consent(
        actor=request.user, app=app, department=dept, agreed=form.cleaned_data["agreed"] == "yes",
        note=form.cleaned_data.get("note", "")), "本单位意见已登记。")


@requires("application.view")
def file_download(request, pk: int, file_pk: int):
    app = selectors.application_for_user(request.user, pk)
    f = get_object_or_404(ApplicationFile, pk=file_pk, application=app)
    return serve_stored(request, f.file, filename=f.original_name, about=app)


@requires("approvals.stats")
def stats(request):
    scope = scope_for(request.user, "approvals.stats")
    data = selectors.turnaround(region_ids=None if scope.everything else scope.region_ids)
    return render(request, "approvals/stats.html", {**data, **selectors.turnaround_charts(data)})


@requires("application.view")
def proposal_list(request):
    """Proposals raised by other capabilities (evaluation, expiry, reconciliation) waiting to be taken in."""
    items = selectors.proposals_visible_to(request.user).order_by("raised_at", "id")
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    mine = set(selectors.proposals_to_take(request.user).filter(pk__in=[p.pk for p in page])
               .values_list("pk", flat=True))
    kinds = dict(ApplicationKind.choices)
    rows = [{"p": p, "kind_label": kinds.get(p.kind, p.kind),
             "take_url": selectors.proposal_take_url(p) if p.pk in mine else ""} for p in page]
    return render(request, "approvals/proposals.html", {"page": page, "rows": rows})
