"""The register's pages through the full stack: the host department records, others read or get 404, refusals
come back in Chinese at the field with the input kept, a stale save loses nothing, rule 3 shows, and the pages
cost a constant number of queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yixie.core.models import AuditEntry
from yixie.meetings import services
from yixie.meetings.models import BodyDocument, Meeting, MeetingDecision
from yixie.testing.factories import establish, make_department, make_region

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(city):
    c = city
    c.a = establish(c.city, name="市甲领导小组", lead=c.fgw, office=c.gxj, members=[c.nyj], leader=c.mayor,
                    deputies=[c.vice], on=date(2019, 3, 1))
    c.b = establish(c.city, name="市乙领导小组", lead=c.yjj, leader=c.vice2, on=date(2019, 3, 1))
    c.q = establish(c.county, name="青州市甲领导小组", lead=c.qz_fgj, leader=c.qz_mayor, on=date(2019, 3, 1))
    return c


def login(user) -> Client:
    c = Client()
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return c


def meeting(c, **kw):
    args = {"kind": "full", "held_on": TODAY - timedelta(days=10), "title": "甲小组全体会议", "chair_post": c.mayor,
            "posts": [c.vice], "departments": [c.fgw]}
    args.update(kw)
    return services.meeting_record(actor=None, body=kw.pop("body", c.a), **{k: v for k, v in args.items()
                                                                           if k != "body"})


def payload(c, **over) -> dict:
    data = {"version": "", "kind": "full", "held_on": (TODAY - timedelta(days=3)).isoformat(),
            "title": "甲小组2026年第一次全体会议", "chair_post": c.mayor.pk, "chair_label": "", "posts": [c.vice.pk],
            "departments": [c.fgw.pk, c.nyj.pk], "topics": "研究年度工作要点", "decisions": "制定工作要点\n建立联络员制度"}
    data.update(over)
    return data


def test_the_host_department_records_a_meeting_through_the_page(world):
    c = world
    gx = login(c.gx_clerk)
    page = gx.get(reverse("meetings:meeting_new", args=[c.a.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "市长" in html and "市农业农村局" in html
    assert "青州市市长" not in html and "青州市发展和改革局" not in html  # only the body's region is offered
    r = gx.post(reverse("meetings:meeting_new", args=[c.a.pk]),
                {**payload(c), "minutes": SimpleUploadedFile("纪要.pdf", PDF, "application/pdf")}, follow=True)
    m = Meeting.objects.get()
    assert r.redirect_chain[-1][0] == reverse("meetings:meeting", args=[m.pk])
    html = r.content.decode()
    assert "已登记“甲小组2026年第一次全体会议”，议定事项2项" in html and "制定工作要点" in html and "纪要.pdf" in html
    assert m.recorded_by == c.gx_clerk and m.decisions.count() == 2
    # the minutes: the lead department downloads them (journaled); another department gets 404
    download = login(c.clerk).get(reverse("meetings:minutes", args=[m.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert AuditEntry.objects.filter(action="下载文件", actor=c.clerk, body_id=c.a.pk).exists()
    assert login(c.yj_clerk).get(reverse("meetings:minutes", args=[m.pk])).status_code == 404


def test_a_refusal_comes_back_at_the_field_with_the_input_kept(world):
    c = world
    gx = login(c.gx_clerk)
    r = gx.post(reverse("meetings:meeting_new", args=[c.a.pk]),
                payload(c, held_on=(TODAY + timedelta(days=2)).isoformat(), title="尚未召开的会议"))
    assert r.status_code == 200 and not Meeting.objects.exists() and not MeetingDecision.objects.exists()
    assert "晚于今天" in str(r.context["form"].errors["held_on"])
    assert "尚未召开的会议" in r.content.decode() and "建立联络员制度" in r.content.decode()
    r = gx.post(reverse("meetings:meeting_new", args=[c.a.pk]),
                {**payload(c), "minutes": SimpleUploadedFile("纪要.pdf", b"hello", "application/pdf")})
    assert "纪要.pdf" in str(r.context["form"].errors["minutes"]) and not Meeting.objects.exists()
    # a post of another region is not even a choice
    r = gx.post(reverse("meetings:meeting_new", args=[c.a.pk]), payload(c, chair_post=c.qz_mayor.pk))
    assert "chair_post" in r.context["form"].errors and not Meeting.objects.exists()


@pytest.mark.parametrize("who, status", [("gx_clerk", 200), ("bianban", 200), ("admin", 200), ("clerk", 404),
                                         ("hr", 404), ("yj_clerk", 404), ("qz_bianban", 404), ("leader", 403),
                                         ("liangban", 403)])
def test_who_may_record(world, who, status):
    """The host department and the region's 编办 record; the lead department reads only (404 on the form)."""
    c = world
    assert login(getattr(c, who)).get(reverse("meetings:meeting_new", args=[c.a.pk])).status_code == status
    assert login(getattr(c, who)).get(reverse("meetings:document_new", args=[c.a.pk])).status_code == status


