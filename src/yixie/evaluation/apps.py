from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "yixie.evaluation"
    label = "evaluation"
    verbose_name = "多方评价"
    url_prefix = "evaluation/"

    def ready(self) -> None:
        # Actions, navigation, to-dos and URL samples are registered here as the app's pages arrive.
        from .registration_results import register as register_results

        register_results()
