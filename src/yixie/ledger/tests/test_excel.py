"""Excel in and out: the seven-indicator template, all-or-nothing import, the pages around them."""

from __future__ import annotations

import io
import threading
from datetime import date, datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from yixie.core.models import AuditEntry
from yixie.ledger import excel, services
from yixie.ledger.choices import BodyCategory, EventKind, LegalGround, MemberRole
from yixie.ledger.excel import HEADERS, ImportReport, RowError, export_workbook, import_workbook
from yixie.ledger.excel.checker import _Checker
from yixie.ledger.models import Body, Document, ImportJob, LedgerEvent
from yixie.ledger.views_io import STALE_AFTER, XLSX
from yixie.testing.factories import establish, make_post

GOV = BodyCategory.GOVERNMENT.label
SEVEN = ["机构名称", "设立时间", "依据文件", "办事机构所在部门", "存续时间", "历史沿革", "上级机构设置情况"]


# ---------------------------------------------------------------- helpers

def good_row(**overrides) -> dict:
    row = {
        "机构名称": "潍坊市数字经济发展领导小组",
        "设立时间": "2019-03-15",
        "依据文件": "潍发〔2019〕5号《关于成立潍坊市数字经济发展领导小组的通知》",
        "办事机构所在部门": "市工业和信息化局",
        "存续时间": "常设",
        "历史沿革": "（导入时不读取）",
        "上级机构设置情况": "省级设有山东省数字经济发展领导小组",
        "所属区划": "潍坊市",
        "机构形式": "领导小组",
        "序列": "政府序列",
        "设立依据": LegalGround.UPPER.label,
        "牵头部门": "市发展改革委",
        "组长": "市长",
        "副组长": "常务副市长",
        "成员单位": "市工业和信息化局（主办）、市商务局、市农业农村局",
        "主要职责": "统筹推进全市数字经济发展。",
        "简称": "市数字经济领导小组",
        "别名": "数字经济领导小组",
        "存续期限": None,
        "撤销条件": "",
        "工作性质": "单项工作",
        "状态": "存续",
    }
    row.update(overrides)
    return row


def xlsx(sheets: dict[str, list[dict]], headers: list[str] | None = None) -> io.BytesIO:
    """A workbook with the template's headers on row 1 and the given rows (dicts by header) below."""
    headers = headers or HEADERS
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        if rows is None:
            continue
        ws.append(headers)
        for r in rows:
            ws.append([r.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def counts() -> tuple[int, int, int, int]:
    return Body.objects.count(), LedgerEvent.objects.count(), Document.objects.count(), AuditEntry.objects.count()


def run(buf, city, **kw) -> ImportReport:
    kw.setdefault("actor", city.bianban)
    kw.setdefault("default_region", city.city)
    return import_workbook(buf, **kw)


def sheet_rows(ws) -> list[dict]:
    values = list(ws.iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, v, strict=False)) for v in values[1:]]


def col(header: str) -> int:
    """The template's column number of a header (1-based)."""
    return HEADERS.index(header) + 1


def saved(wb) -> io.BytesIO:
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


@pytest.fixture
def ledger(city):
    """A small ledger: a temporary government body with members and a document, a party body, a joint meeting."""
    doc = services.document_create(actor=city.bianban, region=city.city, number="潍政字〔2019〕12号",
                                   issuer="潍坊市人民政府", issued_on=date(2019, 3, 15),
                                   title="关于成立潍坊市乡村振兴工作领导小组的通知")
    rural = establish(city.city, name="潍坊市乡村振兴工作领导小组", lead=city.nyj, office=city.nyj,
                      members=[city.gxj, city.swj], deputies=[city.vice], document=doc, is_temporary=True,
                      ends_on=date(2025, 12, 31), end_condition="任务完成后撤销",
                      upper_counterpart="省级设有山东省乡村振兴领导小组", short_name="市乡村振兴领导小组",
                      aliases=["乡村振兴领导小组"])
    party = establish(city.city, name="中共潍坊市委机构编制委员会", lead=city.bb, category=BodyCategory.PARTY,
                      form="委员会", on=date(2018, 1, 1))
    joint = establish(city.city, name="潍坊市安全生产联席会议", lead=city.yjj, category=BodyCategory.JOINT_MEETING,
                      form="联席会议", on=date(2020, 5, 1), members=[city.fgw, city.gxj])
    return {"rural": rural, "party": party, "joint": joint, "doc": doc}


# ---------------------------------------------------------------- export

@pytest.mark.django_db
def test_template_has_six_category_sheets_with_the_seven_indicators_first(city):
    wb = load_workbook(saved(excel.template_workbook()))
    assert wb.sheetnames[:6] == list(BodyCategory.labels)
    assert wb.sheetnames[6:] == [excel.INSTRUCTIONS_SHEET]
    for title in BodyCategory.labels:
        ws = wb[title]
        header = [c.value for c in ws[1]]
        assert header[:7] == SEVEN
        assert header == HEADERS
        assert ws.freeze_panes == "B2"
        assert ws[1][0].font.b
        assert ws.max_row == 1


@pytest.mark.django_db
def test_export_one_sheet_per_category_always_all_six(ledger, city):
    rows = LedgerEvent.objects.in_force_on(date(2026, 1, 1)).filter(status="active")
    wb = load_workbook(saved(export_workbook(rows, on=date(2026, 1, 1))))
    assert wb.sheetnames == list(BodyCategory.labels)
    assert [r["机构名称"] for r in sheet_rows(wb[GOV])] == ["潍坊市乡村振兴工作领导小组"]
    assert [r["机构名称"] for r in sheet_rows(wb[BodyCategory.PARTY.label])] == ["中共潍坊市委机构编制委员会"]
    assert [r["机构名称"] for r in sheet_rows(wb[BodyCategory.JOINT_MEETING.label])] == ["潍坊市安全生产联席会议"]
    for empty in (BodyCategory.TASK_FORCE, BodyCategory.MECHANISM, BodyCategory.SPECIAL_GROUP):
        ws = wb[empty.label]
        assert [c.value for c in ws[1]][:7] == SEVEN
        assert ws.max_row == 1


