"""Overlap detection (spec §2.2, §4): segmentation, names and aliases, candidates, cache, evidence,
and the labelled set of pairs with its precision and recall."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from yixie.ledger import services
from yixie.ledger.choices import EventKind
from yixie.org.duties import duties_from_text
from yixie.overlap import text as ov_text
from yixie.overlap.api import HIGH, THRESHOLD, Match, find_overlaps, highlight, invalidate, tokenize
from yixie.overlap.tests.overlap_pairs import DISTRACTORS, PAIRS, Pair
from yixie.testing.factories import establish, make_department, make_region

pytestmark = pytest.mark.django_db

SAFETY_DUTIES = ("统筹协调全市安全生产工作，研究解决安全生产重大问题。组织实施安全生产责任制考核巡查，"
                 "督促各成员单位落实行业领域安全生产监管责任，组织开展危险化学品、城镇燃气等重点行业领域隐患排查整治。")
FOOD_DUTIES = ("统筹协调全市食品安全工作，研究部署食品安全重大政策措施。督促落实食品安全党政同责和各部门监管责任，"
               "组织开展食品生产、流通、餐饮环节和农产品质量安全监管。")
CENSUS_DUTIES = "统筹组织全市人口普查工作，组织普查区域划分、普查员选聘培训、入户登记和数据审核汇总。"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Tests roll their rows back and SQLite reuses ids: start every test with no cached index."""
    invalidate()
    yield
    invalidate()


def ids(matches: list[Match]) -> list[int]:
    return [m.id for m in matches if m.kind == "body"]


def match_for(matches: list[Match], body) -> Match | None:
    return next((m for m in matches if m.kind == "body" and m.id == body.pk), None)


# ---------------------------------------------------------------------------------------------- words


def test_tokenize_keeps_domain_terms_whole():
    # What the duties index sees: the words plus the parts of compound words (body-name cores added to the
    # dictionary by an earlier index build, such as 预制菜产业发展, still yield 预制菜).
    words = ov_text._terms("统筹推进全市预制菜产业发展，组织开展爱国卫生运动和病媒生物防制，推进河长制湖长制和网格化服务管理。")
    for term in ("预制菜", "爱国卫生", "病媒生物防制", "河长制", "湖长制", "网格化"):
        assert term in words, (term, words)


def test_tokenize_drops_stop_words_and_single_characters():
    words = tokenize("统筹协调全市有关工作，研究部署重大问题，督促指导落实，完成市委市政府交办的其他事项。")
    assert words == []
    words = tokenize("负责食品安全和外卖配送人员、棋牌室的监管。")
    assert "食品安全" in words and "外卖配送" in words and "棋牌室" in words
    assert all(len(w) > 1 for w in words)
    assert "负责" not in words
    assert tokenize("") == [] and tokenize("，。") == []


def test_boilerplate_alone_does_not_match(city):
    establish(city.city, name="市人口普查领导小组", lead=city.fgw,
              duties="统筹协调全市人口普查工作，研究解决重大问题。督促检查各成员单位任务落实情况，完成市政府交办的其他事项。")
    matches = find_overlaps(region=city.city, name="市防汛抗旱指挥部",
                            duties="统一指挥全市防汛抗旱工作，研究解决重大问题。督促检查各成员单位任务落实情况，完成市政府交办的其他事项。")
    assert all(m.score < THRESHOLD for m in matches)


# ---------------------------------------------------------------------------------------------- names and aliases


def test_renamed_body_is_found_by_its_former_name(city):
    body = establish(city.city, name="市智慧城市建设领导小组", lead=city.fgw, on=date(2014, 8, 22),
                     duties="统筹推进全市智慧城市建设，推进政务信息资源整合共享和电子政务基础设施建设。")
    services.event_record(actor=city.bianban, body=body, kind=EventKind.RENAME, on=date(2022, 9, 30),
                          changes={"name": "市数字潍坊建设领导小组"})
    matches = find_overlaps(region=city.city, name="市智慧城市建设领导小组", duties="")
    m = match_for(matches, body)
    assert m is not None and m.name == "市数字潍坊建设领导小组"
    assert m.name_score == 1.0 and m.matched_alias == "市智慧城市建设领导小组"
    assert m.level == "high"


