"""The register's rules (services) and its reads (selectors): every refusal says what and where and writes
nothing; a stale save is refused; a void keeps the row; the figures, the leader load and the bodies that met no
meeting are right and cost a fixed number of queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yixie.core.errors import DomainError
from yixie.core.models import AuditEntry, HardDeleteRefused
from yixie.ledger import services as ledger
from yixie.ledger.choices import BodyCategory, EventKind
from yixie.meetings import selectors, services
from yixie.meetings.choices import DecisionStatus
from yixie.meetings.models import BodyDocument, Meeting, MeetingDecision
from yixie.meetings.selectors import register_figures
from yixie.testing.factories import establish, make_department, make_post

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name="纪要.pdf", content=PDF):
    return SimpleUploadedFile(name, content, "application/pdf")


@pytest.fixture
def world(city):
    c = city
    # 市安委: led by 发改委, its office hosted by 工信局 (gongxin keeps its register), 农业农村局 a member
    c.a = establish(c.city, name="市甲领导小组", lead=c.fgw, office=c.gxj, members=[c.nyj], leader=c.mayor,
                    deputies=[c.vice], on=date(2019, 3, 1))
    c.b = establish(c.city, name="市乙领导小组", lead=c.yjj, leader=c.vice2, on=date(2019, 3, 1))
    c.q = establish(c.county, name="青州市甲领导小组", lead=c.qz_fgj, leader=c.qz_mayor, on=date(2019, 3, 1))
    return c


def record(c, body=None, actor="host", **kw):
    """A meeting of 市甲领导小组 (by default), recorded by its host department's clerk."""
    args = {"kind": "full", "held_on": date(2024, 3, 1), "title": "2024年第一次全体会议", "chair_post": c.mayor,
            "posts": [c.vice], "departments": [c.fgw, c.nyj]}
    args.update(kw)
    return services.meeting_record(actor=c.gx_clerk if actor == "host" else actor, body=body or c.a, **args)


def refused(fn, **kw) -> DomainError:
    with pytest.raises(DomainError) as info:
        fn(**kw)
    return info.value


# ---------------------------------------------------------------- meetings

def test_the_host_department_records_a_meeting_with_its_decisions_and_minutes_journaled(world):
    c = world
    m = record(c, topics="研究年度工作要点", minutes=pdf(), decisions=["制定年度工作要点", "  ", "建立联络员制度"])
    assert m.region == c.city and m.recorded_by == c.gx_clerk and m.version == 1
    assert set(m.posts.all()) == {c.vice} and set(m.departments.all()) == {c.fgw, c.nyj}
    assert m.minutes_name == "纪要.pdf" and m.minutes.read() == PDF
    assert list(m.decisions.values_list("text", flat=True)) == ["制定年度工作要点", "建立联络员制度"]
    assert all(d.body_id == c.a.pk and d.status == DecisionStatus.OPEN for d in m.decisions.all())
    entry = AuditEntry.objects.get(action="登记会议", target_id=str(m.pk))
    assert entry.actor == c.gx_clerk and entry.body_id == c.a.pk
    assert entry.after["title"] == "2024年第一次全体会议" and entry.after["posts"] == [c.vice.name]
    assert AuditEntry.objects.filter(action="登记议定事项", body_id=c.a.pk).count() == 2


def test_establishment_office_of_the_region_records_too_but_not_another_region(world):
    c = world
    assert record(c, actor=c.bianban).recorded_by == c.bianban
    exc = refused(record, c=c, actor=c.qz_bianban, title="青州不能登记")
    assert "市甲领导小组" in exc.message and c.gxj.name in exc.message
    assert not Meeting.objects.filter(title="青州不能登记").exists()


