"""The Excel import as a background job (docs/decisions/0009): started from the page, run by a real worker
process, the worker killed with SIGKILL mid-import and started again; and the job's own guards."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_q.models import OrmQ

from yixie.ledger import tasks
from yixie.ledger.models import Body, ImportJob, LedgerEvent
from yixie.ledger.tests.test_excel import GOV, good_row, upload, xlsx
from yixie.testing.jobworker import Worker, wait_for

CN = "零一二三四五六七八九"
ROWS = 2000  # ≈10 s of checking and writing on SQLite, more on PostgreSQL: long enough to kill mid-way


def _cn(i: int) -> str:
    return "".join(CN[int(d)] for d in str(i))


def rows(n: int) -> list[dict]:
    return [good_row(机构名称=f"潍坊市第{_cn(i)}号专项工作领导小组", 简称=f"第{_cn(i)}号小组", 别名="",
                     依据文件=f"潍发〔2019〕{i + 1}号《关于成立潍坊市第{_cn(i)}号专项工作领导小组的通知》")
            for i in range(n)]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_import_the_job_is_retried_from_the_start_and_bodies_written_once(settings, tmp_path):
    from yixie.testing.factories import City

    city = City()
    settings.MEDIA_ROOT = tmp_path
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    bodies_before = Body.objects.count()
    client = Client()
    client.force_login(city.bianban, backend="django.contrib.auth.backends.ModelBackend")
    resp = upload(client, xlsx({GOV: rows(ROWS)}), city.city)
    assert resp.status_code == 302
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.PENDING and OrmQ.objects.count() == 1

    def job_row():
        return ImportJob.objects.get(pk=job.pk)

    # First worker: it checks the file and stores the preview; the user confirms; once the second check
    # is done and the writing has begun, cut the power. The queue hands the job out again `retry` seconds
    # after this worker took it.
    first = Worker(timeout=120, retry=25, log=tmp_path / "worker1.log")
    try:
        wait_for(lambda: job_row().state == ImportJob.State.PREVIEWED, timeout=300, what="the preview")
        assert Body.objects.count() == bodies_before and job_row().preview["new"] == ROWS
        assert client.post(reverse("ledger:import_confirm", args=[job.pk])).status_code == 302
        wait_for(lambda: (j := job_row()).state == ImportJob.State.RUNNING and j.total_rows
                 and j.processed_rows * 2 >= j.total_rows, timeout=300, what="the import to start writing")
        first.kill()
    finally:
        first.kill()
    killed = job_row()
    assert killed.state == ImportJob.State.RUNNING and killed.attempts == 1
    assert Body.objects.count() == bodies_before  # one transaction: nothing half-written
    assert not LedgerEvent.objects.filter(source_url=reverse("ledger:import_status", args=[job.pk])).exists()
    page = client.get(reverse("ledger:import_status", args=[job.pk]))
    assert page.status_code == 200 and "hx-trigger=\"every 1s\"" in page.content.decode()  # still polling

    # Started again: the job is taken up again after `retry` and runs from the first row to the end.
    with Worker(timeout=120, retry=25, log=tmp_path / "worker2.log"):
        wait_for(lambda: job_row().state in tasks.FINISHED, timeout=400, what="the retried import to end")
        # acknowledged once its result is saved: not handed out a third time
        wait_for(lambda: not OrmQ.objects.exists(), timeout=30, what="the queue to acknowledge the job")
    done = job_row()
    assert done.state == ImportJob.State.SUCCEEDED, (done.message, done.errors[:3])
    assert done.attempts == 2 and done.created_bodies == ROWS
    assert done.message == f"已导入：新增 {ROWS} 个机构，登记变更 0 项。"
    assert Body.objects.count() == bodies_before + ROWS
    assert Body.objects.filter(name="潍坊市第一九九九号专项工作领导小组").count() == 1
    html = client.get(reverse("ledger:import_status", args=[job.pk])).content.decode()
    assert f"已导入：新增 {ROWS} 个机构" in html


# ---------------------------------------------------------------- the job's own guards (synchronous mode)

@pytest.fixture
def job(city, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    j = ImportJob(created_by=city.bianban, region=city.city, original_name="台账.xlsx", confirmed_at=timezone.now())
    j.file.save("t.xlsx", ContentFile(xlsx({GOV: [good_row()]}).getvalue()), save=False)
    j.save()
    return j


@pytest.mark.django_db
def test_a_job_interrupted_too_often_ends_failed_with_a_chinese_message_and_writes_nothing(job):
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, attempts=tasks.MAX_IMPORT_ATTEMPTS)
    before = Body.objects.count()
    tasks.run_import_job(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and job.finished_at
    assert job.message == "导入任务被中断且重试失败，没有导入任何内容，请重新上传。"
    assert Body.objects.count() == before


@pytest.mark.django_db
def test_a_retry_after_an_interruption_starts_over_and_says_so(job):
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, attempts=1, processed_rows=7,
                                               total_rows=9)
    seen = []
    real = tasks.excel.import_workbook

    def spy(*args, **kwargs):
        seen.append(ImportJob.objects.values_list("state", "attempts", "processed_rows", "message").get(pk=job.pk))
        return real(*args, **kwargs)

    tasks.excel.import_workbook, saved = spy, tasks.excel.import_workbook
    try:
        tasks.run_import_job(job.pk)
    finally:
        tasks.excel.import_workbook = saved
    assert seen == [("running", 2, 0, "上次处理被中断，正在从头重新导入（第 2 次）……")]
    job.refresh_from_db()
    assert job.state == ImportJob.State.SUCCEEDED and job.created_bodies == 1


@pytest.mark.django_db
def test_a_job_whose_import_committed_before_its_worker_died_is_not_imported_twice(job):
    tasks.run_import_job(job.pk)
    assert Body.objects.filter(name="潍坊市数字经济发展领导小组").count() == 1
    # The worker died after the import's transaction committed, before the job row said so.
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, created_bodies=0, message="")
    tasks.run_import_job(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.SUCCEEDED and job.created_bodies == 1
    assert Body.objects.filter(name="潍坊市数字经济发展领导小组").count() == 1


@pytest.mark.django_db
def test_a_finished_job_handed_out_again_is_left_as_it_is(job):
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.FAILED, message="发现 1 处问题")
    tasks.run_import_job(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and job.message == "发现 1 处问题" and job.attempts == 0
    assert not Body.objects.filter(name="潍坊市数字经济发展领导小组").exists()
