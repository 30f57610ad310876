"""The campaign's documents in 公文 layout: the published list (清单) and the adjustment opinion (调整规范意见).

What they say is built here from the campaign (one place); how a 公文 looks (GB/T 9704, Word and PDF) is
`yixie.core.gongwen`'s. Generation runs as a background job (`generate`), one `CampaignFile` per file.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from yixie.core import jobs
from yixie.core.errors import DomainError
from yixie.ledger.choices import BodyCategory
from yixie.org.choices import RegionLevel

from .choices import ACTION_SHORT, ENDING, Action, FileKind, Meeting, Phase, Reason
from .models import Campaign, CampaignFile, CampaignItem
from .services import meeting_label

logger = logging.getLogger(__name__)

#: The order categories are listed in, each with its heading.
CATEGORY_ORDER = [BodyCategory.PARTY, BodyCategory.GOVERNMENT, BodyCategory.JOINT_MEETING, BodyCategory.TASK_FORCE,
                  BodyCategory.SPECIAL_GROUP, BodyCategory.MECHANISM]
CATEGORY_WORD = {
    BodyCategory.PARTY: "党委议事协调机构", BodyCategory.GOVERNMENT: "政府议事协调机构",
    BodyCategory.JOINT_MEETING: "部门间联席会议", BodyCategory.TASK_FORCE: "工作专班",
    BodyCategory.SPECIAL_GROUP: "专项小组", BodyCategory.MECHANISM: "协调机制",
}
NUMERALS = "一二三四五六七八九十"
#: The notes the review writes itself when everyone agreed: not worth a column in the opinion.
AUTO_NOTES = {"部门意见与联合审核意见一致", "联合审核意见一致"}


def _numeral(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    return ("十" if n < 20 else NUMERALS[n // 10 - 1] + "十") + (NUMERALS[n % 10 - 1] if n % 10 else "")


def _offices(campaign: Campaign) -> tuple[str, str, str]:
    """The general offices that issue the list, and the establishment office, of the campaign's region."""
    region = campaign.region
    if region.level == RegionLevel.CITY:
        stem = region.name.removesuffix("市")
        return f"中共{stem}市委办公室", f"{region.name}人民政府办公室", f"中共{stem}市委机构编制委员会办公室"
    if region.level == RegionLevel.PROVINCE:
        stem = region.name.removesuffix("省")
        return f"中共{stem}省委办公厅", f"{region.name}人民政府办公厅", f"中共{stem}省委机构编制委员会办公室"
    return f"中共{region.name}委办公室", f"{region.name}人民政府办公室", f"中共{region.name}委机构编制委员会办公室"


def _recipients(campaign: Campaign) -> str:
    region = campaign.region
    if region.level == RegionLevel.CITY:
        return "各县市区委、县市区人民政府，市委各部委，市政府各部门，各人民团体："
    if region.level == RegionLevel.PROVINCE:
        return "各市党委和人民政府，省委各部委，省政府各部门，各人民团体："
    level = region.name[-1]
    return f"各镇（街道）党（工）委、人民政府（办事处），{level}委各部委，{level}政府各部门，各人民团体："


def _result(item: CampaignItem) -> str:
    a = item.final_action
    if a == Action.MERGE and item.final_merge_into_id:
        return f"并入{item.final_merge_into.name}"
    if a == Action.RENAME:
        return f"更名为{item.final_new_name}"
    if item.final_new_name and a in (Action.TO_JOINT, Action.TO_SPECIAL, Action.TO_MECHANISM):
        return f"{ACTION_SHORT[a]}，更名为{item.final_new_name}"
    if a == Action.REAFFILIATE and item.final_new_department_id:
        return f"牵头部门调整为{item.final_new_department.name}"
    return ACTION_SHORT.get(a, a)


def _reason(item: CampaignItem) -> str:
    words = Reason(item.final_reason).label if item.final_reason in Reason.values else ""
    note = item.reason_text if item.final_action == item.action else ""
    return "；".join(x for x in (words, note) if x)


def _items(campaign: Campaign) -> list[CampaignItem]:
    return list(campaign.items.select_related("department", "final_merge_into", "final_new_department")
                .order_by("department__order", "department_id", "name"))


def _after_name(item: CampaignItem) -> str:
    return item.final_new_name or item.name


def _lead_after(item: CampaignItem) -> str:
    if item.final_action == Action.REAFFILIATE and item.final_new_department_id:
        return item.final_new_department.name
    return (item.state.get("lead_department") or {}).get("name") or item.department.name


