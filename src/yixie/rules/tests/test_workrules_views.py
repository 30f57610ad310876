"""The work rules pages as each role uses them: drafting in the structured form, submitting, filing and returning,
what a refused form keeps, 404 out of scope, query counts that do not grow with the tasks."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from yixie.ledger.models import Body
from yixie.rules import services
from yixie.rules.choices import WorkRulesStatus
from yixie.rules.models import WorkRules
from yixie.rules.services import TaskRow

from .samples_workrules import a_body, a_draft, a_filed, a_submitted, complete, pdf_file

pytestmark = pytest.mark.django_db


def edit_post(wr, **extra):
    data = {"version": wr.version, "kind": "rules", "full_meeting": "原则上每年召开1次", "office_meeting": "每季度1次",
            "meeting_notes": "", "office_duties": "承担日常工作", "rows": "3"}
    data.update(extra)
    return data


def test_a_clerk_drafts_in_the_structured_form(city, client_for):
    body = a_body(city)
    c = client_for(city.clerk)
    page = c.get(reverse("rules:workrules_body", args=[body.pk])).content.decode()
    assert "起草工作规则" in page and "逾期" in page
    r = c.post(reverse("rules:workrules_new", args=[body.pk]), {"kind": "rules"})
    wr = WorkRules.objects.get(body=body)
    assert r.status_code == 302 and r["Location"] == reverse("rules:workrules_edit", args=[wr.pk])
    page = c.get(r["Location"]).content.decode()
    assert page.count('name="task_') >= 3 and "市工业和信息化局" in page and "市农业农村局" in page
    assert "<script" not in page.split("</nav>", 1)[-1].split("<footer", 1)[0] and "style=" not in page
    r = c.post(r["Location"], edit_post(
        wr, task_0_text="统筹推进有关工作", task_0_principal=[city.fgw.pk], task_0_assisting=[city.gxj.pk, city.nyj.pk],
        **{f"duty_{city.gxj.pk}": "负责工业领域有关工作"}, file=pdf_file()))
    assert r.status_code == 302, r.context["form"].errors
    wr.refresh_from_db()
    assert wr.full_meeting == "原则上每年召开1次" and wr.file_type == "PDF"
    assert list(wr.tasks.values_list("text", flat=True)) == ["统筹推进有关工作"]
    detail = c.get(reverse("rules:workrules_detail", args=[wr.pk])).content.decode()
    assert "统筹推进有关工作" in detail and "主办" in detail
    assert reverse("rules:workrules_submit", args=[wr.pk]) not in detail  # the clerk drafts, the HR section submits
    # more rows: four shown after saving with one task and asking for more
    r = c.post(reverse("rules:workrules_edit", args=[wr.pk]), edit_post(
        wr, task_0_text="统筹推进有关工作", task_0_principal=[city.fgw.pk], add_rows="1"))
    assert r["Location"] == reverse("rules:workrules_edit", args=[wr.pk])
    assert c.get(r["Location"]).content.decode().count('id="task-') == 4


def test_a_refused_form_keeps_what_was_typed(city, client_for):
    wr = a_draft(city)
    c = client_for(city.clerk)
    stale = wr.version
    services.draft_save(actor=city.hr, work_rules=wr, expected_version=stale, texts={"office_duties": "他人修改"})
    r = c.post(reverse("rules:workrules_edit", args=[wr.pk]), {
        **edit_post(wr, version=stale), "task_0_text": "我刚写的任务", "task_0_principal": [city.gxj.pk]})
    page = r.content.decode()
    assert r.status_code == 200 and "已被修改" in page and "我刚写的任务" in page
    assert WorkRules.objects.get(pk=wr.pk).office_duties == "他人修改"
    # a unit that is not the body's is not even offered, and refused if posted
    r = c.post(reverse("rules:workrules_edit", args=[wr.pk]), {
        **edit_post(WorkRules.objects.get(pk=wr.pk)), "task_0_text": "任务", "task_0_principal": [city.yjj.pk]})
    assert r.status_code == 200 and "task_0_principal" in r.context["form"].errors
    # a file that is not what its name says is refused on the file field
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("规则.pdf", b"not a pdf at all" * 20)
    r = c.post(reverse("rules:workrules_edit", args=[wr.pk]), {**edit_post(WorkRules.objects.get(pk=wr.pk)),
                                                               "file": fake})
    assert "扩展名与实际内容不符" in " ".join(r.context["form"].errors.get("file", []))


def test_submit_refused_then_accepted_by_the_hr_section(city, client_for):
    wr = services.draft_save(actor=None, work_rules=a_draft(city), expected_version=1, uploaded=pdf_file(),
                             tasks=[TaskRow("统筹", [city.fgw.pk], [city.gxj.pk])])
    url = reverse("rules:workrules_submit", args=[wr.pk])
    assert client_for(city.clerk).get(url).status_code == 403  # 业务科室 drafts, 组织人事科室 submits
    c = client_for(city.hr)
    page = c.get(url).content.decode()
    assert "目前还不能报送" in page and "“市农业农村局”在工作规则中没有职责" in page
    r = c.post(url, {"version": wr.version, "confirm": "on"})
    assert r.status_code == 200 and "市农业农村局" in " ".join(str(e) for e in r.context["form"].errors.values())
    assert WorkRules.objects.get(pk=wr.pk).status == WorkRulesStatus.DRAFT
    complete(city, WorkRules.objects.get(pk=wr.pk))
    r = c.post(url, {"version": WorkRules.objects.get(pk=wr.pk).version, "confirm": "on"})
    assert r.status_code == 302 and WorkRules.objects.get(pk=wr.pk).status == WorkRulesStatus.SUBMITTED


def test_bianban_returns_with_reasons_then_files(city, client_for):
    wr = a_submitted(city)
    url = reverse("rules:workrules_review", args=[wr.pk])
    c = client_for(city.bianban)
    assert wr.body.name in c.get(reverse("rules:workrules_list")).content.decode()  # 待备案审核
    r = c.post(url, {"version": wr.version, "decision": "return", "note": ""})
    assert r.status_code == 200 and "退回修改须写明理由" in r.content.decode()
    assert WorkRules.objects.get(pk=wr.pk).status == WorkRulesStatus.SUBMITTED
    r = c.post(url, {"version": wr.version, "decision": "return", "note": "请细化成员单位职责"})
    assert r.status_code == 302 and WorkRules.objects.get(pk=wr.pk).status == WorkRulesStatus.RETURNED
    page = client_for(city.clerk).get(reverse("rules:workrules_body", args=[wr.body_id])).content.decode()
    assert "请细化成员单位职责" in page
    wr = WorkRules.objects.get(pk=wr.pk)
    wr = services.submit(actor=city.hr, work_rules=wr, expected_version=wr.version)
    c = client_for(city.bianban)
    r = c.post(url, {"version": wr.version, "decision": "file", "filed_on": "2019-03-28", "note": ""})
    assert r.status_code == 302
    assert Body.objects.get(pk=wr.body_id).work_rules_filed_on == date(2019, 3, 28)
    detail = c.get(reverse("rules:workrules_detail", args=[wr.pk])).content.decode()
    assert "办理过程" in detail and "退回工作规则" in detail and "请细化成员单位职责" in detail
    ledger_page = c.get(reverse("ledger:body_detail", args=[wr.body_id])).content.decode()
    assert "2019年3月28日" in ledger_page


def test_out_of_scope_is_404(city, client_for):
    wr = a_submitted(city)
    for user, url in ((city.yj_clerk, reverse("rules:workrules_body", args=[wr.body_id])),
                      (city.yj_clerk, reverse("rules:workrules_detail", args=[wr.pk])),
                      (city.qz_clerk, reverse("rules:workrules_file", args=[wr.pk])),
                      (city.qz_bianban, reverse("rules:workrules_review", args=[wr.pk])),
                      (city.gx_clerk, reverse("rules:workrules_new", args=[wr.body_id])),  # a member reads only
                      (city.yj_clerk, reverse("rules:department_duties", args=[city.fgw.pk]))):
        assert client_for(user).get(url).status_code == 404, (user.username, url)
    # a member unit reads the rules and downloads the file
    assert client_for(city.gx_clerk).get(reverse("rules:workrules_file", args=[wr.pk])).status_code == 200


def test_earlier_versions_stay_readable(city, client_for):
    first = a_filed(city)
    rev = services.draft_create(actor=city.clerk, body=first.body, revision_reason="成员单位调整")
    rev = complete(city, rev)
    rev = services.submit(actor=city.hr, work_rules=rev, expected_version=rev.version)
    services.file_rules(actor=city.bianban, work_rules=rev, expected_version=rev.version)
    c = client_for(city.gx_clerk)
    page = c.get(reverse("rules:workrules_body", args=[first.body_id])).content.decode()
    assert "第2版" in page and "已被修订" in page and "成员单位调整" in page
    old = c.get(reverse("rules:workrules_detail", args=[first.pk])).content.decode()
    assert "已被修订" in old and "统筹推进有关工作" in old


@pytest.mark.parametrize("url_name", ["rules:workrules_body", "rules:workrules_detail", "rules:workrules_review",
                                      "rules:workrules_edit"])
def test_version_pages_cost_the_same_with_more_tasks(city, client_for, django_assert_max_num_queries, url_name):
    counts = []
    for n in (1, 12):
        body = a_body(city, n)
        wr = complete(city, a_draft(city, body=body))
        tasks = [TaskRow(f"任务{i}", [city.fgw.pk], [city.gxj.pk, city.nyj.pk]) for i in range(n)]
        wr = services.draft_save(actor=None, work_rules=wr, expected_version=wr.version, tasks=tasks)
        if url_name == "rules:workrules_review":
            wr = services.submit(actor=None, work_rules=wr, expected_version=wr.version)
        pk = body.pk if url_name == "rules:workrules_body" else wr.pk
        c = client_for(city.bianban)
        assert c.get(reverse(url_name, args=[pk])).status_code == 200
        with django_assert_max_num_queries(40) as captured:
            assert c.get(reverse(url_name, args=[pk])).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_department_overview_and_its_link_from_the_departments_page(city, client_for):
    from yixie.org.duties import duties_from_text

    duties_from_text(city.bianban, city.gxj, "负责工业和信息化发展。推进新型工业化；统筹信息化建设")
    a_filed(city)
    c = client_for(city.gx_clerk)
    page = c.get(reverse("rules:department_duties", args=[city.gxj.pk])).content.decode()
    for text in ("三定职责（3条）", "推进新型工业化", "市工作规则样例0号领导小组", "负责工业领域有关工作", "统筹推进有关工作"):
        assert text in page, text
    listing = client_for(city.bianban).get(reverse("org:department_list")).content.decode()
    assert "工作规则分工（机构数）" in listing
    assert reverse("rules:department_duties", args=[city.gxj.pk]) in listing


def test_the_lists_filters(city, client_for):
    late = a_body(city, 1)
    filed = a_filed(city, 2).body
    waiting = a_submitted(city, 3).body
    c = client_for(city.bianban)

    def shown(query):
        page = c.get(reverse("rules:workrules_list") + query).content.decode().split('id="bodies"', 1)[1]
        return {b.name for b in (late, filed, waiting) if b.name in page}

    assert shown("?status=overdue") == {late.name, waiting.name}
    assert shown("?status=filed") == {filed.name}
    assert shown("?status=submitted") == {waiting.name}
    assert shown("?status=none") == {late.name}
    assert shown("?status=nonsense") == {late.name, filed.name, waiting.name}
    assert shown(f"?region={city.county.pk}") == set()
    overdue_page = c.get(reverse("rules:workrules_overdue")).content.decode()
    assert late.name in overdue_page and "已报送，待备案" in overdue_page and filed.name not in overdue_page
