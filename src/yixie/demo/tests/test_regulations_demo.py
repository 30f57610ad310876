"""The demo's Weifang profile (demo/regulations.py) on a minimal world: the city's three regulations as 示例条文,
the city's values citing them, 青州市 overriding one, and every policy row citing an article."""

from types import SimpleNamespace

import pytest

from yixie.core.models import AuditEntry
from yixie.core.roles import Role
from yixie.demo.regulations import DIVISION, MEASURES, NOTICE, load_regulations
from yixie.ledger.models import Article, PolicyValue, Regulation
from yixie.ledger.policy import Policy
from yixie.testing.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(city):
    make_user("qingzhou", Role.ESTABLISHMENT, region=city.county)
    # What the demo loader's `_quota` sets before (rows with a source and no article).
    PolicyValue.objects.create(region=city.city, key="quota.counted_bodies", value=153, severity="warning",
                               source="市委机构编制委员会确定的市级议事协调机构总量（演示数据）")
    PolicyValue.objects.create(region=city.city, key="quota.one_out_one_in", value=False, severity="warning",
                               source="市委机构编制委员会：市级暂不实行“撤一建一”（演示数据）")
    lines = []
    loader = SimpleNamespace(regions={"370700": city.city, "370781": city.county}, log=lines.append)
    counts = load_regulations(loader)
    return SimpleNamespace(city=city, counts=counts, lines=lines)


def test_the_city_regulations_are_entered_as_examples(loaded):
    city = loaded.city
    regs = Regulation.objects.filter(region=city.city)
    assert set(regs.values_list("code", flat=True)) == {MEASURES, NOTICE, DIVISION}
    assert set(regs.values_list("title", flat=True)) == {
        "潍坊市议事协调机构管理办法", "关于进一步规范市级议事协调机构的通知", "潍坊市市直部门职责分工协调办法"}
    articles = Article.objects.filter(version__regulation__region=city.city)
    assert articles.exists() and not articles.filter(is_sample=False).exists()
    division = [a.text for a in Article.objects.filter(version__regulation__code=DIVISION)]
    for words in ("办事机构所在部门召集", "提请市委编办协调", "市委机构编制委员会研究决定", "按原有分工继续履行职责", "30日内组织协商"):
        assert any(words in t for t in division), words
    assert AuditEntry.objects.filter(action="录入制度文件", actor=city.bianban).count() == 3
    assert loaded.lines and loaded.counts["制度文件"] == 3


def test_the_city_values_cite_the_city_articles_and_the_county_overrides_one(loaded):
    city = loaded.city
    assert not PolicyValue.objects.filter(article__isnull=True).exists()
    deadline = Policy.for_region(city.city)["work_rules.deadline_days"]
    cited = Article.objects.get(pk=deadline.article_id)
    assert deadline.value == 30 and cited.version.regulation.code == NOTICE and cited.number == "第三条"
    quota = PolicyValue.objects.get(region=city.city, key="quota.counted_bodies")
    assert quota.value == 153 and quota.article.version.regulation.code == MEASURES
    assert "市级议事协调机构总量" in quota.source
    assert Policy.for_region(city.county)["work_rules.deadline_days"].value == 20
    assert Policy.for_region(city.county2)["work_rules.deadline_days"].value == 30
    assert Policy.for_region(city.county)["members.cap_single"].region_id == city.city.pk
    assert Policy.for_region(city.city)["approvals.deadline.establishment"].value == "same_day"


def test_the_article_page_shows_the_city_rules_citing_it(loaded, client_for):
    city = loaded.city
    article = Article.objects.get(version__regulation__code=MEASURES, number="第八条")
    page = client_for(city.bianban).get(f"/ledger/regulations/articles/{article.pk}/").content.decode()
    assert "单项工作成员单位上限" in page and "综合性工作成员单位上限" in page and "示例条文" in page