@pytest.mark.django_db
def test_export_fills_every_column_in_the_offices_words(ledger, city):
    services.event_record(actor=city.bianban, body=ledger["rural"], kind=EventKind.RENAME, on=date(2021, 6, 1),
                          changes={"name": "潍坊市乡村振兴领导小组"})
    rows = LedgerEvent.objects.in_force_on(date(2022, 1, 1)).filter(status="active")
    wb = load_workbook(saved(export_workbook(rows, on=date(2022, 1, 1))))
    (row,) = sheet_rows(wb[GOV])
    assert row["机构名称"] == "潍坊市乡村振兴领导小组"
    assert row["设立时间"] == datetime(2019, 3, 15)
    assert row["依据文件"] == "潍政字〔2019〕12号《关于成立潍坊市乡村振兴工作领导小组的通知》"
    assert row["办事机构所在部门"] == "市农业农村局"
    assert row["存续时间"] == "临时，至2025年12月31日，任务完成后撤销"
    assert row["历史沿革"] == ("2019年3月15日设立（潍政字〔2019〕12号）；2021年6月1日更名为潍坊市乡村振兴领导小组")
    assert row["上级机构设置情况"] == "省级设有山东省乡村振兴领导小组"
    assert row["所属区划"] == "潍坊市"
    assert row["机构形式"] == "领导小组"
    assert row["序列"] == "政府序列"
    assert row["设立依据"] == LegalGround.LOCAL.label
    assert row["牵头部门"] == "市农业农村局"
    assert row["组长"] == "市长"
    assert row["副组长"] == "副市长（分管农业农村）"
    assert row["成员单位"] == "市工业和信息化局、市商务局"
    assert row["简称"] == "市乡村振兴领导小组"
    assert row["别名"] == "乡村振兴领导小组"
    assert row["存续期限"] == datetime(2025, 12, 31)
    assert row["撤销条件"] == "任务完成后撤销"
    assert row["工作性质"] == "单项工作"
    assert row["状态"] == "存续"


@pytest.mark.django_db
def test_export_as_of_a_date_shows_the_ledger_of_that_day(ledger, city):
    services.event_record(actor=city.bianban, body=ledger["joint"], kind=EventKind.ABOLISH, on=date(2022, 3, 1))

    def names(on):
        rows = LedgerEvent.objects.in_force_on(on).filter(status="active")
        wb = load_workbook(saved(export_workbook(rows, on=on)))
        return {r["机构名称"] for title in wb.sheetnames for r in sheet_rows(wb[title])}

    assert "潍坊市安全生产联席会议" in names(date(2020, 6, 30))
    assert "潍坊市安全生产联席会议" not in names(timezone.localdate())
    assert "潍坊市安全生产联席会议" not in names(date(2020, 4, 30))  # not yet set up


@pytest.mark.django_db
def test_export_history_stops_at_the_as_of_date(ledger, city):
    services.event_record(actor=city.bianban, body=ledger["rural"], kind=EventKind.RENAME, on=date(2021, 6, 1),
                          changes={"name": "潍坊市乡村振兴领导小组"})
    rows = LedgerEvent.objects.in_force_on(date(2020, 1, 1)).filter(category="government")
    wb = load_workbook(saved(export_workbook(rows, on=date(2020, 1, 1))))
    (row,) = sheet_rows(wb[GOV])
    assert row["机构名称"] == "潍坊市乡村振兴工作领导小组"
    assert row["历史沿革"] == "2019年3月15日设立（潍政字〔2019〕12号）"


@pytest.mark.django_db
def test_export_reads_a_constant_number_of_queries(city, django_assert_max_num_queries):
    for i in range(12):
        establish(city.city, name=f"测试机构{i:02d}领导小组", lead=city.fgw, members=[city.gxj])
    rows = LedgerEvent.objects.in_force_on(date(2026, 1, 1))
    with django_assert_max_num_queries(3):
        wb = export_workbook(rows, on=date(2026, 1, 1))
    assert len(sheet_rows(load_workbook(saved(wb))[GOV])) == 12


@pytest.mark.django_db
def test_export_keeps_text_that_looks_like_a_formula_as_text(city):
    establish(city.city, name="=HYPERLINK(\"http://x\")", lead=city.fgw)
    rows = LedgerEvent.objects.in_force_on(date(2026, 1, 1))
    ws = load_workbook(saved(export_workbook(rows, on=date(2026, 1, 1))))[GOV]
    assert ws["A2"].data_type == "s"
    assert ws["A2"].value == "=HYPERLINK(\"http://x\")"


# ---------------------------------------------------------------- round trip

STATE_KEYS = ("category", "form", "sequence", "legal_ground", "lead_department", "office_department", "leaders",
              "members", "duties", "is_temporary", "ends_on", "end_condition", "upper_counterpart", "task_scope",
              "short_name")


@pytest.mark.django_db
def test_round_trip_export_rename_import_gives_the_same_bodies(ledger, city):
    on = date(2026, 1, 1)
    rows = LedgerEvent.objects.in_force_on(on).filter(status="active")
    wb = load_workbook(saved(export_workbook(rows, on=on)))
    for ws in wb.worksheets:
        for r in range(2, ws.max_row + 1):
            ws.cell(row=r, column=1).value = ws.cell(row=r, column=1).value + "（副本）"
            ws.cell(row=r, column=col("别名")).value = None  # aliases would clash in meaning only; keep them out
            ws.cell(row=r, column=col("台账编号")).value = None  # copies, not the bodies exported
            ws.cell(row=r, column=col("版本")).value = None
    before = Body.objects.count()
    report = run(saved(wb), city)
    assert report.ok, report.lines()
    assert report.created == 3
    assert Body.objects.count() == before + 3
    for original in (ledger["rural"], ledger["party"], ledger["joint"]):
        copy = Body.objects.get(name=original.name + "（副本）")
        a = services.state_on(original, on)
        b = services.state_on(copy, on)
        for key in STATE_KEYS:
            assert a[key] == b[key], key
        assert copy.established_on == original.established_on
        assert copy.basis_document_id == original.basis_document_id
        assert copy.category == original.category


