"""The evaluation pages, tested by the shared base classes (yixie.testing.views): who may open each page, what
each role sees, query counts, refused empty forms that write nothing, and every id checked against the scope.

The world: 市发展和改革委员会 (fagaiwei / fagaiwei_hr) hosts the office of the sample body; 市应急管理局 (yingji)
hosts nothing evaluated; 青州市's 编办 is below the city (sees none of its evaluation)."""

from datetime import date, timedelta

from django.utils import timezone

from yixie.evaluation import selectors, services
from yixie.evaluation.choices import Target
from yixie.evaluation.models import Evaluation, EvaluationCheck, Indicator, IndicatorSystem, SelfEvaluation
from yixie.testing.factories import establish
from yixie.testing.views import DetailPageTests, FormPageTests, ListPageTests

TODAY = timezone.localdate()


def _bodies(world):
    if not hasattr(world, "_eval_body"):
        world._eval_body = establish(world.city, name="市生成评价工作领导小组", lead=world.fgw, members=[world.gxj],
                                     on=date(2019, 3, 1))
        establish(world.county, name="青州市生成评价领导小组", lead=world.qz_fgj, on=date(2019, 3, 1))
        # a county system: the city's offices see it (their subtree), a county's 编办 sees only this one
        services.system_create(actor=None, region=world.county, year=2040, title="青州市2040年度评价指标体系")
    return world._eval_body


def a_system(world, i=0):
    _bodies(world)
    return services.system_create(actor=None, region=world.city, year=2019 + i, title=f"潍坊市{2019 + i}年度评价指标体系")


def an_evaluation(world, i=0):
    system = a_system(world, i)
    return services.evaluation_open(actor=None, region=world.city, year=2019 + i, carried_out_in=2020 + i,
                                    system=system, opened_on=TODAY, deadline=TODAY + timedelta(days=10),
                                    scoring_deadline=TODAY + timedelta(days=20))


def a_selfeval(world, i=0) -> SelfEvaluation:
    return an_evaluation(world, i).self_evaluations.get(body=_bodies(world))


FULL = {"meetings_held": "3", "documents_issued": "2", "problems_coordinated": "5", "tasks_planned": "10",
        "tasks_done": "8", "highlights": "亮点", "shortcomings": "短板", "next_plan": "打算"}


class Evaluations:
    make = staticmethod(an_evaluation)
    text_attr = "title"

    def visible(self, user):
        return selectors.evaluations_visible_to(user)


class TestEvaluationList(Evaluations, ListPageTests):
    url_name = "evaluation:list"
    max_queries = 12
    query_roles = ("admin", "clerk", "bianban")


class TestEvaluationDetail(Evaluations, DetailPageTests):
    url_name = "evaluation:detail"


class TestEvaluationOpenForm(FormPageTests):
    """The region drop-down offers only the user's regions; the system only the user's regions' systems."""

    url_name = "evaluation:new"
    counted = (Evaluation, SelfEvaluation)

    def make(self, world, i=0):
        a_system(world, 10 + i)
        return None


class TestSelfEvaluationForm(FormPageTests):
    """The host department writes (its business and HR sections); the region roles read; the lead department
    of no hosted body, another department or a county's 编办 get 404."""

    url_name = "evaluation:selfeval"
    text_attr = "name"
    counted = (SelfEvaluation,)
    authors = ("clerk", "hr")

    def make(self, world, i=0):
        return a_selfeval(world, i)

    def visible(self, user):
        return selectors.selfevals_visible_to(user)

    def rows(self):
        return {"rows": SelfEvaluation.objects.count(),
                "versions": sum(SelfEvaluation.objects.values_list("version", flat=True))}


class TestCheckForm(FormPageTests):
    """The three offices of the city check; a county's 编办 gets 404; departments and leaders 403."""

    url_name = "evaluation:check"
    text_attr = "name"
    counted = (EvaluationCheck,)

    def make(self, world, i=0):
        se = a_selfeval(world, i)
        services.selfeval_save(actor=None, self_evaluation=se, data=FULL)
        return services.selfeval_submit(actor=None, self_evaluation=se)

    def visible(self, user):
        return selectors.selfevals_visible_to(user, "evaluation.check")


class TestReopenForm(FormPageTests):
    url_name = "evaluation:reopen"
    text_attr = "name"
    counted = (SelfEvaluation,)

    def make(self, world, i=0):
        return a_selfeval(world, i)

    def visible(self, user):
        return selectors.selfevals_visible_to(user, "evaluation.manage")

    def rows(self):
        return {"reopened": SelfEvaluation.objects.exclude(reopened_until=None).count(),
                "versions": sum(SelfEvaluation.objects.values_list("version", flat=True))}


class Systems:
    make = staticmethod(a_system)
    text_attr = "title"

    def visible(self, user):
        return selectors.systems_visible_to(user)


class TestSystemList(Systems, ListPageTests):
    url_name = "evaluation:systems"
    max_queries = 17
    query_roles = ("admin", "bianban")


class TestSystemDetail(Systems, DetailPageTests):
    url_name = "evaluation:system"


class TestIndicatorForm(FormPageTests):
    url_name = "evaluation:indicator"
    counted = (Indicator,)

    def make(self, world, i=0):
        return a_system(world, i).indicators.filter(target=Target.BODY).order_by("id").first()

    def url_kwargs(self, obj):
        return {"pk": obj.system_id, "ind_pk": obj.pk}

    def visible(self, user):
        return Indicator.objects.filter(system__in=selectors.systems_visible_to(user, "evaluation.manage"))

    def rows(self):
        return {"rows": Indicator.objects.count(),
                "versions": sum(IndicatorSystem.objects.values_list("version", flat=True))}


# Part B's pages (the results) are declared in their own module; imported here so the check that every page is
# declared (yixie/tests/test_generated_pages.py) finds them.
from . import test_results_generated  # noqa: E402,F401
