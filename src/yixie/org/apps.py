from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "yixie.org"
    label = "org"
    verbose_name = "组织机构"
    url_prefix = "org/"

    def ready(self) -> None:
        from yixie.core.registry import NavEntry, register_actions, register_nav, register_url_samples
        from yixie.core.roles import ALL_ROLES, Role

        register_actions({"org.view": "查看部门和领导职务", "org.edit": "维护部门和领导职务"},
                         grants={Role.ESTABLISHMENT: ["org.edit"]})
        register_actions({}, grants={r: ["org.view"] for r in ALL_ROLES})
        register_nav(NavEntry("org.departments", "部门", "org:department_list", "org.view", order=40,
                              active=("org:department_list", "org:department_create", "org:department_edit")))
        register_nav(NavEntry("org.posts", "领导职务", "org:post_list", "org.view", order=50,
                              active=("org:post_list", "org:post_holder")))
        register_url_samples(self.label, "yixie.org.tests.samples.url_samples")

        from yixie.core.people import register_office_of

        from .selectors import office_of

        register_office_of(office_of)
