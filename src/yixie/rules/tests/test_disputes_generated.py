"""The dispute pages, tested by the shared base classes (yixie.testing.views): who may open each page, what each
role sees, query counts, refused empty forms that write nothing, and every id checked against the scope.

The world (samples_disputes): 市应急管理局 (yingji) hosts the body's office; 市工业和信息化局 (gongxin) raises;
市商务局 is a party with no user; 市发展和改革委员会 (fagaiwei, fagaiwei_hr) is not in the body; 青州市's 编办 is
below the city and sees none of its disputes; 两办, 组织部 and leaders hold no dispute action."""

from yixie.rules import dispute_selectors as sel
from yixie.rules.disputes import COORDINATE, HOST, RAISE, VIEW
from yixie.rules.models import Consultation, Dispute, DisputeFile
from yixie.testing.views import DetailPageTests, FormPageTests, ListPageTests

from .samples_disputes import a_dispute


class Disputes:
    text_attr = "matter"
    action_name = VIEW
    stage = "raised"

    def make(self, world, i=0):
        return a_dispute(world, i, stage=self.stage)

    def visible(self, user):
        return sel.disputes_visible_to(user, self.action_name)


class TestDisputeList(Disputes, ListPageTests):
    url_name = "rules:disputes"
    max_queries = 14
    query_roles = ("admin", "bianban", "yj_clerk", "gx_clerk")


class TestDisputeDetail(Disputes, DetailPageTests):
    url_name = "rules:dispute"


class TestDisputeRaise(FormPageTests):
    url_name = "rules:dispute_new"
    counted = (Dispute,)

    def make(self, world, i=0):
        a_dispute(world, i)
        return None


class StageForm(Disputes, FormPageTests):
    counted = (Dispute, Consultation, DisputeFile)

    def rows(self):
        return {**super().rows(), "versions": sum(Dispute.objects.values_list("version", flat=True))}


class TestConsultForm(StageForm):
    url_name = "rules:dispute_consult"
    action_name = HOST


class TestEscalateForm(StageForm):
    url_name = "rules:dispute_escalate"
    action_name = HOST
    stage = "failed"


class TestFileForm(StageForm):
    url_name = "rules:dispute_file"
    action_name = COORDINATE
    stage = "agreed"


class TestOpinionForm(StageForm):
    url_name = "rules:dispute_opinion"
    action_name = COORDINATE
    stage = "escalated"


class TestReferForm(StageForm):
    url_name = "rules:dispute_refer"
    action_name = COORDINATE
    stage = "escalated"


class TestDecideForm(StageForm):
    url_name = "rules:dispute_decide"
    action_name = COORDINATE
    stage = "referred"


class TestWithdrawForm(StageForm):
    url_name = "rules:dispute_withdraw"
    action_name = RAISE