@pytest.mark.parametrize("who, status", [("gx_clerk", 200), ("clerk", 200), ("bianban", 200), ("leader", 200),
                                         ("yj_clerk", 404), ("qz_bianban", 404), ("qz_clerk", 404)])
def test_who_sees_a_bodys_register(world, who, status):
    c = world
    m = meeting(c)
    client = login(getattr(c, who))
    for url in (reverse("meetings:body", args=[c.a.pk]), reverse("meetings:meeting", args=[m.pk])):
        r = client.get(url)
        assert r.status_code == status, url
        assert ("甲小组全体会议" in r.content.decode()) == (status == 200)
    # ?body= outside the scope is a 404 too, never an empty list
    assert client.get(reverse("meetings:list") + f"?body={c.a.pk}").status_code == status
    assert client.get(reverse("meetings:decisions") + f"?body={c.a.pk}").status_code == status


def test_the_lead_department_reads_but_sees_no_recording_buttons(world):
    c = world
    m = meeting(c)
    html = login(c.clerk).get(reverse("meetings:meeting", args=[m.pk])).content.decode()
    assert "甲小组全体会议" in html and "修改登记" not in html and 'id="void-form"' not in html
    html = login(c.gx_clerk).get(reverse("meetings:meeting", args=[m.pk])).content.decode()
    assert "修改登记" in html and 'id="void-form"' in html and 'id="decision-form"' in html
    assert login(c.clerk).get(reverse("meetings:meeting_edit", args=[m.pk])).status_code == 404
    assert login(c.clerk).post(reverse("meetings:meeting_void", args=[m.pk]), {"reason": "x"}).status_code == 404
    m.refresh_from_db()
    assert not m.is_void


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(world):
    c = world
    m = meeting(c)
    gx, bb = login(c.gx_clerk), login(c.bianban)
    url = reverse("meetings:meeting_edit", args=[m.pk])
    assert gx.get(url).context["form"].initial["version"] == 1
    form = payload(c, version="1", title="工信局的修改")
    del form["decisions"]
    r = bb.post(url, {**form, "title": "编办的修改"})
    assert r.status_code == 302
    r = gx.post(url, form)
    assert r.status_code == 200
    html = r.content.decode()
    assert "尚未保存" in html and "工信局的修改" in html and 'name="version" value="2"' in html
    m.refresh_from_db()
    assert m.title == "编办的修改" and m.version == 2
    assert gx.post(url, {**form, "version": "2"}).status_code == 302  # the second save, knowingly, wins
    m.refresh_from_db()
    assert m.title == "工信局的修改" and m.version == 3


def test_void_decision_done_and_reopen_through_the_pages(world):
    c = world
    m = meeting(c, decisions=["制定实施方案"])
    d = m.decisions.get()
    gx = login(c.gx_clerk)
    r = gx.post(reverse("meetings:decision_done", args=[d.pk]), {"version": "1", "done_on": TODAY.isoformat(),
                                                                 "note": ""})
    assert r.status_code == 200 and "note" in r.context["form"].errors
    r = gx.post(reverse("meetings:decision_done", args=[d.pk]), {"version": "1", "done_on": TODAY.isoformat(),
                                                                 "note": "已印发", "back": "/elsewhere/"})
    assert r.status_code == 302 and r["Location"].startswith(reverse("meetings:meeting", args=[m.pk]))
    d.refresh_from_db()
    assert d.status == "done"
    r = gx.post(reverse("meetings:decision_reopen", args=[d.pk]), {"version": "2", "reason": "未真正落实"}, follow=True)
    d.refresh_from_db()
    assert d.status == "open" and "重新列为未落实" in r.content.decode()
    r = gx.post(reverse("meetings:meeting_void", args=[m.pk]), {"version": "1", "reason": ""}, follow=True)
    assert "原因" in r.content.decode() and not Meeting.objects.get(pk=m.pk).is_void
    r = gx.post(reverse("meetings:meeting_void", args=[m.pk]), {"version": "1", "reason": "会议未召开"}, follow=True)
    m.refresh_from_db()
    assert m.is_void and "已作废" in r.content.decode() and Meeting.objects.count() == 1
    html = gx.get(reverse("meetings:list")).content.decode()
    assert "甲小组全体会议" in html and "已作废" in html  # still in the register, marked


def test_rule_3_shows_on_the_register(world):
    c = world
    gx = login(c.gx_clerk)
    r = gx.post(reverse("meetings:document_new", args=[c.a.pk]), {
        "version": "", "number": "潍甲组〔2026〕1号", "title": "关于做好有关工作的通知", "issued_on": TODAY.isoformat(),
        "to_lower_levels": "on", "approval_note": ""}, follow=True)
    html = r.content.decode()
    assert "规则3" in html and "未经批准向下级发文" in html
    doc = BodyDocument.objects.get()
    assert doc.unapproved_to_lower
    html = login(c.bianban).get(reverse("meetings:list") + "?tab=documents&unapproved=1").content.decode()
    assert "关于做好有关工作的通知" in html and "未经批准向下级发文" in html
    html = login(c.clerk).get(reverse("meetings:body", args=[c.a.pk])).content.decode()
    assert "未经批准向下级发文" in html and "修改或作废" not in html
    # approved and without a note: refused at the field
    r = gx.post(reverse("meetings:document_edit", args=[doc.pk]), {
        "version": "1", "number": doc.number, "title": doc.title, "issued_on": TODAY.isoformat(),
        "to_lower_levels": "on", "approved": "on", "approval_note": ""})
    assert r.status_code == 200 and "approval_note" in r.context["form"].errors


