"""Work rules: actions and grants, navigation, to-dos, the departments page's fact, URL samples.

Who does what (the approvals' pattern): the department hosting the body's office drafts (业务科室 clerk and
组织人事科室), its 组织人事科室 submits to 编办; 编办 may draft and submit too, and reviews (files or returns).
Every role reads within its scope. The policy key `work_rules.deadline_days` is the ledger's (not registered
again here)."""


def register() -> None:
    from django.urls import reverse

    from yixie.core import registry as r
    from yixie.core.roles import ALL_ROLES, Role

    from . import selectors

    r.register_actions(
        {"workrules.view": "查看工作规则", "workrules.draft": "起草工作规则",
         "workrules.submit": "报送工作规则备案", "workrules.review": "工作规则备案审核（备案或退回）"},
        grants={Role.ESTABLISHMENT: ["workrules.draft", "workrules.submit", "workrules.review"],
                Role.DEPARTMENT: ["workrules.draft"],
                Role.DEPARTMENT_HR: ["workrules.draft", "workrules.submit"]})
    r.register_actions({}, grants={role: ["workrules.view"] for role in ALL_ROLES})
    # No badge on the navigation: it would cost queries on every page (the pages' query budgets); what waits is
    # counted once, on the home page's to-do list.
    r.register_nav(r.NavEntry("rules", "制度保障", "rules:workrules_list", "workrules.view", order=37,
                              active=("rules",)))
    r.register_todo_source(r.TodoSource("rules.workrules", "工作规则待办", selectors.todo_count,
                                        "rules:workrules_list", order=45))
    r.register_row_fact(r.RowFact(
        "org.department", "rules.workrules", "工作规则分工（机构数）",
        selectors.bodies_with_duties_of_departments, order=30,
        link=lambda dept_id, on: reverse("rules:department_duties", kwargs={"pk": dept_id}),
        help="已备案的工作规则中，该部门写有成员单位职责或承担工作任务的机构数；点击查看部门职责总览（三定职责和各机构中的分工）"))
    r.register_url_samples("rules.workrules", "yixie.rules.tests.samples_workrules.url_samples")
