"""Pages of the review campaign (定期调整): thin views over selectors (reads) and services (writes).

Who may do what is the registered action of each view plus the campaign's and the item's scope; what is
allowed in which phase, and every rule about content, is the services' (their refusals come back on the
field they name, with what the user typed kept)."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yixie.core import jobs
from yixie.core.access import requires, user_can
from yixie.core.dates import format_date_zh
from yixie.core.errors import DomainError
from yixie.core.files import serve_stored
from yixie.core.models import Proposal, ProposalStatus
from yixie.core.people import user_label
from yixie.core.templatetags.yixie_format import datetime_zh
from yixie.ledger import selectors as ledger_selectors
from yixie.ledger.choices import BodyCategory, BodyStatus
from yixie.ledger.models import Body
from yixie.ledger.state import display_value
from yixie.org.models import Department, Region
from yixie.org.scopes import regions_visible_to, scope_for

from . import documents, selectors, services
from .choices import ACTION_SHORT, PHASE_ORDER, Action, Office, Phase, ReportStatus, Verdict
from .forms import (
    DEFAULT_CATEGORIES,
    CampaignOpenForm,
    DeliberationForm,
    ItemReportForm,
    OpinionForm,
    PublishForm,
    ReturnForm,
    SettleForm,
    SubmitForm,
    TakeForm,
)
from .models import CampaignFile, CampaignItem, DepartmentReport, ItemOpinion

PAGE_SIZE = 30
REPORTING_PHASES = (Phase.SORTING, Phase.REPORTING)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _id(raw) -> int:
    """An id from the query string or a form, or 0 (matches nothing) for anything that is not a plausible id."""
    raw = str(raw or "")
    return int(raw) if raw.isdecimal() and raw.isascii() and len(raw) <= 18 else 0


def _may(user, action: str, campaign) -> bool:
    """Whether the user holds `action` for the campaign's region (a region role above it, or the superuser)."""
    scope = scope_for(user, action)
    return scope.everything or campaign.region_id in scope.region_ids


