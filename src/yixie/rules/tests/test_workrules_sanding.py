"""Departments' 三定 duties as rows (issue 13 point 4): the data migration's split, the services (replace the list,
end one duty), the derived text kept in step, the department form, and the overlap engine reading the rows."""

from __future__ import annotations

from datetime import date, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from yixie.core.models import AuditEntry
from yixie.org import duties
from yixie.org.models import Department, DepartmentDuty
from yixie.org.services import OrgError
from yixie.overlap.api import find_overlaps

pytestmark = pytest.mark.django_db
TODAY = date.today()


def in_force(dept):
    return list(duties.duties_in_force([dept.pk]).values_list("text", flat=True))


def test_split_on_sentences_semicolons_and_lines():
    text = "负责全市应急管理工作。组织编制应急预案；承担安委会日常工作;\n\n  负责防汛抗旱。 。负责全市应急管理工作。"
    assert duties.split_duties(text) == ["负责全市应急管理工作", "组织编制应急预案", "承担安委会日常工作", "负责防汛抗旱"]
    assert duties.split_duties("") == [] and duties.split_duties("。；\n") == []


def test_the_data_migration_splits_each_departments_text(city):
    Department.objects.filter(pk=city.yjj.pk).update(duties="负责应急管理。组织编制预案；承担安委会日常工作")
    Department.objects.filter(pk=city.gxj.pk).update(duties="负责工业")
    DepartmentDuty.objects.create(department=city.gxj, ordinal=1, text="已有的一条")  # left alone
    migration = import_module("yixie.org.migrations.0007_workrules_duty_rows")
    migration.forwards(apps, None)
    rows = DepartmentDuty.objects.filter(department=city.yjj).order_by("ordinal")
    assert [(r.ordinal, r.text, r.basis, r.valid_from) for r in rows] == [
        (1, "负责应急管理", "三定规定", None), (2, "组织编制预案", "三定规定", None), (3, "承担安委会日常工作", "三定规定", None)]
    assert in_force(city.gxj) == ["已有的一条"]


def test_replace_keeps_unchanged_rows_ends_removed_ones_and_starts_new_ones(city):
    duties.duties_from_text(city.bianban, city.yjj, "负责应急管理。组织编制预案。承担安委会日常工作。")
    first = {d.text: d.pk for d in DepartmentDuty.objects.filter(department=city.yjj)}
    assert DepartmentDuty.objects.filter(department=city.yjj, valid_from__isnull=True).count() == 3
    assert Department.objects.get(pk=city.yjj.pk).duties == "负责应急管理。组织编制预案。承担安委会日常工作。"
    duties.duties_replace(actor=city.bianban, department=city.yjj, lines="承担安委会日常工作\n负责应急管理\n负责防汛抗旱\n\n")
    assert in_force(city.yjj) == ["承担安委会日常工作", "负责应急管理", "负责防汛抗旱"]
    kept = DepartmentDuty.objects.get(department=city.yjj, text="负责应急管理")
    assert kept.pk == first["负责应急管理"] and kept.ended_on is None
    gone = DepartmentDuty.objects.get(pk=first["组织编制预案"])
    assert gone.ended_on == TODAY and gone.end_reason == "三定职责修订"
    assert DepartmentDuty.objects.get(text="负责防汛抗旱").valid_from == TODAY
    assert "组织编制预案" in duties.duties_in_force([city.yjj.pk], TODAY - timedelta(days=1)).values_list(
        "text", flat=True)
    assert Department.objects.get(pk=city.yjj.pk).duties == "承担安委会日常工作。负责应急管理。负责防汛抗旱。"
    assert AuditEntry.objects.filter(action="修改部门三定职责").count() == 2


def test_replace_is_for_the_regions_bianban(city):
    before = DepartmentDuty.objects.count()
    for actor in (city.qz_bianban, city.clerk):
        with pytest.raises(OrgError) as err:
            duties.duties_replace(actor=actor, department=city.yjj, lines="负责应急管理")
        assert "只有潍坊市及上级机构编制部门可以修改“市应急管理局”的三定职责" in err.value.message
    assert DepartmentDuty.objects.count() == before


def test_end_one_duty_needs_a_reason(city):
    duties.duties_from_text(city.bianban, city.yjj, "负责应急管理。组织编制预案。")
    duty = DepartmentDuty.objects.get(text="组织编制预案")
    with pytest.raises(OrgError) as err:
        duties.duty_end(actor=city.bianban, duty=duty, reason=" ")
    assert err.value.message == "请写明终止该职责的原因。" and DepartmentDuty.objects.get(pk=duty.pk).ended_on is None
    duties.duty_end(actor=city.bianban, duty=duty, reason="划入市消防救援支队")
    assert in_force(city.yjj) == ["负责应急管理"]
    assert Department.objects.get(pk=city.yjj.pk).duties == "负责应急管理。"
    with pytest.raises(OrgError, match="已于"):
        duties.duty_end(actor=city.bianban, duty=duty, reason="再次")


def test_duty_move_keeps_both_texts_in_step(city):
    duties.duties_from_text(city.bianban, city.yjj, "负责应急管理。负责餐饮场所燃气安全监管。")
    duty = DepartmentDuty.objects.get(text="负责餐饮场所燃气安全监管")
    duties.duty_move(actor=city.bianban, duty=duty, text=duty.text, from_department=city.yjj, to_department=city.swj,
                     on=TODAY, basis="编办分工意见", reason="争议协调")
    assert Department.objects.get(pk=city.yjj.pk).duties == "负责应急管理。"
    assert Department.objects.get(pk=city.swj.pk).duties == "负责餐饮场所燃气安全监管。"


def test_the_department_form_edits_the_list_as_lines(city, client_for):
    duties.duties_from_text(city.bianban, city.yjj, "负责应急管理。组织编制预案。")
    c = client_for(city.bianban)
    url = reverse("org:department_edit", args=[city.yjj.pk])
    form = c.get(url).context["form"]
    assert form.initial["duties"] == "负责应急管理\n组织编制预案"
    r = c.post(url, {"region": city.city.pk, "name": "市应急管理局", "kind": "government", "order": 50,
                     "duties": "负责应急管理\n负责安全生产综合监督管理"})
    assert r.status_code == 302
    assert in_force(city.yjj) == ["负责应急管理", "负责安全生产综合监督管理"]


def test_the_overlap_engine_reads_the_rows_in_force(city):
    Department.objects.filter(pk=city.yjj.pk).update(duties="负责安全生产综合监督管理，承担市安全生产委员会日常工作。")
    found = find_overlaps(region=city.city, name="市安全生产委员会", duties="统筹协调全市安全生产工作，安全生产综合监督管理。")
    assert city.yjj.pk not in {m.id for m in found if m.kind == "department"}  # a text with no rows is not read
    duties.duties_from_text(city.bianban, city.yjj, "负责安全生产综合监督管理，承担市安全生产委员会日常工作。")
    found = find_overlaps(region=city.city, name="市安全生产委员会", duties="统筹协调全市安全生产工作，安全生产综合监督管理。")
    assert city.yjj.pk in {m.id for m in found if m.kind == "department"}
    duties.duty_end(actor=city.bianban, duty=DepartmentDuty.objects.get(department=city.yjj), reason="职责调整")
    found = find_overlaps(region=city.city, name="市安全生产委员会", duties="统筹协调全市安全生产工作，安全生产综合监督管理。")
    assert city.yjj.pk not in {m.id for m in found if m.kind == "department"}
