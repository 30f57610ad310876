"""Evaluation rows built directly for the results tests and the URL samples (part A's services — opening an
evaluation, drafting self-evaluations — are not needed to test the results)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from yixie.evaluation.models import Evaluation, Indicator, IndicatorSystem, MemberScore, SelfEvaluation
from yixie.ledger.choices import BodyCategory, LegalGround
from yixie.ledger.models import Membership

BODY_INDICATORS = [  # (dimension, name, weight, method, source, norm)
    ("results", "召开会议", 30, "count", "meetings_held", 4),
    ("results", "重点任务完成", 40, "ratio", "tasks_done_ratio", None),
    ("regularity", "建立工作机制", 30, "yesno", "mechanisms", None),
]
MEMBER_INDICATORS = [("cooperation", "协调配合", 40), ("information", "信息共享", 30), ("delivery", "任务落实", 30)]


def make_system(region, year=2025) -> IndicatorSystem:
    system = IndicatorSystem.objects.create(region=region, year=year, title=f"{region.name}{year}年度评价指标体系",
                                            frozen_at=timezone.now())
    for k, (dim, name, weight, method, source, norm) in enumerate(BODY_INDICATORS):
        Indicator.objects.create(system=system, target="body", dimension=dim, name=name, weight=weight,
                                 method=method, source=source, norm=norm, order=k)
    for k, (dim, name, weight) in enumerate(MEMBER_INDICATORS):
        Indicator.objects.create(system=system, target="member", dimension=dim, name=name, weight=weight,
                                 method="count", order=10 + k)
    return system


def open_evaluation(region, bodies, year=2025, *, figures=None, scoring_deadline=None) -> Evaluation:
    """An evaluation of `region` for `year` with one self-evaluation per body (figures per body name:
    {"meetings_held", "tasks_planned", "tasks_done", "mechanisms"}) and one empty member score per (body,
    member unit), as part A's `evaluation_open` makes them."""
    system = make_system(region, year)
    today = timezone.localdate()
    evaluation = Evaluation.objects.create(
        region=region, year=year, carried_out_in=year + 1, title=f"{region.name}{year}年度议事协调机构运行评价",
        system=system, opened_on=today - timedelta(days=30), deadline=today + timedelta(days=10),
        scoring_deadline=scoring_deadline or today + timedelta(days=20))
    figures = figures or {}
    for body in bodies:
        f = {"meetings_held": 4, "tasks_planned": 5, "tasks_done": 5, "mechanisms": "工作规则"} | figures.get(body.name, {})
        SelfEvaluation.objects.create(
            evaluation=evaluation, body=body, department=body.office_department, lead_department=body.lead_department,
            name=body.name, category=body.category, legal_ground=body.legal_ground, status="submitted", **f)
        for m in Membership.objects.filter(body=body).select_related("department"):
            MemberScore.objects.create(evaluation=evaluation, body=body, department=m.department,
                                       lead_department=body.lead_department)
    return evaluation


def score_all(evaluation, points=("36", "27", "27")) -> None:
    """Fill every member score (as if the lead departments had scored), totals included."""
    ids = list(evaluation.system.indicators.filter(target="member").order_by("order").values_list("id", flat=True))
    for ms in MemberScore.objects.filter(evaluation=evaluation).exclude(department_id=F("lead_department_id")):
        ms.scores = {str(i): p for i, p in zip(ids, points, strict=True)}
        ms.total = sum(Decimal(p) for p in points)
        ms.save()


def results_world(world, year=2025):
    """Three bodies of the test city led by 市发展改革委 with member units, one emergency command body, one
    body that held no meeting; an evaluation of `year`. Returns (evaluation, {name: body})."""
    from yixie.testing.factories import establish

    names = {}
    names["a"] = establish(world.city, name="市重点项目建设领导小组", lead=world.fgw, members=[world.gxj, world.nyj],
                           on=date(2019, 3, 1))
    names["b"] = establish(world.city, name="市物流业发展领导小组", lead=world.fgw, members=[world.swj, world.gxj],
                           on=date(2019, 3, 1))
    names["idle"] = establish(world.city, name="市闲置工作领导小组", lead=world.fgw, members=[world.nyj],
                              on=date(2019, 3, 1))
    names["emergency"] = establish(world.city, name="市防汛抗旱指挥部", lead=world.yjj, members=[world.fgw, world.nyj],
                                   legal_ground=LegalGround.EMERGENCY, form="指挥部", on=date(2019, 3, 1))
    names["joint"] = establish(world.city, name="市招商引资联席会议", lead=world.swj, members=[world.fgw],
                               category=BodyCategory.JOINT_MEETING, form="联席会议", on=date(2019, 3, 1))
    figures = {"市重点项目建设领导小组": {"meetings_held": 6, "tasks_planned": 10, "tasks_done": 9},
               "市物流业发展领导小组": {"meetings_held": 2, "tasks_planned": 4, "tasks_done": 2, "mechanisms": ""},
               "市闲置工作领导小组": {"meetings_held": 0, "tasks_planned": 0, "tasks_done": 0, "mechanisms": ""},
               "市防汛抗旱指挥部": {"meetings_held": 0, "tasks_planned": 3, "tasks_done": 3}}
    evaluation = open_evaluation(world.city, [names[k] for k in ("a", "b", "idle", "emergency", "joint")], year,
                                 figures=figures)
    return evaluation, names


def se_of(evaluation, body) -> SelfEvaluation:
    return SelfEvaluation.objects.get(evaluation=evaluation, body=body)

