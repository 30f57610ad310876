"""The regulations library (docs/decisions/0026): every rule cites an article that exists; a policy change
must cite one the region may cite; versions supersede and the old article is still shown; an article's page
lists the rules and checklist items citing it; a refused form's finding links to its article."""

from datetime import date

import pytest
from django.apps import apps

from yixie.core.models import AuditEntry
from yixie.ledger import regulations as regs
from yixie.ledger import services
from yixie.ledger.models import Article, PolicyValue, Regulation, RegulationVersion
from yixie.ledger.policy import NATIONAL_DEFAULTS, Policy, resolve_cites, split_cite
from yixie.testing.factories import make_region

pytestmark = pytest.mark.django_db

assert apps.ready
#: Every rule key, the capabilities' included (their apps are ready when tests are collected).
RULE_KEYS = sorted(NATIONAL_DEFAULTS)


def article(cite: str) -> Article:
    code, number = split_cite(cite)
    return Article.objects.get(version__regulation__code=code, number=number, version__superseded_on=None)


@pytest.mark.parametrize("key", RULE_KEYS)
def test_every_rule_links_to_an_article_that_exists(key, city, client_for):
    cite = NATIONAL_DEFAULTS[key].get("cite")
    assert cite, f"{key} cites no article"
    rv = Policy.for_region(city.county)[key]
    assert rv.article_id == resolve_cites([cite])[cite] == article(cite).pk
    page = client_for(city.bianban).get(f"/ledger/regulations/articles/{rv.article_id}/")
    assert page.status_code == 200
    assert "执行本条的规则" in page.content.decode()


def test_every_policy_value_row_has_an_article():
    assert PolicyValue.objects.exists()
    assert not regs.policy_rows_without_article().exists()


def test_national_article_texts_are_marked_as_examples():
    for a in Article.objects.filter(version__regulation__region=None).exclude(version__regulation__code="yixie-defaults"):
        assert a.is_sample and a.version.is_sample and "示例" in a.version.note, a


# ---------------------------------------------------------------- policy changes cite an article

def _city_reg(city, title="潍坊市议事协调机构管理办法", text="第八条 成员单位一般不超过12个。"):
    reg = regs.regulation_create(actor=city.bianban, region=city.city, title=title)
    regs.version_add(actor=city.bianban, regulation=reg, label="2024年版", issued_on=date(2024, 3, 1), text=text,
                     is_sample=True)
    return reg


def test_a_policy_change_without_an_article_is_refused_and_nothing_written(city):
    audits = AuditEntry.objects.count()
    with pytest.raises(services.LedgerError) as exc:
        services.policy_value_set(actor=city.bianban, region=city.city, key="members.cap_single", value=12,
                                  severity="warning", reason="编委会决定", article=None)
    assert exc.value.message == "请选择该取值依据的制度条款。" and exc.value.field == "article"
    assert not PolicyValue.objects.filter(region=city.city).exists() and AuditEntry.objects.count() == audits


def test_an_out_of_reach_article_is_refused_at_the_field_and_nothing_written(city, client_for):
    other = make_region("370300", "淄博市", "city")
    reg = regs.regulation_create(actor=None, region=other, title="淄博市议事协调机构管理办法")
    regs.version_add(actor=None, regulation=reg, label="2024年版", issued_on=date(2024, 1, 1), text="第一条 甲。")
    foreign = reg.versions.get().articles.get()
    county_reg = _city_reg(city, title="青州市某办法")  # a county's article may not be cited by the city
    county_reg.region = city.county
    county_reg.save()
    county_article = county_reg.versions.get().articles.get()
    for bad in (foreign, county_article):
        with pytest.raises(services.LedgerError) as exc:
            services.policy_value_set(actor=city.bianban, region=city.city, key="members.cap_single", value=12,
                                      severity="warning", reason="r", article=bad)
        assert exc.value.field == "article" and "不是潍坊市可以引用的现行条款" in exc.value.message
    r = client_for(city.bianban).post(f"/ledger/rules/{city.city.pk}/members.cap_single/", {
        "value": "12", "severity": "warning", "article": foreign.pk, "reason": "r"})
    assert r.status_code == 200 and "article" in r.context["form"].errors
    assert "所选条款不是本地区可以引用的现行条款" in r.content.decode()
    assert not PolicyValue.objects.filter(region=city.city).exists()
    assert not AuditEntry.objects.filter(action="调整管理规则").exists()


