"""Background jobs of the ledger, run by a job worker (`yixie qcluster`; docs/decisions/0009).

An Excel import runs twice (docs/decisions/0013): first it checks the file and stores the preview
(PREVIEWED, nothing written); once the user confirms, it checks again and writes, all or nothing, refusing
if the ledger moved so that the preview no longer holds. The write is one transaction in
`excel.import_workbook`. A worker killed
mid-import (kill -9, power cut) leaves nothing written; the queue hands the job out again after
`Q_CLUSTER['retry']` seconds and it starts over from the first row. `ImportJob.attempts` counts the
starts, so a file that kills its worker every time ends as FAILED after `MAX_IMPORT_ATTEMPTS`, with a
message, instead of being retried for ever.
"""

from __future__ import annotations

import logging

from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone

from yixie.core import jobs
from yixie.core.dates import format_date_zh
from yixie.core.notifications import notify

from . import excel
from .models import ExportJob, ImportJob, LedgerEvent

logger = logging.getLogger(__name__)

#: Starts of one import (the first and two retries after a dead worker) before it is given up.
MAX_IMPORT_ATTEMPTS = 3
GAVE_UP = "导入任务被中断且重试失败，没有导入任何内容，请重新上传。"
CRASHED = "导入时出现意外错误，没有导入任何内容。请稍后重试；如仍出错，请联系系统管理员（错误已记录）。"
FINISHED = (ImportJob.State.SUCCEEDED, ImportJob.State.FAILED)


def start_import(job_id: int) -> None:
    """Hand the import to a worker once the job row is committed (at once in synchronous mode)."""
    jobs.enqueue_on_commit(run_import_job, job_id, q_options={"task_name": f"import-{job_id}", "group": "import"})


class _Progress:
    """Writes progress onto the job row where others can see it.

    While the import writes inside its transaction, an update through the same connection would
    stay invisible until the end; on PostgreSQL a second connection reports instead. SQLite allows
    one writer, so there the bar waits at the half-way mark until the writing is done.
    """

    def __init__(self, job_id: int, inline: bool):
        self.job_id = job_id
        self.inline = inline
        self.side = None

    def __call__(self, done: int, total: int) -> None:
        conn = transaction.get_connection()
        if self.inline or not conn.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(processed_rows=done, total_rows=total,
                                                            updated_at=timezone.now())
            return
        if conn.vendor == "sqlite":
            return
        try:
            if self.side is None:
                self.side = connections.create_connection("default")
            table = self.side.ops.quote_name(ImportJob._meta.db_table)
            with self.side.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET processed_rows = %s, total_rows = %s, updated_at = %s "  # noqa: S608
                               "WHERE id = %s", [done, total, timezone.now(), self.job_id])
        except Exception:  # progress is a courtesy; never let it break the import
            logger.warning("import progress could not be reported", exc_info=True)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def _finish(job_id: int, **fields) -> None:
    now = timezone.now()
    ImportJob.objects.filter(pk=job_id).update(finished_at=now, updated_at=now, **fields)


def _begin(job: ImportJob, status_url: str) -> bool:
    """Count this start; False when the job must not run (already ended, committed or given up)."""
    if job.state in FINISHED:
        return False  # handed out again after it ended: nothing to do
    if job.state == ImportJob.State.PREVIEWED:
        return False  # the check was handed out again after its preview was stored: wait for the user
    written = LedgerEvent.objects.filter(source_url=status_url)
    if written.exists():
        # A previous start committed its transaction and died before it could say so.
        created = written.values("body_id").distinct().count()
        _finish(job.pk, state=ImportJob.State.SUCCEEDED, created_bodies=created,
                processed_rows=job.total_rows, message="已导入。")
        return False
    attempt = job.attempts + 1
    if attempt > MAX_IMPORT_ATTEMPTS:
        _finish(job.pk, state=ImportJob.State.FAILED, created_bodies=0, message=GAVE_UP)
        return False
    message = "正在读取文件……" if attempt == 1 else f"上次处理被中断，正在从头重新导入（第 {attempt} 次）……"
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, attempts=attempt, message=message,
                                               processed_rows=0, total_rows=0, updated_at=timezone.now())
    return True


