"""The work rules pages, tested by the shared base classes (yixie.testing.views): who may open each page, what
each role sees, query counts, refused empty forms that write nothing, and every id checked against the scope.

The world: 市发展和改革委员会 (fagaiwei / fagaiwei_hr) hosts the office of the sample bodies, 市工业和信息化局
(gongxin) sits in them; 市应急管理局 (yingji) has nothing to do with them; 青州市's 编办 is below the city."""

from __future__ import annotations

from yixie.ledger.models import Body
from yixie.rules import selectors
from yixie.rules.models import MemberDuty, TaskAssignment, WorkRules, WorkRulesTask
from yixie.testing.factories import make_department
from yixie.testing.views import DetailPageTests, FormPageTests, ListPageTests

from .samples_workrules import a_body, a_draft, a_filed, a_submitted, complete


class Bodies:
    make = staticmethod(a_body)

    def visible(self, user):
        return selectors.bodies_visible_to(user)


class TestWorkRulesList(Bodies, ListPageTests):
    url_name = "rules:workrules_list"
    max_queries = 18
    query_roles = ("admin", "bianban", "clerk")


class TestWorkRulesOverdue(Bodies, ListPageTests):
    url_name = "rules:workrules_overdue"
    max_queries = 16
    query_roles = ("admin", "bianban", "clerk")


class TestWorkRulesBody(Bodies, DetailPageTests):
    url_name = "rules:workrules_body"

    def make(self, world, i=0):
        return a_filed(world, i).body


class Versions:
    def text(self, obj):
        return obj.body.name

    def visible(self, user):
        return selectors.work_rules_visible_to(user)


class TestWorkRulesDetail(Versions, DetailPageTests):
    url_name = "rules:workrules_detail"

    def make(self, world, i=0):
        return complete(world, a_draft(world, i))


class TestDepartmentDuties(DetailPageTests):
    """A department's own clerks see its overview, 编办 any of its regions; another department or a county's
    编办 gets 404."""

    url_name = "rules:department_duties"

    def make(self, world, i=0):
        a_filed(world, i)
        return world.gxj if i == 0 else make_department(world.city, f"市样例{i}局")

    def visible(self, user):
        return selectors.departments_visible_to(user)


class TestWorkRulesNew(FormPageTests):
    """The host department's sections and 编办 start a version; a member unit, another department or a county's
    编办 gets 404."""

    url_name = "rules:workrules_new"
    counted = (WorkRules,)

    def make(self, world, i=0):
        return a_body(world, i)

    def visible(self, user):
        return selectors.bodies_held_by(user, "workrules.draft")


class WorkRulesForms:
    def text(self, obj):
        return obj.body.name

    def rows(self):
        return {"rows": WorkRules.objects.count(), "tasks": WorkRulesTask.objects.count(),
                "assignments": TaskAssignment.objects.count(), "duties": MemberDuty.objects.count(),
                "versions": sum(WorkRules.objects.values_list("version", flat=True))}


class TestWorkRulesEdit(WorkRulesForms, FormPageTests):
    url_name = "rules:workrules_edit"
    counted = (WorkRules,)

    def make(self, world, i=0):
        return a_draft(world, i)

    def visible(self, user):
        return selectors.work_rules_visible_to(user, "workrules.draft")


class TestWorkRulesSubmit(WorkRulesForms, FormPageTests):
    url_name = "rules:workrules_submit"
    counted = (WorkRules,)

    def make(self, world, i=0):
        return complete(world, a_draft(world, i))

    def visible(self, user):
        return selectors.work_rules_visible_to(user, "workrules.submit")


class TestWorkRulesReview(WorkRulesForms, FormPageTests):
    url_name = "rules:workrules_review"
    counted = (WorkRules, Body)

    def make(self, world, i=0):
        return a_submitted(world, i)

    def visible(self, user):
        return selectors.work_rules_visible_to(user, "workrules.review")

    def rows(self):
        return {**super().rows(), "filed": Body.objects.exclude(work_rules_filed_on=None).count()}