@pytest.mark.parametrize("who", ["clerk", "hr", "yj_clerk", "qz_clerk", "leader", "liangban"])
def test_only_the_host_department_or_establishment_office_records(world, who):
    """The lead department (fagaiwei) and a member read the register but do not keep it; others neither."""
    c = world
    exc = refused(record, c=c, actor=getattr(c, who))
    assert "市甲领导小组" in exc.message and "市工业和信息化局" in exc.message and exc.code == "not_host"
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("over, field, words", [
    ({"held_on": TODAY + timedelta(days=1)}, "held_on", ["晚于今天"]),
    ({"held_on": date(2019, 2, 28)}, "held_on", ["早于", "市甲领导小组", "2019年3月1日"]),
    ({"held_on": None}, "held_on", ["会议日期"]),
    ({"kind": "party"}, "kind", ["会议类型"]),
    ({"title": "  "}, "title", ["会议名称"]),
    ({"chair_post": None, "chair_label": ""}, "chair_post", ["主持人"]),
])
def test_meeting_refusals_name_what_and_where(world, over, field, words):
    exc = refused(record, c=world, **over)
    assert exc.field == field, exc.message
    for w in words:
        assert w in exc.message, (w, exc.message)
    assert not Meeting.objects.exists() and not AuditEntry.objects.filter(action="登记会议").exists()


def test_posts_and_departments_must_be_of_the_bodys_region(world):
    c = world
    exc = refused(record, c=c, chair_post=c.qz_mayor)
    assert exc.field == "chair_post" and "青州市市长" in exc.message and "潍坊市" in exc.message
    exc = refused(record, c=c, posts=[c.vice, c.qz_mayor])
    assert exc.field == "posts" and "青州市市长" in exc.message
    exc = refused(record, c=c, departments=[c.fgw, c.qz_fgj])
    assert exc.field == "departments" and "青州市发展和改革局" in exc.message
    gone = make_department(c.city, "市安全生产监督管理局")
    gone.ended_on = date(2019, 3, 20)
    gone.save()
    exc = refused(record, c=c, departments=[gone])
    assert exc.field == "departments" and "市安全生产监督管理局" in exc.message and "不存在" in exc.message
    assert not Meeting.objects.exists()


def test_no_meeting_on_or_after_the_bodys_end(world):
    c = world
    ledger.event_record(actor=None, body=c.a, kind=EventKind.ABOLISH, on=date(2024, 6, 30))
    c.a.refresh_from_db()
    assert record(c, held_on=date(2024, 6, 29)).pk
    exc = refused(record, c=c, held_on=date(2024, 6, 30), title="撤销当天")
    assert exc.field == "held_on" and exc.code == "after_ended" and "2024年6月30日" in exc.message
    assert "已撤销" in exc.message


def test_minutes_are_checked_by_content(world):
    exc = refused(record, c=world, minutes=pdf("纪要.pdf", b"not a pdf at all"))
    assert exc.field == "minutes" and "纪要.pdf" in exc.message
    exc = refused(record, c=world, minutes=SimpleUploadedFile("纪要.exe", b"MZ...", "application/octet-stream"))
    assert exc.field == "minutes" and "类型不受支持" in exc.message
    exc = refused(record, c=world, minutes=SimpleUploadedFile("纪要扫描件.jpg", b"%PDF-1.4 not a picture"))
    assert exc.field == "minutes" and "扩展名与实际内容不符" in exc.message
    assert not Meeting.objects.exists()
    # a scan of the signed minutes is what a county office often has
    scan = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100 + b"\xff\xd9"
    m = record(world, minutes=SimpleUploadedFile("纪要扫描件.jpg", scan))
    assert m.minutes_name == "纪要扫描件.jpg"


def test_the_same_meeting_is_not_recorded_twice(world):
    record(world)
    exc = refused(record, c=world)
    assert exc.field == "title" and "已登记" in exc.message
    assert Meeting.objects.count() == 1