@pytest.mark.django_db
def test_round_trip_principal_members_survive(city):
    state_members = [(city.gxj, MemberRole.PRINCIPAL), (city.swj, MemberRole.ASSISTING)]
    from yixie.ledger.state import build_state

    state = build_state(name="潍坊市外贸工作领导小组", category="government", form="领导小组", sequence="government",
                        legal_ground="local", lead_department=city.swj, office_department=city.swj,
                        duties="统筹外贸。", leader=city.mayor, members=state_members)
    services.body_establish(actor=None, region=city.city, state=state, on=date(2020, 1, 1))
    rows = LedgerEvent.objects.in_force_on(date(2026, 1, 1))
    wb = load_workbook(saved(export_workbook(rows, on=date(2026, 1, 1))))
    assert wb[GOV].cell(row=2, column=col("成员单位")).value == "市工业和信息化局（主办）、市商务局"
    wb[GOV]["A2"].value = "潍坊市外贸工作领导小组（新）"
    wb[GOV].cell(row=2, column=col("台账编号")).value = None
    assert run(saved(wb), city).ok
    copy = Body.objects.get(name="潍坊市外贸工作领导小组（新）")
    assert [(m.department_id, m.role) for m in copy.memberships.all()] == [
        (city.gxj.pk, MemberRole.PRINCIPAL), (city.swj.pk, MemberRole.ASSISTING)]


# ---------------------------------------------------------------- import: good files

@pytest.mark.django_db
def test_import_good_file_creates_bodies_documents_and_events(city):
    buf = xlsx({GOV: [good_row(), good_row(机构名称="潍坊市新能源产业发展领导小组", 依据文件="潍发[2019]05号")],
                BodyCategory.JOINT_MEETING.label: [good_row(
                    机构名称="潍坊市物流发展联席会议", 机构形式="", 序列="政府序列", 组长="", 副组长="",
                    依据文件="潍政办字〔2020〕3号", 设立时间="2020年4月1日")]})
    report = run(buf, city)
    assert report.ok, report.lines()
    assert report.created == 3 and report.total_rows == 3
    body = Body.objects.get(name="潍坊市数字经济发展领导小组")
    assert body.lead_department == city.fgw  # found by its short name
    assert body.office_department == city.gxj
    assert body.established_on == date(2019, 3, 15)
    assert body.basis_document.number == "潍发〔2019〕5号"
    assert body.basis_document.issuer == "中共潍坊市委"
    assert body.basis_document.title == "关于成立潍坊市数字经济发展领导小组的通知"
    assert body.basis_document.issued_on == date(2019, 3, 15)
    assert [(s.role, s.post.name) for s in body.leader_seats.all()] == [("leader", "市长"), ("deputy", "常务副市长")]
    assert [(m.department.name, m.role) for m in body.memberships.all()] == [
        ("市工业和信息化局", "principal"), ("市商务局", "assisting"), ("市农业农村局", "assisting")]
    assert body.short_name == "市数字经济领导小组" and body.alias_list == ["数字经济领导小组"]
    assert body.events.get().kind == EventKind.ESTABLISH
    # The same 文号 typed with square brackets and a padding zero is the same document.
    other = Body.objects.get(name="潍坊市新能源产业发展领导小组")
    assert other.basis_document_id == body.basis_document_id
    assert any("05" in w.message or "〔2019〕" in w.message for w in report.warnings)
    joint = Body.objects.get(name="潍坊市物流发展联席会议")
    assert joint.form == "联席会议"  # inferred from the sheet
    assert joint.basis_document.issuer == "潍坊市人民政府办公室"
    assert joint.basis_document.title == "关于设立潍坊市物流发展联席会议的通知"
    assert Document.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["2019-03-15", "2019/3/15", "2019年3月15日", datetime(2019, 3, 15), 20190315,
                                   " 2019-3-15 "])
def test_import_accepts_the_date_forms_clerks_type(city, value):
    report = run(xlsx({GOV: [good_row(设立时间=value)]}), city)
    assert report.ok, report.lines()
    assert Body.objects.get().established_on == date(2019, 3, 15)


@pytest.mark.django_db
def test_import_temporary_details_in_duration_fill_end_date_and_condition(city):
    report = run(xlsx({GOV: [good_row(存续时间="临时，至2023年10月31日"),
                             good_row(机构名称="潍坊市第二个领导小组", 存续时间="临时，任务完成后撤销")]}), city)
    assert report.ok, report.lines()
    first = Body.objects.get(name="潍坊市数字经济发展领导小组")
    assert first.is_temporary and first.ends_on == date(2023, 10, 31)
    second = Body.objects.get(name="潍坊市第二个领导小组")
    assert second.is_temporary and second.end_condition == "任务完成后撤销" and second.ends_on is None


@pytest.mark.django_db
def test_posts_whose_names_contain_the_list_separator_stay_whole(city):
    make_post(city.city, "市委常委、组织部部长")
    make_post(city.city, "市委常委、秘书长")
    row = good_row(组长="市委常委、组织部部长", 副组长="市委常委、秘书长、副市长（分管农业农村）")
    report = run(xlsx({GOV: [row]}), city)
    assert report.ok, report.lines()
    body = Body.objects.get()
    assert [(s.role, s.post.name) for s in body.leader_seats.all()] == [
        ("leader", "市委常委、组织部部长"), ("deputy", "市委常委、秘书长"), ("deputy", "副市长（分管农业农村）")]
    rows = LedgerEvent.objects.in_force_on(date(2026, 1, 1))
    wb = load_workbook(saved(export_workbook(rows, on=date(2026, 1, 1))))
    wb[GOV]["A2"].value = "另一个领导小组"
    wb[GOV].cell(row=2, column=col("台账编号")).value = None  # a copy, not the body exported
    assert run(saved(wb), city).ok


