"""Excel export and import pages: thin views over `yixie.ledger.excel`.

An import runs as an `ImportJob`: the upload is kept, the work runs as a background job in a job
worker (`yixie.ledger.tasks`, docs/decisions/0009) and the status page polls the job row, so any app
server behind the load balancer can answer the polling.
"""

from __future__ import annotations

import tempfile
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from yixie.core.access import requires
from yixie.core.dates import DateParseError, parse_date
from yixie.core.files import serve_stored
from yixie.core.forms import BootstrapFormMixin
from yixie.org.scopes import regions_visible_to

from . import excel, selectors, services, tasks
from .filters import LedgerFilter
from .models import ExportJob, ImportJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_JOBS = 10
#: Changes listed on the preview page (the counts are always whole).
PREVIEW_ROWS = 500
#: A last guard: a job that has not moved for this long was cut off and not retried; nothing was written.
STALE_AFTER = timedelta(hours=2)


def _xlsx_response(workbook, filename: str, ascii_name: str) -> FileResponse:
    """Stream a workbook as an attachment, its Chinese name per RFC 5987 with an ASCII fallback."""
    tmp = tempfile.TemporaryFile()
    workbook.save(tmp)
    tmp.seek(0)
    response = FileResponse(tmp, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def _back_to_list(request, drop: str = "on"):
    query = request.GET.copy()
    query.pop(drop, None)
    query.pop("page", None)
    url = reverse("ledger:body_list")
    return redirect(f"{url}?{query.urlencode()}" if query else url)


# ---------------------------------------------------------------- export

@requires("ledger.export")
@require_GET
def export(request):
    """The ledger list as filtered on the page, as of `on`, in the seven-indicator template."""
    if request.GET.get("template"):
        return _xlsx_response(excel.template_workbook(), "议事协调机构台账导入模板.xlsx", "yixie-ledger-template.xlsx")
    raw = request.GET.get("on", "").strip()
    on = timezone.localdate()
    if raw:
        try:
            on = parse_date(raw)
        except DateParseError as exc:
            messages.error(request, f"导出日期有误：{exc.message}")
            return _back_to_list(request)
    rows = selectors.ledger_rows(request.user, on=on, action="ledger.export")
    regions = regions_visible_to(request.user, "ledger.export").filter(level__in=["city", "county"])
    flt = LedgerFilter(request.GET or None, queryset=rows, regions=regions,
                       departments=selectors.departments_for(request.user, "ledger.export"))
    if flt.is_bound and not flt.is_valid():
        messages.error(request, "筛选条件有误，未导出：" + "；".join(
            f"{flt.form.fields[k].label if k in flt.form.fields else k}：{'，'.join(v)}"
            for k, v in flt.form.errors.items()))
        return _back_to_list(request, drop="")
    rows_count = flt.qs.count()
    if rows_count > settings.YIXIE_EXPORT_INLINE_MAX:
        job = ExportJob.objects.create(created_by=request.user, query=request.GET.urlencode()[:2000], on=on,
                                       rows=rows_count, message="排队等待处理……")
        tasks.start_export(job.pk)
        services.export_journal(actor=request.user, on=on, rows=rows_count, query=request.GET.urlencode())
        return redirect("ledger:export_status", pk=job.pk)
    workbook = excel.export_workbook(flt.qs, on=on)
    services.export_journal(actor=request.user, on=on, rows=rows_count, query=request.GET.urlencode())
    return _xlsx_response(workbook, f"议事协调机构台账_{on.isoformat()}.xlsx", f"yixie-ledger-{on.isoformat()}.xlsx")


@requires("ledger.export")
@require_GET
def export_status(request, pk: int):
    """A large export's progress, and its file once the worker has written it (only for who asked)."""
    job = get_object_or_404(ExportJob, pk=pk)
    if job.created_by_id != request.user.pk and not request.user.is_superuser:
        raise Http404
    if request.GET.get("download") and job.state == ExportJob.State.SUCCEEDED and job.file:
        return serve_stored(request, job.file, filename=f"议事协调机构台账_{job.on.isoformat()}.xlsx", content_type=XLSX,
                            about=job)
    return render(request, "ledger/export_status.html", {"job": job})


# ---------------------------------------------------------------- import

class ImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="台账文件（.xlsx）",
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
                           error_messages={"required": "请选择要导入的 Excel 文件。",
                                           "empty": "上传的文件是空的。",
                                           "invalid": "上传的文件无效，请重新选择。"})
    region = forms.ModelChoiceField(label="默认区划", queryset=None, empty_label=None,
                                    help_text="“所属区划”一栏为空的机构记入此区划。",
                                    error_messages={"invalid_choice": "请选择您有权登记的区划。",
                                                    "required": "请选择默认区划。"})

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self._style()

    def clean_file(self):
        f = self.cleaned_data["file"]
        name = Path(f.name or "").name
        if Path(name).suffix.lower() != ".xlsx":
            hint = "请在 Excel 或 WPS 中“另存为”.xlsx 格式后再导入。" if name.lower().endswith((".xls", ".et", ".csv")) else ""
            raise forms.ValidationError(f"文件“{name}”不是 .xlsx 格式的 Excel 工作簿。{hint}")
        limit = settings.YIXIE_IMPORT_MAX_BYTES
        if f.size > limit:
            raise forms.ValidationError(
                f"文件“{name}”大小为{f.size / 1048576:.1f} MB，超过上限{limit / 1048576:.0f} MB，请分成几个文件导入。")
        problem = excel.check_xlsx(f)
        if problem:
            raise forms.ValidationError(f"文件“{name}”无法导入：{problem}")
        return f


