"""The demo's yearly evaluations (多方评价) and the meetings register behind them, run through the services.

demo/city.py describes each evaluation (`EVALUATIONS`): the year whose work it evaluates, its dates, the
department that reported late, the score 编办 adjusted, the benchmarks, the bodies that held no meeting,
and the adjustment proposals 编办 drafted from the results. `EvaluationRunner.steps` gives the loader dated
steps that it runs among the history's events in date order, so that each step sees the ledger as it was:

- the year's meetings register on 31 December (meetings with their decisions, documents issued in the
  bodies' names), generated from a seeded random source per body, with the seed's two examples as told
  (市委党建工作领导小组: 4 meetings, the year's work points, 12 problems settled; 市生态环境委员会: work
  rules, a responsibility list and a reporting mechanism, 78 key tasks done);
- the evaluation's opening (the indicator system frozen, every body's self-evaluation pre-filled from the
  register and the ledger), the host departments' self-evaluations and submissions, 编办's reopening for
  the late department, the three offices' check, the lead departments' scores of their member units, the
  results, the benchmarks and the proposals — the 2021 evaluation's 24 (9 abolish, 8 rename, 7
  re-affiliate), which the 2022 review campaign takes in (demo/campaigns.py).

Like the campaigns, `finish` dates the records' own timestamps to the days the steps stand for.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import partial

from django.contrib.auth import get_user_model
from django.db.models import Q

from yixie.core.models import Proposal
from yixie.evaluation import results as er
from yixie.evaluation import services as es
from yixie.evaluation.choices import CheckVerdict, Method, Office, SelfStatus, Target
from yixie.evaluation.models import Evaluation, EvaluationCheck, IndicatorSystem, MemberScore, SelfEvaluation
from yixie.ledger.choices import BodyCategory, LeaderRole
from yixie.ledger.models import Body
from yixie.meetings import services as ms
from yixie.meetings.choices import MeetingKind
from yixie.meetings.models import BodyDocument, Meeting

from .campaigns import DEPARTMENT_USERS, _at, _d, _workday

EVALUATION_STEP = "~evaluation"  # sorts after every body key and the campaigns' steps of the same day
CITY = "370700"
OFFICE_USERS = {Office.ESTABLISHMENT: "bianban", Office.GENERAL_OFFICE: "liangban", Office.ORGANISATION: "zuzhibu"}
#: Categories the evaluation and the register cover (coordination mechanisms are not managed as bodies).
CATEGORIES = [BodyCategory.PARTY, BodyCategory.GOVERNMENT, BodyCategory.JOINT_MEETING, BodyCategory.TASK_FORCE,
              BodyCategory.SPECIAL_GROUP]

_TOPICS = ("研究部署年度重点工作", "听取成员单位工作进展情况汇报", "研究解决跨部门协调推进中的重点难点问题",
           "审议年度工作要点", "通报督导检查情况并部署整改", "研究推进重点项目和重大事项")
_DECISIONS = ("明确{dept}牵头，会同有关成员单位制定落实方案", "{dept}负责建立工作台账，按月调度推进情况",
              "由{dept}牵头开展专项督导，年底前报送督导情况", "协调{dept}解决项目推进中的要素保障问题",
              "{dept}会同相关部门研究提出政策措施建议")
_HIGHLIGHTS = ("统筹协调作用发挥明显，年度重点任务按期推进", "建立定期会商和工作调度机制，成员单位协同配合顺畅",
               "聚焦重点难点问题集中攻坚，议定事项落实较好")
_SHORTCOMINGS = ("部分成员单位信息报送不够及时", "督促检查机制有待进一步健全", "个别议定事项推进偏慢，跟踪问效不够")
_PLANS = ("进一步健全工作机制，加强督促检查", "完善成员单位工作信息共享机制，提高协调效率",
          "聚焦年度重点任务，强化调度推进和跟踪问效")


def _rng(*parts) -> random.Random:
    return random.Random("|".join(str(p) for p in parts))


class EvaluationRunner:
    through: dt.date | None = None  # a register of a year under way reaches this day

    def __init__(self, loader, spec):
        self.loader = loader
        self.spec = spec
        self.evaluation: Evaluation | None = None
        self._users: dict[str, object] = {}
        self.numbers: set[str] = set()

    # ---- who ---------------------------------------------------------------------------------------

    def user(self, username: str | None):
        if not username:
            return None
        if username not in self._users:
            self._users[username] = get_user_model().objects.get(username=username)
        return self._users[username]

    def clerk(self, department_name: str):
        return self.user(DEPARTMENT_USERS.get((CITY, department_name), (None, None))[0])

    def hr(self, department_name: str):
        return self.user(DEPARTMENT_USERS.get((CITY, department_name), (None, None))[1])

    @property
    def bianban(self):
        return self.user(OFFICE_USERS[Office.ESTABLISHMENT])

    # ---- the steps ---------------------------------------------------------------------------------

    def steps(self) -> list[tuple]:
        s = self.spec

        def step(on: str, name: str, fn):
            return (on, 2, EVALUATION_STEP, f"{s.key}-{name}", fn)

        out = [step(f"{s.year}-12-31", "0-register", self.register),
               step(s.opened_on, "1-open", self.open),
               step(s.deadline, "2-report", self.report),
               *(step(on, f"3-late-{dept}", partial(self.late, dept, on, reason)) for dept, on, reason in s.late),
               step(s.scoring_deadline, "4-score", self.score),
               step(s.checked_on, "5-check", self.check),
               step(s.results_on, "6-results", self.results)]
        if s.proposals:
            out.append(step(s.proposals_on, "7-proposals", self.proposals))
        return out

    # ---- the register ------------------------------------------------------------------------------

    def _bodies(self):
        city = self.loader.regions[CITY]
        return list(Body.objects.filter(region=city, status="active", category__in=CATEGORIES)
                    .select_related("lead_department", "office_department").order_by("id"))

    def register(self) -> None:
        """The year's meetings, decisions and documents of every body in force at its end."""
        year = self.spec.year
        quiet = set(self.spec.quiet)
        bodies = self._bodies()
        seats = {}
        for b in bodies:
            seats[b.pk] = list(b.leader_seats.select_related("post").order_by("order"))
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)

        def existing(d) -> bool:  # a member unit that existed all year (the data keeps some pre-reform ones)
            return (d.established_on is None or d.established_on <= start) and (d.ended_on is None or d.ended_on > end)

        members = {b.pk: [m.department for m in b.memberships.select_related("department").order_by("order")
                          if existing(m.department)] for b in bodies}
        n_meetings = 0
        for b in bodies:
            if b.name in quiet:
                continue
            if b.name == "市委党建工作领导小组" and year == 2021:
                n_meetings += self._party_building(b, seats[b.pk], members[b.pk])
                continue
            if b.name == "市生态环境保护委员会" and year == 2021:
                n_meetings += self._ecology(b, seats[b.pk], members[b.pk])
                continue
            n_meetings += self._meetings(b, year, seats[b.pk], members[b.pk])
            self._documents(b, year)
        self.loader.log(f"{year}年会议登记 {n_meetings} 次")

    def _day(self, rng: random.Random, year: int, month: int, first: dt.date | None = None) -> dt.date:
        day = _workday(dt.date(year, month, rng.randint(3, 24)))
        return max(min(day, self._last(year)), first or day)

    def _last(self, year: int) -> dt.date:
        """The last day the year's register reaches (a year under way: the day it is filled up to)."""
        return min(dt.date(year, 12, 28), self.through) if self.through else dt.date(year, 12, 28)

    @staticmethod
    def _first(b: Body, year: int) -> dt.date:
        """The first day of the year the body could meet (a week after it was set up)."""
        return max(dt.date(year, 1, 1), b.established_on + dt.timedelta(days=7))

    def _kinds(self, b: Body, rng: random.Random) -> list[str]:
        if b.category == BodyCategory.TASK_FORCE:
            plan = [MeetingKind.OFFICE] * rng.randint(2, 4) + [MeetingKind.SPECIAL] * rng.randint(0, 2)
        elif b.category in (BodyCategory.JOINT_MEETING, BodyCategory.SPECIAL_GROUP):
            plan = [MeetingKind.FULL] + [MeetingKind.OFFICE] * rng.randint(0, 1)
        else:
            plan = [MeetingKind.FULL] * rng.randint(1, 2) + [MeetingKind.OFFICE] * rng.randint(0, 2) \
                + [MeetingKind.SPECIAL] * rng.randint(0, 1)
        # One body in about thirty held no meeting at all (a candidate for abolition, unless exempt); never a
        # benchmark of the year.
        quiet = rng.random() < 0.035 and b.name not in dict(self.spec.exemplary)
        return [] if quiet else plan

    def _meetings(self, b: Body, year: int, seats, members) -> int:
        rng = _rng("meetings", b.pk, year)
        first = self._first(b, year)
        if first > self._last(year) - dt.timedelta(days=28):
            return 0
        months = range(first.month, self._last(year).month + 1)
        kinds = self._kinds(b, rng)[:len(months)]
        chosen = sorted(rng.sample(months, len(kinds)))
        for i, (kind, month) in enumerate(zip(kinds, chosen, strict=True), 1):
            self._meeting(b, kind, self._day(rng, year, month, first), seats, members, rng, n=i)
        return len(kinds)

    def _meeting(self, b: Body, kind: str, on: dt.date, seats, members, rng: random.Random, *, n: int,
                 decisions: list[str] | None = None, title: str = "", done_share: float = 0.85) -> Meeting:
        leader = next((s.post for s in seats if s.role == LeaderRole.LEADER), None)
        deputies = [s.post for s in seats if s.role == LeaderRole.DEPUTY]
        if kind == MeetingKind.FULL:
            chair, chair_label, posts, units = leader, "" if leader else "牵头部门主要负责同志", [s.post for s in seats], members
            title = title or f"{b.name}{on.year}年第{n}次全体会议"
        elif kind == MeetingKind.SPECIAL:
            chair = deputies[0] if deputies else leader
            chair_label = "" if chair else "牵头部门分管负责同志"
            posts = [chair] if chair else []
            units = rng.sample(members, min(len(members), rng.randint(2, 4)))
            title = title or f"{b.name}专题会议（{rng.choice(_TOPICS)}）"
        else:
            chair, chair_label, posts = None, "办公室主任", []
            units = rng.sample(members, min(len(members), max(1, len(members) // 2)))
            title = title or f"{b.name}办公室{on.year}年第{n}次会议"
        if decisions is None:
            decisions = [rng.choice(_DECISIONS).format(dept=(rng.choice(members) if members else b.lead_department).name)
                         for _ in range(rng.randint(1, 3 if kind == MeetingKind.FULL else 2))]
            decisions = list(dict.fromkeys(decisions))
        m = ms.meeting_record(actor=self.clerk(b.office_department.name), body=b, kind=kind, held_on=on, title=title,
                              chair_post=chair, chair_label=chair_label, departments=units, posts=posts,
                              topics="；".join(rng.sample(_TOPICS, 2)), decisions=decisions)
        for d in m.decisions.all():
            if rng.random() < done_share:
                done = min(on + dt.timedelta(days=rng.randint(15, 75)), self._last(on.year))
                ms.decision_done(actor=None, decision=d, done_on=max(done, on), note="已按会议要求落实到位。")
        return m

    def _number(self, b: Body, year: int) -> str:
        stem = (b.short_name or b.name).removeprefix("市委").removeprefix("市")[:3]
        n = 1
        while f"潍{stem}〔{year}〕{n}号" in self.numbers:
            n += 1
        number = f"潍{stem}〔{year}〕{n}号"
        self.numbers.add(number)
        return number

    def _documents(self, b: Body, year: int) -> None:
        rng = _rng("documents", b.pk, year)
        first = self._first(b, year)
        if first > self._last(year) - dt.timedelta(days=28):
            return
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            lower = rng.random() < 0.4
            approved = lower and rng.random() < 0.9
            ms.document_record(
                actor=self.clerk(b.office_department.name), body=b, number=self._number(b, year),
                title=f"关于印发{b.name}{year}年工作要点的通知" if not lower else f"关于做好{year}年{b.name.removeprefix('市')}有关工作的通知",
                issued_on=self._day(rng, year, rng.randint(min(max(first.month, 2), self._last(year).month),
                                                           min(11, self._last(year).month)), first),
                to_lower_levels=lower,
                approved=approved,
                approval_note="经市政府同意" if approved else "")

    def _party_building(self, b: Body, seats, members) -> int:
        """The seed's example: 4 meetings in 2021, the year's work points issued, 12 problems settled."""
        rng = _rng("party-building", 2021)
        plan = [(MeetingKind.FULL, dt.date(2021, 2, 24), "市委党建工作领导小组2021年第1次全体会议", 4),
                (MeetingKind.SPECIAL, dt.date(2021, 5, 19), "市委党建工作领导小组专题会议（基层党建重点任务推进）", 3),
                (MeetingKind.SPECIAL, dt.date(2021, 8, 26), "市委党建工作领导小组专题会议（党建引领基层治理）", 2),
                (MeetingKind.FULL, dt.date(2021, 12, 8), "市委党建工作领导小组2021年第2次全体会议", 3)]
        for n, (kind, on, title, k) in enumerate(plan, 1):
            decisions = [f"第{n}次会议议定事项{i}：" + _DECISIONS[(n + i) % len(_DECISIONS)].format(
                dept=members[(n + i) % len(members)].name if members else b.lead_department.name) for i in range(1, k + 1)]
            self._meeting(b, kind, on, seats, members, rng, n=n, decisions=decisions, title=title, done_share=1.0)
        ms.document_record(actor=None, body=b, number="潍党建组〔2021〕1号", title="关于印发《2021年全市党建工作要点》的通知",
                           issued_on=dt.date(2021, 3, 5), to_lower_levels=True, approved=True,
                           approval_note="经市委同意印发")
        self.numbers.add("潍党建组〔2021〕1号")
        return len(plan)

    def _ecology(self, b: Body, seats, members) -> int:
        """The seed's other example (市生态环境委员会, 2021): the year's work points, the responsibility list that
        names each member unit's, the localities' and the enterprises' duties, a reporting mechanism; its
        meetings follow the 78 key tasks to done."""
        rng = _rng("ecology", 2021)
        lead = b.lead_department.name
        plan = [(MeetingKind.FULL, dt.date(2021, 3, 16), "市生态环境保护委员会2021年第1次全体会议",
                 ["审议通过《2021年全市生态环境保护工作要点》，确定78项重点任务，分解到各成员单位",
                  "审议通过《潍坊市生态环境保护责任清单》，明确成员单位生态环境保护责任、属地责任和企业主体责任",
                  f"建立生态环境保护情况通报机制，由{lead}每季度通报重点任务进展"]),
                (MeetingKind.OFFICE, dt.date(2021, 7, 8), "市生态环境保护委员会办公室2021年第1次会议",
                 ["通报上半年重点任务进展，对进度滞后的任务挂牌督办", "部署中央生态环境保护督察反馈问题整改"]),
                (MeetingKind.FULL, dt.date(2021, 12, 14), "市生态环境保护委员会2021年第2次全体会议",
                 ["听取78项重点任务完成情况汇报，全部任务落实落地", "研究部署2022年生态环境保护重点工作"])]
        for n, (kind, on, title, decisions) in enumerate(plan, 1):
            self._meeting(b, kind, on, seats, members, rng, n=n, decisions=decisions, title=title, done_share=1.0)
        for number, title, on, lower in (
                ("潍环委〔2021〕1号", "关于印发《2021年全市生态环境保护工作要点》的通知", dt.date(2021, 3, 26), True),
                ("潍环委〔2021〕2号", "关于印发《潍坊市生态环境保护责任清单》的通知", dt.date(2021, 4, 9), True),
                ("潍环委办〔2021〕1号", "关于建立生态环境保护重点任务情况通报制度的通知", dt.date(2021, 4, 20), False)):
            ms.document_record(actor=None, body=b, number=number, title=title, issued_on=on, to_lower_levels=lower,
                               approved=lower, approval_note="经市政府同意印发" if lower else "")
            self.numbers.add(number)
        return len(plan)

    # ---- the evaluation ----------------------------------------------------------------------------

    def open(self) -> None:
        s = self.spec
        city = self.loader.regions[CITY]
        self.loader.file_work_rules(_d(self.spec.opened_on))
        previous = IndicatorSystem.objects.filter(region=city, year__lt=s.year).order_by("-year").first()
        system = es.system_create(actor=self.bianban, region=city, year=s.year,
                                  title=f"潍坊市{s.year}年度议事协调机构运行成效评价指标体系", copy_from=previous,
                                  source="潍坊市议事协调机构运行成效评价办法（演示数据）")
        self.evaluation = es.evaluation_open(
            actor=self.bianban, region=city, year=s.year, carried_out_in=s.year + 1, system=system,
            opened_on=_d(s.opened_on), deadline=_d(s.deadline), scoring_deadline=_d(s.scoring_deadline),
            title=s.title)

    def _selfs(self):
        return list(self.evaluation.self_evaluations.select_related("department", "body").order_by("id"))

    def _figures(self, se: SelfEvaluation) -> dict:
        s = self.spec
        rng = _rng("self", se.body_id, s.year)
        pre = se.prefill or {}
        quiet = se.name in s.quiet
        planned = 0 if quiet else rng.randint(4, 12) if se.category == BodyCategory.TASK_FORCE else rng.randint(6, 30)
        done = max(planned - rng.choice((0, 0, 0, 1, 2, 3)), 0)
        data = {"meetings_held": pre.get("meetings_held", 0), "documents_issued": pre.get("documents_issued", 0),
                "problems_coordinated": 0 if quiet else max(pre.get("decisions_done", 0), rng.randint(2, 9)),
                "tasks_planned": planned, "tasks_done": done,
                "mechanisms": "" if quiet or rng.random() < 0.3 else "建立成员单位联络员制度和定期会商机制",
                "duties_performed": f"围绕{se.name.removeprefix('市委').removeprefix('市')}职责，统筹协调成员单位推进年度工作。",
                "highlights": rng.choice(_HIGHLIGHTS), "shortcomings": rng.choice(_SHORTCOMINGS),
                "next_plan": rng.choice(_PLANS)}
        if quiet:
            data.update(duties_performed="本年度相关工作任务已基本完成，未召开会议。",
                        highlights="阶段性工作任务已经完成。", shortcomings="机构职责任务已基本完成，建议研究撤销。",
                        next_plan="按程序申请撤销。")
        if se.name == "市委党建工作领导小组" and s.year == 2021:
            data.update(problems_coordinated=12, tasks_planned=20, tasks_done=20,
                        mechanisms="建立领导小组成员单位季度调度和重点任务督办机制",
                        highlights="全年召开领导小组会议4次，印发《2021年全市党建工作要点》，协调解决基层党建重点难点问题12个。")
        if se.name == "市生态环境保护委员会" and s.year == 2021:
            data.update(tasks_planned=78, tasks_done=78,
                        mechanisms="制定委员会工作规则，建立成员单位生态环境保护责任清单和工作报告制度",
                        highlights="制定工作规则、责任清单和工作报告制度，推动78项生态环境保护重点任务全部落地落实。")
        return data

    def report(self) -> None:
        """The host departments' business sections draft; their HR sections submit before the deadline (the
        late department's after 编办 reopens it)."""
        s = self.spec
        late = {dept for dept, _on, _reason in s.late}
        start, end = _d(s.opened_on) + dt.timedelta(days=10), _d(s.deadline)
        span = (end - start).days
        for i, se in enumerate(self._selfs()):
            dept = se.department.name
            es.selfeval_save(actor=self.clerk(dept), self_evaluation=se, data=self._figures(se))
            if dept in late:
                continue
            on = min(_workday(start + dt.timedelta(days=(i * 7) % max(span, 1))), end)
            es.selfeval_submit(actor=self.hr(dept), self_evaluation=se, on=on)

    def late(self, dept: str, on: str, reason: str) -> None:
        until = _workday(_d(on) + dt.timedelta(days=2))
        for se in self.evaluation.self_evaluations.filter(department__name=dept).exclude(status=SelfStatus.SUBMITTED):
            es.selfeval_reopen(actor=self.bianban, self_evaluation=se, until=until, reason=reason, on=_d(on))
            es.selfeval_submit(actor=self.hr(dept), self_evaluation=se, on=until)

    def score(self) -> None:
        """Each lead department scores the member units of its bodies (all of one body in one form)."""
        self.evaluation = er.reporting_close(actor=self.bianban, evaluation=self.evaluation,
                                             on=_d(self.spec.scoring_deadline))
        indicators = er.member_indicators(self.evaluation)
        rows_by_body: dict[int, list[MemberScore]] = {}
        for row in (MemberScore.objects.filter(evaluation=self.evaluation).select_related("evaluation", "department",
                                                                                          "lead_department")
                    .order_by("body_id", "id")):
            rows_by_body.setdefault(row.body_id, []).append(row)
        for body_id, rows in rows_by_body.items():
            entries = {}
            for row in rows:
                base = _rng("member", row.department_id, self.spec.year).uniform(0.72, 0.98)
                rng = _rng("score", row.pk)
                entries[row.pk] = {"scores": {str(i.pk): f"{min(float(i.weight), round(float(i.weight) * min(1, base + rng.uniform(-0.06, 0.05)), 1)):.1f}"
                                              for i in indicators},
                                   "comment": "" if base > 0.8 else "信息报送不够及时，配合力度有待加强", "version": row.version}
            saved, errors = er.member_scores_save(actor=self.clerk(rows[0].lead_department.name), rows=rows,
                                                  entries=entries, on=_d(self.spec.scoring_deadline))
            if errors:
                raise RuntimeError(f"member scores of body {body_id}: {errors}")

    def check(self) -> None:
        """编办 checks every self-evaluation (grading the judged indicators); 两办 and 组织部 agree; 编办 adjusts
        the score it found overstated."""
        s = self.spec
        graded = [i for i in self.evaluation.system.indicators.filter(target=Target.BODY, method=Method.GRADE)]
        adjusted = {name: (score, reason) for name, score, reason in s.adjusted}
        for se in self._selfs():
            rng = _rng("grade", se.body_id, s.year)
            level = "差" if se.name in s.quiet else rng.choice(("好", "好", "较好", "较好", "一般"))
            if se.name in dict(s.exemplary):
                level = "好"
            grades = {str(i.pk): level for i in graded}
            for office, username in ((Office.GENERAL_OFFICE, "liangban"), (Office.ORGANISATION, "zuzhibu")):
                es.check_give(actor=self.user(username), self_evaluation=se, office=office, verdict=CheckVerdict.AGREE)
            if se.name in adjusted:
                score, reason = adjusted[se.name]
                es.check_give(actor=self.bianban, self_evaluation=se, office=Office.ESTABLISHMENT,
                              verdict=CheckVerdict.ADJUST, score=score, reason=reason, grades=grades)
            else:
                es.check_give(actor=self.bianban, self_evaluation=se, office=Office.ESTABLISHMENT,
                              verdict=CheckVerdict.AGREE, grades=grades)
            es.selfeval_check_done(actor=self.bianban, self_evaluation=se)

    def results(self) -> None:
        s = self.spec
        er.results_compute(self.evaluation, actor=self.bianban)
        for name, note in s.exemplary:
            se = self.evaluation.self_evaluations.get(Q(name=name) | Q(body__name=name))
            er.exemplary_mark(actor=self.bianban, self_evaluation=se, note=note)
        self.evaluation = er.results_publish(actor=self.bianban, evaluation=self.evaluation, on=_d(s.results_on))

    def proposals(self) -> None:
        """编办 drafts the adjustment proposals the results support (through the intake)."""
        for name, kind, reason, extra in self.spec.proposals:
            se = self.evaluation.self_evaluations.get(Q(name=name) | Q(body__name=name))
            kw = {}
            if kind == "rename":
                kw["new_name"] = extra
            elif kind == "reaffiliate":
                kw["new_department"] = self.loader.dept(CITY, self.loader.data._dept(CITY, extra))
            elif kind == "abolish" and se.candidate_exempt:
                kw["task_finished"] = True
            er.proposal_draft(actor=self.bianban, self_evaluation=se, kind=kind, reason=reason, **kw)

    # ---- the dates ---------------------------------------------------------------------------------

    def finish(self) -> None:
        s = self.spec
        ev = self.evaluation
        if ev is None:
            return
        opened = _at(s.opened_on, 9)
        Evaluation.objects.filter(pk=ev.pk).update(created_at=opened, updated_at=_at(s.results_on, 17),
                                                   results_at=_at(s.results_on, 16))
        IndicatorSystem.objects.filter(pk=ev.system_id).update(created_at=opened, updated_at=opened, frozen_at=opened)
        ids = list(SelfEvaluation.objects.filter(evaluation=ev).values_list("id", flat=True))
        SelfEvaluation.objects.filter(id__in=ids).update(created_at=opened, checked_at=_at(s.checked_on, 15),
                                                         updated_at=_at(s.results_on, 16))
        for se in SelfEvaluation.objects.filter(id__in=ids).exclude(submitted_on=None).only("id", "submitted_on"):
            drafted = se.submitted_on - dt.timedelta(days=2 if se.submitted_on.weekday() >= 2 else 4)
            SelfEvaluation.objects.filter(pk=se.pk).update(submitted_at=_at(se.submitted_on, 16, 30),
                                                           drafted_at=_at(max(drafted, _d(s.opened_on)), 10))
        EvaluationCheck.objects.filter(self_evaluation_id__in=ids).update(created_at=_at(s.checked_on, 11),
                                                                          updated_at=_at(s.checked_on, 11))
        MemberScore.objects.filter(evaluation=ev).update(created_at=opened, scored_at=_at(s.scoring_deadline, 10),
                                                         updated_at=_at(s.scoring_deadline, 10))
        Proposal.objects.filter(source_ref=f"evaluation:{ev.pk}").update(raised_at=_at(s.proposals_on or s.results_on, 10))
        year = s.year
        for m in Meeting.objects.filter(region__code=CITY, held_on__year=year).only("id", "held_on"):
            Meeting.objects.filter(pk=m.pk).update(created_at=_at(m.held_on, 18), updated_at=_at(m.held_on, 18))
        BodyDocument.objects.filter(region__code=CITY, issued_on__year=year).update(created_at=_at(f"{year}-12-31", 9))
        n = SelfEvaluation.objects.filter(id__in=ids)
        self.loader.log(f"{s.title}：评价机构 {n.count()} 个，高效 {n.filter(grade='高效').count()} 个，"
                        f"调整建议 {Proposal.objects.filter(source_ref=f'evaluation:{ev.pk}').count()} 条")


class RegisterRunner(EvaluationRunner):
    """The register of the year under way (no evaluation yet): the meetings so far, for the leaders' view —
    领导会议负担, 全年未开会机构 and the posts page's meetings of the year."""

    def __init__(self, loader, spec):
        super().__init__(loader, spec)
        self.through = _d(spec.through)

    def steps(self) -> list[tuple]:
        return [(self.spec.through, 2, EVALUATION_STEP, f"register-{self.spec.year}", self.register)]

    def finish(self) -> None:
        year = self.spec.year
        for m in Meeting.objects.filter(region__code=CITY, held_on__year=year).only("id", "held_on"):
            Meeting.objects.filter(pk=m.pk).update(created_at=_at(m.held_on, 18), updated_at=_at(m.held_on, 18))