def list_gongwen(campaign: Campaign):
    """The published list: what stays per category, what changes, what is abolished or merged."""
    from yixie.core.gongwen import Gongwen, GongwenTable

    party, gov, bianban = _offices(campaign)
    items = [i for i in _items(campaign) if i.final_action]
    staying: dict[str, list[CampaignItem]] = defaultdict(list)
    changed, ended = [], []
    for i in items:
        if i.final_action in ENDING:
            ended.append(i)
            continue
        category = i.category
        if i.final_action in (Action.TO_JOINT, Action.TO_SPECIAL, Action.TO_MECHANISM):
            from .choices import DOWNGRADE_TO

            category = DOWNGRADE_TO[i.final_action][0]
        staying[category].append(i)
        if i.final_action != Action.KEEP:
            changed.append(i)
    tables = []
    n = 0
    for category in CATEGORY_ORDER:
        rows = staying.get(category)
        if not rows:
            continue
        n += 1
        tables.append(GongwenTable(
            heading=f"{_numeral(n)}、保留的{CATEGORY_WORD[category]}（{len(rows)}个）",
            columns=["序号", "机构名称", "牵头部门", "说明"],
            rows=[[str(k), _after_name(i), _lead_after(i), "" if i.final_action == Action.KEEP else _result(i)]
                  for k, i in enumerate(rows, 1)],
            widths=[1, 6, 4, 4]))
    if changed:
        n += 1
        tables.append(GongwenTable(
            heading=f"{_numeral(n)}、调整的机构（{len(changed)}个）",
            columns=["序号", "原名称", "调整方式", "调整后", "理由"],
            rows=[[str(k), i.name, ACTION_SHORT[i.final_action], _result(i), _reason(i)]
                  for k, i in enumerate(changed, 1)],
            widths=[1, 5, 2.5, 5, 4]))
    if ended:
        n += 1
        tables.append(GongwenTable(
            heading=f"{_numeral(n)}、撤销、合并或不再作为议事协调机构管理的机构（{len(ended)}个）",
            columns=["序号", "机构名称", "牵头部门", "处理方式", "理由"],
            rows=[[str(k), i.name, i.department.name, _result(i), _reason(i)] for k, i in enumerate(ended, 1)],
            widths=[1, 5, 4, 4, 4]))
    from .selectors import stats

    s = stats(campaign)
    meetings = "、".join(f"{meeting_label(campaign.region, d.meeting)}（{d.held_on.year}年{d.held_on.month}月{d.held_on.day}日）"
                         for d in sorted(campaign.deliberations.all(), key=lambda d: d.meeting != Meeting.PARTY))
    level = "市" if campaign.region.level == RegionLevel.CITY else campaign.region.name[-1]
    paragraphs = [
        f"按照{campaign.plan_document.title if campaign.plan_document_id else '议事协调机构调整规范行动方案'}部署，"
        f"经{meetings or '会议'}研究同意，现将{level}级议事协调机构调整规范结果公布如下。",
        f"调整规范前，{level}级党委、政府议事协调机构共{s['before']}个；调整规范后保留{s['after']}个，"
        f"精简{s['reduced']}个，精简比例{s['rate']}%。",
        "各牵头部门要按照调整规范结果，抓紧做好工作交接和档案移交；保留的议事协调机构要健全工作规则，"
        "严格控制会议和发文数量，未经批准不得以议事协调机构名义向下级部署工作、印发文件。",
        "撤销的议事协调机构，其工作由牵头部门承担；合并的议事协调机构，其职责由并入的机构承担。",
    ]
    doc = campaign.list_document
    return Gongwen(
        issuer=f"{party}　{gov}", number=doc.number if doc else "", title=doc.title if doc else campaign.title,
        recipients=_recipients(campaign), paragraphs=paragraphs, tables=tables,
        signature=f"{party}　{gov}", issued_on=campaign.published_on or timezone.localdate(),
        copy_to=f"{level}委机构编制委员会办公室，{level}委组织部。", printed_by=party,
        printed_on=campaign.published_on)


