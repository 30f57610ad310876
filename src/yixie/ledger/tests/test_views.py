"""Ledger pages through the full Django stack: filters, as-of view, forms, bad input, query counts."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yixie.ledger import services
from yixie.ledger.choices import EventKind
from yixie.ledger.models import Body, DocumentFile, LedgerEvent
from yixie.testing.factories import establish, make_department

pytestmark = pytest.mark.django_db


def test_list_filters_search_and_as_of(client_for, city):
    body = establish(city.city, name="市爱国卫生运动委员会", lead=city.yjj, on=date(2010, 1, 1), short_name="市爱卫会",
                     duties="组织开展爱国卫生运动和病媒生物防制。")
    services.event_record(actor=None, body=body, kind=EventKind.ABOLISH, on=date(2022, 9, 30))
    establish(city.city, name="市安全生产委员会", lead=city.yjj, on=date(2015, 1, 1), members=[city.gxj],
              duties="统筹协调全市安全生产工作。")
    c = client_for(city.bianban)
    url = reverse("ledger:body_list")
    today = c.get(url).content.decode()
    assert "市安全生产委员会" in today and "市爱国卫生运动委员会" not in today
    past = c.get(url, {"on": "2020-01-01"}).content.decode()
    assert "市爱国卫生运动委员会" in past and "历史视图" in past
    assert "市安全生产委员会" in c.get(url, {"q": "安全生产"}).content.decode()
    assert "市爱国卫生运动委员会" in c.get(url, {"q": "病媒", "on": "2020-01-01"}).content.decode()
    assert "市爱国卫生运动委员会" in c.get(url, {"q": "爱卫会", "on": "2020-01-01"}).content.decode()
    abolished = c.get(url, {"status": "abolished"}).content.decode()
    assert "市爱国卫生运动委员会" in abolished and "市安全生产委员会" not in abolished
    by_member = c.get(url, {"department": city.gxj.pk}).content.decode()
    assert "市安全生产委员会" in by_member


def test_department_filter_by_name_exact_first_then_contains(client_for, city):
    establish(city.city, name="市安全生产委员会", lead=city.yjj, members=[city.gxj])
    establish(city.county, name="青州市安全生产委员会", lead=city.qz_yjj, members=[city.qz_fgj])
    establish(city.city, name="市物价工作领导小组", lead=city.fgw, members=[city.swj])
    c = client_for(city.bianban)
    url = reverse("ledger:body_list")

    def names(**params) -> set[str]:
        text = c.get(url, params).content.decode()
        return {n for n in ("市安全生产委员会", "青州市安全生产委员会", "市物价工作领导小组") if f">{n}<" in text}

    # Exact name: only that department, though 青州市应急管理局 contains it too.
    assert names(dept="市应急管理局") == {"市安全生产委员会"}
    # Short name, and a part of the name that the city's 发改委 and the county's 发改局 both contain.
    assert names(dept="市发展改革委") == {"市物价工作领导小组"}
    assert names(dept="发展和改革") == {"市物价工作领导小组", "青州市安全生产委员会"}
    # A member unit counts as much as the lead department.
    assert names(dept="市工业和信息化局") == {"市安全生产委员会"}
    # A name nobody has: no rows, and a message that says which.
    text = c.get(url, {"dept": "市不存在局"}).content.decode()
    assert "没有名称含“市不存在局”的部门" in text and 'id="total">0<' in text
    # The department list still links by id; the page names the department and offers to drop it.
    text = c.get(url, {"department": city.gxj.pk}).content.decode()
    assert "市安全生产委员会" in text and 'id="dept-chosen"' in text and "市工业和信息化局" in text


def test_department_filter_and_suggestions_stay_in_scope(client_for, city):
    establish(city.county, name="青州市安全生产委员会", lead=city.qz_yjj)
    url = reverse("ledger:department_suggest")
    offered = client_for(city.bianban).get(url, {"dept": "应急"}).content.decode()
    assert '<option value="市应急管理局">' in offered and '<option value="青州市应急管理局">' in offered
    # 青州 编办 sees its county only: neither the city's departments nor their bodies.
    qz = client_for(city.qz_bianban)
    offered = qz.get(url, {"dept": "应急"}).content.decode()
    assert '<option value="青州市应急管理局">' in offered and 'value="市应急管理局"' not in offered
    assert "<option" not in qz.get(url, {"dept": ""}).content.decode()
    assert "没有名称含“市应急管理局”" not in qz.get(reverse("ledger:body_list"), {"dept": "应急管理局"}).content.decode()
    text = qz.get(reverse("ledger:body_list"), {"dept": "市工业和信息化局"}).content.decode()
    assert "没有名称含“市工业和信息化局”的部门" in text


def test_bad_filter_input_gets_a_chinese_message_not_a_500(client_for, city):
    c = client_for(city.bianban)
    r = c.get(reverse("ledger:body_list"), {"on": "2019-13-45", "expiring": "abc", "region": "99999",
                                            "sort": "drop table"})
    assert r.status_code == 200
    text = r.content.decode()
    assert "查询日期有误" in text and "筛选条件有误" in text


def test_expiring_and_missing_basis_filters(client_for, city):
    soon = timezone.localdate() + timedelta(days=20)
    establish(city.city, name="市运动会指挥部", lead=city.yjj, is_temporary=True, ends_on=soon)
    establish(city.city, name="市长期工作领导小组", lead=city.fgw, is_temporary=True,
              ends_on=timezone.localdate() + timedelta(days=400))
    c = client_for(city.bianban)
    text = c.get(reverse("ledger:body_list"), {"expiring": "30"}).content.decode()
    assert "市运动会指挥部" in text and "市长期工作领导小组" not in text
    text = c.get(reverse("ledger:body_list"), {"missing_basis": "on"}).content.decode()
    assert "市运动会指挥部" in text


def test_list_query_count_does_not_grow_with_rows(client_for, city):
    c = client_for(city.bianban)
    url = reverse("ledger:body_list")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx)

    for i in range(3):
        establish(city.city, name=f"市第{i}领导小组", lead=city.fgw, members=[city.gxj, city.nyj])
    count()  # a session's first request looks up the password's expiry once (core/passwords.py)
    few = count()
    for i in range(3, 40):
        establish(city.city, name=f"市第{i}领导小组", lead=city.fgw, members=[city.gxj, city.nyj])
    assert count() == few


def test_detail_shows_seven_indicators_and_timeline(client_for, city):
    body = establish(city.city, name="市甲领导小组", lead=city.fgw, office=city.nyj, on=date(2019, 3, 15))
    services.event_record(actor=city.bianban, body=body, kind=EventKind.RENAME, on=date(2021, 5, 1),
                          changes={"name": "市乙领导小组"})
    text = client_for(city.bianban).get(reverse("ledger:body_detail", args=[body.pk])).content.decode()
    for label in ("机构名称", "设立时间", "依据文件", "办事机构所在部门", "存续时间", "历史沿革", "上级机构设置情况"):
        assert label in text
    assert "2019年3月15日" in text and "市甲领导小组 → <strong>市乙领导小组</strong>" in text
    assert "市乙领导小组" in text and "缺依据文件" in text and "操作日志" in text


def test_a_document_without_number_is_linked_by_its_title_in_the_timeline(client_for, city):
    """A basis document may have no 文号 (a reply, minutes): the timeline and the related documents link it by
    its title and say it has none, never by an empty link; each event is an anchor others link to."""
    from yixie.ledger.models import Document

    body = establish(city.city, name="市甲领导小组", lead=city.fgw, office=city.nyj, on=date(2019, 3, 15))
    doc = Document.objects.create(region=city.city, number="", issuer="中共潍坊市委机构编制委员会办公室",
                                  issued_on=date(2022, 4, 15), title="关于市甲领导小组职责分工的协调意见")
    event, _ = services.event_record(actor=city.bianban, body=body, kind=EventKind.RENAME, on=date(2022, 4, 15),
                                     document=doc, changes={"name": "市乙领导小组"})
    text = client_for(city.bianban).get(reverse("ledger:body_detail", args=[body.pk])).content.decode()
    link = reverse("ledger:document_detail", args=[doc.pk])
    assert f'<a href="{link}"></a>' not in text
    assert f'<a href="{link}">关于市甲领导小组职责分工的协调意见</a> <span class="small yx-muted">（无文号）</span>' in text
    assert f'id="event-{event.pk}"' in text


def _create_payload(city, **over):
    data = {
        "name": "市预制菜产业发展工作领导小组", "category": "government", "form": "领导小组", "sequence": "government",
        "legal_ground": "local", "lead_department": city.fgw.pk, "office_department": city.nyj.pk,
        "leader": city.mayor.pk, "deputies": [city.vice.pk],
        "members": [city.fgw.pk, city.gxj.pk, city.nyj.pk, city.swj.pk], "principal_members": [city.fgw.pk],
        "duties": "统筹推进全市预制菜产业发展。", "task_scope": "single", "established_on": "2023年3月20日",
        "doc_number": "潍政字〔2023〕12号", "doc_issuer": "潍坊市人民政府", "doc_title": "关于成立市预制菜产业发展工作领导小组的通知",
        "doc_date": "2023/3/20",
    }
    data.update(over)
    return data


def test_create_body_through_the_form(client_for, city):
    c = client_for(city.bianban)
    r = c.post(reverse("ledger:body_create") + f"?region={city.city.pk}", _create_payload(city))
    assert r.status_code == 302, r.content.decode()[:3000]
    body = Body.objects.get(name="市预制菜产业发展工作领导小组")
    assert body.basis_document.number == "潍政字〔2023〕12号"
    assert body.established_on == date(2023, 3, 20)
    assert body.memberships.get(department=city.fgw).role == "principal"


@pytest.mark.parametrize("over, message", [
    ({"established_on": "2023-02-30"}, "日期"),
    ({"doc_number": "潍政字2023号"}, "文号"),
    ({"is_temporary": "on"}, "临时机构须写明存续期限或撤销条件"),
    ({"deputies": []  , "leader": ""}, "组长应为1名"),
    ({"lead_department": "999999"}, "选择一个有效的选项"),
    ({"principal_members": [1234567]}, "选择一个有效的选项"),
    ({"doc_number": "潍政字〔2023〕99号", "doc_title": ""}, "尚未登记"),
])
def test_create_body_bad_input_is_refused_with_a_message_and_nothing_written(client_for, city, over, message):
    c = client_for(city.bianban)
    r = c.post(reverse("ledger:body_create") + f"?region={city.city.pk}", _create_payload(city, **over))
    assert r.status_code == 200
    assert message in r.content.decode()
    assert not Body.objects.exists() and not LedgerEvent.objects.exists()


def test_create_in_township_refused(client_for, city):
    make_department(city.township, "王府街道党政办", kind="other")
    c = client_for(city.bianban)
    dept = city.township.departments.get()
    r = c.post(reverse("ledger:body_create") + f"?region={city.township.pk}",
               _create_payload(city, lead_department=dept.pk, office_department=dept.pk, members=[],
                               principal_members=[], leader="", deputies=[], category="joint", form="联席会议",
                               region_id=city.township.pk))
    assert r.status_code == 200
    assert "不得设立议事协调机构" in r.content.decode()
    assert not Body.objects.exists()


def test_record_rename_event_through_the_form(client_for, city):
    body = establish(city.city, name="市甲领导小组", lead=city.fgw, on=date(2019, 3, 15))
    c = client_for(city.bianban)
    form = c.get(reverse("ledger:event_create", args=[body.pk])).content.decode()
    assert "市甲领导小组" in form
    payload = _create_payload(city, name="市乙领导小组", kind="rename", effective_on="2022-09-30",
                              doc_number="", lead_department=city.fgw.pk, office_department=city.fgw.pk,
                              deputies=[], members=[], principal_members=[], duties="统筹协调全市有关工作。")
    r = c.post(reverse("ledger:event_create", args=[body.pk]), payload)
    assert r.status_code == 302, r.content.decode()[:2000]
    body.refresh_from_db()
    assert body.name == "市乙领导小组"
    assert body.events.get(kind="rename").changes == {"name": "市乙领导小组"}


def test_record_event_bad_date_refused(client_for, city):
    body = establish(city.city, name="市甲领导小组", lead=city.fgw, on=date(2019, 3, 15))
    c = client_for(city.bianban)
    r = c.post(reverse("ledger:event_create", args=[body.pk]), {"kind": "abolish", "effective_on": "2018-01-01"})
    assert r.status_code == 200 and "尚未设立" in r.content.decode()
    r = c.post(reverse("ledger:event_create", args=[body.pk]), {"kind": "abolish", "effective_on": "去年"})
    assert r.status_code == 200 and "日期" in r.content.decode()
    assert body.events.count() == 1


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_upload_checks_type_size_and_content_and_serves_only_to_those_who_may_see(client_for, city, settings,
                                                                                tmp_path):
    settings.MEDIA_ROOT = tmp_path
    doc = services.document_create(actor=None, region=city.city, number="潍发〔2019〕1号", issuer="中共潍坊市委",
                                   issued_on=date(2019, 1, 1), title="通知")
    body = establish(city.city, name="市甲领导小组", lead=city.fgw, document=doc)
    c = client_for(city.bianban)
    url = reverse("ledger:document_upload", args=[doc.pk])
    r = c.post(url, {"file": SimpleUploadedFile("a.exe", b"MZ...", "application/octet-stream")}, follow=True)
    assert "类型不受支持" in r.content.decode()
    r = c.post(url, {"file": SimpleUploadedFile("a.pdf", b"not a pdf at all", "application/pdf")}, follow=True)
    assert "不是有效的PDF文件" in r.content.decode()
    settings.YIXIE_UPLOAD_MAX_BYTES = 10
    r = c.post(url, {"file": SimpleUploadedFile("big.pdf", PDF, "application/pdf")}, follow=True)
    assert "超过上限" in r.content.decode()
    settings.YIXIE_UPLOAD_MAX_BYTES = 1024 * 1024
    assert DocumentFile.objects.count() == 0
    r = c.post(url, {"file": SimpleUploadedFile("设立通知.pdf", PDF, "application/pdf")}, follow=True)
    assert "附件已上传" in r.content.decode()
    f = DocumentFile.objects.get()
    assert str(tmp_path) in f.file.path
    download = reverse("ledger:document_file", args=[doc.pk, f.pk])
    assert b"".join(c.get(download).streaming_content) == PDF
    # The member department's clerk may see the body's documents; another department's clerk may not.
    assert body.memberships.count() == 0
    assert client_for(city.clerk).get(download).status_code == 200
    assert client_for(city.yj_clerk).get(download).status_code == 404


def test_missing_attachment_file_gets_a_clear_page(client_for, city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    doc = services.document_create(actor=None, region=city.city, number="潍发〔2019〕1号", issuer="中共潍坊市委",
                                   issued_on=date(2019, 1, 1), title="通知")
    c = client_for(city.bianban)
    c.post(reverse("ledger:document_upload", args=[doc.pk]),
           {"file": SimpleUploadedFile("a.pdf", PDF, "application/pdf")})
    f = DocumentFile.objects.get()
    import os

    os.remove(f.file.path)
    r = c.get(reverse("ledger:document_file", args=[doc.pk, f.pk]))
    assert r.status_code == 404 and "附件文件缺失" in r.content.decode()


def test_health_check(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    r = client.get("/healthz/")
    assert r.status_code == 200 and r.content == b"ok"
    settings.MEDIA_ROOT = tmp_path / "not-mounted"
    assert client.get("/healthz/").status_code == 503
