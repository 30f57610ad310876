"""Duty disputes: actions and grants, navigation, to-dos, policy keys, URL samples. Called from
`RulesConfig.ready()` through `registration.register`."""


def register() -> None:
    from yixie.core import registry as r
    from yixie.core.roles import Role
    from yixie.ledger.policy import register_defaults

    from . import dispute_selectors as sel
    from .disputes import COORDINATE, HOST, POLICY_DEFAULTS, RAISE, VIEW

    register_defaults(POLICY_DEFAULTS)
    r.register_actions(
        {VIEW: "查看职责分工争议", RAISE: "提出、撤回职责分工异议（成员单位）",
         HOST: "组织协商、提请编办协调（办事机构所在部门）",
         COORDINATE: "职责分工争议备案、协调意见、编委会决定（编办）"},
        grants={Role.ESTABLISHMENT: [VIEW, COORDINATE],
                Role.DEPARTMENT: [VIEW, RAISE, HOST],
                Role.DEPARTMENT_HR: [VIEW, RAISE, HOST]})
    # No navigation entry of its own: the disputes are a tab of 制度保障 (rules/_tabs.html), whose entry lights up on
    # every page of the namespace. What waits is counted on the home page's to-do list.
    r.register_todo_source(r.TodoSource("rules.disputes", "职责分工争议待办理", sel.todo_count, "rules:disputes",
                                        order=45))
    r.register_url_samples("rules.disputes", "yixie.rules.tests.samples_disputes.url_samples")