def test_edit_checks_the_version_and_a_stale_save_loses_nothing(world):
    c = world
    m = record(c)
    services.meeting_edit(actor=c.gx_clerk, meeting=m, expected_version=1, kind="special", held_on=m.held_on,
                          title="2024年第一次专题会议", chair_post=c.vice, posts=[c.mayor], departments=[c.fgw])
    exc = refused(services.meeting_edit, actor=c.bianban, meeting=m, expected_version=1, kind="office",
                  held_on=m.held_on, title="编办的修改", chair_post=c.mayor)
    assert exc.code == "stale" and "第2版" in exc.message and "尚未保存" in exc.message
    m.refresh_from_db()
    assert (m.title, m.kind, m.chair_post, m.version) == ("2024年第一次专题会议", "special", c.vice, 2)
    assert set(m.posts.all()) == {c.mayor} and set(m.departments.all()) == {c.fgw}
    entry = AuditEntry.objects.get(action="修改会议登记")
    assert entry.before["title"] == "2024年第一次全体会议" and entry.after["title"] == "2024年第一次专题会议"
    # the next save at the version now carried wins
    services.meeting_edit(actor=c.bianban, meeting=m, expected_version=2, kind="office", held_on=m.held_on,
                          title="编办的修改", chair_post=c.mayor)
    m.refresh_from_db()
    assert m.title == "编办的修改" and m.version == 3


def test_edit_may_not_move_a_meeting_after_its_decisions(world):
    c = world
    m = record(c, decisions=["制定方案"])
    services.decision_done(actor=None, decision=m.decisions.get(), done_on=date(2024, 3, 10), note="已制定")
    exc = refused(services.meeting_edit, actor=c.gx_clerk, meeting=m, expected_version=1, kind="full",
                  held_on=date(2024, 3, 20), title=m.title, chair_post=c.mayor)
    assert exc.field == "held_on" and "制定方案" in exc.message and "2024年3月10日" in exc.message
    exc = refused(services.meeting_edit, actor=c.gx_clerk, meeting=m, expected_version=1, kind="full",
                  held_on=date(2019, 1, 1), title=m.title, chair_post=c.mayor)
    assert exc.field == "held_on" and exc.code == "before_established"
    m.refresh_from_db()
    assert m.held_on == date(2024, 3, 1) and m.version == 1


def test_void_needs_a_reason_keeps_the_row_and_counts_nowhere(world):
    c = world
    m = record(c, decisions=["落实事项"])
    exc = refused(services.meeting_void, actor=c.gx_clerk, meeting=m, reason=" ")
    assert exc.field == "reason" and "2024年第一次全体会议" in exc.message
    services.meeting_void(actor=c.gx_clerk, meeting=m, reason="重复登记")
    m.refresh_from_db()
    assert m.is_void and m.void_reason == "重复登记" and Meeting.objects.filter(pk=m.pk).exists()
    assert m.decisions.count() == 1  # kept with it
    assert AuditEntry.objects.get(action="作废会议登记").reason == "重复登记"
    figures = register_figures(body_ids=[c.a.pk], year=2024)[c.a.pk]
    assert figures["meetings_held"] == 0 and figures["decisions_total"] == 0
    assert "此前作废" in refused(services.meeting_void, actor=c.gx_clerk, meeting=m, reason="再次").message
    assert refused(services.meeting_edit, actor=c.gx_clerk, meeting=m, expected_version=None, kind="full",
                   held_on=m.held_on, title="x", chair_post=c.mayor).code == "void"
    assert refused(services.decision_add, actor=c.gx_clerk, meeting=m, text="新事项").code == "void"
    with pytest.raises(HardDeleteRefused):
        m.delete()


# ---------------------------------------------------------------- decisions