def test_a_change_cites_the_article_and_is_audited_with_it(city, client_for):
    reg = _city_reg(city)
    cited = reg.versions.get().articles.get()
    r = client_for(city.bianban).post(f"/ledger/rules/{city.city.pk}/members.cap_single/", {
        "value": "12", "severity": "warning", "article": cited.pk, "note": "市编委会议确定", "reason": "编委会决定"})
    assert r.status_code == 302
    row = PolicyValue.objects.get(region=city.city, key="members.cap_single")
    assert row.article == cited and row.source == "《潍坊市议事协调机构管理办法》第八条：市编委会议确定"
    entry = AuditEntry.objects.get(action="调整管理规则")
    assert entry.after["依据条文"] == "《潍坊市议事协调机构管理办法》第八条（2024年版）"
    page = client_for(city.bianban).get("/ledger/rules/").content.decode()
    assert f'href="/ledger/regulations/articles/{cited.pk}/"' in page and "本级已调整" in page


def test_a_county_inherits_the_city_value_unless_it_overrides(city, client_for):
    reg = _city_reg(city)
    cited = reg.versions.get().articles.get()
    services.policy_value_set(actor=city.bianban, region=city.city, key="members.cap_single", value=12,
                              severity="warning", reason="r", article=cited)
    county = Policy.for_region(city.county)["members.cap_single"]
    assert (county.value, county.article_id, county.region_id) == (12, cited.pk, city.city.pk)
    page = client_for(city.qz_bianban).get("/ledger/rules/").content.decode()
    assert "沿用潍坊市" in page
    national = article("dfyx-2025#第八条")
    services.policy_value_set(actor=city.qz_bianban, region=city.county, key="members.cap_single", value=9,
                              severity="warning", reason="县编委会", article=national)
    county = Policy.for_region(city.county)["members.cap_single"]
    assert (county.value, county.article_id, county.region_id) == (9, national.pk, city.county.pk)
    assert Policy.for_region(city.county2)["members.cap_single"].value == 12
    assert Policy.for_region(city.city)["members.cap_single"].value == 12


# ---------------------------------------------------------------- versions

def test_article_text_is_parsed_and_bad_text_refused_naming_the_line(city):
    parsed = regs.parse_articles("第一条（目的）为了规范。\n第二条 设组长一名。\n  副组长一至二名。\n\n第十条 附则。")
    assert [(a.number, a.heading) for a in parsed] == [("第一条", "目的"), ("第二条", ""), ("第十条", "")]
    assert parsed[1].text == "设组长一名。\n副组长一至二名。"
    for text, message in (("", "请填写条文"), ("总则\n第一条 甲", "第1行“总则”不是以“第X条”开头"),
                          ("第一条 甲\n第一条 乙", "第2行：“第一条”与第1行重复"), ("第一条\n第二条 乙", "第1行“第一条”没有条文内容")):
        with pytest.raises(regs.RegulationError) as exc:
            regs.parse_articles(text)
        assert message in exc.value.message and exc.value.field == "text"
    reg = regs.regulation_create(actor=city.bianban, region=city.city, title="测试办法")
    with pytest.raises(regs.RegulationError):
        regs.version_add(actor=city.bianban, regulation=reg, label="v1", issued_on=date(2024, 1, 1), text="前言")
    assert not RegulationVersion.objects.filter(regulation=reg).exists()


def test_a_new_version_supersedes_and_the_old_article_is_still_shown(city, client_for):
    reg = _city_reg(city)
    old = reg.versions.get().articles.get()
    services.policy_value_set(actor=city.bianban, region=city.city, key="members.cap_single", value=12,
                              severity="warning", reason="r", article=old)
    new_version = regs.version_add(actor=city.bianban, regulation=reg, label="2026年修订", issued_on=date(2026, 5, 1),
                                   effective_on=date(2026, 6, 1), text="第八条 成员单位一般不超过11个。")
    old.version.refresh_from_db()
    assert old.version.superseded_on == date(2026, 6, 1) and new_version.in_force
    assert AuditEntry.objects.filter(action="制度文件版本被修订").exists()
    # The rule still cites (and shows) the old article, noted as revised, with the article in force beside it.
    assert Policy.for_region(city.city)["members.cap_single"].article_id == old.pk
    page = client_for(city.bianban).get(f"/ledger/regulations/articles/{old.pk}/").content.decode()
    assert "该条款所在版本已被修订" in page and "成员单位一般不超过12个" in page
    assert f"/ledger/regulations/articles/{new_version.articles.get().pk}/" in page
    assert "单项工作成员单位上限" in page  # still listed among the rules citing it
    rules = client_for(city.bianban).get("/ledger/rules/").content.decode()
    assert f'/ledger/regulations/articles/{old.pk}/' in rules and "该条款所在版本已被修订" in rules
    # An old article can no longer be cited anew.
    with pytest.raises(services.LedgerError):
        services.policy_value_set(actor=city.bianban, region=city.city, key="members.cap_comprehensive",
                                  value=16, severity="warning", reason="r", article=old)
    detail = client_for(city.bianban).get(f"/ledger/regulations/{reg.pk}/").content.decode()
    assert "已修订" in detail and "现行" in detail


