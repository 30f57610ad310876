"""The register's pages, tested by the shared base classes (yixie.testing.views): who may open each page, what
each role sees, query counts, and every id a form or the query string takes checked against the scope.

The world: 市会议生成测试领导小组 is led by 市发展和改革委员会 (fagaiwei, fagaiwei_hr read its register), its
office is hosted by 市工业和信息化局 (gongxin keeps the register), 市农业农村局 is a member; 市应急管理局 (yingji)
and 青州市 (qz_bianban, qz_fagai) have nothing to do with it."""

from datetime import date

from django.utils import timezone

from yixie.meetings import selectors, services
from yixie.meetings.models import BodyDocument, Meeting, MeetingDecision
from yixie.org.models import Post
from yixie.org.scopes import scope_for
from yixie.testing.factories import establish, make_department, make_post, make_region
from yixie.testing.views import DetailPageTests, FormPageTests, ListPageTests

TODAY = timezone.localdate()


def _body(world):
    if not hasattr(world, "_meetings_body"):
        world._meetings_body = establish(world.city, name="市会议生成测试领导小组", lead=world.fgw, office=world.gxj,
                                         members=[world.nyj], on=date(2019, 3, 1))
        q = establish(world.county, name="青州市会议生成测试领导小组", lead=world.qz_fgj, on=date(2019, 3, 1))
        services.meeting_record(actor=None, body=q, kind="full", held_on=TODAY, title="青州市生成测试全体会议",
                                chair_post=world.qz_mayor)
        # another city: outside every region role of the world (the ids a city's offices must be refused)
        other = make_region("371300", "临沂市", "city")
        make_post(other, "临沂市市长", 2)
        establish(other, name="临沂市会议生成测试领导小组", lead=make_department(other, "临沂市发展和改革委员会"),
                  on=date(2019, 3, 1))
    return world._meetings_body


def a_meeting(world, i=0, **kw):
    body = _body(world)
    return services.meeting_record(actor=None, body=body, kind="full", held_on=TODAY, title=f"生成测试第{i}次全体会议",
                                   chair_post=world.mayor, posts=[world.vice], departments=[world.fgw, world.nyj],
                                   decisions=[f"生成测试议定事项{i}号"], **kw)


class TestMeetingList(ListPageTests):
    url_name = "meetings:list"
    text_attr = "title"
    max_queries = 18
    query_roles = ("admin", "gx_clerk", "clerk")

    def make(self, world, i=0):
        m = a_meeting(world, i)
        services.document_record(actor=None, body=m.body, number=f"潍会测〔2026〕{i}号", title=f"生成测试通知{i}号",
                                 issued_on=TODAY, to_lower_levels=bool(i % 2))
        return m

    def visible(self, user):
        return selectors.meetings_visible_to(user)


class TestBodyRegister(DetailPageTests):
    url_name = "meetings:body"

    def make(self, world, i=0):
        a_meeting(world, i)
        return _body(world)

    def visible(self, user):
        return selectors.bodies_visible_to(user)


class TestMeetingDetail(DetailPageTests):
    url_name = "meetings:meeting"
    text_attr = "title"

    make = staticmethod(a_meeting)

    def visible(self, user):
        return selectors.meetings_visible_to(user)


class TestDecisionList(ListPageTests):
    url_name = "meetings:decisions"
    text_attr = "text"
    max_queries = 18
    query_roles = ("admin", "gx_clerk")

    def make(self, world, i=0):
        return a_meeting(world, i).decisions.get()

    def visible(self, user):
        return selectors.decisions_visible_to(user)


class TestLeaderLoad(ListPageTests):
    """A post of the city with a seat and meetings: the city's offices and leader see it; a county's do not (their
    page shows their county); departments may not open the page."""

    url_name = "meetings:load"
    max_queries = 16
    query_roles = ("admin", "leader")

    def make(self, world, i=0):
        post = make_post(world.city, f"生成测试副市长{i}号", 20 + i)
        body = establish(world.city, name=f"市会议负担生成测试{i}号领导小组", lead=world.fgw, leader=post,
                         on=date(2019, 3, 1))
        services.meeting_record(actor=None, body=body, kind="special", held_on=TODAY, title=f"负担生成测试{i}号会议",
                                chair_post=post, posts=[world.vice])
        return post

    def visible(self, user):
        scope = scope_for(user, "meeting.overview")
        region_ids = scope.region_ids if not scope.everything else None
        # the page shows one region: the user's first (the city for the city's roles)
        qs = Post.objects.all()
        return qs if region_ids is None else qs.filter(region_id__in=region_ids, region__level="city")


class TestIdleBodies(ListPageTests):
    url_name = "meetings:idle"
    max_queries = 16
    query_roles = ("admin", "bianban")

    def make(self, world, i=0):
        _body(world)
        return establish(world.city, name=f"市未开会生成测试{i}号领导小组", lead=world.yjj, on=date(2019, 3, 1))

    def visible(self, user):
        return selectors.bodies_visible_to(user, "meeting.overview").filter(region__level="city")


class TestMeetingNew(FormPageTests):
    """Only the host department (gongxin) and the city's 编办 record; the lead department and a member read only."""

    url_name = "meetings:meeting_new"
    counted = (Meeting, MeetingDecision)

    def make(self, world, i=0):
        return _body(world)

    def visible(self, user):
        return selectors.bodies_recordable_by(user)


class TestMeetingEdit(FormPageTests):
    url_name = "meetings:meeting_edit"
    counted = (Meeting,)

    make = staticmethod(a_meeting)

    def visible(self, user):
        return selectors.meetings_visible_to(user, "meeting.record")

    def rows(self):
        return {"meetings": Meeting.objects.count(), "versions": sum(Meeting.objects.values_list("version", flat=True)),
                "posts": Meeting.posts.through.objects.count(),
                "departments": Meeting.departments.through.objects.count()}


class TestDecisionNew(FormPageTests):
    url_name = "meetings:decision_new"
    counted = (MeetingDecision,)

    make = staticmethod(a_meeting)

    def visible(self, user):
        return selectors.meetings_visible_to(user, "meeting.record")


class TestDecisionDone(FormPageTests):
    url_name = "meetings:decision_done"
    counted = (MeetingDecision,)

    def make(self, world, i=0):
        return a_meeting(world, i).decisions.get()

    def visible(self, user):
        return selectors.decisions_visible_to(user, "meeting.record")

    def rows(self):
        return {"decisions": MeetingDecision.objects.count(),
                "done": MeetingDecision.objects.filter(status="done").count()}


class TestDocumentNew(FormPageTests):
    url_name = "meetings:document_new"
    counted = (BodyDocument,)

    def make(self, world, i=0):
        return _body(world)

    def visible(self, user):
        return selectors.bodies_recordable_by(user)


class TestDocumentEdit(FormPageTests):
    url_name = "meetings:document_edit"
    counted = (BodyDocument,)

    def make(self, world, i=0):
        return services.document_record(actor=None, body=_body(world), number=f"潍会测〔2026〕{i}号",
                                        title=f"生成测试通知{i}号", issued_on=TODAY)

    def visible(self, user):
        return selectors.documents_visible_to(user, "meeting.record")

    def rows(self):
        return {"documents": BodyDocument.objects.count(),
                "versions": sum(BodyDocument.objects.values_list("version", flat=True))}
