"""Ledger pages: thin views over selectors (reads) and services (writes)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from yixie.core.access import requires
from yixie.core.dates import DateParseError, format_date_zh, parse_date
from yixie.core.files import serve_stored
from yixie.org.models import Region
from yixie.org.scopes import regions_visible_to, scope_for

from . import selectors, services
from .choices import BodyCategory, EventKind
from .filters import LedgerFilter
from .forms import (
    AliasForm,
    BodyCreateForm,
    DocumentForm,
    EventForm,
    StateFieldsMixin,
    UploadForm,
    WorkRulesForm,
)
from .models import Body, BodyFile, Document, DocumentFile
from .policy import PolicyViolation
from .regulations import finding_html

PAGE_SIZE = 50
FILE_CONTENT_TYPES = {"PDF": "application/pdf", "OFD": "application/ofd",
                      "DOCX": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _as_of(request) -> tuple[date, str | None]:
    raw = request.GET.get("on", "").strip()
    today = timezone.localdate()
    if not raw:
        return today, None
    try:
        return parse_date(raw), None
    except DateParseError as exc:
        return today, exc.message


#: The departments the filter offers (a module name the benchmarks swap out).
_departments_for = selectors.departments_for


@requires("ledger.view")
def body_list(request):
    on, date_error = _as_of(request)
    if date_error:
        messages.error(request, f"查询日期有误：{date_error}已改为显示今天的台账。")
    rows = selectors.ledger_rows(request.user, on=on)
    regions = regions_visible_to(request.user, "ledger.view").filter(level__in=["city", "county"])
    flt = LedgerFilter(request.GET or None, queryset=rows, regions=regions, departments=_departments_for(request.user))
    if flt.is_bound and not flt.is_valid():
        messages.error(request, "筛选条件有误：" + "；".join(
            f"{flt.form.fields[k].label}：{'，'.join(v)}" for k, v in flt.form.errors.items()))
        qs = flt.queryset.filter(status="active").order_by("region__code", "category", "name", "id")
    else:
        qs = flt.qs
    if flt.unknown_department:
        messages.warning(request, f"涉及部门：您可查看的部门中没有名称含“{flt.unknown_department}”的部门，请检查部门名称。")
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    cleaned = flt.form.cleaned_data if flt.is_bound and flt.is_valid() else {}
    chosen_department = cleaned.get("department")
    without_department = query.copy()
    without_department.pop("department", None)
    without_lead = query.copy()
    without_lead.pop("lead", None)
    category_tabs = [{"value": "", "label": "全部"}] + [{"value": v, "label": lbl} for v, lbl in BodyCategory.choices]
    return render(request, "ledger/body_list.html", {
        "filter": flt, "page": page, "on": on, "is_past": on != timezone.localdate(),
        "query": query.urlencode(), "category_tabs": category_tabs,
        "chosen_department": chosen_department, "query_without_department": without_department.urlencode(),
        "chosen_lead": cleaned.get("lead"), "query_without_lead": without_lead.urlencode(),
        "current_category": request.GET.get("category", ""),
        "status_param": flt.form.cleaned_data.get("status", "") if flt.is_bound and flt.is_valid() else "",
        "export_url": reverse("ledger:export") + ("?" + request.GET.urlencode() if request.GET else ""),
    })


@requires("ledger.view")
def department_suggest(request):
    """Department names for the list page's 涉及部门 box (a <datalist>, fetched as one types)."""
    text = request.GET.get("dept", "").replace("\x00", "").strip()[:50]  # PostgreSQL refuses NUL in text
    names: list[str] = []
    if text:
        from django.db.models import Q

        matching = (_departments_for(request.user).filter(Q(name__icontains=text) | Q(short_name__icontains=text))
                    .order_by().values_list("name", flat=True).distinct())
        names = sorted(set(matching[:200]), key=lambda n: (not n.startswith(text), len(n), n))[:20]
    return render(request, "ledger/_department_options.html", {"names": names})


@requires("ledger.view")
def body_detail(request, pk: int):
    body = selectors.body_for_user(request.user, pk)
    on, date_error = _as_of(request)
    state_then = None
    if request.GET.get("on") and not date_error:
        state_then = services.state_on(body, on)
    from yixie.core.access import user_can

    can_edit = user_can(request.user, "ledger.edit") and Body.objects.visible_to(request.user, "ledger.edit").filter(
        pk=body.pk).exists()
    return render(request, "ledger/body_detail.html", {
        "body": body,
        "seats": body.leader_seats.select_related("post").all(),
        "memberships": body.memberships.select_related("department").all(),
        "timeline": selectors.body_timeline(body),
        "change_log": selectors.body_change_log(body)[:100] if user_can(request.user, "audit.view") else None,
        "can_edit": can_edit,
        "state_then": state_then, "on": on if request.GET.get("on") else None,
        "documents": Document.objects.filter(events__body=body).distinct().prefetch_related("files"),
        "merged_from": body.merged_from.all(), "split_into": body.split_into.all(),
        "today": timezone.localdate(),
        "work_rules_files": body.files.select_related("document", "uploaded_by").order_by("-filed_on", "-id"),
    })