EVENT_FIELDS = ["kind", "effective_on", "seq", "document_id", "note", "source_label", "source_url", "changes",
                "state", "valid_until", "is_void", "recorded_by_id", "region_id", "name", "category", "sequence",
                "status", "lead_department_id", "office_department_id", "is_temporary", "ends_on", "search_text",
                "department_keys"]


def _body_picture(body: Body) -> dict:
    body = Body.objects.get(pk=body.pk)
    return {
        # The version moves on with every write, a replay included (docs/decisions/0018).
        "body": {f.attname: getattr(body, f.attname) for f in Body._meta.concrete_fields
                 if f.name not in ("updated_at", "version")},
        "events": list(body.events.order_by("id").values("id", *EVENT_FIELDS)),
        "seats": list(body.leader_seats.order_by("order").values_list("role", "post_id", "order")),
        "members": list(body.memberships.order_by("order").values_list("department_id", "role", "order")),
    }


@pytest.mark.django_db
def test_imported_bodies_are_exactly_what_replay_derives(city):
    """The bulk write computes each body's state, columns, seats and members itself: `services.replay` agrees."""
    make_post(city.city, "市委常委、组织部部长")
    make_post(city.county, "青州市副市长")
    future = timezone.localdate().replace(year=timezone.localdate().year + 1, month=1, day=1)
    buf = xlsx({
        GOV: [good_row(),
              good_row(机构名称="潍坊市临时工作专班领导小组", 存续时间="临时，至2027年10月31日", 撤销条件="任务完成后撤销",
                       组长="市委常委、组织部部长", 副组长="", 成员单位="市商务局、市农业农村局（主办）", 别名="",
                       简称="", 依据文件=""),
              good_row(机构名称="青州市安全生产委员会", 所属区划="青州市", 牵头部门="青州市应急管理局",
                       办事机构所在部门="青州市应急管理局", 组长="青州市市长", 副组长="青州市副市长",
                       成员单位="青州市发展和改革局", 依据文件="潍政字〔2020〕7号", 设立时间="2020-02-03"),
              good_row(机构名称="潍坊市明年设立的领导小组", 设立时间=future.isoformat(), 依据文件="")],
        BodyCategory.JOINT_MEETING.label: [good_row(机构名称="潍坊市物流发展联席会议", 机构形式="", 组长="", 副组长="",
                                                    工作性质="综合性工作", 依据文件="潍政办字〔2020〕3号",
                                                    设立时间="2020年4月1日")],
    })
    report = run(buf, city, source=("Excel导入：台账.xlsx", "/ledger/import/1/"))
    assert report.ok, report.lines()
    bodies = list(Body.objects.order_by("id"))
    assert len(bodies) == 5
    for body in bodies:
        before = _body_picture(body)
        services.replay(body=body)
        assert _body_picture(body) == before, body.name


@pytest.mark.django_db
def test_imported_bodies_are_audited_like_a_single_setup(city):
    """One entry per body, with the very fields `audit.record` writes for `body_establish`."""
    report = run(xlsx({GOV: [good_row(), good_row(机构名称="潍坊市新能源产业发展领导小组")]}), city)
    assert report.ok, report.lines()
    state = Body.objects.get(name="潍坊市数字经济发展领导小组").events.get().state
    single, _ = services.body_establish(actor=city.bianban, region=city.city, state={**state, "name": "对照机构"},
                                        on=date(2019, 3, 15), note="Excel导入")
    keys = ["actor_id", "action", "target_type", "target_id", "target_label", "body_id", "before", "after", "reason"]
    entries = {e["target_label"]: e for e in AuditEntry.objects.filter(action="设立机构").values(*keys, "at")}
    assert len(entries) == 3
    reference = entries.pop("对照机构")
    for body in Body.objects.exclude(pk=single.pk):
        entry = entries[body.name]
        assert entry["at"] is not None
        assert entry == {**reference, "at": entry["at"], "target_id": str(body.pk), "target_label": body.name,
                         "body_id": body.pk, "after": {**reference["after"], "name": body.name}}
        assert entry["after"] == body.events.get().state


@pytest.mark.django_db
def test_two_leaders_are_refused(city):
    report = run(xlsx({GOV: [good_row(组长="市长、常务副市长", 副组长="")]}), city)
    (e,) = report.errors
    assert e.column == "组长" and "组长只能填写一个领导职务" in e.message


@pytest.mark.django_db
def test_import_uses_default_region_when_region_cell_is_empty(city):
    row = good_row(所属区划="", 牵头部门="青州市发展和改革局", 办事机构所在部门="青州市发展和改革局", 组长="青州市市长",
                   副组长="", 成员单位="青州市应急管理局", 依据文件="")
    report = run(xlsx({GOV: [row]}), city, default_region=city.county)
    assert report.ok, report.lines()
    assert Body.objects.get().region == city.county


@pytest.mark.django_db
def test_import_skips_empty_rows_and_the_instructions_sheet(city):
    wb = excel.template_workbook()
    buf = saved(wb)
    book = load_workbook(buf)
    ws = book[GOV]
    ws.append([None] * len(HEADERS))
    ws.append([good_row().get(h) for h in HEADERS])
    report = run(saved(book), city)
    assert report.ok, report.lines()
    assert report.total_rows == 1 and report.created == 1


# ---------------------------------------------------------------- import: bad files change nothing