def test_alias_hit_sets_matched_alias(city):
    body = establish(city.city, name="市安全生产委员会", lead=city.yjj, short_name="市安委会",
                     aliases=["潍坊市安全生产委员会"], duties=SAFETY_DUTIES)
    # A proposal under another name that claims the existing body's 简称.
    matches = find_overlaps(region=city.city, name="市城市安全发展工作领导小组", aliases=["市安委会"],
                            duties="推进城市安全发展示范城市创建。")
    m = match_for(matches, body)
    assert m is not None and m.name_score == 1.0 and m.matched_alias == "市安委会" and m.score >= HIGH
    # An alias that is a full name matches a proposal under that name.
    m = match_for(find_overlaps(region=city.city, name="潍坊市安全生产委员会", duties=""), body)
    assert m is not None and m.name_score == 1.0 and m.matched_alias == "潍坊市安全生产委员会"


def test_abbreviations_match_only_when_identical(city):
    body = establish(city.city, name="市防汛抗旱指挥部", lead=city.yjj, short_name="市防指", duties="统一指挥全市防汛抗旱工作。")
    matches = find_overlaps(region=city.city, name="市森林防火指挥部", aliases=["市森防指"], duties="")
    m = match_for(matches, body)
    assert m is None or (m.matched_alias == "" and m.score < THRESHOLD)


def test_reworded_near_duplicate_ranks_first(city):
    food = establish(city.city, name="市食品安全委员会", lead=city.fgw, duties=FOOD_DUTIES)
    establish(city.city, name="市安全生产委员会", lead=city.yjj, duties=SAFETY_DUTIES)
    establish(city.city, name="市人口普查领导小组", lead=city.fgw, duties=CENSUS_DUTIES)
    matches = find_overlaps(region=city.city, name="市食品安全工作领导小组",
                            duties="负责全市食品安全工作的组织领导，压实食品安全党政同责，督促落实餐饮服务和食用农产品监管责任。")
    assert matches[0].id == food.pk and matches[0].kind == "body" and matches[0].level == "high"
    assert "食品安全" in matches[0].shared_terms
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert all(m.score > 0.05 for m in matches)
    assert len(find_overlaps(region=city.city, name="市食品安全工作领导小组", duties=FOOD_DUTIES, top=1)) == 1


# ---------------------------------------------------------------------------------------------- candidates


def test_abolished_bodies_are_candidates_for_recent_years_only_as_of_a_date(city):
    old = establish(city.city, name="市人口普查领导小组", lead=city.fgw, on=date(2009, 11, 20), duties=CENSUS_DUTIES)
    recent = establish(city.city, name="市第七次全国人口普查领导小组", lead=city.fgw, on=date(2019, 11, 20),
                       duties=CENSUS_DUTIES)
    services.event_record(actor=city.bianban, body=old, kind=EventKind.ABOLISH, on=date(2012, 6, 30))
    services.event_record(actor=city.bianban, body=recent, kind=EventKind.ABOLISH, on=date(2022, 9, 30))
    on = date(2024, 6, 1)
    found = ids(find_overlaps(region=city.city, name="市第八次全国人口普查领导小组", duties=CENSUS_DUTIES, on=on))
    assert recent.pk in found and old.pk not in found
    m = match_for(find_overlaps(region=city.city, name="市人口普查领导小组", duties=CENSUS_DUTIES, on=on), recent)
    assert m.status == "abolished"
    # Five years later the recent one has aged out too; with a longer memory it is back.
    later = date(2026, 10, 1)
    assert recent.pk not in ids(find_overlaps(region=city.city, name="市人口普查领导小组", duties=CENSUS_DUTIES, on=later))
    assert recent.pk in ids(find_overlaps(region=city.city, name="市人口普查领导小组", duties=CENSUS_DUTIES, on=later,
                                          recent_years=5))
    # As of a date before a body was set up, it is not there.
    assert recent.pk not in ids(find_overlaps(region=city.city, name="市人口普查领导小组", duties=CENSUS_DUTIES,
                                              on=date(2019, 1, 1)))


