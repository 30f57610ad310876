"""The demo's review campaigns (定期调整), run through the campaign services by the demo's users.

demo/city.py describes each campaign (`CAMPAIGNS`): its plan, snapshot and deadlines, and per part (the
city's and each county's, 市县联动) the day its joint review starts, the adjustment opinion, the meetings and
the list. What each department reports is the change the body's history marks with the campaign (an
abolition, a merger, a rename, a re-affiliation; every other listed body is kept), with the differences the
offices settled (`contests`). `CampaignRunner.steps` gives the loader dated steps that it runs among the
history's events in date order: open (the snapshot), the departments' reports and submissions, the joint
review, the opinion, the meetings, the publication, which writes the list's events into the ledger. The
figures (292 → 133, the 2022 list's 24 changes) thus come out of the product.

The services stamp what they record with the time they run (today); `finish` dates the campaign's own
timestamps (reported, submitted, opinions, meetings, publication) to the days the steps stand for. The
audit journal keeps the time of loading: it is append-only and chained.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from yixie.campaigns import services as cs
from yixie.campaigns.choices import Action, Office, Phase
from yixie.campaigns.models import Campaign, CampaignItem, Deliberation, DepartmentReport, ItemOpinion
from yixie.core.models import Proposal, ProposalStatus

#: The action a department reports for the change the campaign made (city.py's event kinds).
ACTION_OF_EVENT = {"abolish": Action.ABOLISH, "merge": Action.MERGE, "rename": Action.RENAME,
                   "reaffiliate": Action.REAFFILIATE, "downgrade": Action.TO_JOINT,
                   "derecognise": Action.DERECOGNISE}

#: Departments with demo logins: the business section's clerk reports, the HR section submits. The other
#: departments have no login in the demo; their steps are recorded as the system's (actor None).
DEPARTMENT_USERS = {("370700", "市发展和改革委员会"): ("fagaiwei", "fagaiwei_hr"),
                    ("370700", "市农业农村局"): ("nongye", "nongye_hr")}
#: Who speaks for each office of the joint review, per region (others: the system).
OFFICE_USERS = {("370700", Office.ESTABLISHMENT): "bianban", ("370700", Office.GENERAL_OFFICE): "liangban",
                ("370700", Office.ORGANISATION): "zuzhibu", ("370781", Office.ESTABLISHMENT): "qingzhou"}

CAMPAIGN_STEP = "~campaign"  # sorts after every body key of the same day


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _at(day: dt.date | str, hour: int, minute: int = 0) -> dt.datetime:
    day = _d(day) if isinstance(day, str) else day
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _workday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def inspection_pdf(department: str) -> ContentFile:
    """A small valid PDF standing for the department's 自查报告."""
    return ContentFile(b"%PDF-1.4\n% demo self-inspection report\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                       name=f"{department}自查报告.pdf")


class CampaignRunner:
    def __init__(self, loader, spec):
        self.loader = loader
        self.spec = spec
        self.campaigns: dict[str, Campaign] = {}  # region code → the campaign (the city's) or its part
        self.key_of: dict[int, str] = {}
        # body key → the change the campaign made (city.py's event marked with the campaign)
        self.changes = {b.key: e for b in loader.data.BODIES for e in b.history if e.campaign == spec.key}
        self.region_of = {b.key: b.region for b in loader.data.BODIES}
        self._users: dict[str, object] = {}
        self.applied = 0  # ledger events its published lists wrote

    # ---- who ---------------------------------------------------------------------------------------

    def user(self, username: str | None):
        if not username:
            return None
        if username not in self._users:
            self._users[username] = get_user_model().objects.get(username=username)
        return self._users[username]

    def office_user(self, region: str, office: str):
        return self.user(OFFICE_USERS.get((region, office)))

    def clerk(self, region: str, department: str):
        return self.user(DEPARTMENT_USERS.get((region, department), (None, None))[0])

    def hr(self, region: str, department: str):
        return self.user(DEPARTMENT_USERS.get((region, department), (None, None))[1])

    def body_key(self, body_id: int) -> str:
        if not self.key_of:
            self.key_of = {b.pk: k for k, b in self.loader.bodies.items()}
        return self.key_of[body_id]

    # ---- the steps ---------------------------------------------------------------------------------

    def steps(self) -> list[tuple]:
        s = self.spec

        def step(on: str, order: int, name: str, fn):
            return (on, order, CAMPAIGN_STEP, f"{s.key}-{name}", fn)

        out = [step(s.snapshot_on, 2, "0-open", self.open)]
        if s.drafts or s.partly_reported or s.completed:
            out.append(step(s.snapshot_on, 2, "1-drafts", self.drafts))
        for part in s.parts:
            if not part.published_on:
                continue
            tag = part.region
            last = max([s.submitted_by, *(on for _dept, on in part.late)])
            out += [step(last, 2, f"{tag}-1-report", partial(self.report, part)),
                    step(part.review_on, 2, f"{tag}-2-review", partial(self.review, part)),
                    step(part.opinion_on, 2, f"{tag}-3-opinion", partial(self.opinion, part)),
                    *(step(held, 2, f"{tag}-4-{meeting}", partial(self.meeting, part, meeting, held, session))
                      for meeting, held, session in part.meetings),
                    # before the day's other events: the survivors' duties are widened citing the list
                    step(part.published_on, 0, f"{tag}-5-publish", partial(self.publish, part))]
        return out

    def open(self) -> None:
        s = self.spec
        city = self.loader.regions[s.parts[0].region]
        counties = [self.loader.regions[p.region] for p in s.parts[1:]]
        campaign = cs.campaign_open(
            actor=self.office_user(city.code, Office.ESTABLISHMENT), region=city, year=s.year, title=s.title,
            categories=s.categories, snapshot_on=_d(s.snapshot_on), deadlines=s.deadlines,
            plan_document=self.loader._document(s.plan_doc, city), counties=counties)
        self.campaigns[city.code] = campaign
        for part in campaign.parts.select_related("region"):
            self.campaigns[part.region.code] = part
        # 编办 takes in the open proposals of the yearly evaluation (the 2021 evaluation's 24 in 2022): each
        # must be the change its department then reports (the body's event marked with this campaign).
        for proposal in Proposal.objects.filter(region_id=city.pk, status=ProposalStatus.OPEN,
                                                source_ref__startswith="evaluation:").order_by("id"):
            change = self.changes.get(self.body_key(proposal.body_id))
            if change is None or ACTION_OF_EVENT[change.kind] != proposal.kind:
                raise RuntimeError(f"campaign {s.key}: proposal {proposal.kind} of {proposal.body_label} is not "
                                   f"the change the campaign makes ({change.kind if change else 'none'})")
            cs.proposal_take_in(actor=self.office_user(city.code, Office.ESTABLISHMENT), campaign=campaign,
                                proposal=proposal)

    def _items(self, campaign: Campaign) -> list[CampaignItem]:
        return list(campaign.items.select_related("department", "report").order_by("report_id", "id"))

    def _report(self, region: str, item: CampaignItem, action: str, **kw) -> None:
        n = item.body_id
        assessment = {} if action in (Action.ABOLISH, Action.MERGE, Action.DERECOGNISE) else {
            "meetings_held": 1 + n % 6, "documents_issued": n % 4}
        cs.item_report(actor=self.clerk(region, item.department.name), item=item, action=action, **assessment, **kw)

    def report(self, part) -> None:
        """Every department reports on every body it leads; its HR section submits with the 自查报告."""
        s = self.spec
        region = part.region
        campaign = self.campaigns[region]
        items = self._items(campaign)
        keys = {self.body_key(i.body_id) for i in items}
        marked = {k for k in self.changes if self.region_of[k] == region}
        if marked - keys:
            raise RuntimeError(f"campaign {s.key}: changes of bodies not on {region}'s list: {sorted(marked - keys)}")
        wrong_day = [k for k in marked if self.changes[k].on != part.published_on]
        if wrong_day:
            raise RuntimeError(f"campaign {s.key}: changes not dated with {region}'s list: {wrong_day}")
        contests = {c.body: c for c in part.contests}
        for item in items:
            key = self.body_key(item.body_id)
            contest = contests.get(key)
            change = self.changes.get(key)
            if contest is not None:
                self._report(region, item, contest.reported, reason=contest.reported_reason,
                             reason_text=contest.reported_text)
            elif change is not None:
                c = change.changes
                action = ACTION_OF_EVENT[change.kind]
                self._report(
                    region, item, action, reason=change.reason, reason_text=change.note,
                    merge_into=self.loader.bodies[c["into"]] if action == Action.MERGE else None,
                    new_name=c.get("name", "") if action == Action.RENAME else "",
                    new_department=self.loader.dept(region, c["lead"]) if action == Action.REAFFILIATE else None)
            else:
                self._report(region, item, Action.KEEP)
        cs.campaign_advance(actor=self.office_user(region, Office.ESTABLISHMENT), campaign=campaign,
                            to=Phase.REPORTING)
        # Submissions spread over the working days from a week after reporting began to the deadline.
        late = dict(part.late)
        reports = list(campaign.reports.select_related("department").order_by("department__order", "department_id"))
        start, end = _d(s.reported_from) + dt.timedelta(days=7), _d(s.submitted_by)
        span = (end - start).days
        for i, r in enumerate(reports):
            name = r.department.name
            on = _d(late[name]) if name in late else min(
                _workday(start + dt.timedelta(days=span * i // max(len(reports) - 1, 1))), end)
            cs.report_submit(actor=self.hr(region, name), report=r, inspection=inspection_pdf(name), on=on,
                             note="已对本部门牵头的议事协调机构逐一梳理，自查报告随附。")

    def review(self, part) -> None:
        """The joint review: the offices' differences first, then each office agrees with the rest."""
        region = part.region
        campaign = self.campaigns[region]
        cs.campaign_advance(actor=self.office_user(region, Office.ESTABLISHMENT), campaign=campaign,
                            to=Phase.REVIEW)
        for c in part.contests:
            item = campaign.items.get(body=self.loader.bodies[c.body])
            cs.opinion_give(actor=self.office_user(region, c.office), item=item, office=c.office, verdict=c.verdict,
                            action=c.action, reason=c.opinion)
        for office in Office.values:
            cs.opinions_agree_rest(actor=self.office_user(region, office), campaign=campaign, office=office)

    def opinion(self, part) -> None:
        """编办 settles the differences; the adjustment opinion (调整规范意见) is formed."""
        region = part.region
        campaign = self.campaigns[region]
        bianban = self.office_user(region, Office.ESTABLISHMENT)
        for c in part.contests:
            item = campaign.items.get(body=self.loader.bodies[c.body])
            cs.item_settle(actor=bianban, item=item, action=c.settled, reason=c.settled_reason, note=c.note)
        cs.campaign_advance(actor=bianban, campaign=campaign, to=Phase.DELIBERATION, on=_d(part.opinion_on))

    def meeting(self, part, meeting: str, held: str, session: str) -> None:
        region = part.region
        cs.deliberation_record(actor=self.office_user(region, Office.GENERAL_OFFICE), campaign=self.campaigns[region],
                               meeting=meeting, held_on=_d(held), session=session,
                               note="原则同意调整规范意见，按程序发文公布。")

    def publish(self, part) -> None:
        region = part.region
        doc = self.loader.doc_specs[part.list_doc]
        campaign = cs.campaign_publish(
            actor=self.office_user(region, Office.GENERAL_OFFICE), campaign=self.campaigns[region],
            number=doc.number, issuer=doc.issuer, issued_on=_d(doc.issued_on), title=doc.title)
        marked = [k for k in self.changes if self.region_of[k] == region]
        if campaign.events_applied != len(marked):
            raise RuntimeError(f"campaign {self.spec.key} in {region}: {campaign.events_applied} changes applied, "
                               f"{len(marked)} expected")
        self.campaigns[region] = campaign
        self.loader.docs[part.list_doc] = campaign.list_document  # the day's other events cite it

    def drafts(self) -> None:
        """A campaign under way: some departments have reported, one has submitted, the others not yet."""
        s = self.spec
        region = s.parts[0].region
        campaign = self.campaigns[region]
        for draft in s.drafts:
            item = campaign.items.select_related("department").get(body=self.loader.bodies[draft.body])
            self._report(region, item, draft.action, reason=draft.reason, reason_text=draft.reason_text,
                         merge_into=self.loader.bodies[draft.merge_into] if draft.merge_into else None,
                         new_name=draft.new_name)
        todo = campaign.items.select_related("department").filter(action="").order_by("id")
        for department, n in s.partly_reported:
            for item in todo.filter(department__name=department)[:n]:
                self._report(region, item, Action.KEEP)
        for department in s.completed:
            for item in todo.filter(department__name=department):
                self._report(region, item, Action.KEEP)
        for department in s.submitted:
            report = campaign.reports.get(department__name=department)
            cs.report_submit(actor=self.hr(region, department), report=report, inspection=inspection_pdf(department),
                             on=_workday(_d(s.snapshot_on) + dt.timedelta(days=14)))

    def documents(self) -> None:
        """The city's adjustment opinion and published list as Word and PDF, made by the job as on the pages."""
        from yixie.campaigns import documents

        campaign = self.campaigns.get(self.spec.parts[0].region)
        if campaign is None or campaign.phase != Phase.PUBLISHED:
            return
        documents.request(campaign, [*documents.OPINION_KINDS, *documents.LIST_KINDS])

    # ---- the dates ---------------------------------------------------------------------------------

    def finish(self) -> None:
        """Date the campaign's timestamps to the days its steps stand for (the services stamped today)."""
        s = self.spec
        opened = _at(s.snapshot_on, 9)
        parts = {p.region: p for p in s.parts}
        for region, campaign in self.campaigns.items():
            part = parts[region]
            Campaign.objects.filter(pk=campaign.pk).update(created_at=opened, updated_at=opened)
            DepartmentReport.objects.filter(campaign=campaign).update(created_at=opened, updated_at=opened)
            CampaignItem.objects.filter(campaign=campaign).update(created_at=opened)
            for r in campaign.reports.exclude(submitted_on=None):
                DepartmentReport.objects.filter(pk=r.pk).update(submitted_at=_at(r.submitted_on, 16, 30),
                                                                updated_at=_at(r.submitted_on, 16, 30))
                reported = _at(r.submitted_on - dt.timedelta(days=2 if r.submitted_on.weekday() >= 2 else 4), 10)
                CampaignItem.objects.filter(report=r).exclude(reported_at=None).update(reported_at=reported)
            if not part.published_on:
                CampaignItem.objects.filter(campaign=campaign).exclude(reported_at=None).update(
                    reported_at=_at(_workday(_d(s.snapshot_on) + dt.timedelta(days=10)), 10))
                continue
            reviewed = _at(_workday(_d(part.review_on) + dt.timedelta(days=7)), 15)
            # By the items' ids, not a join: an UPDATE … WHERE id IN (a join) is planned blind inside the load's
            # one transaction on PostgreSQL (no statistics yet) and can take minutes.
            item_ids = list(CampaignItem.objects.filter(campaign=campaign).values_list("id", flat=True))
            ItemOpinion.objects.filter(item_id__in=item_ids).update(created_at=reviewed, updated_at=reviewed)
            settled = _at(part.opinion_on, 11)
            CampaignItem.objects.filter(campaign=campaign).exclude(settled_at=None).update(settled_at=settled)
            for d in Deliberation.objects.filter(campaign=campaign):
                Deliberation.objects.filter(pk=d.pk).update(created_at=_at(d.held_on, 17), updated_at=_at(d.held_on, 17))
            published = _at(part.published_on, 10)
            Campaign.objects.filter(pk=campaign.pk).update(published_at=published, updated_at=published)
        self.applied = applied = sum(Campaign.objects.filter(pk__in=[c.pk for c in self.campaigns.values()])
                                     .values_list("events_applied", flat=True))
        items = CampaignItem.objects.filter(campaign__in=list(self.campaigns.values()))
        city = self.campaigns[s.parts[0].region]
        self.loader.log(f"{s.title}（{city.get_phase_display()}）：清单事项 {items.count()} 项，"
                        f"已填报 {items.exclude(action='').count()} 项，写入台账 {applied} 项")