def _bad_cases(city):
    return {
        "bad date": ({GOV: [good_row(设立时间="2019-02-30")]}, GOV, 2, "设立时间", "2019年2月只有28天"),
        "short year": ({GOV: [good_row(设立时间="19/3/15")]}, GOV, 2, "设立时间", "四位"),
        "文号 without brackets": ({GOV: [good_row(依据文件="潍发2022号")]}, GOV, 2, "依据文件", "潍发2022号"),
        "文号 year differs": ({GOV: [good_row(依据文件="潍发〔2018〕5号")]}, GOV, 2, "依据文件",
                            "依据文件年份与设立时间不一致"),
        "unknown department": ({GOV: [good_row(牵头部门="市大数据局")]}, GOV, 2, "牵头部门", "部门“市大数据局”在潍坊市不存在"),
        "unknown member": ({GOV: [good_row(成员单位="市商务局、市不存在局")]}, GOV, 2, "成员单位", "市不存在局"),
        "unknown post": ({GOV: [good_row(组长="市委书记")]}, GOV, 2, "组长", "领导职务“市委书记”在潍坊市不存在"),
        "temporary without end": ({GOV: [good_row(存续时间="临时")]}, GOV, 2, "存续时间", "临时机构须写明存续期限或撤销条件"),
        "duration unreadable": ({GOV: [good_row(存续时间="长期")]}, GOV, 2, "存续时间", "“长期”"),
        "township": ({GOV: [good_row(所属区划="王府街道")]}, GOV, 2, "所属区划", "不得设立议事协调机构"),
        "unknown region": ({GOV: [good_row(所属区划="寿光市")]}, GOV, 2, "所属区划", "区划“寿光市”不存在"),
        "bad label": ({GOV: [good_row(设立依据="领导要求")]}, GOV, 2, "设立依据", "设立依据“领导要求”无效"),
        "missing duties": ({GOV: [good_row(主要职责="")]}, GOV, 2, "主要职责", "未填写主要职责"),
        "two leaders": ({GOV: [good_row(副组长="市长、常务副市长")]}, GOV, 2, "副组长", "既任组长又任副组长"),
        "ended status": ({GOV: [good_row(状态="已撤销")]}, GOV, 2, "状态", "“已撤销”"),
        "no leader": ({GOV: [good_row(组长="")]}, GOV, 2, "组长", "组长应为1名"),
        "wrong sheet name": ({"Sheet1": [good_row()]}, "Sheet1", 0, "", "工作表名称“Sheet1”不是机构类别"),
        "standing with end date": ({GOV: [good_row(存续期限="2030-01-01")]}, GOV, 2, "存续期限", "常设机构不应填写存续期限"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(_bad_cases(None)))
def test_bad_input_is_reported_where_it_is_and_nothing_is_written(city, case):
    sheets, sheet, row, column, fragment = _bad_cases(city)[case]
    before = counts()
    report = run(xlsx(sheets), city)
    assert not report.ok
    assert report.created == 0
    assert counts() == before
    hits = [e for e in report.errors if e.sheet == sheet and e.row == row and e.column == column]
    assert hits, report.lines()
    assert any(fragment in e.message for e in hits), report.lines()


@pytest.mark.django_db
def test_normalised_document_number_is_accepted_and_stored_canonically(city):
    report = run(xlsx({GOV: [good_row(依据文件="潍发[2019]05号")]}), city)
    assert report.ok, report.lines()
    assert Document.objects.get().number == "潍发〔2019〕5号"
    assert report.warnings and all(w.column == "依据文件" for w in report.warnings)


@pytest.mark.django_db
def test_every_bad_row_of_every_sheet_is_reported_at_once(city):
    sheets = {
        GOV: [good_row(), good_row(机构名称="甲领导小组", 设立时间="2019-13-01"),
              good_row(机构名称="乙领导小组", 牵头部门="市大数据局", 存续时间="")],
        BodyCategory.PARTY.label: [good_row(机构名称="丙委员会", 序列="党委序列", 依据文件="潍发〔2019〕第5号")],
        BodyCategory.TASK_FORCE.label: [good_row(机构名称="丁专班", 机构形式="", 组长="", 副组长="",
                                                 成员单位="市商务局（主办）", 设立依据="")],
    }
    before = counts()
    report = run(xlsx(sheets), city)
    assert counts() == before
    where = {(e.sheet, e.row, e.column) for e in report.errors}
    assert (GOV, 3, "设立时间") in where
    assert (GOV, 4, "牵头部门") in where
    assert (GOV, 4, "存续时间") in where
    assert (BodyCategory.TASK_FORCE.label, 2, "设立依据") in where
    # 第5号 is normalised (a warning), not an error.
    assert not any(e.sheet == BodyCategory.PARTY.label for e in report.errors), report.lines()
    assert all(str(e).startswith("工作表「") for e in report.errors)


@pytest.mark.django_db
def test_duplicate_names_in_the_file_are_reported_on_both_rows(city):
    sheets = {GOV: [good_row(), good_row(机构名称="别的领导小组")],
              BodyCategory.PARTY.label: [good_row(序列="党委序列")]}
    before = counts()
    report = run(xlsx(sheets), city)
    assert counts() == before
    dup = [e for e in report.errors if "重复" in e.message]
    assert {(e.sheet, e.row, e.column) for e in dup} == {(GOV, 2, "机构名称"), (BodyCategory.PARTY.label, 2, "机构名称")}
    assert "工作表「党委议事协调机构」第2行" in dup[0].message


@pytest.mark.django_db
def test_same_name_in_another_region_is_not_a_duplicate(city):
    county = good_row(所属区划="青州市", 牵头部门="青州市发展和改革局", 办事机构所在部门="青州市发展和改革局",
                      组长="青州市市长", 副组长="", 成员单位="", 依据文件="")
    report = run(xlsx({GOV: [good_row(), county]}), city)
    assert report.ok, report.lines()
    assert Body.objects.count() == 2


@pytest.mark.django_db
def test_duplicate_against_the_ledger_is_reported(city):
    establish(city.city, name="潍坊市数字经济发展领导小组", lead=city.fgw, on=date(2018, 1, 1))
    before = counts()
    report = run(xlsx({GOV: [good_row()]}), city)
    assert counts() == before
    (e,) = report.errors
    assert (e.sheet, e.row, e.column) == (GOV, 2, "机构名称")
    assert "已有同名机构“潍坊市数字经济发展领导小组”" in e.message


@pytest.mark.django_db
def test_a_name_taken_after_the_setup_date_is_a_duplicate_too(city):
    """Set up in 2019 under a name another body has used since 2021: two active bodies of one name today."""
    establish(city.city, name="潍坊市数字经济发展领导小组", lead=city.fgw, on=date(2021, 7, 1))
    before = counts()
    report = run(xlsx({GOV: [good_row()]}), city)
    assert counts() == before
    (e,) = report.errors
    assert e.column == "机构名称" and "自2021年7月1日起已有同名机构" in e.message


@pytest.mark.django_db
def test_a_name_freed_by_abolition_may_be_reused(city):
    old = establish(city.city, name="潍坊市数字经济发展领导小组", lead=city.fgw, on=date(2015, 1, 1))
    services.event_record(actor=None, body=old, kind=EventKind.ABOLISH, on=date(2018, 1, 1))
    assert run(xlsx({GOV: [good_row()]}), city).ok


@pytest.mark.django_db
def test_missing_required_header_is_a_file_level_error_naming_it(city):
    headers = [h for h in HEADERS if h != "牵头部门"]
    before = counts()
    report = run(xlsx({GOV: [good_row()]}, headers=headers), city)
    assert counts() == before
    (e,) = report.errors
    assert e.sheet == GOV and e.column == "牵头部门" and "缺少表头“牵头部门”" in e.message


@pytest.mark.django_db
def test_unknown_sheet_that_is_empty_is_ignored(city):
    report = run(xlsx({GOV: [good_row()], "Sheet3": None}), city)
    assert report.ok, report.lines()


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "fragment"), [
    (b"name,date\n", "不是 Excel"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
    (b"PK\x03\x04broken", "损坏"),
    (b"", "空"),
])
def test_a_file_that_is_not_an_xlsx_workbook_is_refused(city, content, fragment):
    before = counts()
    report = run(io.BytesIO(content), city)
    assert counts() == before
    (e,) = report.errors
    assert (e.sheet, e.row, e.column) == ("", 0, "")
    assert fragment in e.message