def test_abolished_bodies_in_the_current_ledger(city):
    today = timezone.localdate()
    old = establish(city.city, name="市人口普查领导小组", lead=city.fgw, on=date(2009, 11, 20), duties=CENSUS_DUTIES)
    recent = establish(city.city, name="市第七次全国人口普查领导小组", lead=city.fgw, on=date(2019, 11, 20),
                       duties=CENSUS_DUTIES)
    services.event_record(actor=city.bianban, body=old, kind=EventKind.ABOLISH, on=today - timedelta(days=5 * 366))
    services.event_record(actor=city.bianban, body=recent, kind=EventKind.ABOLISH, on=today - timedelta(days=300))
    found = ids(find_overlaps(region=city.city, name="市第八次全国人口普查领导小组", duties=CENSUS_DUTIES))
    assert recent.pk in found and old.pk not in found


def test_other_regions_bodies_are_not_candidates(city):
    establish(city.county, name="青州市食品安全委员会", lead=city.qz_fgj, duties=FOOD_DUTIES)
    assert find_overlaps(region=city.city, name="市食品安全委员会", duties=FOOD_DUTIES) == []


def test_department_duties_are_candidates(city):
    duties_from_text(city.bianban, city.yjj, "负责全市应急管理工作，组织编制应急预案。负责安全生产综合监督管理和"
                     "工矿商贸行业安全生产监管，承担市安全生产委员会日常工作。负责防汛抗旱、森林防火和减灾救灾的组织协调。")
    matches = find_overlaps(region=city.city, name="市安全生产工作领导小组", duties=SAFETY_DUTIES)
    dept = next(m for m in matches if m.kind == "department")
    assert dept.id == city.yjj.pk and dept.name == "市应急管理局" and dept.status == "department"
    assert dept.duties_score > 0.3 and "安全生产" in dept.shared_terms
    assert not any(m.kind == "department" for m in find_overlaps(region=city.city, name="市安全生产工作领导小组",
                                                                   duties=SAFETY_DUTIES, include_departments=False))
    # Departments without 三定 duties are not candidates.
    assert {m.id for m in matches if m.kind == "department"} == {city.yjj.pk}


def test_exclude_body_ids(city):
    body = establish(city.city, name="市食品安全委员会", lead=city.fgw, duties=FOOD_DUTIES)
    assert body.pk in ids(find_overlaps(region=city.city, name="市食品安全委员会", duties=FOOD_DUTIES))
    assert body.pk not in ids(find_overlaps(region=city.city, name="市食品安全委员会", duties=FOOD_DUTIES,
                                            exclude_body_ids=[body.pk]))


# ---------------------------------------------------------------------------------------------- cache


def test_index_is_rebuilt_after_a_ledger_write_without_invalidate(city):
    establish(city.city, name="市人口普查领导小组", lead=city.fgw, duties=CENSUS_DUTIES)
    assert find_overlaps(region=city.city, name="市预制菜产业发展工作领导小组", duties="推进预制菜产业发展。") == []
    body = establish(city.city, name="市预制菜产业发展工作领导小组", lead=city.fgw,
                     duties="统筹推进全市预制菜产业发展，协调推进预制菜原料基地和冷链物流体系建设。")
    matches = find_overlaps(region=city.city, name="市预制菜产业发展工作专班", duties="推进预制菜产业发展。")
    assert body.pk in ids(matches)
    # An alias is filed without a ledger event; it is seen too.
    services.body_update_aliases(actor=city.bianban, body=body, aliases=["市预制菜专班"])
    m = match_for(find_overlaps(region=city.city, name="市预制菜专班", duties=""), body)
    assert m is not None and m.matched_alias == "市预制菜专班"
    # A department's 三定 edited: seen on the next call.
    duties_from_text(city.bianban, city.nyj, "负责全市预制菜产业发展的指导和服务，推进预制菜原料基地建设。")
    assert city.nyj.pk in {m.id for m in find_overlaps(region=city.city, name="市预制菜产业发展工作专班",
                                                       duties="推进预制菜产业发展和原料基地建设。")
                           if m.kind == "department"}


def test_cached_index_is_reused_while_the_ledger_is_unchanged(city, django_assert_max_num_queries):
    establish(city.city, name="市食品安全委员会", lead=city.fgw, duties=FOOD_DUTIES)
    find_overlaps(region=city.city, name="市食品安全工作领导小组", duties=FOOD_DUTIES)
    with django_assert_max_num_queries(3):  # the fingerprint only
        find_overlaps(region=city.city, name="市食品安全工作领导小组", duties=FOOD_DUTIES)