def test_decisions_list_puts_the_overdue_first(world):
    c = world
    m = meeting(c)
    services.decision_add(actor=None, meeting=m, text="按期事项", due_on=TODAY + timedelta(days=30))
    services.decision_add(actor=None, meeting=m, text="超期事项", due_on=TODAY - timedelta(days=1))
    html = login(c.clerk).get(reverse("meetings:decisions")).content.decode()
    assert html.index("超期事项") < html.index("按期事项") and "超过时限未落实" in html
    assert "登记落实" not in html  # the lead department reads; the host department records
    html = login(c.gx_clerk).get(reverse("meetings:decisions") + "?show=overdue").content.decode()
    assert "超期事项" in html and "按期事项" not in html and "登记落实" in html


def test_leader_load_and_idle_pages(world):
    c = world
    meeting(c, chair_post=c.mayor, posts=[c.vice])
    html = login(c.leader).get(reverse("meetings:load")).content.decode()
    assert "市长" in html and "副市长（分管农业农村）" in html and str(TODAY.year) in html
    html = login(c.bianban).get(reverse("meetings:idle")).content.decode()
    assert "市乙领导小组" in html and "市甲领导小组" not in html
    assert login(c.clerk).get(reverse("meetings:load")).status_code == 403
    # ?region= outside the user's scope: 404
    other = make_region("371300", "临沂市", "city")
    make_department(other, "临沂市发展和改革委员会")
    assert login(c.bianban).get(reverse("meetings:idle") + f"?region={other.pk}").status_code == 404
    assert login(c.qz_bianban).get(reverse("meetings:load") + f"?region={c.city.pk}").status_code == 404
    r = login(c.qz_bianban).get(reverse("meetings:idle"))
    assert "青州市甲领导小组" in r.content.decode() and "市乙领导小组" not in r.content.decode()


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["gx_clerk", "bianban"])
def test_body_register_and_meeting_pages_cost_a_constant_number_of_queries(world, who):
    c = world
    m = meeting(c, decisions=["一"])
    services.document_record(actor=None, body=c.a, number="", title="文一", issued_on=TODAY)
    client = login(getattr(c, who))
    urls = [reverse("meetings:body", args=[c.a.pk]), reverse("meetings:meeting", args=[m.pk]),
            reverse("meetings:load"), reverse("meetings:idle")] if who == "bianban" else [
        reverse("meetings:body", args=[c.a.pk]), reverse("meetings:meeting", args=[m.pk])]
    for url in urls:
        client.get(url)
    before = {url: _count(client, url) for url in urls}
    for i in range(8):
        meeting(c, title=f"会议{i}", posts=[c.vice, c.vice2], departments=[c.fgw, c.nyj], decisions=[f"事项{i}", "又一"])
        services.decision_add(actor=None, meeting=m, text=f"追加{i}", department=c.fgw)
        services.document_record(actor=None, body=c.a, number="", title=f"文{i}", issued_on=TODAY, to_lower_levels=True)
        establish(c.city, name=f"市未开会{i}号领导小组", lead=c.nyj, on=date(2019, 3, 1))
    after = {url: _count(client, url) for url in urls}
    assert before == after


def test_the_list_filters_by_body_year_and_kind(world):
    c = world
    meeting(c, title="甲小组全体会议", held_on=date(2024, 3, 1))
    meeting(c, title="甲小组专题会议", kind="special", held_on=date(2025, 3, 1))
    meeting(c, body=c.b, title="乙小组办公室会议", kind="office", chair_post=None, chair_label="办公室主任",
            posts=[], departments=[], held_on=date(2025, 4, 1))
    bb = login(c.bianban)

    def titles(query):
        html = bb.get(reverse("meetings:list") + query).content.decode()
        return {t for t in ("甲小组全体会议", "甲小组专题会议", "乙小组办公室会议") if t in html}

    assert titles("") == {"甲小组全体会议", "甲小组专题会议", "乙小组办公室会议"}
    assert titles(f"?body={c.a.pk}") == {"甲小组全体会议", "甲小组专题会议"}
    assert titles("?year=2025") == {"甲小组专题会议", "乙小组办公室会议"}
    assert titles("?kind=office") == {"乙小组办公室会议"}
    assert titles(f"?body={c.a.pk}&year=2025&kind=special") == {"甲小组专题会议"}
    assert titles("?kind=nonsense&year=abc") == titles("")  # a bad filter is ignored, never an error
