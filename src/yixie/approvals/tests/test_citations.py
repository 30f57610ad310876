"""The setup checklist cites the regulations library (docs/decisions/0026): 编办's review form shows each item
with its article, a refusal's failed items link to theirs, and an article's page lists the items citing it."""

import pytest

from yixie.approvals import services
from yixie.approvals.checklist import CHECKLIST_CITES, CHECKLIST_GROUP, CHECKLIST_KEYS
from yixie.approvals.choices import Decision, ReviewStep
from yixie.ledger.models import Article
from yixie.ledger.policy import split_cite
from yixie.ledger.regulations import citation_articles, registered_citations

from .conftest import ALL_YES, draft

pytestmark = pytest.mark.django_db


def article_id(cite: str) -> int:
    code, number = split_cite(cite)
    return Article.objects.get(version__regulation__code=code, number=number, version__superseded_on=None).pk


def test_the_checklist_is_registered_with_its_cites():
    items = registered_citations()[CHECKLIST_GROUP]
    assert set(items) == set(CHECKLIST_KEYS)
    assert {k: cite for k, (_label, cite) in items.items()} == CHECKLIST_CITES
    assert set(citation_articles(CHECKLIST_GROUP)) == set(CHECKLIST_KEYS)  # each resolves to an article in force


def _in_review(city):
    app = services.submit(actor=city.hr, app=draft(city))
    return services.accept(actor=city.liangban, app=app)


def test_the_review_form_shows_each_item_with_its_article(city, client_for):
    app = _in_review(city)
    page = client_for(city.bianban).get(f"/approvals/{app.pk}/").content.decode()
    for key in CHECKLIST_KEYS:
        assert f'href="/ledger/regulations/articles/{article_id(CHECKLIST_CITES[key])}/"' in page, key
    assert "依据：《地方议事协调机构管理办法（试行）》第三条" in page


def test_a_refused_application_links_its_failed_items_to_their_articles(city, client_for):
    app = _in_review(city)
    answers = {**ALL_YES, "proh_similar": {"holds": True}}
    services.review(actor=city.bianban, app=app, step=ReviewStep.ESTABLISHMENT, decision=Decision.REFUSE,
                    opinion="与现有机构职责相近", checklist=answers)
    page = client_for(city.clerk).get(f"/approvals/{app.pk}/").content.decode()
    assert "不符合的审核要点及依据" in page and "与已设立的议事协调机构职责相同或相近" in page
    assert f'href="/ledger/regulations/articles/{article_id("dfyx-2025#第四条")}/"' in page
