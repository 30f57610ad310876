"""The campaign pages, tested by the shared base classes (yixie.testing.views): who may open each page, what
each role sees, query counts, and every id a form or the query string takes checked against the scope."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from yixie.campaigns import selectors, services
from yixie.campaigns.models import Campaign, CampaignItem, ItemOpinion
from yixie.core.models import Proposal, ProposalStatus
from yixie.core.proposals import proposal_raise
from yixie.org.scopes import scope_for
from yixie.testing.factories import establish, make_department, make_region
from yixie.testing.views import DetailPageTests, FormPageTests, ListPageTests


def _bodies(world):
    """A body 市发展改革委 leads with its office at 市工业和信息化局, and one of a county (an outsider)."""
    if not hasattr(world, "_campaign_body"):
        world._campaign_body = establish(world.city, name="市生成测试工作领导小组", lead=world.fgw, office=world.gxj,
                                         members=[world.gxj], on=date(2019, 3, 1))
        establish(world.city, name="市应急生成测试领导小组", lead=world.yjj, on=date(2019, 3, 1))
        establish(world.county, name="青州市生成测试领导小组", lead=world.qz_fgj, on=date(2019, 3, 1))
        # another city: outside every region role of the world (the ids a city's offices must be refused)
        other = make_region("371300", "临沂市", "city")
        establish(other, name="临沂市生成测试领导小组", lead=make_department(other, "临沂市发展和改革委员会"),
                  on=date(2019, 3, 1))
    return world._campaign_body


def a_campaign(world, i=0, **kw):
    _bodies(world)
    today = timezone.localdate()
    return services.campaign_open(actor=None, region=world.city, year=2000 + i,
                                  title=f"潍坊市{2000 + i}年议事协调机构调整规范行动", categories=["party", "government"],
                                  snapshot_on=today, deadlines={"reporting": today.isoformat()}, **kw)


class Campaigns:
    make = staticmethod(a_campaign)
    text_attr = "title"

    def visible(self, user):
        return selectors.campaign_rows(user)


class TestCampaignList(Campaigns, ListPageTests):
    url_name = "campaigns:list"
    max_queries = 12
    query_roles = ("admin", "clerk")


class TestCampaignDetail(Campaigns, DetailPageTests):
    url_name = "campaigns:detail"


class TestCampaignOpenForm(FormPageTests):
    """The region and county drop-downs offer only the user's regions; the plan document only visible ones."""

    url_name = "campaigns:new"
    counted = (Campaign, CampaignItem)

    def make(self, world, i=0):
        _bodies(world)
        return None


def _item_visible(user, item):
    campaign = selectors.campaigns_visible_to(user).filter(pk=item.campaign_id).first()
    if campaign is None:
        return CampaignItem.objects.none()
    return selectors.items_visible_to(user, campaign)


class TestItemForm(FormPageTests):
    """The self-report: the lead department writes; its office's host (市工业和信息化局) and the region roles
    read it; another department or county gets 404. The merge target and the new lead department are scoped."""

    url_name = "campaigns:item"
    text_attr = "name"
    counted = (CampaignItem,)

    def make(self, world, i=0):
        campaign = a_campaign(world, i)
        return campaign.items.get(body=_bodies(world))

    def url_kwargs(self, obj):
        return {"pk": obj.campaign_id, "item_pk": obj.pk}

    def visible(self, user):
        return _item_visible(user, self._sample)

    def rows(self):
        # a refused form writes nothing: not a row, and not a change to the item
        return {"items": CampaignItem.objects.count(),
                "reported": CampaignItem.objects.exclude(action="").count(),
                "versions": sum(CampaignItem.objects.values_list("version", flat=True))}


class TestOpinionForm(FormPageTests):
    """The joint review of one item: the three offices write; a county's 编办 gets 404."""

    url_name = "campaigns:opinion"
    counted = (ItemOpinion,)

    def make(self, world, i=0):
        campaign = a_campaign(world, i)
        item = campaign.items.get(body=_bodies(world))
        services.item_report(actor=None, item=item, action="keep")
        services.campaign_advance(actor=None, campaign=campaign, to="reporting")
        services.campaign_advance(actor=None, campaign=campaign, to="review")
        return CampaignItem.objects.get(pk=item.pk)

    def url_kwargs(self, obj):
        return {"pk": obj.campaign_id, "item_pk": obj.pk}

    def visible(self, user):
        return _item_visible(user, self._sample)


class TestTakeProposal(FormPageTests):
    """A proposal of the city enters the city's running campaign; a county's 编办 gets 404 for it."""

    url_name = "campaigns:take_proposal"
    counted = (CampaignItem,)
    text_attr = "body_label"

    def make(self, world, i=0):
        a_campaign(world, i)
        body = establish(world.city, name="市生成测试建议领导小组", lead=world.yjj, on=date(2019, 3, 1),
                         category="joint", form="联席会议")
        establish_other = establish(world.county, name="青州市建议测试领导小组", lead=world.qz_fgj, on=date(2019, 3, 1))
        proposal_raise(kind="abolish", region_id=world.county.pk, body_id=establish_other.pk,
                       body_label=establish_other.name, reason="长期未开展工作。", source="test", source_ref="county")
        proposal_raise(kind="establish", region_id=world.city.pk, body_id=body.pk, body_label=body.name,
                       reason="评价结果：职责弱化。", source="test", source_ref="city-2")
        return proposal_raise(kind="abolish", region_id=world.city.pk, body_id=body.pk, body_label=body.name,
                              reason="评价结果：长期未开展工作。", source="test", source_ref="city")

    def url(self, obj):
        return reverse(self.url_name) + f"?proposal={obj.pk}"

    def visible(self, user):
        scope = scope_for(user, "campaign.manage")
        qs = Proposal.objects.filter(status=ProposalStatus.OPEN)
        return qs if scope.everything else qs.filter(region_id__in=scope.region_ids)
