from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "yixie.approvals"
    label = "approvals"
    verbose_name = "联合审批"
    url_prefix = "approvals/"

    def ready(self) -> None:
        from yixie.core import registry as r
        from yixie.core.roles import ALL_ROLES, Role
        from yixie.ledger.policy import register_defaults
        from yixie.ledger.regulations import register_citations

        from . import checklist, selectors
        from .choices import POLICY_DEFAULTS

        register_defaults(POLICY_DEFAULTS)
        register_citations(checklist.CHECKLIST_GROUP, checklist.citations())

        r.register_actions(
            {"application.view": "查看申请", "application.draft": "起草申请", "application.submit": "提交申请",
             "application.consent": "成员单位表态", "application.accept": "两办受理",
             "application.review_establishment": "编办审核", "application.review_personnel": "组织部审核",
             "application.deliberate": "登记会议研究结果", "application.publish": "发文公布",
             "approvals.stats": "审批时效统计"},
            grants={Role.ESTABLISHMENT: ["application.review_establishment", "approvals.stats"],
                    Role.GENERAL_OFFICE: ["application.accept", "application.deliberate", "application.publish",
                                          "approvals.stats"],
                    Role.ORGANISATION: ["application.review_personnel"],
                    Role.DEPARTMENT: ["application.draft", "application.consent"],
                    Role.DEPARTMENT_HR: ["application.draft", "application.submit", "application.consent"],
                    Role.LEADER: ["approvals.stats"]})
        r.register_actions({}, grants={role: ["application.view"] for role in ALL_ROLES})
        r.register_nav(r.NavEntry("approvals", "联合审批", "approvals:todo", "application.view", order=20,
                                  active=("approvals",), badge=selectors.todo_count))
        r.register_todo_source(r.TodoSource("approvals", "联合审批待办", selectors.todo_count, "approvals:todo",
                                            order=10))
        r.register_todo_source(r.TodoSource("approvals.proposals", "待处理的调整建议", selectors.proposals_count,
                                            "approvals:proposals", order=20))
        r.register_proposal_taker(r.ProposalTaker("approvals", "据此起草申请", "application.draft",
                                                  selectors.proposal_take_url))
        r.register_url_samples(self.label, "yixie.approvals.tests.samples.url_samples")
