"""The demo's work rules and departments' 三定 duties, loaded through the product's services.

`load_department_duties(loader)` splits every demo department's 三定 text into duty rows (call it right after the
departments are created, so the overlap engine reads rows from the first application on).
`file_demo_work_rules(loader, until)` drafts, submits and files the work rules of six bodies in seven of those in
force on `until` (the share the loader marked filed before: body pk % 7 != 0), dated twenty days after setup;
it is idempotent (a body with filed rules or a version under way is left alone). Called when an evaluation
opens (it counts them) and at the end of the load; on the last call (`until` today) it also leaves one body whose
first version was returned once and then filed, and two bodies overdue today (a draft under way at
市发展和改革委员会, a version waiting for 编办's review)."""

from __future__ import annotations

import io
import time
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yixie.core.roles import Role
from yixie.ledger.choices import BodyStatus
from yixie.ledger.models import Body
from yixie.org.duties import DEFAULT_BASIS, duties_text, split_duties
from yixie.org.models import Department, DepartmentDuty, RoleAssignment
from yixie.rules import services
from yixie.rules.choices import WorkRulesStatus
from yixie.rules.models import WorkRules
from yixie.rules.services import TaskRow

FILED_AFTER_DAYS = 20
SAFETY = "市安全生产委员会"
RETURNED_EXAMPLE = "市预制菜产业发展工作领导小组"
#: Left overdue whatever its id (a draft under way at 市发展和改革委员会 today; the J5 journey completes it).
OVERDUE_DRAFT = "市现代物流业发展领导小组"
#: Filed whatever their ids (their work rules are the examples the pages and the disputes read).
ECOLOGY = "市生态环境保护委员会"  # the seed's example of 2021: its work rules filed (issue 12)
ALWAYS_FILED = (SAFETY, RETURNED_EXAMPLE, ECOLOGY)
FULL_MEETING = "原则上每年召开1次全体会议，研究部署年度重点工作；遇有重大事项，经主任（组长）同意可临时召开"
OFFICE_MEETING = "原则上每半年召开1次办公室会议（联络员会议），通报工作进展，协调推进具体事项"
NOTES = ("专题会议：根据工作需要，由副主任（副组长）或办公室主任召集有关成员单位研究专项工作。\n"
         "信息报送：各成员单位每半年向办公室报送1次工作进展，重要情况随时报送。\n"
         "督办落实：会议议定事项由办公室分解到有关成员单位，跟踪督办，按期通报落实情况。")

# 市安全生产委员会: a realistic division of duties (the disputes part's demo case changes the catering line).
SAFETY_TASKS = [
    ("研究部署、统筹协调全市安全生产工作，组织安全生产考核巡查", ["市应急管理局"], []),
    ("危险化学品安全监管和隐患排查整治", ["市应急管理局"], ["市工业和信息化局", "市公安局", "市交通运输局", "市市场监督管理局"]),
    ("道路交通安全管理", ["市公安局"], ["市交通运输局", "市应急管理局"]),
    ("城镇燃气安全监管", ["市住房和城乡建设局"], ["市应急管理局", "市市场监督管理局"]),
    ("餐饮等行业生产经营单位燃气安全监管", ["市住房和城乡建设局"], ["市市场监督管理局", "市应急管理局"]),
    ("建筑施工安全监管", ["市住房和城乡建设局"], ["市应急管理局"]),
    ("特种设备安全监管", ["市市场监督管理局"], ["市应急管理局"]),
    ("农业机械和渔业生产安全监管", ["市农业农村局"], ["市应急管理局"]),
    ("地质灾害防治和矿产资源开发安全监管", ["市自然资源和规划局"], ["市应急管理局"]),
    ("水利工程建设和运行安全监管", ["市水利局"], ["市应急管理局"]),
    ("火灾防控和应急救援", ["市消防救援支队"], ["市应急管理局", "市公安局"]),
]
SAFETY_DUTIES = {
    "市应急管理局": "承担市安全生产委员会办公室日常工作；负责安全生产综合监督管理和工矿商贸行业安全生产监督管理，"
                "牵头危险化学品安全监管，组织安全生产考核巡查和生产安全事故调查处理。",
    "市公安局": "负责道路交通安全管理和民用爆炸物品公共安全管理，依法查处危害公共安全的违法行为。",
    "市消防救援支队": "负责火灾预防、消防监督执法和火灾扑救，参与生产安全事故应急救援。",
    "市住房和城乡建设局": "负责房屋建筑和市政基础设施工程施工安全监管，负责城镇燃气行业安全监管，"
                     "指导燃气经营企业落实安全生产主体责任。",
    "市工业和信息化局": "负责指导工业企业安全生产工作，配合做好危险化学品生产企业布局规划和安全监管。",
    "市市场监督管理局": "负责特种设备安全监督管理，负责燃气器具等产品质量监管，配合做好餐饮等行业燃气使用安全检查。",
    "市交通运输局": "负责道路运输、水路运输和交通建设工程安全生产监管，配合做好危险货物运输安全监管。",
    "市农业农村局": "负责农业机械、渔业船舶和农业生产安全监管。",
    "市自然资源和规划局": "负责地质灾害防治和矿产资源开发利用中的安全监管有关工作。",
    "市水利局": "负责水利工程建设和运行安全监管，承担水旱灾害防御有关工作。",
}


