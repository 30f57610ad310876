from django.apps import AppConfig


class SampleCapabilityConfig(AppConfig):
    """An empty capability, installed only by a test: it must join the product from here alone."""

    name = "yixie.tests.sample_app"
    label = "sample_capability"
    verbose_name = "示例能力"
    url_prefix = "sample/"

    def ready(self) -> None:
        from yixie.core import registry as r
        from yixie.core.roles import Role

        r.register_actions({"sample.view": "查看示例"}, grants={Role.ESTABLISHMENT: ["sample.view"]})
        r.register_nav(r.NavEntry("sample", "示例能力", "sample_capability:index", "sample.view", order=90,
                                  active=("sample_capability",)))
        r.register_url_samples(self.label, "yixie.tests.sample_app.apps.url_samples")


def url_samples(world) -> dict:
    return {"sample_capability:item": {"pk": world.fgw.pk}}
