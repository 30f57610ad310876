from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "yixie.meetings"
    label = "meetings"
    verbose_name = "会议和发文登记"
    url_prefix = "meetings/"

    def ready(self) -> None:
        from django.urls import reverse

        from yixie.core import registry as r
        from yixie.core.roles import ALL_ROLES, Role

        from . import selectors

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
        r.register_alert_source(r.AlertSource("meetings.rule3", "未经批准向下级发文提醒", selectors.rule3_alerts))
        # The leaders' meeting load beside their seats on the posts page (领导会议负担).
        r.register_row_fact(r.RowFact(
            "org.post", "meetings.load", "当年主持或参加的会议次数", selectors.meetings_by_posts, order=120,
            link=lambda post_id, on: f"{reverse('meetings:load')}?year={on.year}",
            help="所示日期所在年度，该职务主持或列席的议事协调机构会议次数（会议登记）"))