# ---------------------------------------------------------------- 三定 duties

def load_department_duties(loader=None) -> int:
    """Every demo department's 三定 text as duty rows (basis 三定规定), and the text rewritten as their derived
    form: in bulk (the same split as org's data migration and `org.duties.duties_from_text`)."""
    have = set(DepartmentDuty.objects.values_list("department_id", flat=True).distinct())
    rows, changed = [], []
    for dept in Department.objects.exclude(duties="").exclude(pk__in=have).order_by("id"):
        texts = split_duties(dept.duties)
        rows += [DepartmentDuty(department=dept, ordinal=i, text=t, basis=DEFAULT_BASIS) for i, t in enumerate(texts, 1)]
        dept.duties = duties_text(texts)
        changed.append(dept)
    with transaction.atomic():
        DepartmentDuty.objects.bulk_create(rows, batch_size=500)
        Department.objects.bulk_update(changed, ["duties"], batch_size=500)
    if loader is not None and hasattr(loader, "log"):
        loader.log(f"部门三定职责 {len(rows)} 条（{len(changed)} 个部门）")
    return len(rows)


# ---------------------------------------------------------------- files

def _pdf(lines: list[str]) -> bytes:
    """A small valid PDF (Adobe's predefined Chinese font STSong-Light, so no font file is embedded)."""
    text = []
    y = 780
    for i, line in enumerate(lines):
        size = 18 if i == 0 else 11
        text.append(f"BT /F1 {size} Tf 60 {y} Td <{line.encode('utf-16-be').hex()}> Tj ET")
        y -= 34 if i == 0 else 18
    stream = "\n".join(text).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _rules_pdf(body: Body, kind: str) -> SimpleUploadedFile:
    lines = [f"{body.name}{kind}", "（演示数据：根据机构台账生成的示例文本）", "",
             "第一条 为规范本机构运行，根据有关规定，制定本规则。",
             f"第二条 本机构办公室设在{body.office_department.name}。",
             "第三条 全体会议原则上每年召开1次，办公室会议原则上每半年召开1次。",
             "第四条 各成员单位按照职责分工，主动承担有关工作任务。"]
    return SimpleUploadedFile(f"{body.name}{kind}.pdf", _pdf(lines), content_type="application/pdf")


def _safety_docx(body: Body, tasks) -> SimpleUploadedFile:
    from docx import Document as Docx

    doc = Docx()
    doc.add_heading(f"{body.name}工作规则", level=1)
    doc.add_paragraph("（演示数据：示例文本，不是正式文件）")
    doc.add_paragraph("第一条 为进一步加强全市安全生产工作的统筹协调，明确成员单位职责分工，制定本规则。")
    doc.add_paragraph(f"第二条 {body.name}办公室设在{body.office_department.name}，承担委员会日常工作。")
    doc.add_paragraph(f"第三条 会议制度。{FULL_MEETING}；{OFFICE_MEETING}。")
    doc.add_paragraph("第四条 工作任务分工如下：")
    table = doc.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("工作任务", "主办单位", "协办单位"), strict=True):
        cell.text = text
    for text, principal, assisting in tasks:
        row = table.add_row().cells
        row[0].text, row[1].text, row[2].text = text, "、".join(principal), "、".join(assisting)
    doc.add_paragraph("第五条 成员单位职责：")
    for name, duty in SAFETY_DUTIES.items():
        doc.add_paragraph(f"{name}：{duty}")
    buf = io.BytesIO()
    doc.save(buf)
    return SimpleUploadedFile(f"{body.name}工作规则.docx", buf.getvalue())


