from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "yixie.org"
    label = "org"
    verbose_name = "组织机构"