def test_marking_a_version_as_sample_marks_its_articles(city, client_for):
    reg = regs.regulation_create(actor=city.bianban, region=city.city, title="正式办法")
    v = regs.version_add(actor=city.bianban, regulation=reg, label="v1", issued_on=date(2024, 1, 1), text="第一条 甲。")
    assert not v.is_sample
    r = client_for(city.bianban).post(f"/ledger/regulations/{reg.pk}/versions/{v.pk}/sample/", {"is_sample": "1"})
    assert r.status_code == 302
    assert Article.objects.get(version=v).is_sample and RegulationVersion.objects.get(pk=v.pk).is_sample
    assert AuditEntry.objects.filter(action="标记示例条文").exists()
    # A county's 编办 may not touch the city's regulation.
    assert client_for(city.qz_bianban).post(f"/ledger/regulations/{reg.pk}/versions/{v.pk}/sample/",
                                            {"is_sample": "0"}).status_code == 404


def test_scope_of_the_library(city, client_for):
    county = regs.regulation_create(actor=city.qz_bianban, region=city.county, title="青州市测试办法")
    with pytest.raises(regs.RegulationError):
        regs.regulation_create(actor=city.qz_bianban, region=city.city, title="越权办法")
    with pytest.raises(regs.RegulationError):
        regs.regulation_create(actor=city.bianban, region=None, title="全国办法")
    assert not Regulation.objects.filter(title__in=["越权办法", "全国办法"]).exists()
    national = Regulation.objects.get(code="gwyl-227")
    assert client_for(city.clerk).get(f"/ledger/regulations/{national.pk}/").status_code == 200
    assert client_for(city.clerk).get(f"/ledger/regulations/{county.pk}/").status_code == 404
    assert client_for(city.qz_clerk).get(f"/ledger/regulations/{county.pk}/").status_code == 200
    assert client_for(city.bianban).get(f"/ledger/regulations/{national.pk}/versions/new/").status_code == 404
    assert client_for(city.admin).get(f"/ledger/regulations/{national.pk}/versions/new/").status_code == 200


# ---------------------------------------------------------------- what cites an article

def test_article_page_lists_the_rules_and_checklist_items_citing_it(city, client_for):
    page = client_for(city.bianban).get(f"/ledger/regulations/articles/{article('dfyx-2025#第七条').pk}/")
    content = page.content.decode()
    assert "组长人数" in content and "副组长人数上限" in content and "全国默认" in content
    assert "设组长一名、副组长一至二名，成员单位不超过上限" in content  # the approvals checklist item
    assert "示例条文" in content
    page = client_for(city.bianban).get(f"/ledger/regulations/articles/{article('dfyx-2025#第四条').pk}/")
    assert "与已设立的议事协调机构职责相同或相近" in page.content.decode()


def test_a_finding_from_a_refused_body_form_links_to_its_article(city, client_for):
    from yixie.ledger.policy import check_body_state

    state = {"category": "government", "is_temporary": True, "leaders": [], "members": []}
    finding = next(f for f in check_body_state(state, region=city.city) if f.rule == "temporary.requires_end")
    assert finding.article_id == article("dfyl-486#第十一条").pk
    html = regs.finding_html(finding)
    assert f'<a href="/ledger/regulations/articles/{finding.article_id}/">' in html
    # Through the page: a temporary body without an end is refused, the error links to the article.
    from yixie.ledger.models import Body
    from yixie.ledger.tests.test_views import _create_payload

    r = client_for(city.bianban).post(f"/ledger/bodies/new/?region={city.city.pk}",
                                      _create_payload(city, is_temporary="on"))
    assert r.status_code == 200 and not Body.objects.exists()
    content = r.content.decode()
    assert "临时机构须写明存续期限或撤销条件" in content
    assert f'href="/ledger/regulations/articles/{finding.article_id}/"' in content
