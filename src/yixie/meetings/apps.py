from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "yixie.meetings"
    label = "meetings"
    verbose_name = "会议和发文登记"
    url_prefix = "meetings/"

    def ready(self) -> None:
        from yixie.core import registry as r
        from yixie.core.roles import ALL_ROLES, Role

        r.register_actions(
            {"meeting.view": "查看会议和发文登记", "meeting.record": "登记会议、议定事项和机构发文",
             "meeting.overview": "查看领导会议负担和全年未开会机构"},
            grants={Role.ESTABLISHMENT: ["meeting.record", "meeting.overview"],
                    Role.DEPARTMENT: ["meeting.record"],
                    Role.DEPARTMENT_HR: ["meeting.record"],
                    Role.LEADER: ["meeting.overview"],
                    Role.GENERAL_OFFICE: ["meeting.overview"],
                    Role.ORGANISATION: ["meeting.overview"]})
        r.register_actions({}, grants={role: ["meeting.view"] for role in ALL_ROLES})
        r.register_nav(r.NavEntry("meetings", "会议发文", "meetings:list", "meeting.view", order=36,
                                  active=("meetings",)))
        r.register_url_samples(self.label, "yixie.meetings.tests.samples.url_samples")