# ---------------------------------------------------------------- content

def _generic_content(body: Body, units: dict[int, Department], members: list[Department]):
    sentences = [s for s in split_duties(body.duties) if len(s) >= 6] or [f"统筹协调{body.name}职责范围内的工作"]
    n = 1 + body.pk % 3
    tasks: list[TaskRow] = []
    for i, text in enumerate(sentences[:n]):
        assisting = [m.pk for j, m in enumerate(members) if j % n == i and m.pk != body.lead_department_id]
        tasks.append(TaskRow(text[:300], [body.lead_department_id], assisting))
    # every member assists on at least one task (a member left out of the round robin joins the first)
    named = {d for t in tasks for d in t.principal + t.assisting}
    tasks[0].assisting += [m.pk for m in members if m.pk not in named]
    short = body.short_name or body.name
    duties = {m.pk: f"{m.name}按照职责分工，负责{short}部署的本系统、本行业有关工作，确定1名联络员，"
                    f"按时报送工作进展情况。" for m in members}
    if body.lead_department_id in duties:
        duties[body.lead_department_id] = (f"{units[body.lead_department_id].name}作为牵头部门，负责{short}"
                                           "日常工作的组织协调，督促落实会议议定事项。")
    return tasks, duties


def _safety_content(body: Body, units: dict[int, Department], members: list[Department]):
    by_name = {d.name: d.pk for d in units.values()}
    tasks, kept = [], []
    for text, principal, assisting in SAFETY_TASKS:
        p = [by_name[n] for n in principal if n in by_name]
        if not p:
            continue
        tasks.append(TaskRow(text, p, [by_name[n] for n in assisting if n in by_name and n not in principal]))
        kept.append((text, [n for n in principal if n in by_name], [n for n in assisting if n in by_name]))
    member_ids = {m.pk for m in members}
    duties = {by_name[n]: d for n, d in SAFETY_DUTIES.items() if n in by_name and by_name[n] in member_ids}
    return tasks, duties, kept


# ---------------------------------------------------------------- filing

def _users():
    User = get_user_model()
    by_name = {u.username: u for u in User.objects.filter(username__in=["bianban", "fagaiwei", "fagaiwei_hr",
                                                                          "nongye", "nongye_hr"])}
    county = {}
    for ra in RoleAssignment.objects.filter(role=Role.ESTABLISHMENT, region__level="county").select_related("user"):
        county.setdefault(ra.region_id, ra.user)
    return by_name, county


def _draft(body: Body, *, clerk=None):
    """A complete draft of the body's first version (content built from the body), by `clerk` (or the system)."""
    units = services.allowed_units(body)
    members = services.member_units(body)
    wr = services.draft_create(actor=clerk, body=body)
    if body.name == SAFETY:
        tasks, duties, kept = _safety_content(body, units, members)
        uploaded = _safety_docx(body, kept)
    else:
        tasks, duties = _generic_content(body, units, members)
        uploaded = _rules_pdf(body, wr.get_kind_display())
    return services.draft_save(
        actor=clerk, work_rules=wr, expected_version=wr.version, uploaded=uploaded,
        texts={"full_meeting": FULL_MEETING, "office_meeting": OFFICE_MEETING, "meeting_notes": NOTES,
               "office_duties": f"承担{body.name}日常工作，组织筹备全体会议和办公室会议，督促落实会议议定事项，"
                                "协调成员单位开展工作，完成交办的其他事项。"},
        tasks=tasks, member_duties=duties)