@pytest.mark.django_db
def test_a_word_file_is_refused(city):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    report = run(buf, city)
    assert "Word" in report.errors[0].message


@pytest.mark.django_db
def test_a_file_with_no_rows_is_refused(city):
    report = run(saved(excel.template_workbook()), city)
    assert not report.ok and "没有可导入的机构" in report.errors[0].message


@pytest.mark.django_db
def test_region_outside_the_importers_scope_is_refused(city):
    row = good_row(所属区划="诸城市", 牵头部门="x", 办事机构所在部门="x")
    report = run(xlsx({GOV: [row]}), city, actor=city.qz_bianban, default_region=city.county)
    assert any(e.column == "所属区划" and "无权" in e.message for e in report.errors)


@pytest.mark.django_db
def test_policy_errors_quote_the_rule_source(city):
    report = run(xlsx({GOV: [good_row(组长="")]}), city)
    (e,) = report.errors
    assert "依据：" in e.message and "地方议事协调机构管理办法" in e.message


# ---------------------------------------------------------------- all or nothing at scale

@pytest.mark.django_db
def test_two_thousand_rows_with_the_last_one_bad_write_nothing(city):
    rows = [good_row(机构名称=f"潍坊市第{i:04d}号专项工作领导小组", 依据文件=f"潍政字〔2019〕{i + 1}号") for i in range(2000)]
    rows[-1]["牵头部门"] = "市不存在局"
    ticks = []
    before = counts()
    report = run(xlsx({GOV: rows}), city, progress=lambda done, total: ticks.append((done, total)))
    assert counts() == before
    assert report.total_rows == 2000
    (e,) = report.errors
    assert (e.sheet, e.row, e.column) == (GOV, 2001, "牵头部门")
    assert ticks[0] == (0, 4000) and ticks[-1] == (2000, 4000)
    assert len(ticks) >= 40


@pytest.mark.django_db
def test_a_failure_while_writing_rolls_back_every_row(city, monkeypatch):
    """A name registered by someone else between the check and the write: the services refuse that row."""
    rows = [good_row(机构名称=f"潍坊市第{i:02d}号领导小组", 依据文件=f"潍政字〔2019〕{i + 1}号") for i in range(60)]
    establish(city.city, name="潍坊市第59号领导小组", lead=city.fgw, on=date(2018, 1, 1))
    monkeypatch.setattr(_Checker, "clashes_with_ledger", lambda self: None)
    before = counts()
    report = run(xlsx({GOV: rows}), city)
    assert counts() == before
    assert report.created == 0
    (e,) = report.errors
    assert (e.sheet, e.row, e.column) == (GOV, 61, "机构名称")
    assert "已有同名机构“潍坊市第59号领导小组”" in e.message


@pytest.mark.django_db
def test_a_failure_in_a_later_batch_rolls_back_the_batches_written(city, monkeypatch):
    rows = [good_row(机构名称=f"潍坊市第{i:02d}号领导小组", 依据文件="潍政字〔2019〕1号") for i in range(25)]
    real = services.audit.record_many
    calls = {"n": 0}

    def flaky(entries):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return real(entries)

    monkeypatch.setattr(services.audit, "record_many", flaky)
    monkeypatch.setattr(services, "BULK_BATCH", 10)
    before = counts()
    report = run(xlsx({GOV: rows}), city)
    assert calls["n"] == 3
    assert counts() == before
    assert "没有导入任何内容" in report.errors[0].message


@pytest.mark.django_db
def test_an_unexpected_error_while_writing_rolls_back_and_is_reported(city, monkeypatch):
    def broken(entries):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.audit, "record_many", broken)
    before = counts()
    report = run(xlsx({GOV: [good_row(), good_row(机构名称="另一个领导小组")]}), city)
    assert counts() == before
    assert "没有导入任何内容" in report.errors[0].message


