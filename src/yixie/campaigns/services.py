"""Writes of a review campaign (定期调整): open, report, submit, review, settle, deliberate, publish.

Who may call each is decided by the views (the registered actions and the user's scope); what is allowed
in which phase, and every rule about the content, is checked here, so a form, a job and the demo meet the
same rules. Publication writes every change to the ledger in one transaction through the ledger's bulk
change path, citing the published list's document.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from yixie.core import audit, notifications
from yixie.core import proposals as intake
from yixie.core.audit import snapshot
from yixie.core.dates import format_date_zh, format_datetime_zh
from yixie.core.errors import DomainError
from yixie.core.files import UploadError, check_upload
from yixie.ledger import services as ledger
from yixie.ledger.choices import ENDED_STATUSES, BodyCategory, BodyStatus, MemberRole
from yixie.ledger.models import Body, Document, LedgerEvent
from yixie.ledger.policy import PolicyViolation
from yixie.ledger.state import dept_ref, member_ref
from yixie.org.choices import RegionLevel
from yixie.org.models import Department, Region
from yixie.org.scopes import scope_for

from .choices import (
    DOWNGRADE_TO,
    ENDING,
    EVENT_OF,
    PHASE_ORDER,
    Action,
    ItemOrigin,
    Meeting,
    Office,
    Phase,
    Reason,
    ReportStatus,
    Verdict,
)
from .models import Campaign, CampaignItem, Deliberation, DepartmentReport, ItemOpinion

SOURCE = "campaigns"


class CampaignError(DomainError):
    pass


def _today() -> date:
    return timezone.localdate()


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _refuse(message: str, field: str | None = None):
    raise CampaignError(message, field)


def meeting_label(region: Region, meeting: str) -> str:
    """市委常委会会议 / 青州市政府常务会议: the meeting of the region's Party committee or government."""
    if region.level == RegionLevel.PROVINCE:
        prefix = "省"
    elif region.level == RegionLevel.CITY:
        prefix = "市"
    else:
        prefix = region.name
    return f"{prefix}委常委会会议" if meeting == Meeting.PARTY else f"{prefix}政府常务会议"


# ---- opening ---------------------------------------------------------------------------------------------

def _check_deadlines(deadlines: dict, snapshot_on: date) -> dict:
    out = {}
    last = None
    for phase in PHASE_ORDER:
        value = deadlines.get(phase)
        if not value:
            continue
        d = value if isinstance(value, date) else date.fromisoformat(str(value))
        if last and d < last[1]:
            _refuse(f"“{Phase(phase).label}”阶段的截止日期{format_date_zh(d)}早于“{Phase(last[0]).label}”阶段的"
                    f"{format_date_zh(last[1])}，请按阶段顺序填写。", f"deadline_{phase}")
        if d < snapshot_on:
            _refuse(f"“{Phase(phase).label}”阶段的截止日期不能早于台账快照日期{format_date_zh(snapshot_on)}。",
                    f"deadline_{phase}")
        out[phase] = d.isoformat()
        last = (phase, d)
    if Phase.REPORTING not in out:
        _refuse("请填写“汇总提报”阶段的截止日期（部门报送自评报告的期限）。", f"deadline_{Phase.REPORTING}")
    return out


@transaction.atomic
def campaign_open(*, actor, region: Region, year: int, title: str, categories: Iterable[str], snapshot_on: date,
                  deadlines: dict, plan_document: Document | None = None, counties: Iterable[Region] = (),
                  parent: Campaign | None = None) -> Campaign:
    """Open a campaign for a region as of its ledger snapshot; with `counties`, a part for each (市县联动)."""
    categories = sorted(set(categories))
    if not categories:
        _refuse("请至少选择一类纳入调整规范范围的机构。", "categories")
    if not title.strip():
        _refuse("请填写行动名称。", "title")
    if snapshot_on > _today():
        _refuse(f"台账快照日期{format_date_zh(snapshot_on)}晚于今天：快照只能取已发生的台账。", "snapshot_on")
    if Campaign.objects.filter(region=region, year=year).exists():
        _refuse(f"{region.name}{year}年的调整规范行动已经发起，不能重复发起。", "year")
    deadlines = _check_deadlines(deadlines, snapshot_on)
    campaign = Campaign.objects.create(
        region=region, parent=parent, year=year, title=title.strip(), categories=categories,
        plan_document=plan_document, snapshot_on=snapshot_on, phase=Phase.SORTING, deadlines=deadlines,
        opened_by=_user(actor))
    n = _take_snapshot(campaign)
    audit.record(actor=actor, action="发起调整规范行动", target=campaign, after=snapshot(campaign),
                 reason=f"纳入清单机构{n}个")
    for county in counties:
        if county.parent_id != region.pk:
            _refuse(f"{county.name}不是{region.name}的下辖区划。", "counties")
        campaign_open(actor=actor, region=county, year=year, title=f"{county.name}{title.strip().removeprefix(region.name)}",
                      categories=categories, snapshot_on=snapshot_on, deadlines=deadlines, plan_document=plan_document,
                      parent=campaign)
    return campaign


