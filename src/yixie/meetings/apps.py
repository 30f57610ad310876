from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "yixie.meetings"
    label = "meetings"
    verbose_name = "会议和发文登记"
    url_prefix = "meetings/"

    def ready(self) -> None:
        # Actions, navigation and URL samples are registered here as the app's pages arrive.
        pass
