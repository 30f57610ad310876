"""URL samples for the generated access tests and the URL walker: a body of the city with a meeting (with a
decision) and a document."""

from datetime import date

from django.utils import timezone

from yixie.meetings import services
from yixie.testing.factories import establish


def url_samples(world):
    body = establish(world.city, name="市会议样例领导小组", lead=world.fgw, office=world.gxj, members=[world.nyj],
                     on=date(2019, 3, 1))
    today = timezone.localdate()
    meeting = services.meeting_record(actor=None, body=body, kind="full", held_on=today, title="样例全体会议",
                                      chair_post=world.mayor, posts=[world.vice], departments=[world.fgw],
                                      decisions=["样例议定事项"])
    decision = meeting.decisions.get()
    doc = services.document_record(actor=None, body=body, number="潍样例〔2026〕1号", title="样例通知", issued_on=today)
    on_body = {"pk": body.pk}
    on_meeting = {"pk": meeting.pk}
    return {
        **{f"meetings:{n}": on_body for n in ("body", "meeting_new", "document_new")},
        **{f"meetings:{n}": on_meeting for n in ("meeting", "meeting_edit", "meeting_void", "minutes",
                                                "decision_new")},
        **{f"meetings:{n}": {"pk": decision.pk} for n in ("decision_done", "decision_reopen")},
        **{f"meetings:{n}": {"pk": doc.pk} for n in ("document_edit", "document_void", "document_file")},
    }