def _refused(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _detail(campaign, anchor: str = ""):
    return redirect(reverse("campaigns:detail", args=[campaign.pk]) + (f"#{anchor}" if anchor else ""))


# ---- the list and opening ------------------------------------------------------------------------------------

@requires("campaign.view")
def campaign_list(request):
    campaigns = list(selectors.campaign_rows(request.user))
    return render(request, "campaigns/list.html", {
        "campaigns": campaigns, "can_open": user_can(request.user, "campaign.open"),
        "today": timezone.localdate(),
    })


def _open_regions(user):
    scope = scope_for(user, "campaign.open")
    qs = Region.objects.filter(level__in=["province", "city", "county"]).order_by("code")
    return qs if scope.everything else qs.filter(pk__in=scope.region_ids)


@requires("campaign.open")
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    u = request.user
    regions = _open_regions(u)
    counties = Region.objects.filter(level="county", parent__in=regions).filter(pk__in=regions).order_by("code")
    documents = ledger_selectors.documents_visible_to(u).filter(region__in=regions).order_by("-issued_on", "-id")
    today = timezone.localdate()
    region = regions.first()
    initial = {"region": region.pk if region else None, "year": today.year, "snapshot_on": today,
               "categories": list(DEFAULT_CATEGORIES),
               "title": f"{region.name if region else ''}{today.year}年议事协调机构调整规范行动"}
    form = CampaignOpenForm(request.POST or None, regions=regions, counties=counties, documents=documents,
                            initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            campaign = services.campaign_open(
                actor=u, region=c["region"], year=c["year"], title=c["title"], categories=c["categories"],
                snapshot_on=c["snapshot_on"], deadlines=form.deadlines(), plan_document=c.get("plan_document"),
                counties=c.get("counties") or [])
        except DomainError as exc:
            _refused(form, exc)
        else:
            n = campaign.items.count()
            parts = campaign.parts.count()
            messages.success(request, f"已发起{campaign.title}：按{format_date_zh(c['snapshot_on'])}的台账列入{n}个机构"
                                      f"{f'，同时部署到{parts}个县市区' if parts else ''}。各牵头部门现在可以填写自评。")
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/new.html", {"form": form, "counties": counties})


# ---- the campaign page -----------------------------------------------------------------------------------------

def _steps(campaign) -> list[dict]:
    current = PHASE_ORDER.index(campaign.phase)
    today = timezone.localdate()
    steps = []
    for i, phase in enumerate(PHASE_ORDER):
        due = campaign.deadline(phase)
        state = "done" if i < current or campaign.phase == Phase.PUBLISHED else "current" if i == current else "todo"
        steps.append({"phase": phase, "label": Phase(phase).label, "due": due, "state": state,
                      "late": state == "current" and due is not None and today > due})
    return steps


def _next_phase(campaign) -> dict | None:
    i = PHASE_ORDER.index(campaign.phase)
    if campaign.phase in (Phase.DELIBERATION, Phase.PUBLISHED) or i + 1 >= len(PHASE_ORDER):
        return None
    to = PHASE_ORDER[i + 1]
    notes = {
        Phase.REPORTING: "转入汇总提报：各部门组织人事科室审核后报送自评报告。",
        Phase.REVIEW: "转入联合审核：部门自评不能再修改；快照后发生变化的机构将更新到最新状态。",
        Phase.DELIBERATION: "形成调整规范意见，提交会议研究：所有事项须已审定。",
    }
    return {"to": to, "label": Phase(to).label, "note": notes.get(to, "")}


def _department_panels(user, campaign) -> list[dict]:
    """The user's departments' reports, each with its worklist (one query for all their items)."""
    reports = list(selectors.reports_of_user(user, campaign))
    if not reports:
        return []
    items = defaultdict(list)
    for i in (CampaignItem.objects.filter(report__in=reports)
              .select_related("merge_into", "new_department").order_by("id")):
        items[i.report_id].append(i)
    submit_ids = scope_for(user, "campaign.submit").department_ids
    can_submit_all = user.is_superuser
    panels = []
    for r in reports:
        rows = items.get(r.pk, [])
        missing = [i for i in rows if not i.action]
        open_ = campaign.phase in REPORTING_PHASES and r.status != ReportStatus.SUBMITTED
        panels.append({
            "report": r, "items": [{"item": i, "proposal": selectors.describe(i.action, i.merge_into, i.new_name,
                                                                               i.new_department)} for i in rows],
            "missing": missing, "late": services.report_is_late(r, campaign), "editable": open_,
            "can_submit": open_ and (can_submit_all or r.department_id in submit_ids),
            "submit_form": SubmitForm(prefix=f"r{r.pk}"),
        })
    return panels


@requires("campaign.view")
def campaign_detail(request, pk: int):
    u = request.user
    campaign = selectors.campaign_for_user(u, pk)
    view_scope = scope_for(u, "campaign.view")
    region_view = view_scope.everything or campaign.region_id in view_scope.region_ids
    ctx = {
        "campaign": campaign, "steps": _steps(campaign), "region_view": region_view,
        "parent_visible": bool(campaign.parent_id)
        and selectors.campaigns_visible_to(u).filter(pk=campaign.parent_id).exists(),
        "categories": [label for value, label in BodyCategory.choices if value in campaign.categories],
        "panels": _department_panels(u, campaign),
        "hosted": list(selectors.hosted_items(u, campaign)) if not region_view else [],
        "files": list(campaign.files.filter(status="done").exclude(file="").order_by("kind")),
        "pending_files": campaign.files.filter(status="pending").count(),
        "failed_files": list(campaign.files.filter(status="failed").order_by("kind")),
        "can_manage": _may(u, "campaign.manage", campaign),
        "can_review": _may(u, "campaign.review", campaign),
        "can_deliberate": _may(u, "campaign.deliberate", campaign),
        "can_publish": _may(u, "campaign.publish", campaign),
        "can_stats": _may(u, "campaign.stats", campaign),
        "reporting": campaign.phase in REPORTING_PHASES,
        "due": campaign.deadline(Phase.REPORTING),
        "deliberations": list(campaign.deliberations.order_by("meeting")),
        "meeting_labels": dict(selectors.meetings_needed(campaign)),
    }
    if region_view:
        ctx["board"] = selectors.board(campaign)
        ctx["action_columns"] = [(a, ACTION_SHORT[a]) for a in Action.values
                                 if ctx["board"]["total"].actions.get(a)]
        for row in ctx["board"]["rows"]:
            row.action_cells = [row.actions.get(a, 0) for a, _ in ctx["action_columns"]]
        ctx["board"]["total"].action_cells = [ctx["board"]["total"].actions.get(a, 0)
                                              for a, _ in ctx["action_columns"]]
        ctx["return_form"] = ReturnForm()
    if campaign.phase in (Phase.REVIEW, Phase.DELIBERATION, Phase.PUBLISHED) and region_view:
        ctx["summary"] = selectors.review_summary(campaign)
    if ctx["can_manage"]:
        if campaign.phase in (Phase.SORTING, Phase.REPORTING, Phase.REVIEW):
            # Proposals the other capabilities raised about the region's bodies (evaluation, expiry …), to take in.
            ctx["proposals"] = list(Proposal.objects.filter(status=ProposalStatus.OPEN, region_id=campaign.region_id,
                                                            body_id__isnull=False)
                                    .exclude(body_id__in=campaign.items.values("body_id")).order_by("raised_at")[:20])
        ctx["next"] = _next_phase(campaign)
        ctx["unsubmitted"] = campaign.reports.exclude(status=ReportStatus.SUBMITTED).count() \
            if campaign.phase in REPORTING_PHASES else 0
    return render(request, "campaigns/detail.html", ctx)


@requires("campaign.manage")
@require_POST
def campaign_advance(request, pk: int):
    campaign = selectors.campaign_for_user(request.user, pk, "campaign.manage")
    to = request.POST.get("to", "")
    try:
        campaign = services.campaign_advance(actor=request.user, campaign=campaign, to=to,
                                             expected_version=_id(request.POST.get("version")) or None)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已转入“{campaign.get_phase_display()}”阶段。")
        if campaign.phase == Phase.DELIBERATION:  # the adjustment opinion is formed: its Word and PDF files
            documents.request(campaign, documents.OPINION_KINDS)
    return _detail(campaign)


@requires("campaign.manage")
@require_POST
def files_generate(request, pk: int):
    """Make the campaign's documents again (after a failure, or after the fonts were installed)."""
    campaign = selectors.campaign_for_user(request.user, pk, "campaign.manage")
    kinds = list(documents.OPINION_KINDS) if campaign.opinion_on else []
    if campaign.phase == Phase.PUBLISHED:
        kinds += documents.LIST_KINDS
    if not kinds:
        messages.error(request, "形成调整规范意见后才能生成文件。")
    else:
        documents.request(campaign, kinds)
        messages.success(request, "已开始生成文件，请稍后刷新本页。")
    return _detail(campaign, "files")


@requires("campaign.manage")
@require_POST
def reports_remind(request, pk: int):
    campaign = selectors.campaign_for_user(request.user, pk, "campaign.manage")
    if campaign.phase not in REPORTING_PHASES:
        messages.error(request, f"行动处于“{campaign.get_phase_display()}”阶段，无需催报。")
        return _detail(campaign)
    n = services.reports_remind(actor=request.user, campaign=campaign, recipients_of=selectors.department_recipients,
                                url=reverse("campaigns:detail", args=[campaign.pk]))
    messages.success(request, f"已向{n}个尚未报送的部门发送催报通知。" if n else "各部门均已报送，无需催报。")
    return _detail(campaign, "board")


def _report_for(user, campaign, report_pk: int, action: str) -> DepartmentReport:
    """A report of the campaign: for a department role, only its own department's (else 404)."""
    report = get_object_or_404(DepartmentReport.objects.select_related("department"), pk=report_pk, campaign=campaign)
    scope = scope_for(user, action)
    if not (scope.everything or campaign.region_id in scope.region_ids or report.department_id in scope.department_ids):
        raise Http404
    return report


@requires("campaign.submit")
@require_POST
def report_submit(request, pk: int, report_pk: int):
    campaign = selectors.campaign_for_user(request.user, pk)
    report = _report_for(request.user, campaign, report_pk, "campaign.submit")
    form = SubmitForm(request.POST, request.FILES, prefix=f"r{report.pk}")
    form.is_valid()
    try:
        services.report_submit(actor=request.user, report=report, inspection=form.cleaned_data.get("inspection"),
                               note=form.cleaned_data.get("note", ""))
    except DomainError as exc:
        messages.error(request, f"{report.department.name}的自评报告未能报送：{exc.message}")
    else:
        report.refresh_from_db()
        late = services.report_is_late(report, campaign)
        messages.success(request, f"{report.department.name}的自评报告已报送{'（已超过报送期限，按逾期报送登记）' if late else ''}。")
    return _detail(campaign, f"report-{report.pk}")


@requires("campaign.manage")
@require_POST
def report_return(request, pk: int, report_pk: int):
    campaign = selectors.campaign_for_user(request.user, pk, "campaign.manage")
    report = _report_for(request.user, campaign, report_pk, "campaign.manage")
    try:
        services.report_return(actor=request.user, report=report, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已将{report.department.name}的自评报告退回补充。")
    return _detail(campaign, "board")


@requires("campaign.view")
def report_inspection(request, pk: int, report_pk: int):
    campaign = selectors.campaign_for_user(request.user, pk)
    report = _report_for(request.user, campaign, report_pk, "campaign.view")
    if not report.inspection:
        raise Http404
    return serve_stored(request, report.inspection, filename=report.inspection_name or "自查报告", about=report)


@requires("campaign.view")
def campaign_file(request, pk: int, file_pk: int):
    campaign = selectors.campaign_for_user(request.user, pk)
    f = get_object_or_404(CampaignFile, pk=file_pk, campaign=campaign, status="done")
    if not f.file:
        raise Http404
    ext = f.file.name.rsplit(".", 1)[-1] if "." in f.file.name else ""
    return serve_stored(request, f.file, filename=f"{campaign.title}_{f.get_kind_display()}.{ext}".rstrip("."),
                        about=campaign)


# ---- the department's self-report -----------------------------------------------------------------------------

def _merge_targets(user, campaign, exclude_body_id: int | None = None):
    """The bodies a body may merge into: the campaign region's bodies in force that the user may see."""
    qs = Body.objects.visible_to(user).filter(region_id=campaign.region_id, status=BodyStatus.ACTIVE)
    if exclude_body_id:
        qs = qs.exclude(pk=exclude_body_id)
    return qs.order_by("name")


def _lead_departments(user, campaign):
    """The campaign region's departments in force today (in the user's regions), for a new lead department."""
    today = timezone.localdate()
    return (Department.objects.filter(region_id=campaign.region_id, region__in=regions_visible_to(user),
                                      is_active=True)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
            .filter(Q(established_on__isnull=True) | Q(established_on__lte=today)).order_by("order", "id"))


def _item_initial(item) -> dict:
    return {"version": item.version, "action": item.action, "reason": item.reason, "reason_text": item.reason_text,
            "merge_into": item.merge_into_id, "new_name": item.new_name, "new_department": item.new_department_id,
            "leader_changes": item.leader_changes, "member_changes": item.member_changes, "basis": item.basis,
            "meetings_held": "" if item.meetings_held is None else item.meetings_held,
            "documents_issued": "" if item.documents_issued is None else item.documents_issued,
            "tasks_done": item.tasks_done}


def _state_rows(state: dict) -> list[tuple[str, str]]:
    keys = ["name", "category", "form", "sequence", "lead_department", "office_department", "leaders", "members",
            "duties", "is_temporary", "ends_on", "end_condition", "upper_counterpart"]
    labels = {"name": "机构名称", "category": "类别", "form": "机构形式", "sequence": "序列",
              "lead_department": "牵头部门", "office_department": "办事机构所在部门", "leaders": "组长、副组长",
              "members": "成员单位", "duties": "主要职责", "is_temporary": "临时机构", "ends_on": "存续期限",
              "end_condition": "撤销条件", "upper_counterpart": "上级机构设置情况"}
    rows = []
    for k in keys:
        if k in ("ends_on", "end_condition") and not state.get("is_temporary"):
            continue
        value = state.get(k)
        if k == "members" and value:
            rows.append((labels[k], f"{len(value)}个：{display_value(k, value)}"))
        else:
            rows.append((labels[k], display_value(k, value)))
    return rows


def _editor(user, item) -> bool:
    """The lead department's own users (and the superuser) write its self-report."""
    return user.is_superuser or item.department_id in scope_for(user, "campaign.report").department_ids


@requires("campaign.view")
@require_http_methods(["GET", "POST"])
def item_report(request, pk: int, item_pk: int):
    u = request.user
    campaign = selectors.campaign_for_user(u, pk)
    item = selectors.item_for_user(u, campaign, item_pk)
    editor = _editor(u, item)
    open_ = campaign.phase in REPORTING_PHASES and item.report.status != ReportStatus.SUBMITTED
    form = ItemReportForm(request.POST or None, initial=_item_initial(item),
                          bodies=_merge_targets(u, campaign, item.body_id), departments=_lead_departments(u, campaign))
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.item_report(
                actor=u, item=item, action=c["action"], reason=c.get("reason") or "",
                reason_text=c.get("reason_text") or "", merge_into=c.get("merge_into"), new_name=c.get("new_name") or "",
                new_department=c.get("new_department"), leader_changes=c.get("leader_changes") or "",
                member_changes=c.get("member_changes") or "", basis=c.get("basis") or "",
                meetings_held=c.get("meetings_held"), documents_issued=c.get("documents_issued"),
                tasks_done=c.get("tasks_done") or "", expected_version=c.get("version"))
        except DomainError as exc:
            now = CampaignItem.objects.select_related("merge_into", "new_department", "reported_by").get(pk=item.pk)
            if c.get("version") is not None and now.version != c["version"]:
                # Someone saved in between: say who and what, keep the input, carry the version now.
                data = form.data.copy()
                data["version"] = str(now.version)
                form.data = data
                saved = selectors.describe(now.action, now.merge_into, now.new_name, now.new_department)
                form.add_error(None, f"您打开本页后，{user_label(now.reported_by)}于{datetime_zh(now.reported_at)}"
                                     f"保存了“{item.name}”的自评，调整方式为“{saved}”，您这次填写的内容尚未保存。"
                                     "您填写的内容仍保留在下面；核对后再次保存，将以您的内容为准。")
            elif exc.field == "department":
                form.add_error(None, exc.message)
            else:
                _refused(form, exc)
        else:
            messages.success(request, f"“{item.name}”的自评已保存。")
            nxt = (CampaignItem.objects.filter(report_id=item.report_id, action="").exclude(pk=item.pk)
                   .order_by("id").first())
            if nxt is not None and request.POST.get("next") == "1":
                return redirect("campaigns:item", pk=campaign.pk, item_pk=nxt.pk)
            return _detail(campaign, f"report-{item.report_id}")
    return render(request, "campaigns/item.html", {
        "campaign": campaign, "item": item, "form": form, "state_rows": _state_rows(item.state),
        "editable": editor and open_, "editor": editor, "open": open_,
        "hosted_only": not editor and item.department_id not in selectors.user_department_ids(u, "campaign.view")
        and bool(selectors.user_department_ids(u, "campaign.view")),
        "opinions": list(item.opinions.select_related("merge_into", "new_department", "given_by")),
        "final": selectors.describe(item.final_action, item.final_merge_into, item.final_new_name,
                                    item.final_new_department) if item.final_action else "",
        "origin": selectors.proposal_of(item),
    })


# ---- the joint review --------------------------------------------------------------------------------------------

REVIEW_FILTERS = [("all", "全部"), ("conflicts", "意见不一致"), ("unsettled", "未审定"), ("mine", "本单位未提意见"),
                  ("settled", "已审定")]


def _conflict_ids(campaign) -> set[int]:
    """Unsettled items where the department and the offices differ (two queries, whatever the size)."""
    items = {i.pk: i for i in campaign.items.filter(final_action="").only(
        "id", "campaign_id", "action", "merge_into_id", "new_name", "new_department_id")}
    opinions = defaultdict(list)
    for o in ItemOpinion.objects.filter(item__campaign=campaign, item__final_action=""):
        opinions[o.item_id].append(o)
    return {pk for pk, ops in opinions.items() if pk in items and services.item_conflict(items[pk], ops)}


def _opinion_text(o) -> str:
    if o is None:
        return ""
    if o.verdict == Verdict.CHANGE:
        return "建议" + selectors.describe(o.action, o.merge_into, o.new_name, o.new_department)
    if o.verdict == Verdict.DISAGREE:
        return "不同意，建议保留"
    return "同意"


@requires("campaign.review")
def review(request, pk: int):
    u = request.user
    campaign = selectors.campaign_for_user(u, pk, "campaign.review")
    office = selectors.user_office(u, campaign)
    show = request.GET.get("show", "all")
    if show not in dict(REVIEW_FILTERS):
        show = "all"
    departments = list(campaign.reports.select_related("department").order_by("department__order", "department_id"))
    dept_id = _id(request.GET.get("department"))
    if dept_id not in {r.department_id for r in departments}:
        dept_id = 0
    items = selectors.items_visible_to(u, campaign).order_by("department__order", "department_id", "id")
    conflicts = _conflict_ids(campaign)
    if show == "conflicts":
        items = items.filter(pk__in=conflicts)
    elif show == "unsettled":
        items = items.filter(final_action="")
    elif show == "settled":
        items = items.exclude(final_action="")
    elif show == "mine" and office:
        items = items.exclude(opinions__office=office)
    if dept_id:
        items = items.filter(department_id=dept_id)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.review_rows(campaign, page.object_list)
    offices = Office.values
    for row in rows:
        i = row["item"]
        row["proposal"] = selectors.describe(i.action, i.merge_into, i.new_name, i.new_department)
        row["cells"] = [{"office": Office(o).label, "opinion": op, "text": _opinion_text(op)}
                        for o, op in zip(offices, row["opinions"], strict=True)]
        row["mine"] = row["opinions"][offices.index(office)] if office else None
        row["conflict"] = i.pk in conflicts
        row["final"] = selectors.describe(i.final_action, i.final_merge_into, i.final_new_name,
                                          i.final_new_department) if i.final_action else ""
    query = {k: v for k, v in (("show", show), ("department", dept_id or "")) if v}
    return render(request, "campaigns/review.html", {
        "campaign": campaign, "office": office, "office_label": Office(office).label if office else "",
        "page": page, "rows": rows, "show": show, "filters": REVIEW_FILTERS, "departments": departments,
        "department_id": dept_id, "query": urlencode(query), "summary": selectors.review_summary(campaign),
        "open": campaign.phase == Phase.REVIEW, "can_settle": _may(u, "campaign.manage", campaign),
        "n_conflicts": len(conflicts),
    })


def _prefill(request, form_cls, bodies, departments, **kwargs):
    """An opinion form pre-filled from the query string (a merge proposed from the overlap pairs), through the
    drop-downs' own scope: an id the user may not see is not taken."""
    initial = {}
    verdict = request.GET.get("verdict", "")
    if verdict in Verdict.values:
        initial["verdict"] = verdict
    action = request.GET.get("action", "")
    if action in Action.values:
        initial["action"] = action
    target = _id(request.GET.get("merge_into"))
    if target and bodies.filter(pk=target).exists():
        initial["merge_into"] = target
    return form_cls(bodies=bodies, departments=departments, initial={**kwargs.pop("initial", {}), **initial}, **kwargs)


@requires("campaign.review")
@require_http_methods(["GET", "POST"])
def opinion(request, pk: int, item_pk: int):
    """One item in the joint review: the department's report, the three offices' opinions, the user's office's
    opinion form, and for 编办 the settlement of a difference."""
    u = request.user
    campaign = selectors.campaign_for_user(u, pk, "campaign.review")
    item = selectors.item_for_user(u, campaign, item_pk)
    office = selectors.user_office(u, campaign)
    bodies = _merge_targets(u, campaign, item.body_id)
    departments = _lead_departments(u, campaign)
    ops = {o.office: o for o in item.opinions.select_related("merge_into", "new_department", "given_by")}
    mine = ops.get(office) if office else None
    initial = {}
    if mine is not None:
        initial = {"verdict": mine.verdict, "action": mine.action, "merge_into": mine.merge_into_id,
                   "new_name": mine.new_name, "new_department": mine.new_department_id, "reason": mine.reason}
    can_settle = _may(u, "campaign.manage", campaign) and campaign.phase == Phase.REVIEW
    settle_initial = {"version": item.version, "action": item.final_action or item.action, "reason": item.reason,
                      "merge_into": item.final_merge_into_id or item.merge_into_id,
                      "new_name": item.final_new_name or item.new_name,
                      "new_department": item.final_new_department_id or item.new_department_id}
    if request.method == "POST" and request.POST.get("form") == "settle":
        form = _prefill(request, OpinionForm, bodies, departments, initial=initial)
        settle = SettleForm(request.POST, bodies=bodies, departments=departments, initial=settle_initial)
        if not can_settle:
            messages.error(request, "只有编办在联合审核阶段可以审定调整意见。")
        elif settle.is_valid():
            c = settle.cleaned_data
            try:
                services.item_settle(actor=u, item=item, action=c["action"], reason=c.get("reason") or "",
                                     note=c["note"], merge_into=c.get("merge_into"), new_name=c.get("new_name") or "",
                                     new_department=c.get("new_department"), expected_version=c.get("version"))
            except DomainError as exc:
                _refused(settle, exc)
            else:
                messages.success(request, f"“{item.name}”的调整意见已审定。")
                return redirect(reverse("campaigns:review", args=[campaign.pk]) + "?show=conflicts")
    elif request.method == "POST":
        form = OpinionForm(request.POST, bodies=bodies, departments=departments, initial=initial)
        settle = SettleForm(bodies=bodies, departments=departments, initial=settle_initial)
        if office is None:
            form.add_error(None, "您不代表编办、两办或组织部，不能提出联合审核意见。")
        elif form.is_valid():
            c = form.cleaned_data
            try:
                services.opinion_give(actor=u, item=item, office=office, verdict=c["verdict"],
                                      action=c.get("action") or "", reason=c.get("reason") or "",
                                      merge_into=c.get("merge_into"), new_name=c.get("new_name") or "",
                                      new_department=c.get("new_department"))
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, f"已提出对“{item.name}”的审核意见（{Office(office).label}）。")
                back = request.POST.get("back", "")
                return redirect(back if back.startswith(reverse("campaigns:review", args=[campaign.pk]))
                                else reverse("campaigns:review", args=[campaign.pk]))
    else:
        form = _prefill(request, OpinionForm, bodies, departments, initial=initial)
        settle = SettleForm(bodies=bodies, departments=departments, initial=settle_initial)
    rows = selectors.review_rows(campaign, [item])[0]
    return render(request, "campaigns/opinion.html", {
        "campaign": campaign, "item": item, "office": office, "office_label": Office(office).label if office else "",
        "form": form, "settle": settle, "can_settle": can_settle, "open": campaign.phase == Phase.REVIEW,
        "cells": [{"office": Office(o).label, "opinion": ops.get(o), "text": _opinion_text(ops.get(o))}
                  for o in Office.values],
        "conflict": rows["conflict"], "state_rows": _state_rows(item.state),
        "proposal": selectors.describe(item.action, item.merge_into, item.new_name, item.new_department),
        "final": selectors.describe(item.final_action, item.final_merge_into, item.final_new_name,
                                    item.final_new_department) if item.final_action else "",
        "back": request.GET.get("back", ""),
    })


@requires("campaign.review")
@require_POST
def opinion_agree(request, pk: int, item_pk: int):
    """The quick 同意 of a review row."""
    u = request.user
    campaign = selectors.campaign_for_user(u, pk, "campaign.review")
    item = selectors.item_for_user(u, campaign, item_pk)
    office = selectors.user_office(u, campaign)
    if office is None:
        messages.error(request, "您不代表编办、两办或组织部，不能提出联合审核意见。")
    else:
        try:
            services.opinion_give(actor=u, item=item, office=office, verdict=Verdict.AGREE)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已同意“{item.name}”的部门意见（{Office(office).label}）。")
    back = request.POST.get("back", "")
    base = reverse("campaigns:review", args=[campaign.pk])
    return redirect(back if back.startswith(base) else base)


@requires("campaign.review")
@require_POST
def opinions_agree_rest(request, pk: int):
    u = request.user
    campaign = selectors.campaign_for_user(u, pk, "campaign.review")
    office = selectors.user_office(u, campaign)
    if office is None:
        messages.error(request, "您不代表编办、两办或组织部，不能提出联合审核意见。")
    else:
        try:
            n = services.opinions_agree_rest(actor=u, campaign=campaign, office=office)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{Office(office).label}已同意其余{n}个事项的部门意见。")
    return redirect("campaigns:review", pk=campaign.pk)


@requires("campaign.manage")
def overlap_pairs(request, pk: int):
    """Listed bodies of different departments that cover the same work: candidates for 编办 to merge."""
    campaign = selectors.campaign_for_user(request.user, pk, "campaign.manage")
    pairs = selectors.overlap_pairs(campaign) if campaign.phase == Phase.REVIEW else []
    return render(request, "campaigns/pairs.html", {"campaign": campaign, "pairs": pairs,
                                                    "open": campaign.phase == Phase.REVIEW})


# ---- meetings and publication ----------------------------------------------------------------------------------

@requires("campaign.deliberate")
@require_http_methods(["GET", "POST"])
def deliberate(request, pk: int):
    u = request.user
    campaign = selectors.campaign_for_user(u, pk, "campaign.deliberate")
    meetings = selectors.meetings_needed(campaign)
    form = DeliberationForm(request.POST or None, meetings=meetings)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.deliberation_record(actor=u, campaign=campaign, meeting=c["meeting"], held_on=c["held_on"],
                                         session=c.get("session") or "", note=c.get("note") or "")
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, f"已登记{services.meeting_label(campaign.region, c['meeting'])}研究情况。")
            return redirect("campaigns:deliberate", pk=campaign.pk)
    recorded = {d.meeting: d for d in campaign.deliberations.select_related("recorded_by")}
    return render(request, "campaigns/deliberate.html", {
        "campaign": campaign, "form": form, "open": campaign.phase == Phase.DELIBERATION,
        "meetings": [{"label": label, "record": recorded.get(m)} for m, label in meetings],
        "can_publish": _may(u, "campaign.publish", campaign),
    })


@requires("campaign.publish")
@require_http_methods(["GET", "POST"])
def publish(request, pk: int):
    u = request.user
    campaign = selectors.campaign_for_user(u, pk, "campaign.publish")
    today = timezone.localdate()
    form = PublishForm(request.POST or None, initial={
        "issued_on": today, "title": f"关于公布{campaign.title.removesuffix('行动')}结果的通知"})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            campaign = services.publish_claim(actor=u, campaign=campaign, number=c["number"],
                                              issuer=c.get("issuer") or "", issued_on=c["issued_on"],
                                              title=c["title"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            from .jobs import run_publish_job

            jobs.enqueue_on_commit(run_publish_job, campaign.pk,
                                   q_options={"task_name": f"campaign-publish-{campaign.pk}", "group": "campaigns"})
            campaign.refresh_from_db()
            if campaign.phase == Phase.PUBLISHED:
                messages.success(request, f"清单已发文公布，台账已写入{campaign.events_applied}项调整。")
            elif campaign.publish_status == "failed":
                messages.error(request, f"发文公布未能办理：{campaign.publish_error}")
            else:
                messages.info(request, "已提交发文公布，正在写入台账，请稍候刷新本页查看结果。")
            return redirect("campaigns:publish", pk=campaign.pk)
    on = form.cleaned_data.get("issued_on") if form.is_bound and form.is_valid() else today
    problems = services.publication_problems(campaign, on or today) if campaign.phase != Phase.PUBLISHED else []
    events = []
    if campaign.phase == Phase.PUBLISHED:
        events = list(campaign.items.exclude(event=None).select_related("event", "body").order_by("name")[:200])
    return render(request, "campaigns/publish.html", {
        "campaign": campaign, "form": form, "problems": problems, "events": events,
        "can_press": campaign.phase == Phase.DELIBERATION and not problems
        and campaign.publish_status in ("", "failed"),
        "ledger_url": f"{reverse('ledger:body_list')}?on={campaign.published_on.isoformat()}"
        if campaign.published_on else "",
        "stats": selectors.stats(campaign) if campaign.phase in (Phase.DELIBERATION, Phase.PUBLISHED) else None,
    })


# ---- statistics ---------------------------------------------------------------------------------------------------

def _bar(categories, series, *, horizontal=False) -> dict:
    axis_cat = {"type": "category", "data": categories, "axisLabel": {"interval": 0}}
    axis_val = {"type": "value", "minInterval": 1}
    return {
        "tooltip": {"trigger": "axis"}, "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 36, "containLabel": True},
        "xAxis": axis_val if horizontal else axis_cat, "yAxis": axis_cat if horizontal else axis_val,
        "series": [{"type": "bar", "name": name, "data": data, "label": {"show": True, "position": "right"
                                                                          if horizontal else "top"}}
                   for name, data in series],
    }


def _charts(s: dict) -> dict:
    cats = s["categories"]
    changed = [(a, n) for a, n in s["actions"] if a != Action.KEEP.label]
    charts = {
        "category_chart": _bar([c["category"] for c in cats], [("调整前", [c["before"] for c in cats]),
                                                              ("调整后", [c["after"] for c in cats])]) if cats else None,
        "action_chart": None if not changed else {
            "tooltip": {"trigger": "item", "formatter": "{b}：{c}个（{d}%）"}, "legend": {"bottom": 0},
            "series": [{"type": "pie", "radius": ["35%", "65%"], "label": {"formatter": "{b} {c}个"},
                        "data": [{"name": a, "value": n} for a, n in changed]}],
        },
        "reason_chart": _bar([r for r, _n in s["reasons"]][::-1], [("机构数", [n for _r, n in s["reasons"]][::-1])],
                             horizontal=True) if s["reasons"] else None,
    }
    return charts


@requires("campaign.stats")
def stats(request, pk: int):
    campaign = selectors.campaign_for_user(request.user, pk, "campaign.stats")
    s = selectors.stats(campaign)
    for c in s["categories"]:
        c["change"] = c["after"] - c["before"]
    regions = selectors.region_stats(campaign) if campaign.parts.exists() else []
    return render(request, "campaigns/stats.html", {"campaign": campaign, "s": s, "regions": regions, **_charts(s)})


@requires("campaign.stats")
@require_GET
def stats_export(request, pk: int):
    """The statistics and the list as an Excel workbook (small: made at once, not as a job)."""
    from openpyxl import Workbook

    from yixie.ledger.excel.template import text_cell

    campaign = selectors.campaign_for_user(request.user, pk, "campaign.stats")
    s = selectors.stats(campaign)
    wb = Workbook(write_only=True)

    def sheet(title, header, rows):
        ws = wb.create_sheet(title)
        ws.append(header)
        for row in rows:
            ws.append([text_cell(ws, v) if isinstance(v, str) else v for v in row])

    sheet("总体情况", ["项目", "数量"], [
        ("调整前（党委、政府议事协调机构）", s["before"]), ("调整后", s["after"]), ("精简数量", s["reduced"]),
        ("精简比例（%）", s["rate"])])
    sheet("分类别", ["类别", "调整前", "调整后", "是否计入议事协调机构"],
          [(c["category"], c["before"], c["after"], "是" if c["counted"] else "否") for c in s["categories"]])
    if campaign.parts.exists():
        sheet("分区划", ["区划", "阶段", "调整前", "调整后", "精简数量", "精简比例（%）"],
              [(r["region"], r["phase"], r["before"], r["after"], r["reduced"], r["rate"])
               for r in selectors.region_stats(campaign)])
    sheet("分部门", ["牵头部门", "调整前", "调整后", "调整事项数"],
          [(d["name"], d["before"], d["after"], d["changed"]) for d in s["departments"]])
    sheet("按调整方式", ["调整方式", "机构数"], s["actions"])
    sheet("按理由", ["理由", "机构数"], s["reasons"])
    items = campaign.items.select_related("department", "final_merge_into", "final_new_department", "merge_into",
                                          "new_department").order_by("department__order", "department_id", "id")
    sheet("清单", ["机构名称", "类别", "牵头部门", "部门自评意见", "审定调整方式", "理由", "审定说明"], [
        (i.name, display_value("category", i.category), i.department.name,
         selectors.describe(i.action, i.merge_into, i.new_name, i.new_department),
         selectors.describe(i.final_action, i.final_merge_into, i.final_new_name, i.final_new_department)
         if i.final_action else "未审定",
         i.get_final_reason_display() or i.get_reason_display() or "", i.final_note) for i in items])
    tmp = tempfile.TemporaryFile()
    wb.save(tmp)
    tmp.seek(0)
    response = FileResponse(tmp, content_type=XLSX)
    filename = f"{campaign.title}_统计.xlsx"
    response["Content-Disposition"] = (f"attachment; filename=\"campaign-{campaign.pk}-stats.xlsx\"; "
                                       f"filename*=UTF-8''{quote(filename)}")
    return response


# ---- the proposal intake --------------------------------------------------------------------------------------------

@requires("campaign.manage")
@require_http_methods(["GET", "POST"])
def take_proposal(request):
    """编办 puts an open proposal (an evaluation's, an expiry's …) into a running campaign of its region."""
    u = request.user
    scope = scope_for(u, "campaign.manage")
    proposals = Proposal.objects.filter(status=ProposalStatus.OPEN, body_id__isnull=False)
    if not scope.everything:
        proposals = proposals.filter(region_id__in=scope.region_ids)
    proposal = proposals.filter(pk=_id(request.GET.get("proposal"))).first()
    if proposal is None:
        raise Http404("该调整建议不存在、已处理，或不属于您管理的区划。")
    body = Body.objects.filter(pk=proposal.body_id, region_id=proposal.region_id).first()
    running = list(selectors.running_campaigns(u).filter(region_id=proposal.region_id))
    form = TakeForm(request.POST or None, campaigns=running)
    if request.method == "POST" and form.is_valid():
        campaign = next(c for c in running if str(c.pk) == form.cleaned_data["campaign"])
        try:
            item = services.proposal_take_in(actor=u, campaign=campaign, proposal=proposal)
        except DomainError as exc:
            form.add_error("campaign", exc.message)
        else:
            messages.success(request, f"已将“{item.name}”纳入{campaign.title}，由{item.department.name}填写自评。")
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/take.html", {"proposal": proposal, "body": body, "running": running,
                                                   "form": form})