# ---------------------------------------------------------------------------------------------- evidence and edges


def test_highlight_escapes_html_and_marks_terms():
    html = highlight("<script>alert(1)</script>统筹食品安全监管，食品安全&食品", ["食品安全", "食品", ""])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count("<mark>食品安全</mark>") == 2 and html.count("<mark>食品</mark>") == 1
    assert "&amp;" in html
    assert highlight("<b>", []) == "&lt;b&gt;"
    assert highlight("", ["x"]) == ""
    assert str(highlight("a<i>", ["<i>"])) == "a<mark>&lt;i&gt;</mark>"


def test_empty_duties_and_empty_region_do_not_crash(city):
    assert find_overlaps(region=city.city, name="市食品安全委员会", duties="") == []
    assert find_overlaps(region=city.city, name="", duties="") == []
    body = establish(city.city, name="市食品安全委员会", lead=city.fgw, duties=FOOD_DUTIES)
    assert body.pk in ids(find_overlaps(region=city.city, name="市食品安全工作领导小组", duties=""))
    assert find_overlaps(region=city.city, name="", duties="") == []
    assert find_overlaps(region=city.city, name="", duties="，。统筹协调") == []
    assert body.pk in ids(find_overlaps(region=city.city, name="", duties=FOOD_DUTIES))
    assert find_overlaps(region=None, name="x", duties="y") == []


def test_match_level():
    def m(score):
        return Match("body", 1, "x", "active", score, 0.0, 0.0, ())

    assert m(HIGH).level == "high" and m(THRESHOLD).level == "medium" and m(THRESHOLD - 0.01).level == "low"
    assert 0 < THRESHOLD < HIGH <= 1


# ---------------------------------------------------------------------------------------------- the labelled set


def _region_for(k: int, pair: Pair):
    """A city holding the pair's existing body among the ordinary distractors."""
    region = make_region(code=f"99{k:02d}00", name="潍坊市", level="city")
    lead = make_department(region, "市发展和改革委员会")
    for name, duties in DISTRACTORS:
        if name != pair.existing_name:
            establish(region, name=name, lead=lead, duties=duties, on=date(2018, 3, 1))
    first_name = pair.existing_former_names[0] if pair.existing_former_names else pair.existing_name
    body = establish(region, name=first_name, lead=lead, duties=pair.existing_duties, on=date(2015, 5, 8),
                     short_name=pair.existing_short_name, aliases=list(pair.existing_aliases))
    for i, former in enumerate([*pair.existing_former_names[1:], pair.existing_name]):
        if former != first_name:
            services.event_record(actor=None, body=body, kind=EventKind.RENAME, on=date(2019 + i, 6, 28),
                                  changes={"name": former})
    return region, body


def test_labelled_pairs_precision_and_recall():
    assert len(PAIRS) >= 60
    tp = fp = fn = tn = 0
    errors = []
    for k, pair in enumerate(PAIRS):
        region, body = _region_for(k, pair)
        matches = find_overlaps(region=region, name=pair.proposed_name, duties=pair.proposed_duties,
                                aliases=pair.proposed_aliases)
        m = match_for(matches, body)
        predicted = m is not None and m.score >= THRESHOLD
        if predicted and pair.label:
            tp += 1
        elif predicted:
            fp += 1
            errors.append(("FP", pair, m))
        elif pair.label:
            fn += 1
            errors.append(("FN", pair, m))
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print()
    print(f"overlap detection on {len(PAIRS)} labelled pairs (THRESHOLD={THRESHOLD}, HIGH={HIGH})")
    print("                 predicted overlap   predicted none")
    print(f"  overlap        {tp:>17}   {fn:>14}")
    print(f"  no overlap     {fp:>17}   {tn:>14}")
    print(f"  precision {precision:.3f}   recall {recall:.3f}")
    for kind, pair, m in errors:
        scores = f"score {m.score:.2f} (name {m.name_score:.2f}, duties {m.duties_score:.2f})" if m else "not returned"
        print(f"  {kind}: {pair.proposed_name} ↔ {pair.existing_name}: {scores}; {pair.note}")
    assert precision >= 0.9 and recall >= 0.85