def _take_snapshot(campaign: Campaign) -> int:
    """Every body of the region in the chosen categories in force on the snapshot date becomes an item, and
    each lead department gets its (empty) report."""
    events = list(LedgerEvent.objects.in_force_on(campaign.snapshot_on)
                  .filter(region=campaign.region, status=BodyStatus.ACTIVE, category__in=campaign.categories)
                  .only("id", "body_id", "name", "category", "sequence", "lead_department_id", "state")
                  .order_by("lead_department_id", "name"))
    dept_ids = sorted({e.lead_department_id for e in events})
    DepartmentReport.objects.bulk_create(DepartmentReport(campaign=campaign, department_id=d) for d in dept_ids)
    reports = dict(DepartmentReport.objects.filter(campaign=campaign).values_list("department_id", "id"))
    CampaignItem.objects.bulk_create(
        (CampaignItem(campaign=campaign, body_id=e.body_id, department_id=e.lead_department_id,
                      report_id=reports[e.lead_department_id], name=e.name, category=e.category, sequence=e.sequence,
                      state=e.state, state_event_id=e.pk) for e in events), batch_size=1000)
    return len(events)


def _locked(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().select_related("region").get(pk=campaign.pk)


def _bump(campaign: Campaign) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(version=F("version") + 1)
    campaign.version += 1


# ---- phases ----------------------------------------------------------------------------------------------

@transaction.atomic
def campaign_advance(*, actor, campaign: Campaign, to: str, expected_version: int | None = None,
                     on: date | None = None) -> Campaign:
    """Move the campaign to its next phase, once what that phase needs is there."""
    campaign = _locked(campaign)
    if expected_version is not None and expected_version != campaign.version:
        _refuse("该行动已被他人更新，请刷新页面后再操作。")
    order = PHASE_ORDER
    if to not in order or order.index(to) != order.index(campaign.phase) + 1:
        _refuse(f"当前处于“{campaign.get_phase_display()}”阶段，不能转入“{Phase(to).label if to in order else to}”。")
    if to == Phase.PUBLISHED:
        _refuse("发文公布请在“发文公布”页面登记文号后办理。")
    before = snapshot(campaign)
    if to == Phase.REVIEW:
        refreshed = items_bring_up_to_date(actor=actor, campaign=campaign)
        note = f"快照后发生变化的机构{refreshed}个已更新到最新状态" if refreshed else ""
    elif to == Phase.DELIBERATION:
        unsettled = list(campaign.items.filter(final_action="").values_list("name", flat=True)[:6])
        if unsettled:
            more = campaign.items.filter(final_action="").count()
            _refuse(f"还有{more}个机构的调整意见未审定（{'、'.join(unsettled)}{'等' if more > 6 else ''}），"
                    "请先完成联合审核、协调一致后再提交会议研究。")
        campaign.opinion_on = on or _today()
        note = "形成调整规范意见"
    else:
        note = ""
    campaign.phase = to
    campaign.save(update_fields=["phase", "opinion_on", "updated_at"])
    _bump(campaign)
    audit.record(actor=actor, action=f"转入{Phase(to).label}阶段", target=campaign, before=before,
                 after=snapshot(campaign), reason=note)
    return campaign


def items_changed_after_snapshot(campaign: Campaign):
    """Items whose body's history moved on since the state the item holds (a published application, say)."""
    current = LedgerEvent.objects.filter(is_void=False, valid_until__isnull=True)
    latest = dict(current.filter(body_id__in=campaign.items.values("body_id")).values_list("body_id", "id"))
    return [i for i in campaign.items.only("id", "campaign_id", "body_id", "state_event_id")
            if latest.get(i.body_id) and latest[i.body_id] != i.state_event_id]


def items_bring_up_to_date(*, actor, campaign: Campaign) -> int:
    """Bring each changed item to the body's latest state, flagged so the offices see it changed."""
    changed = items_changed_after_snapshot(campaign)
    if not changed:
        return 0
    latest = {e.body_id: e for e in LedgerEvent.objects.filter(
        body_id__in=[i.body_id for i in changed], is_void=False, valid_until__isnull=True)}
    now = timezone.now()
    for item in CampaignItem.objects.filter(pk__in=[i.pk for i in changed]):
        e = latest[item.body_id]
        before = {"name": item.name, "state_event": item.state_event_id}
        item.name, item.category, item.sequence, item.state, item.state_event = \
            e.name, e.category, e.sequence, e.state, e
        item.changed_after_snapshot = True
        item.refreshed_at = now
        if e.status in ENDED_STATUSES:
            # The body ended meanwhile (an approved abolition): nothing is left for the list to change.
            item.final_action = item.final_action or Action.KEEP
            item.final_note = item.final_note or f"快照后已于{format_date_zh(e.effective_on)}{e.get_kind_display()}，不再列入清单"
        item.version += 1
        item.save()
        audit.record(actor=actor, action="更新清单事项", target=item, before=before,
                     after={"name": item.name, "state_event": e.pk}, body_id=item.body_id,
                     reason="机构在快照后发生变化")
    return len(changed)


# ---- the department's reports --------------------------------------------------------------------------

@dataclass(frozen=True)
class Proposal:
    """An action with what it needs: the body to merge into, the new name, the new lead department."""

    action: str
    merge_into: Body | None = None
    new_name: str = ""
    new_department: Department | None = None


def _check_proposal(item: CampaignItem, p: Proposal, *, who: str = "") -> Proposal:
    name = item.name
    if p.action not in Action.values:
        _refuse(f"“{name}”：请选择调整方式。", "action")
    campaign = item.campaign
    if p.action == Action.MERGE:
        target = p.merge_into
        if target is None:
            _refuse(f"“{name}”：选择“合并”时请选择并入的机构。", "merge_into")
        if target.pk == item.body_id:
            _refuse(f"“{name}”不能并入它自己。", "merge_into")
        if target.region_id != campaign.region_id:
            _refuse(f"“{name}”：并入的机构“{target.name}”不属于{campaign.region.name}，只能并入本级机构。", "merge_into")
        if target.status != BodyStatus.ACTIVE:
            _refuse(f"“{name}”：并入的机构“{target.name}”已{target.get_status_display()}，不能并入。", "merge_into")
        other = campaign.items.filter(body=target).first()
        if other is not None:
            ends = other.final_action or other.action
            if ends in ENDING:
                _refuse(f"“{name}”：并入的机构“{target.name}”本次拟{Action(ends).label}，不能再作为并入对象。",
                        "merge_into")
        return Proposal(p.action, merge_into=target)
    if p.action == Action.RENAME or (p.action in DOWNGRADE_TO and (p.new_name or "").strip()):
        # A rename; or a downgrade that also takes a name of its new form (市…联席会议), optional.
        if p.action in DOWNGRADE_TO and DOWNGRADE_TO[p.action][0] == item.category:
            _refuse(f"“{name}”已是{BodyCategory(item.category).label}，无需{Action(p.action).label}。", "action")
        new = (p.new_name or "").strip()
        if not new:
            _refuse(f"“{name}”：选择“更名”时请填写新名称。", "new_name")
        if new == item.name:
            _refuse(f"“{name}”：新名称与现名称相同。", "new_name")
        try:
            ledger.check_name_free(region=campaign.region, name=new, on=_today(), exclude_body_id=item.body_id)
        except DomainError as exc:
            _refuse(f"“{name}”：{exc.message}", "new_name")
        clash = (campaign.items.exclude(pk=item.pk).filter(final_new_name=new).first()
                 or campaign.items.exclude(pk=item.pk).filter(new_name=new, final_action="").first())
        if clash is not None:
            _refuse(f"“{name}”：新名称“{new}”已是本次清单中“{clash.name}”拟用的名称。", "new_name")
        return Proposal(p.action, new_name=new)
    if p.action == Action.REAFFILIATE:
        d = p.new_department
        if d is None:
            _refuse(f"“{name}”：选择“调整隶属关系”时请选择新的牵头部门。", "new_department")
        if d.region_id != campaign.region_id:
            _refuse(f"“{name}”：新的牵头部门“{d.name}”不属于{campaign.region.name}。", "new_department")
        if d.ended_on and d.ended_on <= _today():
            _refuse(f"“{name}”：新的牵头部门“{d.name}”已于{format_date_zh(d.ended_on)}撤销。", "new_department")
        current = (item.state.get("lead_department") or {}).get("id")
        if d.pk == current:
            _refuse(f"“{name}”：新的牵头部门与现牵头部门相同。", "new_department")
        return Proposal(p.action, new_department=d)
    if p.action in DOWNGRADE_TO and DOWNGRADE_TO[p.action][0] == item.category:
        _refuse(f"“{name}”已是{BodyCategory(item.category).label}，无需{Action(p.action).label}。", "action")
    return Proposal(p.action)


def _check_department(actor, department: Department, action: str, what: str) -> None:
    """Only the department itself (its clerks for reports, its HR section for submission) writes its report;
    a host department that sees a body read-only is refused. `actor=None` is the system (the demo)."""
    if actor is None or getattr(actor, "is_superuser", False):
        return
    if department.pk not in scope_for(actor, action).department_ids:
        _refuse(f"{what}只能由牵头部门{department.name}填报。", "department")


def _editable_by_department(item: CampaignItem) -> None:
    campaign = item.campaign
    if campaign.phase not in (Phase.SORTING, Phase.REPORTING):
        _refuse(f"行动已进入“{campaign.get_phase_display()}”阶段，部门自评不能再修改。")
    if item.report.status == ReportStatus.SUBMITTED:
        _refuse(f"{item.report.department.name}的自评报告已报送，如需修改请联系编办退回。")


def _check_count(value, label: str, name: str, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        n = int(str(value).strip())
    except ValueError:
        _refuse(f"“{name}”：{label}应填写整数，收到“{str(value)[:20]}”。", field)
    if n < 0 or n > 100000:
        _refuse(f"“{name}”：{label}应在0到100000之间。", field)
    return n


@transaction.atomic
def item_report(*, actor, item: CampaignItem, action: str, reason: str = "", reason_text: str = "",
                merge_into: Body | None = None, new_name: str = "", new_department: Department | None = None,
                leader_changes: str = "", member_changes: str = "", basis: str = "", meetings_held=None,
                documents_issued=None, tasks_done: str = "", expected_version: int | None = None) -> CampaignItem:
    """The department's self-report on one body it leads (its business section fills it in)."""
    item = CampaignItem.objects.select_for_update().select_related("campaign__region", "report__department").get(
        pk=item.pk)
    if expected_version is not None and expected_version != item.version:
        _refuse(f"“{item.name}”的自评已被他人修改{f'（{format_datetime_zh(item.reported_at)}）' if item.reported_at else ''}，"
                "请刷新页面，在最新内容上修改。")
    _check_department(actor, item.department, "campaign.report", f"“{item.name}”的自评")
    _editable_by_department(item)
    p = _check_proposal(item, Proposal(action, merge_into, new_name, new_department))
    if action != Action.KEEP and reason not in Reason.values:
        _refuse(f"“{item.name}”：拟{Action(action).label}的，请选择理由。", "reason")
    if reason == Reason.OTHER and not reason_text.strip():
        _refuse(f"“{item.name}”：理由选择“其他”的，请写明理由。", "reason_text")
    meetings = _check_count(meetings_held, "会议次数", item.name, "meetings_held")
    documents = _check_count(documents_issued, "印发文件数", item.name, "documents_issued")
    before = snapshot(item)
    item.action = p.action
    item.reason = reason if reason in Reason.values else ""
    item.reason_text = reason_text.strip()
    item.merge_into = p.merge_into
    item.new_name = p.new_name
    item.new_department = p.new_department
    item.leader_changes = leader_changes.strip()
    item.member_changes = member_changes.strip()
    item.basis = basis.strip()
    item.meetings_held = meetings
    item.documents_issued = documents
    item.tasks_done = tasks_done.strip()
    item.reported_by = _user(actor)
    item.reported_at = timezone.now()
    item.version += 1
    item.save()
    audit.record(actor=actor, action="填报部门自评", target=item, before=before, after=snapshot(item),
                 body_id=item.body_id)
    return item


@transaction.atomic
def report_submit(*, actor, report: DepartmentReport, inspection=None, note: str = "",
                  on: date | None = None) -> DepartmentReport:
    """The HR section checks the whole report and submits it with the self-inspection report (自查报告)."""
    report = DepartmentReport.objects.select_for_update().select_related("campaign__region", "department").get(
        pk=report.pk)
    campaign = report.campaign
    _check_department(actor, report.department, "campaign.submit", "自评报告的报送")
    if campaign.phase not in (Phase.SORTING, Phase.REPORTING):
        _refuse(f"行动已进入“{campaign.get_phase_display()}”阶段，不能再报送自评报告。")
    if report.status == ReportStatus.SUBMITTED:
        _refuse(f"{report.department.name}的自评报告已于{format_date_zh(report.submitted_on)}报送。")
    missing = list(report.items.filter(action="").values_list("name", flat=True))
    if missing:
        _refuse(f"还有{len(missing)}个机构未填写自评：{'、'.join(missing[:8])}{'等' if len(missing) > 8 else ''}。"
                "请全部填写后再报送。", "items")
    if inspection is None and not report.inspection:
        _refuse("请上传自查报告（PDF、OFD或Word文件）。", "inspection")
    before = snapshot(report)
    if inspection is not None:
        try:
            checked = check_upload(inspection, allowed=(".pdf", ".ofd", ".docx"),
                                   max_bytes=settings.YIXIE_UPLOAD_MAX_BYTES, what="自查报告")
        except UploadError as exc:
            _refuse(str(exc), "inspection")
        report.inspection.save(checked.name, inspection, save=False)
        report.inspection_name = checked.name
    on = on or _today()
    if on < campaign.snapshot_on:
        _refuse("报送日期不能早于台账快照日期。", "on")
    report.status = ReportStatus.SUBMITTED
    report.submitted_on = on
    report.submitted_at = timezone.now()
    report.submitted_by = _user(actor)
    report.note = note.strip()
    report.version += 1
    report.save()
    late = report_is_late(report, campaign)
    audit.record(actor=actor, action="报送部门自评报告", target=report, before=before, after=snapshot(report),
                 reason="逾期报送" if late else "")
    return report


def report_is_late(report: DepartmentReport, campaign: Campaign, today: date | None = None) -> bool:
    due = campaign.deadline(Phase.REPORTING)
    if due is None:
        return False
    if report.status == ReportStatus.SUBMITTED:
        return bool(report.submitted_on and report.submitted_on > due)
    return (today or _today()) > due


@transaction.atomic
def report_return(*, actor, report: DepartmentReport, reason: str) -> DepartmentReport:
    """编办 sends a submitted report back for completion, with the reason."""
    report = DepartmentReport.objects.select_for_update().select_related("campaign", "department").get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        _refuse(f"{report.department.name}的自评报告尚未报送，无需退回。")
    if report.campaign.phase not in (Phase.SORTING, Phase.REPORTING, Phase.REVIEW):
        _refuse(f"行动已进入“{report.campaign.get_phase_display()}”阶段，不能再退回部门报告。")
    if not reason.strip():
        _refuse("请写明退回理由。", "reason")
    before = snapshot(report)
    report.status = ReportStatus.RETURNED
    report.returned_reason = reason.strip()
    report.version += 1
    report.save()
    audit.record(actor=actor, action="退回部门自评报告", target=report, before=before, after=snapshot(report),
                 reason=reason)
    return report


def reports_remind(*, actor, campaign: Campaign, recipients_of, url: str = "") -> int:
    """Tell the late departments (their clerks and HR sections) that their report is due or overdue.

    `recipients_of(department_ids) -> {department id: [user ids]}` is given by the caller (who knows the
    users of a department); returns how many departments were reminded."""
    late = [r for r in campaign.reports.select_related("department").exclude(status=ReportStatus.SUBMITTED)]
    users = recipients_of([r.department_id for r in late])
    due = campaign.deadline(Phase.REPORTING)
    stamp = timezone.now()
    for r in late:
        notifications.notify(
            recipients=users.get(r.department_id, []), source=SOURCE,
            key=f"campaign:{campaign.pk}:remind:{r.department_id}:{stamp:%Y%m%d%H%M}",
            title=f"请报送{campaign.title}的部门自评报告",
            text=f"报送期限为{format_date_zh(due)}。" if due else "", url=url)
    DepartmentReport.objects.filter(pk__in=[r.pk for r in late]).update(reminded_at=stamp)
    audit.record(actor=actor, action="催报部门自评报告", target=campaign, reason=f"{len(late)}个部门")
    return len(late)


# ---- the joint review ----------------------------------------------------------------------------------

def effective(item: CampaignItem, opinion: ItemOpinion | None = None) -> tuple:
    """What an office's opinion (or, without one, the department's report) means for the body, as a
    comparable tuple: the action and what it needs."""
    if opinion is None:
        return (item.action, item.merge_into_id, item.new_name, item.new_department_id) if item.action else ()
    if opinion.verdict == Verdict.AGREE:
        return effective(item)
    if opinion.verdict == Verdict.DISAGREE:
        return (Action.KEEP, None, "", None)
    return (opinion.action, opinion.merge_into_id, opinion.new_name, opinion.new_department_id)


def item_conflict(item: CampaignItem, opinions: Iterable[ItemOpinion]) -> bool:
    """The department and the offices do not all mean the same thing (only once every office has spoken, or
    where an office already differs)."""
    wanted = {effective(item, o) for o in opinions}
    if item.action:
        wanted.add(effective(item))
    return len(wanted) > 1


@transaction.atomic
def opinion_give(*, actor, item: CampaignItem, office: str, verdict: str, action: str = "", reason: str = "",
                 merge_into: Body | None = None, new_name: str = "", new_department: Department | None = None
                 ) -> ItemOpinion:
    """One office's opinion on one body. Agreeing with a department that reported nothing is not possible:
    the office says what should happen (编办 may propose an action the department did not)."""
    item = CampaignItem.objects.select_for_update().select_related("campaign__region").get(pk=item.pk)
    if item.campaign.phase != Phase.REVIEW:
        _refuse(f"行动处于“{item.campaign.get_phase_display()}”阶段，联合审核尚未开始或已经结束。")
    if office not in Office.values:
        _refuse("审核单位不正确。", "office")
    if verdict not in Verdict.values:
        _refuse(f"“{item.name}”：请选择审核意见。", "verdict")
    fields = {"action": "", "merge_into": None, "new_name": "", "new_department": None}
    if verdict == Verdict.AGREE and not item.action:
        _refuse(f"“{item.name}”：部门未报送自评意见，请选择“同意调整，但调整方式不同”并写明调整方式。", "verdict")
    if verdict == Verdict.DISAGREE:
        if not reason.strip():
            _refuse(f"“{item.name}”：不同意的，请写明理由。", "reason")
        if item.action in ("", Action.KEEP):
            _refuse(f"“{item.name}”：部门拟保留该机构；如认为应当调整，请选择“同意调整，但调整方式不同”并写明调整方式。",
                    "verdict")
    if verdict == Verdict.CHANGE:
        p = _check_proposal(item, Proposal(action, merge_into, new_name, new_department))
        if (p.action, getattr(p.merge_into, "pk", None), p.new_name, getattr(p.new_department, "pk", None)) \
                == effective(item):
            _refuse(f"“{item.name}”：所选调整方式与部门意见相同，请选择“同意”。", "action")
        if not reason.strip():
            _refuse(f"“{item.name}”：提出不同调整方式的，请写明理由。", "reason")
        fields = {"action": p.action, "merge_into": p.merge_into, "new_name": p.new_name,
                  "new_department": p.new_department}
    opinion, created = ItemOpinion.objects.select_for_update().get_or_create(
        item=item, office=office, defaults={"verdict": verdict, "reason": reason.strip(), "given_by": _user(actor),
                                            **fields})
    before = {} if created else snapshot(opinion)
    if not created:
        opinion.verdict = verdict
        opinion.reason = reason.strip()
        opinion.given_by = _user(actor)
        for k, v in fields.items():
            setattr(opinion, k, v)
        opinion.save()
    audit.record(actor=actor, action=f"联合审核意见（{Office(office).label}）", target=item, before=before,
                 after=snapshot(opinion), body_id=item.body_id, reason=reason[:500])
    _settle_if_agreed(item, actor)
    return opinion


def _settle_if_agreed(item: CampaignItem, actor) -> None:
    """When all three offices have spoken and they and the department mean the same, that is the result;
    otherwise the item stays (or becomes again) unsettled until 编办 settles it."""
    opinions = list(item.opinions.all())
    if len(opinions) == len(Office.values) and not item_conflict(item, opinions):
        action, merge_into, new_name, new_dept = effective(item, opinions[0])
        item.final_action, item.final_merge_into_id, item.final_new_name, item.final_new_department_id = \
            action, merge_into, new_name, new_dept
        item.final_reason = item.reason
        item.final_note = "部门意见与联合审核意见一致" if item.action else "联合审核意见一致"
        item.settled_by = _user(actor)
        item.settled_at = timezone.now()
    elif not (item.changed_after_snapshot and item.state.get("status") in ENDED_STATUSES):
        item.final_action = ""
        item.final_merge_into = None
        item.final_new_name = ""
        item.final_new_department = None
        item.settled_by = None
        item.settled_at = None
    item.version += 1
    item.save()


@transaction.atomic
def opinions_agree_rest(*, actor, campaign: Campaign, office: str) -> int:
    """An office agrees with the department on every item it has not yet given an opinion on (items the
    department reported on only)."""
    campaign = _locked(campaign)
    if campaign.phase != Phase.REVIEW:
        _refuse(f"行动处于“{campaign.get_phase_display()}”阶段，联合审核尚未开始或已经结束。")
    done = set(ItemOpinion.objects.filter(item__campaign=campaign, office=office).values_list("item_id", flat=True))
    items = [i for i in campaign.items.exclude(action="") if i.pk not in done]
    ItemOpinion.objects.bulk_create(ItemOpinion(item=i, office=office, verdict=Verdict.AGREE, given_by=_user(actor))
                                    for i in items)
    opinions = defaultdict(list)
    for o in ItemOpinion.objects.filter(item__in=items):
        opinions[o.item_id].append(o)
    now = timezone.now()
    changed = []
    for i in items:
        ops = opinions[i.pk]
        if len(ops) == len(Office.values) and not item_conflict(i, ops):
            i.final_action, i.final_merge_into_id, i.final_new_name, i.final_new_department_id = effective(i)
            i.final_reason = i.reason
            i.final_note = "部门意见与联合审核意见一致"
            i.settled_by = _user(actor)
            i.settled_at = now
            i.version += 1
            changed.append(i)
    CampaignItem.objects.bulk_update(changed, ["final_action", "final_merge_into", "final_new_name",
                                               "final_new_department", "final_reason", "final_note", "settled_by",
                                               "settled_at", "version"], batch_size=500)
    audit.record(actor=actor, action=f"联合审核意见（{Office(office).label}）：其余事项同意部门意见", target=campaign,
                 reason=f"{len(items)}个机构")
    return len(items)


@transaction.atomic
def item_settle(*, actor, item: CampaignItem, action: str, reason: str = "", note: str,
                merge_into: Body | None = None, new_name: str = "", new_department: Department | None = None,
                expected_version: int | None = None) -> CampaignItem:
    """编办 settles the result of an item where the department and the offices differ (协调一致)."""
    item = CampaignItem.objects.select_for_update().select_related("campaign__region").get(pk=item.pk)
    if expected_version is not None and expected_version != item.version:
        _refuse(f"“{item.name}”已被他人更新，请刷新页面后再审定。")
    if item.campaign.phase != Phase.REVIEW:
        _refuse(f"行动处于“{item.campaign.get_phase_display()}”阶段，不能审定调整意见。")
    if not note.strip():
        _refuse(f"“{item.name}”：请写明协调一致的情况（如经三方会商，同意……）。", "note")
    p = _check_proposal(item, Proposal(action, merge_into, new_name, new_department))
    if p.action != Action.KEEP and reason not in Reason.values:
        _refuse(f"“{item.name}”：请选择调整理由。", "reason")
    before = snapshot(item)
    item.final_action = p.action
    item.final_merge_into = p.merge_into
    item.final_new_name = p.new_name
    item.final_new_department = p.new_department
    item.final_reason = reason if reason in Reason.values else ""
    item.final_note = note.strip()
    item.settled_by = _user(actor)
    item.settled_at = timezone.now()
    item.version += 1
    item.save()
    audit.record(actor=actor, action="审定调整意见", target=item, before=before, after=snapshot(item),
                 body_id=item.body_id, reason=note[:500])
    return item


@transaction.atomic
def item_add(*, actor, campaign: Campaign, body: Body, origin: str = ItemOrigin.ESTABLISHMENT,
             proposal_id: int | None = None) -> CampaignItem:
    """Put a body on the worklist that the snapshot did not (a category not chosen, a proposal's body)."""
    campaign = _locked(campaign)
    if campaign.phase not in (Phase.SORTING, Phase.REPORTING, Phase.REVIEW):
        _refuse(f"行动处于“{campaign.get_phase_display()}”阶段，不能再增加清单事项。")
    if body.region_id != campaign.region_id:
        _refuse(f"“{body.name}”不属于{campaign.region.name}，不能列入本行动。", "body")
    existing = campaign.items.filter(body=body).first()
    if existing is not None:
        if proposal_id and not existing.proposal_id:
            CampaignItem.objects.filter(pk=existing.pk).update(proposal_id=proposal_id, version=F("version") + 1)
        return existing
    e = LedgerEvent.objects.filter(body=body, is_void=False, valid_until__isnull=True).first()
    if e is None or e.status != BodyStatus.ACTIVE:
        _refuse(f"“{body.name}”已不处于存续状态，不能列入本行动。", "body")
    report, _ = DepartmentReport.objects.get_or_create(campaign=campaign, department_id=e.lead_department_id)
    if report.status == ReportStatus.SUBMITTED and campaign.phase != Phase.REVIEW:
        report.status = ReportStatus.RETURNED
        report.returned_reason = f"新增清单事项“{e.name}”，请补充自评后重新报送。"
        report.save()
    item = CampaignItem.objects.create(
        campaign=campaign, body=body, department_id=e.lead_department_id, report=report, origin=origin,
        proposal_id=proposal_id, name=e.name, category=e.category, sequence=e.sequence, state=e.state,
        state_event=e, changed_after_snapshot=e.effective_on > campaign.snapshot_on)
    audit.record(actor=actor, action="增加清单事项", target=item, after=snapshot(item), body_id=body.pk,
                 reason=ItemOrigin(origin).label)
    return item


def proposal_take_in(*, actor, campaign: Campaign, proposal) -> CampaignItem:
    """Take an open proposal of the intake (an evaluation's, an expiry's …) into a running campaign: its body
    goes on the worklist (or the item already there is marked with it), and the proposal is marked taken."""
    if proposal.region_id != campaign.region_id:
        _refuse("该调整建议不属于本行动的区划，不能纳入。", "campaign")
    body = Body.objects.filter(pk=proposal.body_id, region_id=proposal.region_id).first()
    if body is None:
        _refuse("该调整建议涉及的机构在台账中不存在，不能纳入。", "campaign")
    with transaction.atomic():
        item = item_add(actor=actor, campaign=campaign, body=body, origin=ItemOrigin.PROPOSAL,
                        proposal_id=proposal.pk)
        intake.proposal_take(proposal=proposal, taker="campaigns", actor=actor,
                             ref=f"campaign:{campaign.pk}:item:{item.pk}", note=f"纳入{campaign.title}")
    return item


# ---- meetings and publication --------------------------------------------------------------------------

def sequences_needing_meetings(campaign: Campaign) -> set[str]:
    return set(campaign.items.values_list("sequence", flat=True).distinct())


@transaction.atomic
def deliberation_record(*, actor, campaign: Campaign, meeting: str, held_on: date, session: str = "",
                        note: str = "") -> Deliberation:
    campaign = _locked(campaign)
    if campaign.phase != Phase.DELIBERATION:
        _refuse(f"行动处于“{campaign.get_phase_display()}”阶段：形成调整规范意见后才能登记会议研究情况。")
    if meeting not in Meeting.values:
        _refuse("请选择会议。", "meeting")
    label = meeting_label(campaign.region, meeting)
    if campaign.opinion_on and held_on < campaign.opinion_on:
        _refuse(f"{label}的日期{format_date_zh(held_on)}早于调整规范意见形成日期{format_date_zh(campaign.opinion_on)}。",
                "held_on")
    if held_on > _today():
        _refuse(f"{label}的日期{format_date_zh(held_on)}晚于今天，请在会议召开后登记。", "held_on")
    d, created = Deliberation.objects.update_or_create(
        campaign=campaign, meeting=meeting,
        defaults={"held_on": held_on, "session": session.strip(), "note": note.strip(), "recorded_by": _user(actor)})
    audit.record(actor=actor, action=f"登记{label}研究情况", target=campaign, after=snapshot(d))
    _bump(campaign)
    return d


def publication_problems(campaign: Campaign, on: date) -> list[str]:
    """Everything that stops the list from being published on `on` (empty: it may be)."""
    problems: list[str] = []
    if campaign.phase != Phase.DELIBERATION:
        problems.append(f"行动处于“{campaign.get_phase_display()}”阶段，会议研究后才能发文公布。")
        return problems
    meetings = {d.meeting: d for d in campaign.deliberations.all()}
    for seq in sorted(sequences_needing_meetings(campaign)):
        m = Meeting.PARTY if seq == "party" else Meeting.GOVERNMENT
        label = meeting_label(campaign.region, m)
        if m not in meetings:
            problems.append(f"尚未登记{label}研究情况（清单中有{'党委' if m == Meeting.PARTY else '政府'}序列的机构）。")
        elif on < meetings[m].held_on:
            problems.append(f"公布日期{format_date_zh(on)}早于{label}召开日期{format_date_zh(meetings[m].held_on)}。")
    unsettled = campaign.items.filter(final_action="").count()
    if unsettled:
        problems.append(f"还有{unsettled}个机构的调整意见未审定。")
    if on > _today():
        problems.append(f"公布日期{format_date_zh(on)}晚于今天。")
    return problems


def _change_of(item: CampaignItem, on: date, document: Document) -> ledger.BodyChange | None:
    action = item.final_action
    if action == Action.KEEP:
        return None
    kind = EVENT_OF[action]
    state = getattr(item, "reaffiliation_state", None) or {}
    changes: dict = {}
    if action == Action.MERGE:
        target = item.final_merge_into
        changes = {"successor": {"id": target.pk, "name": target.name}}
    elif action == Action.RENAME:
        changes = {"name": item.final_new_name, "short_name": ""}
    elif action == Action.REAFFILIATE:
        new = item.final_new_department
        cap = 15 if state.get("task_scope") == "comprehensive" else 10
        members = [m for m in state.get("members") or [] if m.get("department_id") != new.pk]
        members = [{**m, "role": MemberRole.ASSISTING} for m in members]
        members = [member_ref(new, MemberRole.PRINCIPAL), *members]
        if len(members) > cap and not state.get("extra_members_approved"):
            members = members[:cap]
        changes = {"lead_department": dept_ref(new), "office_department": dept_ref(new), "members": members}
    elif action in DOWNGRADE_TO:
        category, form = DOWNGRADE_TO[action]
        changes = {"category": category, "form": form, "leaders": []}
        if item.final_new_name:
            changes |= {"name": item.final_new_name, "short_name": ""}
    return ledger.BodyChange(body_id=item.body_id, kind=kind, on=on, changes=changes, document=document,
                             note=_history_note(item))


def _history_note(item: CampaignItem) -> str:
    """What the body's history says of the change: the action and its reason (并入…；职能重叠)."""
    action = item.final_action
    what = {Action.MERGE: f"并入{item.final_merge_into.name}" if item.final_merge_into_id else "",
            Action.RENAME: f"更名为{item.final_new_name}",
            Action.REAFFILIATE: f"牵头部门调整为{item.final_new_department.name}" if item.final_new_department_id else ""
            }.get(action) or Action(action).label
    if action in DOWNGRADE_TO and item.final_new_name:
        what += f"，更名为{item.final_new_name}"
    reason = Reason(item.final_reason).label if item.final_reason in Reason.values else ""
    text = item.reason_text if item.final_action == item.action else (
        item.final_note if item.settled_by_id and item.final_note not in ("部门意见与联合审核意见一致", "联合审核意见一致") else "")
    return "；".join(x for x in (f"调整规范：{what}", reason, text) if x)[:500]


def publish_claim(*, actor, campaign: Campaign, number: str, issuer: str, issued_on: date, title: str) -> Campaign:
    """Claim the publication (one claim wins) after checking what can be checked at once; the job then
    calls `campaign_publish`. Two people pressing 发文公布 together: the second is told it is under way."""
    problems = publication_problems(campaign, issued_on)
    if not number.strip():
        problems.append("请填写公布清单的文号。")
    elif Document.objects.filter(number=number.strip()).exists():
        problems.append(f"文号“{number.strip()}”已被其他文件使用。")
    if problems:
        raise CampaignError("；".join(problems), "number")
    request = {"number": number.strip(), "issuer": issuer.strip(), "issued_on": issued_on.isoformat(),
               "title": title.strip(), "by": getattr(actor, "pk", None)}
    claimed = Campaign.objects.filter(pk=campaign.pk, phase=Phase.DELIBERATION,
                                      publish_status__in=("", "failed")).update(
        publish_status="queued", publish_error="", publish_request=request, version=F("version") + 1)
    if not claimed:
        _refuse("该清单已在发文公布办理中或已公布，请勿重复提交。")
    audit.record(actor=actor, action="提交发文公布", target=campaign, after=request)
    campaign.refresh_from_db()
    return campaign


def campaign_publish(*, actor, campaign: Campaign, number: str, issuer: str, issued_on: date, title: str,
                     progress=None) -> Campaign:
    """Publish the list: its document, and every settled change as a dated ledger event citing it, in one
    transaction. Publishing again changes nothing (the campaign is published already: refused)."""
    try:
        with transaction.atomic():
            return _publish(actor=actor, campaign=campaign, number=number, issuer=issuer, issued_on=issued_on,
                            title=title, progress=progress)
    except DomainError as exc:
        Campaign.objects.filter(pk=campaign.pk).exclude(phase=Phase.PUBLISHED).update(
            publish_status="failed", publish_error=exc.message)
        raise


def _publish(*, actor, campaign, number, issuer, issued_on, title, progress):
    campaign = _locked(campaign)
    if campaign.phase == Phase.PUBLISHED:
        _refuse(f"{campaign.title}已于{format_date_zh(campaign.published_on)}发文公布（{campaign.list_document}），"
                "不能重复公布。")
    problems = publication_problems(campaign, issued_on)
    if problems:
        _refuse("；".join(problems))
    if not number.strip():
        _refuse("请填写公布清单的文号。", "number")
    if Document.objects.filter(number=number.strip()).exists():
        _refuse(f"文号“{number.strip()}”已被其他文件使用。", "number")
    document = ledger.document_create(actor=actor, region=campaign.region, number=number.strip(),
                                      issuer=issuer.strip() or campaign.region.name, issued_on=issued_on,
                                      title=title.strip() or f"关于公布{campaign.title}结果的通知")
    # Only a re-affiliation reads the item's state (its members); the others need not load it.
    items = list(campaign.items.select_related("final_merge_into", "final_new_department")
                 .exclude(final_action=Action.KEEP).defer("state").order_by("id"))
    states = dict(campaign.items.filter(final_action=Action.REAFFILIATE).values_list("id", "state"))
    for i in items:
        i.reaffiliation_state = states.get(i.pk)
    # Merges last, so a body merged into another sees it still standing (and never one ending too).
    ending_targets = {i.body_id for i in items if i.final_action in ENDING}
    for i in items:
        if i.final_action == Action.MERGE and i.final_merge_into_id in ending_targets:
            _refuse(f"“{i.name}”拟并入的“{i.final_merge_into.name}”本次也将撤销或合并，请重新审定。")
    items.sort(key=lambda i: i.final_action == Action.MERGE)
    changes = []
    owners = []
    for i in items:
        c = _change_of(i, issued_on, document)
        if c is not None:
            changes.append(c)
            owners.append(i)
    source = (f"{campaign.title}", f"/campaigns/{campaign.pk}/")
    try:
        ledger.bodies_change_bulk(actor=actor, items=changes, note=f"{campaign.title}：{document.number}",
                                  source=source, progress=progress)
    except ledger.ItemRefused as exc:
        item = owners[exc.index]
        err = exc.error
        message = err.messages[0] if isinstance(err, PolicyViolation) else getattr(err, "message", str(err))
        _refuse(f"“{item.name}”（{Action(item.final_action).label}）不能写入台账：{message}")
    # Each changed item points at its event (the list's document names exactly these events): one UPDATE.
    campaign.items.exclude(final_action=Action.KEEP).update(event=Subquery(
        LedgerEvent.objects.filter(document=document, body_id=OuterRef("body_id")).values("id")[:1]))
    before = snapshot(campaign)
    campaign.phase = Phase.PUBLISHED
    campaign.published_on = issued_on
    campaign.list_document = document
    campaign.published_by = _user(actor)
    campaign.published_at = timezone.now()
    campaign.events_applied = len(changes)
    campaign.publish_status = "done"
    campaign.publish_error = ""
    campaign.version += 1
    campaign.save()
    audit.record(actor=actor, action="发文公布调整规范清单", target=campaign, before=before, after=snapshot(campaign),
                 reason=f"{document.number}，写入台账{len(changes)}项")
    counts = Counter(i.final_action for i in owners)
    campaign._applied_counts = counts
    return campaign