def test_a_decision_is_followed_to_done_and_reopened(world):
    c = world
    m = record(c)
    d = services.decision_add(actor=c.gx_clerk, meeting=m, text="制定实施方案", department=c.fgw,
                              due_on=date(2024, 6, 30))
    exc = refused(services.decision_done, actor=c.gx_clerk, decision=d, done_on=date(2024, 2, 1), note="x")
    assert exc.field == "done_on" and "早于会议日期" in exc.message
    exc = refused(services.decision_done, actor=c.gx_clerk, decision=d, done_on=TODAY + timedelta(days=2), note="x")
    assert exc.field == "done_on" and exc.code == "future"
    exc = refused(services.decision_done, actor=c.gx_clerk, decision=d, done_on=date(2024, 5, 1), note="")
    assert exc.field == "note" and "制定实施方案" in exc.message
    exc = refused(services.decision_done, actor=c.clerk, decision=d, done_on=date(2024, 5, 1), note="已印发")
    assert exc.code == "not_host"
    d = services.decision_done(actor=c.gx_clerk, decision=d, done_on=date(2024, 5, 1), note="已印发实施方案",
                               expected_version=1)
    assert (d.status, d.done_on, d.version) == (DecisionStatus.DONE, date(2024, 5, 1), 2)
    assert "已于2024年5月1日落实" in refused(services.decision_done, actor=c.gx_clerk, decision=d,
                                        done_on=date(2024, 5, 2), note="x").message
    exc = refused(services.decision_reopen, actor=c.gx_clerk, decision=d, reason="")
    assert exc.field == "reason"
    exc = refused(services.decision_reopen, actor=c.gx_clerk, decision=d, reason="未真正落实", expected_version=1)
    assert exc.code == "stale"
    d = services.decision_reopen(actor=c.gx_clerk, decision=d, reason="方案未印发", expected_version=2)
    assert (d.status, d.done_on, d.done_note, d.version) == (DecisionStatus.OPEN, None, "", 3)
    assert AuditEntry.objects.get(action="议定事项重新列为未落实").before["done_note"] == "已印发实施方案"


def test_decision_refusals(world):
    c = world
    m = record(c)
    assert refused(services.decision_add, actor=c.gx_clerk, meeting=m, text=" ").field == "text"
    exc = refused(services.decision_add, actor=c.gx_clerk, meeting=m, text="x", department=c.qz_fgj)
    assert exc.field == "department" and "青州市发展和改革局" in exc.message
    exc = refused(services.decision_add, actor=c.gx_clerk, meeting=m, text="x", due_on=date(2024, 2, 1))
    assert exc.field == "due_on" and "早于会议日期" in exc.message
    assert refused(services.decision_add, actor=c.yj_clerk, meeting=m, text="x").code == "not_host"
    assert not MeetingDecision.objects.exists()


def test_open_decisions_put_the_overdue_first(world):
    c = world
    m = record(c)
    late = services.decision_add(actor=None, meeting=m, text="超期事项", due_on=date(2024, 4, 1))
    later = services.decision_add(actor=None, meeting=m, text="无时限事项")
    done = services.decision_add(actor=None, meeting=m, text="已办事项", due_on=date(2024, 4, 1))
    services.decision_done(actor=None, decision=done, done_on=date(2024, 3, 5), note="已办")
    rows = selectors.open_decisions(c.bianban)
    assert [d.pk for d in rows] == [late.pk, later.pk] and rows[0].overdue and not rows[1].overdue
    # the lead department reads them; another department does not
    assert selectors.open_decisions(c.yj_clerk) == []
    assert len(selectors.open_decisions(c.clerk)) == 2  # the lead department


# ---------------------------------------------------------------- documents

def test_a_document_to_lower_levels_without_approval_is_recorded_and_flagged(world):
    c = world
    doc = services.document_record(actor=c.gx_clerk, body=c.a, number="潍甲组〔2024〕1号", title="关于做好有关工作的通知",
                                   issued_on=date(2024, 4, 1), to_lower_levels=True, file=pdf("通知.pdf"))
    assert doc.unapproved_to_lower and doc.file_name == "通知.pdf"
    assert "规则3" in AuditEntry.objects.get(action="登记机构发文").reason
    assert list(selectors.unapproved_documents(region=c.city)) == [doc]
    assert register_figures(body_ids=[c.a.pk], year=2024)[c.a.pk]["unapproved_documents"] == 1
    ok = services.document_record(actor=c.bianban, body=c.a, number="潍甲组〔2024〕2号", title="批准后的通知",
                                  issued_on=date(2024, 5, 1), to_lower_levels=True, approved=True,
                                  approval_note="经市政府同意（潍政字〔2024〕3号）")
    assert not ok.unapproved_to_lower and AuditEntry.objects.get(target_id=str(ok.pk), action="登记机构发文").reason == ""
    # approval given later: the edit clears the flag, the journal keeps both
    services.document_edit(actor=c.gx_clerk, document=doc, expected_version=1, number=doc.number, title=doc.title,
                           issued_on=doc.issued_on, to_lower_levels=True, approved=True, approval_note="补办批准")
    doc.refresh_from_db()
    assert not doc.unapproved_to_lower and doc.version == 2 and doc.file_name == "通知.pdf"
    assert list(selectors.unapproved_documents(region=c.city)) == []


