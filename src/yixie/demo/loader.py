"""Loads the demo city (demo/city.py, built from demo/data/) through the same services the offices use."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from yixie.core.notifications import run_alerts
from yixie.core.roles import Role
from yixie.ledger import services
from yixie.ledger.choices import LED_BY_POSTS, EventKind, LeaderRole
from yixie.ledger.models import Body, Document
from yixie.ledger.state import build_state, dept_ref, leader_ref, member_ref
from yixie.org.models import Department, Post, PostHolding, Region, RoleAssignment

from .campaigns import CampaignRunner
from .disputes import load_disputes
from .evaluation import EvaluationRunner, RegisterRunner
from .regulations import load_regulations
from .workrules import file_demo_work_rules, load_department_duties

DEMO_PASSWORD = "yixie-demo-2026"

# username, role, region code or None, department name or None, display name
DEMO_USERS = [
    ("bianban", Role.ESTABLISHMENT, "370700", None, "市委编办 王敏"),
    ("liangban", Role.GENERAL_OFFICE, "370700", None, "市政府办公室 刘洋"),
    ("zuzhibu", Role.ORGANISATION, "370700", None, "市委组织部 陈静"),
    ("lingdao", Role.LEADER, "370700", None, "市领导 查阅"),
    ("fagaiwei", Role.DEPARTMENT, "370700", "市发展和改革委员会", "市发展改革委 赵丽"),
    ("fagaiwei_hr", Role.DEPARTMENT_HR, "370700", "市发展和改革委员会", "市发展改革委组织人事科 钱峰"),
    ("nongye", Role.DEPARTMENT, "370700", "市农业农村局", "市农业农村局 周婷"),
    ("nongye_hr", Role.DEPARTMENT_HR, "370700", "市农业农村局", "市农业农村局组织人事科 吴刚"),
    # hosts 市安全生产委员会's office: consults its member units on a duty dispute (demo/disputes.py)
    ("yingji", Role.DEPARTMENT, "370700", "市应急管理局", "市应急管理局综合协调科 马骏"),
    ("qingzhou", Role.ESTABLISHMENT, "370781", None, "青州市委编办 孙强"),
    # The three administrators (三员分立, docs/decisions/0021); `admin` is the set-up superuser only.
    ("xitong", Role.SYSTEM_ADMIN, "370700", None, "系统管理员 郑凯"),
    ("anquan", Role.SECURITY_ADMIN, "370700", None, "安全管理员 冯雪"),
    ("shenji", Role.AUDIT_ADMIN, "370700", None, "审计管理员 蒋涛"),
]

KIND_MAP = {k.value: k for k in EventKind}


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class DemoLoader:
    def __init__(self, data, log: Callable[[str], None] = print):
        self.data = data
        self.log = log
        self.regions: dict[str, Region] = {}
        self.depts: dict[tuple[str, str], Department] = {}
        self.posts: dict[tuple[str, str], Post] = {}
        self.docs: dict[str, Document] = {}
        self.bodies: dict[str, Body] = {}

    def dept(self, region: str, name: str) -> Department:
        try:
            return self.depts[(region, name)]
        except KeyError:
            raise KeyError(f"demo data: department {name!r} not found in region {region}") from None

    def post(self, region: str, name: str) -> Post:
        return self.posts[(region, name)]

    @transaction.atomic
    def load(self) -> dict[str, int]:
        d = self.data
        # The national regulations library comes with a data migration; a database emptied since (a test
        # database is flushed between transactional tests) gets it again, idempotently, before the demo cites it.
        from importlib import import_module

        from django.apps import apps as django_apps

        import_module("yixie.ledger.migrations.0013_regs_national_library").seed(django_apps, None)
        for spec in d.REGIONS:
            self.regions[spec.code] = Region.objects.create(
                code=spec.code, name=spec.name, level=spec.level, agency_prefix=spec.agency_prefix,
                parent=self.regions.get(spec.parent) if spec.parent else None)
        Department.objects.bulk_create(
            Department(region=self.regions[s.region], name=s.name, short_name=s.short_name, kind=s.kind,
                       order=s.order, duties=s.duties, uscc=s.uscc, established_on=_d(s.established_on),
                       ended_on=_d(s.ended_on)) for s in d.DEPARTMENTS)
        for dept in Department.objects.select_related("region"):
            self.depts[(dept.region.code, dept.name)] = dept
        load_department_duties(self)  # the 三定 texts as rows, which the overlap engine reads
        for s in d.POSTS:
            post = Post.objects.create(region=self.regions[s.region], name=s.name, order=s.order)
            self.posts[(s.region, s.name)] = post
            PostHolding.objects.bulk_create(
                PostHolding(post=post, person_name=n, started_on=_d(a), ended_on=_d(b)) for n, a, b in s.holders)
        doc_specs = {s.key: s for s in d.DOCUMENTS}
        self.doc_specs = doc_specs
        self.log(f"区划 {len(self.regions)} 个，部门 {len(self.depts)} 个，领导职务 {len(self.posts)} 个")

        bodies = sorted(d.BODIES, key=lambda b: (b.established_on, b.key))
        for i, b in enumerate(bodies, 1):
            try:
                self._establish(b)
            except Exception as exc:
                raise RuntimeError(f"demo body {b.key} {b.name}: {exc}") from exc
            if i % 100 == 0:
                self.log(f"已登记机构 {i}/{len(bodies)}")
        # The demo's users exist before the history is replayed: they run the review campaigns in it.
        self._users()
        # The history in date order; the review campaigns' steps at their dates among the events (a list
        # is published before the day's other events, which may cite it; everything else after them).
        steps = [(e.on, 1, b.key, n, e) for b in d.BODIES for n, e in enumerate(b.history) if not e.campaign]
        events = len(steps)
        runners = [CampaignRunner(self, spec) for spec in d.CAMPAIGNS]
        evaluations = [EvaluationRunner(self, spec) for spec in d.EVALUATIONS]
        evaluations += [RegisterRunner(self, spec) for spec in d.REGISTERS]
        for runner in [*runners, *evaluations]:
            steps += runner.steps()
        steps.sort(key=lambda t: t[:4])
        for on, _order, key, _n, e in steps:
            if callable(e):
                try:
                    e()
                except Exception as exc:
                    raise RuntimeError(f"demo campaign step {key} on {on}: {exc}") from exc
                continue
            try:
                self._event(key, e)
            except Exception as exc:  # name the offending record: demo data is hand-written
                raise RuntimeError(f"demo event {e.kind} on {e.on} of body {key}: {exc}") from exc
        for runner in runners:
            runner.finish()
            runner.documents()
        for evaluation in evaluations:
            evaluation.finish()
        applied = sum(r.applied for r in runners)
        self.log(f"已登记机构 {len(bodies)} 个，历史沿革事项 {events + applied} 项（其中调整规范行动公布清单写入 {applied} 项）")
        events += applied
        self.file_work_rules()
        self._quota()
        # The Weifang profile (its regulations and the values citing them; after the quota rows it cites), then
        # the seed's duty disputes (after the work rules they revise).
        load_regulations(self)
        load_disputes(self)
        self._applications()
        # Today's daily alerts, as the scheduled job would send them: expiring temporary bodies in the
        # notification centre of their host departments and 编办.
        told = run_alerts()
        self.log(f"提醒 {sum(told.values())} 条")
        return {"regions": len(self.regions), "bodies": len(bodies), "events": events}

    def _document(self, key: str | None, region: Region) -> Document | None:
        if not key:
            return None
        if key not in self.docs:
            s = self.doc_specs[key]
            self.docs[key] = services.document_create(actor=None, region=region, number=s.number, issuer=s.issuer,
                                                      issued_on=_d(s.issued_on), title=s.title)
        return self.docs[key]

    def _establish(self, b) -> None:
        region = self.regions[b.region]
        state = build_state(
            name=b.name, short_name=b.short_name, aliases=b.aliases, category=b.category, form=b.form,
            sequence=b.sequence, legal_ground=b.legal_ground,
            lead_department=self.dept(b.region, b.lead), office_department=self.dept(b.region, b.office),
            duties=b.duties, leader=self.post(b.region, b.leader) if b.leader else None,
            deputies=[self.post(b.region, p) for p in b.deputies],
            members=[(self.dept(b.region, n), r) for n, r in b.members],
            is_temporary=b.temporary, ends_on=_d(b.ends_on), end_condition=b.end_condition,
            upper_counterpart=b.upper_counterpart, task_scope=b.task_scope,
            extra_members_approved=len(b.members) > (15 if b.task_scope == "comprehensive" else 10),
        )
        doc = self._document(b.established_doc, region)
        body, _ = services.body_establish(actor=None, region=region, state=state, on=_d(b.established_on),
                                          document=doc, note="初始台账录入")
        self.bodies[b.key] = body

    def _event(self, key: str, e) -> None:
        body = self.bodies[key]
        code = body.region.code
        c = e.changes
        changes: dict = {}
        if "name" in c:
            changes["name"] = c["name"]
        if "short_name" in c:
            changes["short_name"] = c["short_name"]
        if "lead" in c:
            changes["lead_department"] = dept_ref(self.dept(code, c["lead"]))
        if "office" in c:
            changes["office_department"] = dept_ref(self.dept(code, c["office"]))
        if "members" in c:
            changes["members"] = [member_ref(self.dept(code, n), r) for n, r in c["members"]]
        if "duties" in c:
            changes["duties"] = c["duties"]
        if "leader" in c or "deputies" in c:
            current = services.state_on(body, _d(e.on))
            leaders = [s for s in current["leaders"]]
            if "leader" in c:
                leaders = [s for s in leaders if s["role"] != LeaderRole.LEADER]
                leaders.insert(0, leader_ref(LeaderRole.LEADER, self.post(code, c["leader"])))
            if "deputies" in c:
                leaders = [s for s in leaders if s["role"] != LeaderRole.DEPUTY]
                leaders += [leader_ref(LeaderRole.DEPUTY, self.post(code, p)) for p in c["deputies"]]
            changes["leaders"] = leaders
        if "category" in c:
            changes["category"] = c["category"]
            if c["category"] not in LED_BY_POSTS:
                changes["leaders"] = []
        if "form" in c:
            changes["form"] = c["form"]
        if "sequence" in c:
            changes["sequence"] = c["sequence"]
        if e.kind == "split":
            changes["split_into"] = [{"id": self.bodies[k].pk, "name": self.bodies[k].name} for k in c.get("into", [])]
        doc = self._document(e.doc, body.region)
        kind = KIND_MAP[e.kind]
        if kind == EventKind.MERGE:
            into = self.bodies[c["into"]]
            services.body_merge(actor=None, bodies=[body], into=into, on=_d(e.on), document=doc, note=e.note)
        else:
            services.event_record(actor=None, body=body, kind=kind, on=_d(e.on), document=doc, changes=changes,
                                  note=e.note)

    def _users(self) -> None:
        User = get_user_model()
        admin = User.objects.create_superuser("admin", password=DEMO_PASSWORD)
        admin.first_name = "安装用超级管理员"
        admin.save()
        for username, role, region_code, dept_name, display in DEMO_USERS:
            user = User.objects.create_user(username, password=DEMO_PASSWORD, first_name=display)
            if dept_name:
                RoleAssignment.objects.create(user=user, role=role, department=self.dept(region_code, dept_name))
            else:
                RoleAssignment.objects.create(user=user, role=role, region=self.regions[region_code])

    def file_work_rules(self, until: date | None = None) -> None:
        """Work rules drafted, submitted and filed through the rules capability for six bodies in seven of those
        in force on `until` (default today), twenty days after setup (the seed: 800+ drawn up); run when an
        evaluation opens (it counts them) and at the end of the load (demo/workrules.py)."""
        file_demo_work_rules(self, until or date.today())

    def _quota(self) -> None:
        from yixie.ledger.models import PolicyValue

        # Total-number control (docs/decisions/0023): the city's 154 counted bodies in force (39 Party, 115
        # government) against caps of 40 and 114 (153 in all), about 2.4 times its 65 Party and government
        # institutions; the government sequence is one over (the 2025 campaign, open, is to bring it back), so
        # a new government body is warned of. 撤一建一 is not required in the city (a county may require it).
        city = self.regions["370700"]
        for key, value, source in (
                ("quota.counted_bodies", 153, "市委机构编制委员会确定的市级议事协调机构总量（演示数据）"),
                ("quota.party", 40, "市委机构编制委员会确定的市委议事协调机构限额（演示数据）"),
                ("quota.government", 114, "市委机构编制委员会确定的市政府议事协调机构限额（演示数据）"),
                ("quota.institutions", 65, "市级机构改革方案核定的市级党政机构限额（演示数据）"),
                ("quota.one_out_one_in", False, "市委机构编制委员会：市级暂不实行“撤一建一”（演示数据）")):
            PolicyValue.objects.create(region=city, key=key, value=value, severity="warning", source=source)

    def _applications(self) -> None:
        """A few applications at different steps, so every approval page has something to show."""
        from django.core.files.base import ContentFile

        from yixie.approvals import services as approvals
        from yixie.approvals.choices import ApplicationKind, AttachmentKind, Decision, ReviewStep
        from yixie.approvals.selectors import overlaps_for

        User = get_user_model()
        u = {name: User.objects.get(username=name) for name in
             ("fagaiwei", "fagaiwei_hr", "nongye", "nongye_hr", "liangban", "bianban")}
        city = self.regions["370700"]

        def rules_file():
            f = ContentFile(b"%PDF-1.4\n% demo work rules\n%%EOF\n", name="工作规则（草案）.pdf")
            return f

        def new(clerk, dept, name, duties, members, *, lead=None, office=None, leader="市长", deputies=(),
                category="government", form="领导小组"):
            state = build_state(
                name=name, category=category, form=form, sequence="government", legal_ground="local",
                lead_department=self.dept("370700", lead or dept), office_department=self.dept("370700", office or dept),
                duties=duties, leader=self.post("370700", leader) if leader else None,
                deputies=[self.post("370700", p) for p in deputies],
                members=[(self.dept("370700", m), "principal" if i == 0 else "assisting") for i, m in enumerate(members)])
            app = approvals.application_save(
                actor=u[clerk], app=None, region=city, department=self.dept("370700", dept),
                kind=ApplicationKind.ESTABLISH, body=None, proposed=state,
                reasons="落实省委、省政府部署，工作涉及多个部门，需要市政府领导经常协调。")
            approvals.attach(actor=u[clerk], app=app, kind=AttachmentKind.RULES, uploaded=rules_file())
            return app

        a = new("fagaiwei", "市发展和改革委员会", "市低空经济发展工作领导小组",
                "统筹推进全市低空经济发展，协调低空空域管理、通用机场建设和无人机产业培育，研究解决重大问题。",
                ["市发展和改革委员会", "市工业和信息化局", "市交通运输局", "市公安局", "市应急管理局"],
                deputies=["副市长（分管工业和信息化）"])
        approvals.submit(actor=u["fagaiwei_hr"], app=a, overlaps=overlaps_for)

        b = new("nongye", "市农业农村局", "市预制菜质量安全工作专班",
                "统筹预制菜生产加工质量安全监管，协调食品安全标准、冷链物流和产品追溯体系建设。",
                ["市农业农村局", "市市场监督管理局", "市商务局", "市工业和信息化局"], leader=None,
                category="taskforce", form="工作专班")
        b = approvals.submit(actor=u["nongye_hr"], app=b, overlaps=overlaps_for)
        approvals.accept(actor=u["liangban"], app=b, opinion="材料齐全，予以受理。")

        c = new("fagaiwei", "市发展和改革委员会", "市现代物流产业发展工作领导小组",
                "统筹全市现代物流业发展，协调物流枢纽建设和多式联运，研究解决物流业发展中的重大问题。",
                ["市发展和改革委员会", "市交通运输局", "市商务局"], deputies=["常务副市长"])
        c = approvals.submit(actor=u["fagaiwei_hr"], app=c, overlaps=overlaps_for)
        c = approvals.accept(actor=u["liangban"], app=c)
        approvals.review(actor=u["bianban"], app=c, step=ReviewStep.ESTABLISHMENT, decision=Decision.RETURN,
                         opinion="职责与现有市物流业发展领导小组、市现代物流业发展领导小组相同或相近，请说明设立必要性或提出整合方案。")

        # A high overlap approved over with a written reason (issue 9): the department was warned before it
        # submitted, 编办's checklist item was pre-answered with the evidence, and 编办 wrote why it agrees.
        d = new("nongye", "市农业农村局", "市预制菜产业链发展工作领导小组",
                "统筹推进全市预制菜产业链发展，研究制定预制菜产业链发展规划和扶持政策，协调推进预制菜原料基地、"
                "食品加工龙头企业培育和冷链物流体系建设，协调解决预制菜产业链发展中的重大问题。",
                ["市农业农村局", "市发展和改革委员会", "市工业和信息化局", "市商务局"],
                deputies=["副市长（分管农业农村）"])
        d = approvals.submit(actor=u["nongye_hr"], app=d, overlaps=overlaps_for)
        d = approvals.accept(actor=u["liangban"], app=d, opinion="材料齐全，予以受理。")
        checklist = {k: {"holds": True} for k in ("cond_upper", "cond_cross", "cond_major", "rule_office",
                                                  "rule_seal", "rule_leaders", "rule_temporary")}
        checklist |= {k: {"holds": False} for k in ("proh_duties", "proh_mechanism")}
        checklist["proh_similar"] = {"holds": False, "note": "已核实：本小组只负责产业链招商和链主企业培育，与市预制菜产业发展工作领导小组分工明确。"}
        approvals.review(actor=u["bianban"], app=d, step=ReviewStep.ESTABLISHMENT, decision=Decision.APPROVE,
                         checklist=checklist,
                         opinion="与市预制菜产业发展工作领导小组职责相近，但省里要求单设产业链“链长制”工作机构，"
                                 "市预制菜产业发展工作领导小组不再承担产业链招商事项，同意设立。")

        new("fagaiwei", "市发展和改革委员会", "市数字经济发展工作领导小组",
            "统筹全市数字经济发展，协调数字产业化和产业数字化重大事项。",
            ["市发展和改革委员会", "市大数据局", "市工业和信息化局"], deputies=["副市长（分管工业和信息化）"])