def opinion_gongwen(campaign: Campaign):
    """The adjustment opinion (调整规范意见) 编办 forms with the general offices and 组织部 after the review."""
    from yixie.core.gongwen import Gongwen, GongwenTable

    _party, _gov, bianban = _offices(campaign)
    items = _items(campaign)
    by_dept: dict[str, list[CampaignItem]] = defaultdict(list)
    for i in items:
        by_dept[i.department.name].append(i)
    rows = []
    k = 0
    for dept, its in by_dept.items():
        for i in its:
            k += 1
            proposed = ACTION_SHORT.get(i.action, "未报送") if i.action else "未报送"
            note = "" if i.final_note in AUTO_NOTES else i.final_note
            rows.append([str(k), i.name, dept, proposed, _result(i) if i.final_action else "待审定", note])
    from .selectors import stats

    s = stats(campaign)
    changed = sum(1 for i in items if i.final_action and i.final_action != Action.KEEP)
    level = "市" if campaign.region.level == RegionLevel.CITY else campaign.region.name[-1]
    party_m, gov_m = meeting_label(campaign.region, Meeting.PARTY), meeting_label(campaign.region, Meeting.GOVERNMENT)
    paragraphs = [
        f"根据{campaign.plan_document.title if campaign.plan_document_id else '调整规范行动方案'}，"
        f"{level}委编办会同{level}委办公室、{level}政府办公室、{level}委组织部，对{len(by_dept)}个部门报送的"
        f"{len(items)}个议事协调机构自评情况进行了联合审核，逐个研究提出调整规范意见。",
        f"经审核，拟保留{s['after']}个，调整{changed}个，精简{s['reduced']}个，精简比例{s['rate']}%。"
        f"党委序列提请{party_m}研究，政府序列提请{gov_m}研究。",
        "具体意见见下表。",
    ]
    return Gongwen(
        issuer=bianban, number="", title=f"关于{campaign.title}的调整规范意见", recipients=f"{level}委、{level}政府：",
        paragraphs=paragraphs,
        tables=[GongwenTable(heading="附：议事协调机构调整规范意见表",
                             columns=["序号", "机构名称", "牵头部门", "部门意见", "审核意见", "说明"],
                             rows=rows, widths=[1, 6, 3.5, 2, 4, 3.5])],
        signature=bianban, issued_on=campaign.opinion_on or timezone.localdate(), printed_by=bianban,
        printed_on=campaign.opinion_on)


BUILDERS = {
    FileKind.LIST_DOCX: (list_gongwen, "docx"), FileKind.LIST_PDF: (list_gongwen, "pdf"),
    FileKind.OPINION_DOCX: (opinion_gongwen, "docx"), FileKind.OPINION_PDF: (opinion_gongwen, "pdf"),
}
LIST_KINDS = [FileKind.LIST_DOCX, FileKind.LIST_PDF]
OPINION_KINDS = [FileKind.OPINION_DOCX, FileKind.OPINION_PDF]


def filename(campaign: Campaign, kind: str) -> str:
    what = "公布清单" if kind in LIST_KINDS else "调整规范意见"
    return f"{campaign.title}{what}.{BUILDERS[kind][1]}"


def request(campaign: Campaign, kinds) -> None:
    """Mark the files to (re)generate and queue the job once the transaction commits."""
    for kind in kinds:
        CampaignFile.objects.update_or_create(campaign=campaign, kind=kind,
                                              defaults={"status": "pending", "error": ""})
    jobs.enqueue_on_commit(generate, campaign.pk, [str(k) for k in kinds],
                           q_options={"task_name": f"campaign-files-{campaign.pk}", "group": "campaign-files"})


def generate(campaign_id: int, kinds: list[str]) -> dict:
    """The job: render each file and keep it; a failure is kept on the file row with its Chinese reason."""
    from yixie.core import gongwen

    campaign = Campaign.objects.select_related("region", "list_document", "plan_document").get(pk=campaign_id)
    done = {}
    for kind in kinds:
        row, _ = CampaignFile.objects.get_or_create(campaign=campaign, kind=kind)
        if kind in LIST_KINDS and campaign.phase != Phase.PUBLISHED:
            row.status, row.error = "failed", "清单尚未发文公布。"
            row.save()
            continue
        build, fmt = BUILDERS[kind]
        try:
            data = build(campaign)
            content = gongwen.render_docx(data) if fmt == "docx" else gongwen.render_pdf(data)
        except DomainError as exc:
            row.status, row.error = "failed", exc.message
            row.save()
            continue
        except Exception as exc:  # keep the job's failure visible on the page, with the log for the operator
            logger.exception("campaign %s: %s failed", campaign_id, kind)
            row.status, row.error = "failed", f"生成文件时出错：{type(exc).__name__}"
            row.save()
            continue
        with transaction.atomic():
            row.file.save(filename(campaign, kind), ContentFile(content), save=False)
            row.status, row.error, row.generated_at = "done", "", timezone.now()
            row.save()
        done[kind] = len(content)
    return done