def test_the_daily_check_tells_the_establishment_offices_of_a_document_issued_without_approval(world):
    """Spec §3 rule 3: 编办 of the body's region (and of the regions above) is told once, with a link to the
    register's list of such documents; an approved one, a voided one or one of another region tells no one."""
    from django.utils import timezone

    from yixie.core.models import Notification
    from yixie.core.notifications import run_alerts

    c = world
    doc = services.document_record(actor=c.gx_clerk, body=c.a, number="潍甲组〔2024〕1号", title="关于做好有关工作的通知",
                                   issued_on=date(2024, 4, 1), to_lower_levels=True)
    services.document_record(actor=c.bianban, body=c.a, number="潍甲组〔2024〕2号", title="批准后的通知",
                             issued_on=date(2024, 5, 1), to_lower_levels=True, approved=True, approval_note="经市政府同意")
    alerts = list(selectors.rule3_alerts(timezone.localdate()))
    assert [a.key for a in alerts] == [f"meetings.rule3:{doc.pk}"]
    assert c.bianban.pk in alerts[0].recipients and c.qz_bianban.pk not in alerts[0].recipients
    assert c.gx_clerk.pk not in alerts[0].recipients
    assert "未经批准以机构名义向下级发文" in alerts[0].title and "潍甲组〔2024〕1号" in alerts[0].title
    assert alerts[0].url.endswith("?tab=documents&unapproved=1")
    assert run_alerts()["meetings.rule3"] == 1 and run_alerts()["meetings.rule3"] == 0  # told once
    assert Notification.objects.filter(recipient=c.bianban, key=f"meetings.rule3:{doc.pk}").exists()


def test_document_refusals(world):
    c = world
    base = {"actor": c.gx_clerk, "body": c.a, "number": "潍甲组〔2024〕1号", "title": "通知", "issued_on": date(2024, 4, 1)}
    services.document_record(**base)
    exc = refused(services.document_record, **{**base, "title": "另一个"})
    assert exc.field == "number" and "潍甲组〔2024〕1号" in exc.message and "市甲领导小组" in exc.message
    exc = refused(services.document_record, **{**base, "number": "", "approved": True, "to_lower_levels": True})
    assert exc.field == "approval_note"
    exc = refused(services.document_record, **{**base, "number": "", "issued_on": date(2018, 1, 1)})
    assert exc.field == "issued_on" and "设立时间" in exc.message
    exc = refused(services.document_record, **{**base, "number": "", "title": ""})
    assert exc.field == "title"
    exc = refused(services.document_record, **{**base, "number": "", "file": pdf("通知.pdf", b"PK\x03\x04broken")})
    assert exc.field == "file"
    exc = refused(services.document_record, **{**base, "number": "", "actor": c.clerk})
    assert exc.code == "not_host"
    assert BodyDocument.objects.count() == 1


def test_document_edit_version_and_void_keeps_the_row(world):
    c = world
    doc = services.document_record(actor=c.gx_clerk, body=c.a, number="", title="通知", issued_on=date(2024, 4, 1))
    services.document_edit(actor=c.gx_clerk, document=doc, expected_version=1, number="潍甲组〔2024〕5号",
                           title="通知（修改）", issued_on=date(2024, 4, 2))
    exc = refused(services.document_edit, actor=c.bianban, document=doc, expected_version=1, number="",
                  title="过时的修改", issued_on=date(2024, 4, 2))
    assert exc.code == "stale"
    doc.refresh_from_db()
    assert doc.title == "通知（修改）"
    assert refused(services.document_void, actor=c.gx_clerk, document=doc, reason="").field == "reason"
    services.document_void(actor=c.gx_clerk, document=doc, reason="登记错误")
    doc.refresh_from_db()
    assert doc.is_void and BodyDocument.objects.count() == 1
    assert register_figures(body_ids=[c.a.pk], year=2024)[c.a.pk]["documents_issued"] == 0
    # a voided number may be used again
    assert services.document_record(actor=c.gx_clerk, body=c.a, number="潍甲组〔2024〕5号", title="通知",
                                    issued_on=date(2024, 4, 2)).pk