def _editable_regions(user):
    return regions_visible_to(user, "ledger.edit").filter(level__in=["city", "county", "township"])


def _register_document(request, form, region):
    c = form.cleaned_data
    if c.get("document") is not None or not c.get("doc_number"):
        return c.get("document")
    return services.document_create(actor=request.user, region=region, number=c["doc_number"],
                                    issuer=c["doc_issuer"], issued_on=c["doc_date"], title=c["doc_title"])


def _show_findings(request, findings) -> None:
    for f in findings:
        if not f.is_error:
            messages.warning(request, finding_html(f))


def _apply_errors(form, exc) -> None:
    if isinstance(exc, PolicyViolation):
        form.add_findings(exc.findings)
    else:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, exc.message)


@requires("ledger.edit")
@require_http_methods(["GET", "POST"])
def body_create(request):
    regions = _editable_regions(request.user)
    region_id = request.GET.get("region") or request.POST.get("region_id")
    region = regions.filter(pk=region_id).first() if region_id and str(region_id).isdecimal() and len(
        str(region_id)) <= 18 else None
    if region is None:
        region = regions.filter(level="city").first() or regions.first()
    if region is None:
        raise Http404
    form = BodyCreateForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                document = _register_document(request, form, region)
                body, findings = services.body_establish(
                    actor=request.user, region=region, state=form.build_state(),
                    on=form.cleaned_data["established_on"], document=document, note=form.cleaned_data.get("note", ""))
        except (services.LedgerError, PolicyViolation) as exc:
            _apply_errors(form, exc)
        else:
            _show_findings(request, findings)
            if document is None:
                messages.warning(request, "未填写依据文件，该机构将列入“缺依据文件”清单，请尽快补充。")
            messages.success(request, f"已登记设立“{body.name}”。")
            return redirect("ledger:body_detail", pk=body.pk)
    return render(request, "ledger/body_form.html", {"form": form, "region": region, "regions": regions})


@requires("ledger.edit")
@require_http_methods(["GET", "POST"])
def event_create(request, pk: int):
    body = selectors.body_for_user(request.user, pk, "ledger.edit")
    current = services.state_on(body, timezone.localdate()) or body.events.order_by("-effective_on").first().state
    initial = {**StateFieldsMixin.initial_from_state(current), "kind": request.GET.get("kind", EventKind.ADJUST),
               "version": body.version}
    form = EventForm(request.POST or None, body=body, initial=initial)
    if request.method == "POST" and form.is_valid():
        on = form.cleaned_data["effective_on"]
        before = services.state_on(body, on)
        try:
            if before is None:
                raise services.LedgerError(f"该机构在{format_date_zh(on)}尚未设立。", "effective_on")
            with transaction.atomic():
                document = _register_document(request, form, body.region)
                event, findings = services.event_record(
                    actor=request.user, body=body, kind=form.cleaned_data["kind"], on=on, document=document,
                    changes=form.changes(before), note=form.cleaned_data.get("note", ""),
                    expected_version=form.cleaned_data.get("version"))
        except services.ConcurrentChange as exc:
            form.moved_on(exc, opened=selectors.values_when_opened(body, form.cleaned_data["version"]),
                          current=services.state_on(body, timezone.localdate()))
        except (services.LedgerError, PolicyViolation) as exc:
            _apply_errors(form, exc)
        else:
            _show_findings(request, findings)
            messages.success(request, f"已登记{event.get_kind_display()}事项。")
            return redirect("ledger:body_detail", pk=body.pk)
    return render(request, "ledger/event_form.html", {"form": form, "body": body})


@requires("ledger.edit")
@require_http_methods(["POST"])
def event_void(request, pk: int, event_pk: int):
    body = selectors.body_for_user(request.user, pk, "ledger.edit")
    event = get_object_or_404(body.events, pk=event_pk, is_void=False)
    try:
        services.event_void(actor=request.user, event=event, reason=request.POST.get("reason", ""))
    except services.LedgerError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "该事项已作废，历史沿革已重新计算。")
    return redirect("ledger:body_detail", pk=body.pk)