def file_demo_work_rules(loader, until: date) -> int:
    """Drafted, submitted and filed through the rules services for the share of bodies in force on `until`
    (pk % 7 != 0), dated setup + 20 days; idempotent. Returns how many were filed."""
    started = time.monotonic()
    users, county = _users()
    bianban = users.get("bianban")
    today = timezone.localdate()
    bodies = (Body.objects.filter(status=BodyStatus.ACTIVE, work_rules_filed_on__isnull=True,
                                  established_on__lte=until - timedelta(days=FILED_AFTER_DAYS))
              .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=until))
              .exclude(work_rules__status__in=services.OPEN)
              .select_related("region", "office_department", "lead_department").order_by("id"))
    filed = 0
    for body in bodies:
        # ids depend on what was loaded before (a test database keeps its sequences across flushes): the
        # examples are chosen by name, the rest by id
        if body.name not in ALWAYS_FILED and (body.name == OVERDUE_DRAFT or body.pk % 7 == 0):
            continue
        on = body.established_on + timedelta(days=FILED_AFTER_DAYS)
        reviewer = bianban if body.region.level == "city" else county.get(body.region_id, bianban)
        with transaction.atomic():
            if body.name == RETURNED_EXAMPLE:
                _returned_once(body, on, reviewer, users)
            else:
                wr = _draft(body)
                wr = services.submit(actor=None, work_rules=wr, expected_version=wr.version, on=on)
                services.file_rules(actor=reviewer, work_rules=wr, expected_version=wr.version, on=on)
        filed += 1
    if until >= today:
        _overdue_examples(users, bianban)
    if loader is not None and hasattr(loader, "log"):
        loader.log(f"工作规则备案 {filed} 个（{time.monotonic() - started:.1f} 秒）")
    return filed


def _returned_once(body: Body, on: date, reviewer, users) -> None:
    """The first version returned by 编办 with its reasons, amended by the host department and filed."""
    host_clerk = users.get("nongye") if body.office_department.name == "市农业农村局" else None
    host_hr = users.get("nongye_hr") if host_clerk else None
    wr = _draft(body, clerk=host_clerk)
    # the first submission left the member units' duties out: only the tasks said who does what
    first_duties = {}
    wr = services.draft_save(actor=host_clerk, work_rules=wr, expected_version=wr.version,
                             member_duties=first_duties)
    wr = services.submit(actor=host_hr, work_rules=wr, expected_version=wr.version, on=on - timedelta(days=12))
    wr = services.return_rules(actor=reviewer, work_rules=wr, expected_version=wr.version, on=on - timedelta(days=8),
                               reason="成员单位职责未逐一写明，请补充各成员单位在预制菜产业发展中的具体职责；"
                                      "办公室会议制度请明确召开频次。")
    members = services.member_units(body)
    duties = {m.pk: f"{m.name}负责预制菜产业发展中本部门职责范围内的政策支持、行业指导和监管服务，"
                    "按季度报送工作进展。" for m in members}
    wr = services.draft_save(actor=host_clerk, work_rules=wr, expected_version=wr.version, member_duties=duties,
                             texts={"office_meeting": "原则上每季度召开1次办公室会议，研究推进产业链招商、"
                                                      "原料基地和冷链物流建设等具体事项"})
    wr = services.submit(actor=host_hr, work_rules=wr, expected_version=wr.version, on=on - timedelta(days=2))
    services.file_rules(actor=reviewer, work_rules=wr, expected_version=wr.version, on=on,
                        note="已按要求补充成员单位职责，予以备案。")


def _overdue_examples(users, bianban) -> None:
    """Two city bodies overdue today, each with a version under way: a draft at 市发展和改革委员会 and one
    waiting for 编办's review (so both roles find work on their pages)."""
    late = (Body.objects.filter(status=BodyStatus.ACTIVE, work_rules_filed_on__isnull=True, region__level="city",
                                work_rules_due_on__lt=timezone.localdate())
            .exclude(work_rules__isnull=False).select_related("region", "office_department").order_by("id"))
    if WorkRules.objects.filter(body__region__level="city", body__work_rules_filed_on__isnull=True,
                                status__in=(WorkRulesStatus.DRAFT, WorkRulesStatus.SUBMITTED)).count() >= 2:
        return
    fgw = late.filter(name=OVERDUE_DRAFT).first() or late.filter(office_department__name="市发展和改革委员会").first()
    if fgw is not None:
        _draft(fgw, clerk=users.get("fagaiwei"))
    other = late.exclude(pk=getattr(fgw, "pk", None)).filter(office_department__name="市农业农村局").first() \
        or late.exclude(pk=getattr(fgw, "pk", None)).first()
    if other is not None:
        wr = _draft(other, clerk=users.get("nongye") if other.office_department.name == "市农业农村局" else None)
        hr = users.get("nongye_hr") if other.office_department.name == "市农业农村局" else None
        services.submit(actor=hr, work_rules=wr, expected_version=wr.version)