def run_import_job(job_id: int) -> None:
    """Run one import job to its end; every outcome, even a crash, ends as a finished job."""
    progress = _Progress(job_id, inline=jobs.is_sync())
    try:
        job = ImportJob.objects.select_related("region", "created_by").get(pk=job_id)
        status_url = reverse("ledger:import_status", args=[job.pk])
        if not _begin(job, status_url):
            return
        apply = job.confirmed_at is not None
        with job.file.open("rb") as fh:
            report = excel.import_workbook(
                fh, actor=job.created_by, default_region=job.region, progress=progress,
                source=(f"Excel导入：{job.original_name}", status_url), apply=apply,
                expect=job.preview.get("fingerprint") if apply else None)
        notes = [{**w.as_dict(), "level": "warning"} for w in report.warnings]
        found = [{**e.as_dict(), "level": "conflict"} for e in report.conflicts] + \
            [{**e.as_dict(), "level": "error"} for e in report.errors]
        if not report.ok:
            problems = []
            if report.conflicts:
                problems.append(f"{len(report.conflicts)} 行冲突")
            if report.errors:
                problems.append(f"{len(report.errors)} 处问题")
            fields = {} if apply else {"preview": report.preview()}
            _finish(job_id, state=ImportJob.State.FAILED, created_bodies=0, total_rows=report.total_rows,
                    processed_rows=report.total_rows, errors=found, **fields,
                    message=f"发现 {'、'.join(problems)}，没有导入任何内容。请按问题清单修改文件后重新上传。")
        elif not apply and report.has_work:
            now = timezone.now()
            ImportJob.objects.filter(pk=job_id).update(
                state=ImportJob.State.PREVIEWED, preview=report.preview(), errors=notes, updated_at=now,
                total_rows=report.total_rows, processed_rows=report.total_rows,
                message=f"检查通过：{report.summary()}。请核对下面的预览，确认后才写入台账。")
        elif not apply:
            _finish(job_id, state=ImportJob.State.SUCCEEDED, created_bodies=0, total_rows=report.total_rows,
                    processed_rows=report.total_rows, errors=notes, preview=report.preview(),
                    message=f"文件与台账一致（{report.summary()}），没有需要导入的内容，台账没有变化。")
        else:
            _finish(job_id, state=ImportJob.State.SUCCEEDED, created_bodies=report.created,
                    total_rows=report.total_rows, processed_rows=report.total_rows, errors=notes,
                    message=f"已导入：新增 {report.created} 个机构，登记变更 {report.changed} 项。")
    except Exception:
        logger.exception("import job %s failed", job_id)
        _finish(job_id, state=ImportJob.State.FAILED, created_bodies=0, message=CRASHED)
    finally:
        progress.close()


# ---------------------------------------------------------------- large exports

def start_export(job_id: int) -> None:
    jobs.enqueue_on_commit(run_export_job, job_id, q_options={"task_name": f"export-{job_id}", "group": "export"})


def run_export_job(job_id: int) -> None:
    """Write the export the user asked for, through the same scope and filter as the page; a retry after a
    dead worker simply writes it again."""
    import tempfile
    from pathlib import Path

    from django.core.files import File
    from django.http import QueryDict

    from yixie.org.scopes import regions_visible_to

    from . import selectors
    from .filters import LedgerFilter

    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    if job.finished:
        return
    ExportJob.objects.filter(pk=job_id).update(state=ExportJob.State.RUNNING, message="正在生成……",
                                               updated_at=timezone.now())
    try:
        user = job.created_by
        rows = selectors.ledger_rows(user, on=job.on, action="ledger.export")
        regions = regions_visible_to(user, "ledger.export").filter(level__in=["city", "county"])
        flt = LedgerFilter(QueryDict(job.query) or None, queryset=rows, regions=regions,
                           departments=selectors.departments_for(user, "ledger.export"))
        qs = flt.qs if not flt.is_bound or flt.is_valid() else rows.none()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "export.xlsx"
            excel.write_export(qs, on=job.on, stream=path)
            with path.open("rb") as fh:
                job.file.save(f"ledger-{job.pk}-{job.on.isoformat()}.xlsx", File(fh), save=False)
        n = qs.count()
        ExportJob.objects.filter(pk=job_id).update(
            file=job.file.name, rows=n, state=ExportJob.State.SUCCEEDED, finished_at=timezone.now(),
            updated_at=timezone.now(), message=f"已生成，共 {n} 个机构。")
        notify(recipients=[user.pk], source="ledger.export", key=f"ledger.export:{job.pk}",
               title=f"台账导出文件已生成（截至{format_date_zh(job.on)}，{n} 个机构）",
               url=reverse("ledger:export_status", args=[job.pk]))
    except Exception:
        logger.exception("export job %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            state=ExportJob.State.FAILED, finished_at=timezone.now(), updated_at=timezone.now(),
            message="生成导出文件时出现意外错误，请稍后重试；如仍出错，请联系系统管理员（错误已记录）。")
