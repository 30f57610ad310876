from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "yixie.evaluation"
    label = "evaluation"
    verbose_name = "多方评价"
    url_prefix = "evaluation/"

    def ready(self) -> None:
        from yixie.core import registry as r
        from yixie.core.roles import ALL_ROLES, Role

        from . import selectors

        # part A: indicator systems, the year's evaluation, self-evaluations and their check
        r.register_actions(
            {"evaluation.view": "查看多方评价", "evaluation.manage": "管理多方评价（指标体系、部署、准予补报、审核完成）",
             "evaluation.check": "审核运行成效自评", "evaluation.fill": "填写运行成效自评",
             "evaluation.submit": "报送运行成效自评"},
            grants={Role.ESTABLISHMENT: ["evaluation.manage", "evaluation.check"],
                    Role.GENERAL_OFFICE: ["evaluation.check"],
                    Role.ORGANISATION: ["evaluation.check"],
                    Role.DEPARTMENT: ["evaluation.fill"],
                    Role.DEPARTMENT_HR: ["evaluation.fill", "evaluation.submit"]})
        r.register_actions({}, grants={role: ["evaluation.view"] for role in ALL_ROLES})
        # No badge on the navigation: it would cost a query on every page of every user (the pages' query
        # budgets); what waits is counted once, on the home page's to-do list.
        r.register_nav(r.NavEntry("evaluation", "多方评价", "evaluation:list", "evaluation.view", order=35,
                                  active=("evaluation",)))
        r.register_todo_source(r.TodoSource("evaluation", "运行成效自评待办", selectors.todo_count, "evaluation:list",
                                            order=40))
        r.register_url_samples(self.label, "yixie.evaluation.tests.samples.url_samples")

        # part B: member-unit scoring, results, rankings, charts, proposals
        from .registration_results import register as register_results

        register_results()