@requires("ledger.edit")
@require_http_methods(["GET", "POST"])
def body_aliases(request, pk: int):
    body = selectors.body_for_user(request.user, pk, "ledger.edit")
    form = AliasForm(request.POST or None, initial={"aliases": body.aliases, "version": body.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.body_update_aliases(actor=request.user, body=body,
                                         aliases=form.cleaned_data["aliases"].splitlines(),
                                         reason=form.cleaned_data["reason"],
                                         expected_version=form.cleaned_data.get("version"))
        except services.ConcurrentChange as exc:
            form.moved_on(exc)
        else:
            messages.success(request, "别名已保存。")
            return redirect("ledger:body_detail", pk=body.pk)
    return render(request, "ledger/simple_form.html", {"form": form, "body": body, "title": "修改别名"})


@requires("ledger.edit")
@require_http_methods(["GET", "POST"])
def body_work_rules(request, pk: int):
    body = selectors.body_for_user(request.user, pk, "ledger.edit")
    form = WorkRulesForm(request.POST or None, request.FILES or None, initial={"version": body.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.work_rules_file(actor=request.user, body=body, filed_on=form.cleaned_data["filed_on"],
                                     uploaded=form.cleaned_data.get("file"),
                                     expected_version=form.cleaned_data.get("version"))
        except services.ConcurrentChange as exc:
            form.moved_on(exc)
        except services.LedgerError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, "已登记工作规则备案。")
            return redirect("ledger:body_detail", pk=body.pk)
    return render(request, "ledger/simple_form.html", {"form": form, "body": body, "title": "工作规则备案"})


# ---------------------------------------------------------------- documents

@requires("document.view")
def document_list(request):
    qs = selectors.documents_visible_to(request.user).order_by("-issued_on", "-id")
    q = request.GET.get("q", "").replace("\x00", "").strip()  # PostgreSQL refuses NUL in text
    if q:
        qs = qs.filter(number__icontains=q) | qs.filter(title__icontains=q)
    page = Paginator(qs.prefetch_related("files"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ledger/document_list.html", {"page": page, "q": q})


@requires("document.view")
def document_detail(request, pk: int):
    doc = get_object_or_404(selectors.documents_visible_to(request.user), pk=pk)
    from yixie.core.access import user_can

    form = UploadForm() if user_can(request.user, "document.edit") else None
    events = doc.events.filter(body__in=Body.objects.visible_to(request.user)).select_related("body")
    return render(request, "ledger/document_detail.html", {"doc": doc, "form": form, "events": events,
                                                           "files": doc.files.all()})


@requires("document.edit")
@require_http_methods(["GET", "POST"])
def document_create(request):
    regions = _editable_regions(request.user)
    form = DocumentForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            doc = services.document_create(actor=request.user, region=c["region"], number=c["number"],
                                           issuer=c["issuer"], issued_on=c["issued_on"], title=c["title"],
                                           note=c.get("note", ""))
        except services.LedgerError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"已登记文件 {doc.number}。")
            return redirect("ledger:document_detail", pk=doc.pk)
    return render(request, "ledger/simple_form.html", {"form": form, "title": "登记文件"})


@requires("document.edit")
@require_http_methods(["POST"])
def document_upload(request, pk: int):
    doc = get_object_or_404(selectors.documents_visible_to(request.user), pk=pk)
    if not scope_for(request.user, "document.edit").everything and doc.region_id not in scope_for(
            request.user, "document.edit").region_ids:
        raise Http404
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件。")
    else:
        try:
            services.document_attach_file(actor=request.user, document=doc, uploaded=form.cleaned_data["file"])
        except services.LedgerError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "附件已上传。")
    return redirect("ledger:document_detail", pk=doc.pk)


@requires("document.view")
def document_file(request, pk: int, file_pk: int):
    doc = get_object_or_404(selectors.documents_visible_to(request.user), pk=pk)
    f = get_object_or_404(DocumentFile, pk=file_pk, document=doc)
    return serve_stored(request, f.file, filename=f.original_name, about=doc,
                        content_type=FILE_CONTENT_TYPES.get(f.file_type, "application/octet-stream"))


@requires("ledger.view")
def body_file(request, pk: int, file_pk: int):
    """A file kept with a body (its work rules), for whoever may see the body."""
    body = selectors.body_for_user(request.user, pk)
    f = get_object_or_404(BodyFile, pk=file_pk, body=body)
    return serve_stored(request, f.file, filename=f.original_name, about=body, body_id=body.pk,
                        content_type=FILE_CONTENT_TYPES.get(f.file_type, "application/octet-stream"))


@requires("ledger.view")
def region_redirect(request):
    region = get_object_or_404(Region, code=request.GET.get("code", ""))
    return redirect(reverse("ledger:body_list") + f"?region={region.pk}")