def test_row_error_reads_as_one_chinese_line():
    assert str(RowError("政府议事协调机构", 5, "牵头部门", "部门“X”在潍坊市不存在")) == \
        "工作表「政府议事协调机构」第5行「牵头部门」：部门“X”在潍坊市不存在"
    assert str(RowError("", 0, "", "文件是空的。")) == "文件是空的。"


# ---------------------------------------------------------------- pages

@pytest.fixture
def io_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # jobs run at once in the test (Q_CLUSTER['sync'], settings_test)
    return settings


def upload(client, buf, region, name="台账.xlsx"):
    buf.name = name
    return client.post(reverse("ledger:import"), {"file": buf, "region": region.pk})


@pytest.mark.django_db
def test_import_page_shows_form_template_link_and_recent_jobs(city, client_for, io_settings):
    client = client_for(city.bianban)
    resp = client.get(reverse("ledger:import"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "?template=1" in html and "csrfmiddlewaretoken" in html
    assert "潍坊市" in html and "王府街道" not in html


@pytest.mark.django_db
def test_upload_good_file_succeeds_and_bodies_exist(city, client_for, io_settings):
    client = client_for(city.bianban)
    resp = upload(client, xlsx({GOV: [good_row()]}), city.city)
    job = ImportJob.objects.get()
    assert resp.status_code == 302 and resp.url == reverse("ledger:import_status", args=[job.pk])
    # first the preview: nothing written until the user confirms
    assert job.state == ImportJob.State.PREVIEWED and job.preview["new"] == 1
    assert not Body.objects.filter(name="潍坊市数字经济发展领导小组").exists()
    page = client.get(resp.url).content.decode()
    assert "请核对预览" in page and "确认导入（新增 1 个机构，登记 0 项变更）" in page and "hx-get" not in page
    assert client.post(reverse("ledger:import_confirm", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.SUCCEEDED and job.created_bodies == 1
    assert job.finished_at is not None and job.percent == 100
    client.post(reverse("ledger:import_confirm", args=[job.pk]))  # confirmed twice: imported once
    assert Body.objects.filter(name="潍坊市数字经济发展领导小组").count() == 1
    event = Body.objects.get(name="潍坊市数字经济发展领导小组").events.get()
    assert (event.source_label, event.source_url) == ("Excel导入：台账.xlsx", resp.url)
    assert event.recorded_by == city.bianban
    page = client.get(resp.url).content.decode()
    assert "导入成功" in page and "hx-get" not in page
    assert ImportJob.objects.get().original_name == "台账.xlsx"
    assert "台账.xlsx" in client.get(reverse("ledger:import")).content.decode()


@pytest.mark.django_db
def test_upload_bad_file_fails_and_lists_every_error(city, client_for, io_settings):
    client = client_for(city.bianban)
    before = counts()
    resp = upload(client, xlsx({GOV: [good_row(牵头部门="市大数据局"), good_row(机构名称="乙", 设立时间="昨天")]}),
                  city.city)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED
    assert counts() == before
    assert {(e["row"], e["column"]) for e in job.errors} >= {(2, "牵头部门"), (3, "设立时间")}
    page = client.get(resp.url).content.decode()
    assert "没有任何变化" in page
    assert "部门“市大数据局”在潍坊市不存在" in page and "第3行" in page and "问题清单" in page
    download = client.get(resp.url + "?download=errors")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert [c.value for c in ws[1]] == ["工作表", "行", "列", "问题"]
    assert ws.max_row == 1 + len([e for e in job.errors])


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content", "fragment"), [
    ("台账.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 50, "不是 .xlsx"),
    ("台账.xlsx", b"just text", "不是 Excel"),
    ("台账.csv", b"a,b", "另存为"),
])
def test_upload_of_a_non_xlsx_file_is_refused_on_the_page_without_a_job(city, client_for, io_settings, name,
                                                                        content, fragment):
    client = client_for(city.bianban)
    resp = upload(client, io.BytesIO(content), city.city, name=name)
    assert resp.status_code == 200
    assert fragment in resp.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_upload_over_the_size_limit_is_refused(city, client_for, io_settings):
    io_settings.YIXIE_IMPORT_MAX_BYTES = 100
    resp = upload(client_for(city.bianban), xlsx({GOV: [good_row()]}), city.city)
    assert "超过上限" in resp.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_upload_into_a_region_outside_the_users_scope_is_refused(city, client_for, io_settings):
    resp = upload(client_for(city.qz_bianban), xlsx({GOV: [good_row()]}), city.city)
    assert resp.status_code == 200 and "请选择您有权登记的区划" in resp.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_department_clerk_may_not_import(city, client_for, io_settings):
    client = client_for(city.clerk)
    assert client.get(reverse("ledger:import")).status_code == 403
    assert upload(client, xlsx({GOV: [good_row()]}), city.city).status_code == 403
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_import_post_without_csrf_token_is_refused(city, io_settings):
    client = Client(enforce_csrf_checks=True)
    client.force_login(city.bianban, backend="django.contrib.auth.backends.ModelBackend")
    resp = upload(client, xlsx({GOV: [good_row()]}), city.city)
    assert resp.status_code == 403
    assert not ImportJob.objects.exists() and not Body.objects.exists()


@pytest.mark.django_db
def test_only_the_jobs_creator_sees_its_status(city, client_for, io_settings):
    upload(client_for(city.bianban), xlsx({GOV: [good_row()]}), city.city)
    job = ImportJob.objects.get()
    assert client_for(city.qz_bianban).get(reverse("ledger:import_status", args=[job.pk])).status_code == 404
    assert client_for(city.admin).get(reverse("ledger:import_status", args=[job.pk])).status_code == 200


@pytest.mark.django_db
def test_status_page_polls_until_finished(city, client_for, io_settings):
    client = client_for(city.bianban)
    job = ImportJob.objects.create(created_by=city.bianban, region=city.city, original_name="a.xlsx",
                                   state=ImportJob.State.RUNNING, total_rows=200, processed_rows=50,
                                   confirmed_at=timezone.now())
    url = reverse("ledger:import_status", args=[job.pk])
    page = client.get(url).content.decode()
    assert 'hx-get="' + url + '?partial=1"' in page and 'hx-trigger="every 1s"' in page
    assert "25%" in page and "正在逐行检查" in page
    partial = client.get(url + "?partial=1").content.decode()
    assert partial.lstrip().startswith('<div id="import-progress"') and "<html" not in partial
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=150)
    assert "正在写入台账" in client.get(url + "?partial=1").content.decode()
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.SUCCEEDED, created_bodies=100)
    done = client.get(url + "?partial=1").content.decode()
    assert "hx-get" not in done and "导入成功" in done


@pytest.mark.django_db
def test_a_job_cut_off_by_a_restart_is_shown_as_failed(city, client_for, io_settings):
    job = ImportJob.objects.create(created_by=city.bianban, region=city.city, original_name="a.xlsx",
                                   state=ImportJob.State.RUNNING)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - STALE_AFTER * 2)
    page = client_for(city.bianban).get(reverse("ledger:import_status", args=[job.pk])).content.decode()
    assert "已中断" in page
    assert ImportJob.objects.get().state == ImportJob.State.FAILED


