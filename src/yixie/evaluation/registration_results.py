"""How the results pages (part B) join the product: their actions and the roles that hold them, a navigation
entry, the lead department's scoring to-do, and the URL walker's samples. Called from
`EvaluationConfig.ready()`."""


def register() -> None:
    from yixie.core import registry as r
    from yixie.core.roles import Role

    from . import result_selectors as sel
    from .results import MANAGE_ACTION, SCORE_ACTION

    region_roles = (Role.ESTABLISHMENT, Role.GENERAL_OFFICE, Role.ORGANISATION, Role.LEADER)
    r.register_actions(
        {sel.RESULTS_ACTION: "查看评价结果", sel.RANKING_ACTION: "查看评价排名、统计和监管数据",
         SCORE_ACTION: "评价成员单位发挥作用（牵头部门）", MANAGE_ACTION: "计算评价结果、标记典型标杆、提出调整建议"},
        grants={**{role: [sel.RESULTS_ACTION, sel.RANKING_ACTION] for role in region_roles},
                Role.ESTABLISHMENT: [sel.RESULTS_ACTION, sel.RANKING_ACTION, MANAGE_ACTION],
                Role.DEPARTMENT: [sel.RESULTS_ACTION, SCORE_ACTION],
                Role.DEPARTMENT_HR: [sel.RESULTS_ACTION, SCORE_ACTION]})
    # No navigation entry of its own: the results are reached from 多方评价 (the bar has no room for another),
    # whose entry is active on every page of the app.
    r.register_todo_source(r.TodoSource("evaluation.scoring", "待评价的成员单位（牵头部门）", sel.scoring_todo_count,
                                        "evaluation:scoring", order=41))
    r.register_url_samples("evaluation.results", "yixie.evaluation.tests.samples_results.url_samples_results")