def _import_regions(user):
    return regions_visible_to(user, "ledger.edit").exclude(level="township").order_by("code")


@requires("ledger.import")
@require_http_methods(["GET", "POST"])
def import_start(request):
    regions = _import_regions(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        job = ImportJob(created_by=request.user, region=form.cleaned_data["region"],
                        original_name=Path(uploaded.name).name[:255], message="排队等待处理……")
        job.file.save(f"{uuid.uuid4().hex}.xlsx", uploaded, save=False)
        job.save()
        start_job(job.pk)
        return redirect("ledger:import_status", pk=job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user).select_related("region")[:RECENT_JOBS]
    return render(request, "ledger/import.html", {
        "form": form, "jobs": jobs, "max_mb": settings.YIXIE_IMPORT_MAX_BYTES // 1048576,
        "headers": excel.HEADERS, "seven": excel.SEVEN_INDICATORS,
    })


def _finished(job: ImportJob) -> bool:
    return job.state in (ImportJob.State.SUCCEEDED, ImportJob.State.FAILED, ImportJob.State.PREVIEWED)


def _own_job(request, pk: int) -> ImportJob:
    job = get_object_or_404(ImportJob.objects.select_related("region", "created_by"), pk=pk)
    if job.created_by_id != request.user.pk and not request.user.is_superuser:
        raise Http404
    return job


@requires("ledger.import")
@require_http_methods(["POST"])
def import_confirm(request, pk: int):
    """The user has read the preview: the job runs again, checks again and writes (docs/decisions/0013)."""
    job = _own_job(request, pk)
    if job.created_by_id != request.user.pk:
        raise Http404  # only who uploaded confirms
    taken = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.PREVIEWED, confirmed_at__isnull=True).update(
        state=ImportJob.State.PENDING, confirmed_at=timezone.now(), attempts=0, processed_rows=0, total_rows=0,
        message="已确认，排队等待导入……", updated_at=timezone.now())
    if taken:
        start_job(job.pk)
    else:
        messages.error(request, "该导入不在待确认状态（可能已确认或已结束），没有重复导入。")
    return redirect("ledger:import_status", pk=job.pk)


@requires("ledger.import")
@require_GET
def import_status(request, pk: int):
    job = _own_job(request, pk)
    if not _finished(job) and job.updated_at < timezone.now() - STALE_AFTER:
        ImportJob.objects.filter(pk=job.pk, state=job.state).update(
            state=ImportJob.State.FAILED, finished_at=timezone.now(),
            message="导入任务已中断（服务器可能重启过），没有导入任何内容，请重新上传。")
        job.refresh_from_db()
    errors = [e for e in job.errors if e.get("level", "error") == "error"]
    conflicts = [e for e in job.errors if e.get("level") == "conflict"]
    notes = [e for e in job.errors if e.get("level") == "warning"]
    if request.GET.get("download") == "errors" and _finished(job):
        return _xlsx_response(excel.errors_workbook(conflicts + errors or notes),
                              f"导入问题清单_{Path(job.original_name).stem}.xlsx", f"yixie-import-{job.pk}-errors.xlsx")
    preview = job.preview or {}
    context = {"job": job, "finished": _finished(job), "errors": errors, "notes": notes, "conflicts": conflicts,
               "phase": _phase(job), "preview": preview, "changes": (preview.get("changes") or [])[:PREVIEW_ROWS],
               "preview_rows": PREVIEW_ROWS, "applying": job.confirmed_at is not None}
    template = "ledger/_import_progress.html" if request.GET.get("partial") else "ledger/import_status.html"
    return render(request, template, context)


def _phase(job: ImportJob) -> str:
    if job.state == ImportJob.State.PENDING:
        return "排队等待处理……"
    if job.state != ImportJob.State.RUNNING:
        return job.message
    if not job.total_rows:
        return "正在读取文件……"
    half = job.total_rows // 2
    if job.processed_rows < half or job.confirmed_at is None:
        return f"正在逐行检查：第 {job.processed_rows} 行，共 {half} 行"
    if job.processed_rows == half:
        return "检查通过，正在写入台账……"
    return f"正在写入台账：已处理 {job.processed_rows - half} 行"


# ---------------------------------------------------------------- running a job

def start_job(job_id: int) -> None:
    """Hand the job to a background worker once the job row is committed (yixie.ledger.tasks)."""
    tasks.start_import(job_id)