@pytest.mark.django_db
def test_crash_inside_the_job_ends_as_a_failed_job(city, client_for, io_settings, monkeypatch):
    def boom(*a, **kw):
        raise RuntimeError("boom")

    monkeypatch.setattr(excel, "import_workbook", boom)
    resp = upload(client_for(city.bianban), xlsx({GOV: [good_row()]}), city.city)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED and "意外错误" in job.message
    assert resp.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_import_is_queued_for_a_job_worker_not_run_in_the_web_process(settings, tmp_path):
    from django_q.brokers import get_broker
    from django_q.models import OrmQ
    from django_q.signing import SignedPackage

    from yixie.testing.factories import City

    city = City()
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    client.force_login(city.bianban, backend="django.contrib.auth.backends.ModelBackend")
    threads_before = set(threading.enumerate())
    resp = upload(client, xlsx({GOV: [good_row()]}), city.city)
    assert resp.status_code == 302
    assert set(threading.enumerate()) <= threads_before  # no thread started for the job
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.PENDING and not Body.objects.filter(name="潍坊市数字经济发展领导小组").exists()
    assert OrmQ.objects.count() == 1  # committed to the queue, waiting for a worker

    # What a worker does with it: take the package from the queue and run the function it names.
    [(ack_id, pack)] = get_broker().dequeue()
    task = SignedPackage.loads(pack)
    assert task["func"] == "yixie.ledger.tasks.run_import_job" and task["args"] == (job.pk,)
    from yixie.ledger.tasks import run_import_job

    run_import_job(*task["args"])
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEWED and job.attempts == 1, (job.message, job.errors)
    assert not Body.objects.filter(name="潍坊市数字经济发展领导小组").exists()
    # confirmed: queued again for a worker, which checks again and writes
    assert client.post(reverse("ledger:import_confirm", args=[job.pk])).status_code == 302
    [(ack_id2, pack)] = [x for x in get_broker().dequeue() if x[0] != ack_id]
    run_import_job(*SignedPackage.loads(pack)["args"])
    job.refresh_from_db()
    assert job.state == ImportJob.State.SUCCEEDED and job.attempts == 1, (job.message, job.errors)
    assert Body.objects.filter(name="潍坊市数字经济发展领导小组").exists()


# ---------------------------------------------------------------- export page

@pytest.mark.django_db
def test_export_page_downloads_the_filtered_ledger_with_a_chinese_file_name(ledger, city, client_for):
    resp = client_for(city.bianban).get(reverse("ledger:export"), {"category": "joint", "on": "2021-01-01"})
    assert resp.status_code == 200
    assert resp["Content-Type"] == XLSX
    disposition = resp["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E8%AE%AE%E4%BA%8B" in disposition and "2021-01-01.xlsx" in disposition
    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    assert wb.sheetnames == list(BodyCategory.labels)
    names = [r["机构名称"] for t in wb.sheetnames for r in sheet_rows(wb[t])]
    assert names == ["潍坊市安全生产联席会议"]


@pytest.mark.django_db
def test_export_page_with_a_bad_date_goes_back_to_the_list_with_a_message(city, client_for):
    client = client_for(city.bianban)
    resp = client.get(reverse("ledger:export"), {"on": "2021-02-30", "category": "joint"})
    assert resp.status_code == 302
    assert resp.url.startswith(reverse("ledger:body_list")) and "category=joint" in resp.url and "on=" not in resp.url
    msgs = [str(m) for m in resp.wsgi_request._messages]
    assert any("2021年2月只有28天" in m for m in msgs)


@pytest.mark.django_db
def test_export_page_is_scoped_to_the_user(ledger, city, client_for):
    resp = client_for(city.yj_clerk).get(reverse("ledger:export"))
    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    names = {r["机构名称"] for t in wb.sheetnames for r in sheet_rows(wb[t])}
    assert names == {"潍坊市安全生产联席会议"}


@pytest.mark.django_db
def test_template_download(city, client_for):
    resp = client_for(city.clerk).get(reverse("ledger:export"), {"template": "1"})
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    assert excel.INSTRUCTIONS_SHEET in wb.sheetnames
    assert all(wb[t].max_row == 1 for t in BodyCategory.labels)


@pytest.mark.django_db
def test_nobody_may_export(city, client_for):
    assert client_for(city.nobody).get(reverse("ledger:export")).status_code == 403


@pytest.mark.django_db
def test_export_is_refused_to_anonymous_users(client):
    resp = client.get(reverse("ledger:export"))
    assert resp.status_code == 302 and "/login/" in resp.url