# ---------------------------------------------------------------- figures, load, idle bodies

def test_register_figures(world, django_assert_num_queries):
    c = world
    record(c, held_on=date(2024, 3, 1), title="全体会议", decisions=["甲", "乙"])
    m2 = record(c, kind="office", held_on=date(2024, 9, 1), title="办公室会议", decisions=["丙"])
    record(c, kind="special", held_on=date(2023, 9, 1), title="去年的专题会议")
    v = record(c, held_on=date(2024, 10, 1), title="作废的会议")
    services.meeting_void(actor=None, meeting=v, reason="重复")
    services.decision_done(actor=None, decision=m2.decisions.get(), done_on=date(2024, 9, 2), note="已办")
    services.document_record(actor=None, body=c.a, number="", title="甲", issued_on=date(2024, 1, 5),
                             to_lower_levels=True)
    services.document_record(actor=None, body=c.a, number="", title="乙", issued_on=date(2024, 2, 5))
    with django_assert_num_queries(4):
        figures = register_figures(body_ids=[c.a.pk, c.b.pk], year=2024)
    assert figures[c.a.pk] == {"meetings_held": 2, "meetings_by_kind": {"full": 1, "office": 1}, "documents_issued": 2,
                               "unapproved_documents": 1, "decisions_total": 3, "decisions_done": 1,
                               "last_meeting_on": "2024-09-01"}
    assert figures[c.b.pk]["meetings_held"] == 0 and figures[c.b.pk]["last_meeting_on"] is None


def test_leader_load_per_post(world, django_assert_num_queries):
    c = world
    record(c, held_on=date(2024, 3, 1), title="一", chair_post=c.mayor, posts=[c.vice, c.mayor])
    record(c, held_on=date(2024, 4, 1), title="二", chair_post=c.vice, posts=[c.vice2])
    record(c, body=c.b, actor=c.bianban, held_on=date(2024, 5, 1), title="三", chair_post=None, chair_label="办公室主任",
           posts=[c.vice, c.vice2], departments=[])
    record(c, held_on=date(2023, 5, 1), title="去年", chair_post=c.mayor, posts=[c.vice])
    v = record(c, held_on=date(2024, 6, 1), title="作废", chair_post=c.mayor, posts=[c.vice])
    services.meeting_void(actor=None, meeting=v, reason="未召开")
    services.meeting_record(actor=None, body=c.q, kind="full", held_on=date(2024, 3, 1), title="县里的会",
                            chair_post=c.qz_mayor)
    idle_post = make_post(c.city, "副市长（无会议）", 30)
    with django_assert_num_queries(4):
        rows = selectors.leader_load(region=c.city, year=2024)
    by = {r["post"]: r for r in rows}
    assert (by[c.mayor]["chaired"], by[c.mayor]["attended"], by[c.mayor]["meetings"]) == (1, 1, 1)
    assert (by[c.vice]["chaired"], by[c.vice]["attended"], by[c.vice]["meetings"]) == (1, 2, 3)
    assert (by[c.vice2]["chaired"], by[c.vice2]["attended"], by[c.vice2]["meetings"]) == (0, 2, 2)
    # seats from the ledger: 市长 leads 市甲; 副市长 is its deputy; 常务副市长 leads 市乙
    assert (by[c.mayor]["seats"], by[c.mayor]["leader_seats"], by[c.mayor]["deputy_seats"]) == (1, 1, 0)
    assert (by[c.vice]["seats"], by[c.vice]["deputy_seats"]) == (1, 1)
    assert c.qz_mayor not in by and idle_post not in by
    assert rows[0]["post"] == c.vice  # heaviest first
    assert selectors.leader_load(region=c.city, year=2022) and all(
        r["meetings"] == 0 for r in selectors.leader_load(region=c.city, year=2022))


