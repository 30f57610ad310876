from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "yixie.campaigns"
    label = "campaigns"
    verbose_name = "定期调整"
    url_prefix = "campaigns/"

    def ready(self) -> None:
        from yixie.core import registry as r
        from yixie.core.roles import ALL_ROLES, Role

        from . import selectors

        r.register_actions(
            {"campaign.view": "查看调整规范行动", "campaign.open": "发起调整规范行动",
             "campaign.report": "填报部门自评", "campaign.submit": "报送部门自评报告",
             "campaign.manage": "管理调整规范行动（催报、退回、审定）",
             "campaign.review": "联合审核", "campaign.deliberate": "登记会议研究情况",
             "campaign.publish": "发文公布清单", "campaign.stats": "调整规范统计"},
            grants={Role.ESTABLISHMENT: ["campaign.open", "campaign.manage", "campaign.review", "campaign.stats"],
                    Role.GENERAL_OFFICE: ["campaign.review", "campaign.deliberate", "campaign.publish",
                                          "campaign.stats"],
                    Role.ORGANISATION: ["campaign.review", "campaign.stats"],
                    Role.DEPARTMENT: ["campaign.report"],
                    Role.DEPARTMENT_HR: ["campaign.report", "campaign.submit"],
                    Role.LEADER: ["campaign.stats"]})
        r.register_actions({}, grants={role: ["campaign.view"] for role in ALL_ROLES})
        r.register_nav(r.NavEntry("campaigns", "定期调整", "campaigns:list", "campaign.view", order=30,
                                  active=("campaigns",), badge=selectors.todo_count))
        r.register_todo_source(r.TodoSource("campaigns", "调整规范行动待办", selectors.todo_count, "campaigns:list",
                                            order=30))
        r.register_proposal_taker(r.ProposalTaker("campaigns", "纳入正在进行的调整规范行动", "campaign.manage",
                                                  selectors.proposal_take_url))
        r.register_url_samples(self.label, "yixie.campaigns.tests.samples.url_samples")
