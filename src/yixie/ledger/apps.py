from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "yixie.ledger"
    label = "ledger"
    verbose_name = "台账"
    url_prefix = "ledger/"

    def ready(self) -> None:
        from yixie.core import registry as r
        from yixie.core.roles import ALL_ROLES, Role

        from . import selectors

        read = ["ledger.view", "ledger.export", "document.view"]
        r.register_actions(
            {"ledger.view": "查看台账", "ledger.export": "导出台账", "document.view": "查看依据文件",
             "ledger.edit": "登记和修改台账", "ledger.import": "Excel导入台账", "document.edit": "登记依据文件"},
            grants={Role.ESTABLISHMENT: ["ledger.edit", "ledger.import", "document.edit"]})
        r.register_actions({}, grants={role: read for role in ALL_ROLES})
        # Business rule values (caps, time limits) are 编办's (docs/decisions/0021), not the administrators'.
        r.register_actions({"policy.edit": "调整管理规则"}, grants={Role.ESTABLISHMENT: ["policy.edit"]})
        # The regulations library (docs/decisions/0026): everyone reads it (ledger.view); 编办 enters its region's.
        r.register_actions({"regulation.edit": "录入和修订制度文件"}, grants={Role.ESTABLISHMENT: ["regulation.edit"]})
        r.register_nav(r.NavEntry("ledger.regulations", "制度文件", "ledger:regulation_list", "ledger.view", order=65,
                                  active=("ledger:regulation_list", "ledger:regulation_detail",
                                          "ledger:regulation_create", "ledger:version_create",
                                          "ledger:article_detail")))
        r.register_nav(r.NavEntry("ledger.rules", "管理规则", "ledger:rule_list", "policy.edit", order=70,
                                  active=("ledger:rule_list", "ledger:rule_edit")))
        r.register_nav(r.NavEntry("ledger.bodies", "机构台账", "ledger:body_list", "ledger.view", order=10,
                                  active=("ledger:body_list", "ledger:body_detail", "ledger:body_create",
                                          "ledger:event_create", "ledger:body_aliases", "ledger:body_work_rules")))
        r.register_nav(r.NavEntry("ledger.documents", "依据文件", "ledger:document_list", "document.view", order=30,
                                  active=("ledger:document_list", "ledger:document_detail",
                                          "ledger:document_create", "ledger:document_upload")))
        r.register_nav(r.NavEntry("ledger.import", "Excel导入", "ledger:import", "ledger.import", order=60,
                                  active=("ledger:import", "ledger:import_status")))
        r.register_home_widget(r.HomeWidget("ledger.summary", "ledger/_home_summary.html",
                                            selectors.dashboard_summary, "ledger.view", order=10))
        r.register_row_fact(r.RowFact("org.department", "ledger.led", "牵头机构数（在设立）",
                                      selectors.bodies_led_by_departments, order=10,
                                      link=selectors.department_ledger_url,
                                      help="截至所示日期在设立的、由该部门牵头的机构"))
        r.register_row_fact(r.RowFact("org.department", "ledger.member", "参加机构数（在设立）",
                                      selectors.bodies_joined_by_departments, order=20,
                                      help="截至所示日期在设立的、该部门为成员单位的机构"))
        r.register_alert_source(r.AlertSource("ledger.expiry", "临时机构到期提醒", selectors.expiry_alerts))
        r.register_alert_source(r.AlertSource("ledger.ended_host", "牵头部门已撤销提醒", selectors.ended_host_alerts))
        r.register_url_samples(self.label, "yixie.ledger.tests.samples.url_samples")