def test_bodies_without_meeting_in_a_year(world, django_assert_num_queries):
    c = world
    late = establish(c.city, name="市丙领导小组", lead=c.nyj, on=date(2025, 1, 10))
    ended = establish(c.city, name="市丁领导小组", lead=c.nyj, on=date(2019, 3, 1))
    ledger.event_record(actor=None, body=ended, kind=EventKind.ABOLISH, on=date(2024, 1, 1))
    midyear = establish(c.city, name="市戊领导小组", lead=c.nyj, on=date(2019, 3, 1),
                        category=BodyCategory.JOINT_MEETING, form="联席会议")
    ledger.event_record(actor=None, body=midyear, kind=EventKind.ABOLISH, on=date(2024, 7, 1))
    record(c, held_on=date(2024, 3, 1))
    record(c, body=c.b, actor=None, held_on=date(2023, 3, 1), title="乙去年的会", chair_post=c.vice2)
    v = record(c, body=c.b, actor=None, held_on=date(2024, 3, 1), title="乙作废的会", chair_post=c.vice2)
    services.meeting_void(actor=None, meeting=v, reason="重复")
    with django_assert_num_queries(1):
        idle = list(selectors.bodies_without_meeting(region=c.city, year=2024))
    assert {b.name for b in idle} == {"市乙领导小组", "市戊领导小组"}
    assert next(b for b in idle if b.pk == c.b.pk).last_meeting_on == date(2023, 3, 1)
    assert next(b for b in idle if b.pk == midyear.pk).last_meeting_on is None
    assert late.pk in {b.pk for b in selectors.bodies_without_meeting(region=c.city, year=2025)}
    # narrowed to a user's scope
    assert list(selectors.bodies_without_meeting(region=c.city, year=2024,
                                                 bodies=selectors.bodies_visible_to(c.qz_bianban))) == []


def test_scopes_of_the_register(world):
    c = world
    m = record(c)
    q = services.meeting_record(actor=None, body=c.q, kind="full", held_on=date(2024, 3, 1), title="县里的会",
                                chair_post=c.qz_mayor)
    seen = {name: set(selectors.meetings_visible_to(getattr(c, name)).values_list("pk", flat=True))
            for name in ("admin", "bianban", "qz_bianban", "leader", "clerk", "gx_clerk", "yj_clerk", "qz_clerk",
                         "nobody")}
    assert seen["admin"] == seen["bianban"] == {m.pk, q.pk}
    assert seen["qz_bianban"] == seen["qz_clerk"] == {q.pk}
    assert seen["leader"] == {m.pk, q.pk}
    assert seen["clerk"] == seen["gx_clerk"] == {m.pk}  # lead and host department
    assert seen["yj_clerk"] == seen["nobody"] == set()
    # writing: only the host department (and the region's 编办)
    writes = {name: set(selectors.meetings_visible_to(getattr(c, name), "meeting.record").values_list("pk", flat=True))
              for name in ("bianban", "clerk", "gx_clerk", "leader")}
    assert writes == {"bianban": {m.pk, q.pk}, "clerk": set(), "gx_clerk": {m.pk}, "leader": set()}
    assert set(selectors.bodies_recordable_by(c.gx_clerk)) == {c.a}


def test_the_posts_page_shows_each_posts_meetings_of_the_year(world, client_for):
    """The row fact on 领导职务: meetings chaired or attended in the year of the page's date, each counted once."""
    from django.urls import reverse

    c = world
    record(c)  # 市长 chairs, 副市长 attends
    record(c, held_on=date(2024, 5, 6), title="专题会议", kind="special", chair_post=c.vice, posts=[c.vice, c.mayor])
    record(c, held_on=date(2023, 5, 6), title="上年会议")
    void = record(c, held_on=date(2024, 6, 6), title="作废会议")
    services.meeting_void(actor=c.gx_clerk, meeting=void, reason="登记错误")
    counts = selectors.meetings_by_posts([c.mayor.pk, c.vice.pk, c.vice2.pk], date(2024, 12, 31))
    assert counts == {c.mayor.pk: 2, c.vice.pk: 2}
    html = client_for(c.bianban).get(reverse("org:post_list") + "?on=2024-12-31").content.decode()
    assert "当年主持或参加的会议次数" in html and f"{reverse('meetings:load')}?year=2024" in html
