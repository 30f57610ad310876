"""The overlap index as a data structure: the vectorised scorer against the per-candidate one, incremental
updates against full builds, cached tokens against fresh ones, the index kept current by ledger writes, and
the scope of a region with its descendants."""

from __future__ import annotations

import random
from datetime import date

import numpy as np
import pytest

from yixie.ledger import services
from yixie.ledger.choices import EventKind
from yixie.overlap import candidates as ov_candidates
from yixie.overlap import index as ov_index
from yixie.overlap import names as ov_names
from yixie.overlap import search as ov_search
from yixie.overlap import text as ov_text
from yixie.overlap.api import find_overlaps, invalidate, tokenize
from yixie.overlap.tests.overlap_pairs import PAIRS
from yixie.overlap.tests.test_overlap import CENSUS_DUTIES, FOOD_DUTIES, SAFETY_DUTIES, _region_for, match_for
from yixie.testing.factories import establish, make_department


@pytest.fixture(autouse=True)
def fresh_cache():
    invalidate()
    yield
    invalidate()


# ---------------------------------------------------------------------------------------------- the reference


def reference(raw: list[dict], region_names, name: str, duties: str, aliases=(), top: int = 10):
    """The score of every candidate from scratch, one by one, as `_query` scored before it was vectorised:
    scikit-learn's TF-IDF fitted on the candidates, `_name_score` per candidate, `_combine`."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    prefixes = ov_names._region_prefixes(region_names)
    extra_stop = frozenset(p for p in prefixes if len(p) >= 2)
    cos = np.zeros(len(raw))
    if duties.strip():
        vec = TfidfVectorizer(analyzer=lambda text: ov_text._terms(text, extra_stop), sublinear_tf=True, norm="l2",
                              smooth_idf=True)
        try:
            matrix = vec.fit_transform([r.get("duties") or "" for r in raw]).tocsr()
        except ValueError:  # nothing but stop words
            matrix = None
        if matrix is not None:
            q = vec.transform([duties]).tocsr()
            cos = (matrix @ q.T).toarray().ravel()
            for i, r in enumerate(raw):
                sentences = [s for s in ov_text._SENTENCE.split(r["duties"]) if len(s) >= 8]
                if r["kind"] == "department" and sentences:
                    best = float((vec.transform(sentences) @ q.T).toarray().max())
                    cos[i] = max(cos[i], ov_search.SENTENCE_WEIGHT * best)
    qnames = [ov_names._name(name, prefixes, is_main=True)] if name.strip() else []
    qnames += [ov_names._name(a, prefixes, is_main=False) for a in aliases if a.strip()]
    out = []
    for i, r in enumerate(raw):
        dept = r["kind"] == "department"
        names = [ov_names._name(label, prefixes, is_main=main, short=short, department=dept)
                 for label, main, short in r["names"] if label and label.strip()]
        n_score, alias = ov_names._name_score(qnames, names) if qnames else (0.0, "")
        d = min(1.0, max(0.0, float(cos[i])))
        score = ov_search._combine(
            n_score ** ov_search.NAME_EXPONENT * (ov_search.DEPARTMENT_NAME_WEIGHT if dept else 1.0), d)
        if score > ov_search.MIN_SCORE:
            out.append((round(score, 4), r["kind"], r["id"], r["name"], round(n_score, 4), round(d, 4), alias))
    out.sort(key=lambda x: (-x[0], x[1] != "body", x[3], x[2]))
    return out[:top] if top else out


def assert_same(index, raw, name, duties, aliases=()):
    got = ov_search._query(index, name=name, duties=duties, aliases=aliases, top=10)
    ref = reference(raw, index.region_names, name, duties, aliases)
    assert [(m.kind, m.id) for m in got] == [(k, i) for _s, k, i, *_x in ref], (name, got, ref)
    for m, (s, _k, _i, _n, n_score, d, alias) in zip(got, ref, strict=True):
        assert abs(m.score - s) <= 1e-4 and abs(m.name_score - n_score) <= 1e-4 and abs(m.duties_score - d) <= 1e-4
        assert m.matched_alias == alias
    # The vectorised name scores of every candidate are the per-candidate ones.
    qnames = [ov_names._name(name, index.prefixes, is_main=True)] if name.strip() else []
    qnames += [ov_names._name(a, index.prefixes, is_main=False) for a in aliases]
    vectorised = ov_search._name_scores(index, qnames)
    one_by_one = [ov_names._name_score(qnames, c.names)[0] if qnames else 0.0 for c in index.candidates]
    assert vectorised.tolist() == one_by_one


# ---------------------------------------------------------------------------------------------- generated bodies

TOPICS = ["食品安全", "安全生产", "人口普查", "经济普查", "预制菜产业", "低空经济", "城市更新", "城市管理", "乡村振兴",
          "河长制", "招商引资", "招才引智", "重大项目", "重点项目", "森林防火", "防汛抗旱", "数字经济", "智慧城市",
          "营商环境", "文明城市", "爱国卫生", "双拥", "质量强市", "知识产权", "民营经济", "海洋经济", "老龄", "妇女儿童"]
FORMS = ["领导小组", "工作领导小组", "委员会", "指挥部", "联席会议", "工作专班", "协调小组"]
GENERIC = ["", "", "推进", "高质量发展", "全面推行", "建设", "创建", "工作"]
DUTY_WORDS = ["统筹协调", "研究解决", "重大问题", "督促检查", "组织开展", "监督管理", "食品生产", "餐饮服务", "隐患排查",
              "危险化学品", "普查员", "入户登记", "冷链物流", "无人机", "通用机场", "排水管网", "泵站", "招商项目",
              "人才引进", "项目建设", "林区", "火源管控", "网格化", "病媒生物防制", "营商环境", "政务服务", "园区"]


def generated(rng: random.Random, n: int) -> list[dict]:
    raw = []
    for i in range(n):
        topic = rng.choice(TOPICS)
        name = f"{rng.choice(['市', '市委', '青州市', ''])}{rng.choice(GENERIC[:3])}{topic}{rng.choice(GENERIC)}" \
               f"{rng.choice(FORMS)}"
        names = [(name, True, False)]
        if rng.random() < 0.3:
            names.append(("市" + topic[:2] + rng.choice(["委", "办", "指"]), False, True))
        if rng.random() < 0.3:
            names.append((f"市{rng.choice(TOPICS)}{rng.choice(FORMS)}", False, False))
        duties = "，".join(rng.choice(DUTY_WORDS + [topic] * 3) for _ in range(rng.randint(0, 14)))
        kind = "department" if rng.random() < 0.1 else "body"
        if kind == "department":
            names = names[:1]
            duties = "。".join([duties, *(f"负责{rng.choice(TOPICS)}{rng.choice(DUTY_WORDS)}和{rng.choice(DUTY_WORDS)}工作"
                                          for _ in range(3))])
        raw.append({"kind": kind, "id": 1000 + i, "name": name, "status": "active", "names": names,
                    "duties": duties})
    return raw


def test_vectorised_scorer_equals_the_per_candidate_one_on_generated_bodies():
    rng = random.Random(2026)
    raw = generated(rng, 300)
    region_names = ["潍坊市", "青州市", "山东省"]
    index = ov_index._build_index(raw, region_names)
    for _ in range(40):
        topic = rng.choice(TOPICS)
        name = f"市{topic}{rng.choice(GENERIC)}{rng.choice(FORMS)}" if rng.random() < 0.9 else ""
        aliases = ["市" + topic[:2] + "委"] if rng.random() < 0.3 else []
        duties = "，".join(rng.choice(DUTY_WORDS + [topic]) for _ in range(rng.randint(0, 10)))
        assert_same(index, raw, name, duties, aliases)


@pytest.mark.django_db
def test_vectorised_scorer_equals_the_per_candidate_one_on_the_labelled_set():
    for k, pair in enumerate(PAIRS):
        region, _body = _region_for(k, pair)
        index = ov_index._index_for(region, None, 3)
        raw = ov_candidates._load_candidates(region, None, 3)
        assert_same(index, raw, pair.proposed_name, pair.proposed_duties, pair.proposed_aliases)


def test_ties_beyond_the_top_are_ranked_by_name_then_id():
    raw = [{"kind": "body", "id": 50 - i, "name": f"市食品安全委员会{chr(0x4e00 + i % 7)}", "status": "active",
            "names": [("市食品安全委员会", True, False)], "duties": ""} for i in range(40)]
    index = ov_index._build_index(raw, ["潍坊市"])
    assert_same(index, raw, "市食品安全委员会", "")


# ---------------------------------------------------------------------------------------------- incremental


def results(index, queries):
    return [[(m.kind, m.id, m.score, m.name_score, m.duties_score, m.shared_terms, m.matched_alias)
             for m in ov_search._query(index, name=n, duties=d, top=10)] for n, d in queries]


def name_arrays(index) -> dict:
    """(kind, id) → the sorted name entries of that candidate, and its per-candidate flags."""
    out: dict = {}
    for e, row in enumerate(index.owner.tolist()):
        c = index.candidates[row]
        out.setdefault((c.kind, c.id), []).append((index.specs[e], index.norms[e], index.cores[e],
                                                   bool(index.abbreviation[e]), len(index.grams[e])))
    flags = {(c.kind, c.id): (bool(index.is_department[i]), int(index.body_ids[i]))
             for i, c in enumerate(index.candidates)}
    assert all(flags[k] == (k[0] == "department", k[1] if k[0] == "body" else -1) for k in flags)
    return {k: sorted(v) for k, v in out.items()} | {"flags": flags}


def test_an_updated_index_answers_as_a_fresh_build():
    rng = random.Random(7)
    raw = generated(rng, 200)
    names = ["潍坊市", "青州市"]
    index = ov_index._build_index(raw, names)
    # One renamed (a name no index has seen: new dictionary words), one new, one gone, one with new duties.
    changed = [dict(raw[3], name="市鸢都风筝文化产业推进委员会", names=[("市鸢都风筝文化产业推进委员会", True, False)]),
               {"kind": "body", "id": 9999, "name": "市风筝文化节组织委员会", "status": "active",
                "names": [("市风筝文化节组织委员会", True, False)], "duties": "筹办国际风筝会，推动鸢都风筝文化产业发展。"},
               dict(raw[5], duties="统筹推进全市风筝文化产业发展，培育风筝企业。")]
    gone = {(raw[7]["kind"], raw[7]["id"])}
    updated = ov_index._update_index(index, changed, gone, {})
    assert updated.analysed < 20 and len(updated.candidates) == 200
    now = {(r["kind"], r["id"]): r for r in raw}
    for r in changed:
        now[(r["kind"], r["id"])] = r
    del now[next(iter(gone))]
    fresh = ov_index._build_index(list(now.values()), names)
    queries = [("市风筝文化产业发展领导小组", "推动风筝文化产业发展，筹办风筝会。"), ("市食品安全委员会", FOOD_DUTIES),
               ("市鸢都风筝文化产业推进委员会", ""), ("", SAFETY_DUTIES), ("市人口普查领导小组", CENSUS_DUTIES)]
    assert results(updated, queries) == results(fresh, queries)
    assert results(updated, queries[:1])[0][0][1] in (9999, raw[3]["id"], raw[5]["id"])
    # The name arrays (spliced from the old index, not rebuilt) hold what a fresh build's hold, per candidate.
    assert name_arrays(updated) == name_arrays(fresh)
    # The old index is left as it was (a query may have been running on it).
    assert len(index.candidates) == 200 and 9999 not in {c.id for c in index.candidates}


def test_cached_tokens_are_cut_again_when_a_new_word_occurs_in_the_text():
    text = "统筹推进全市鸢都风筝嘉年华筹办工作，协调风筝嘉年华安保。"
    other = "统筹推进全市海洋牧场建设。"
    before, other_before = tokenize(text), tokenize(other)
    assert "风筝嘉年华" not in before
    tk = ov_text._get_tokenizer()
    with ov_text._LOCK:
        ov_text._add_word(tk, "风筝嘉年华")
    after = tokenize(text)
    assert "风筝嘉年华" in after
    with ov_text._LOCK:
        fresh = [w.lower() for w in tk.lcut(text, HMM=False) if ov_text._keep(w)]
        fresh_other = [w.lower() for w in tk.lcut(other, HMM=False) if ov_text._keep(w)]
    assert after == fresh and tokenize(other) == other_before == fresh_other
    # The compound also counts its parts in the duties index.
    assert "风筝" in ov_text._terms(text)


# ---------------------------------------------------------------------------------------------- the ledger


@pytest.mark.django_db
def test_index_is_updated_in_place_of_a_rebuild_after_ledger_writes(city):
    food = establish(city.city, name="市食品安全委员会", lead=city.fgw, duties=FOOD_DUTIES, on=date(2010, 3, 1))
    establish(city.city, name="市安全生产委员会", lead=city.yjj, duties=SAFETY_DUTIES)
    establish(city.city, name="市人口普查领导小组", lead=city.fgw, duties=CENSUS_DUTIES)
    assert match_for(find_overlaps(region=city.city, name="市食品安全工作领导小组", duties=FOOD_DUTIES), food)
    first = ov_index._index_for(city.city, None, 3)
    assert first.analysed == len(first.candidates) == 3

    # A new body shows up in the next call; only it is analysed.
    body = establish(city.city, name="市低空经济发展工作专班", lead=city.gxj,
                     duties="统筹推进全市低空经济发展，推进通用机场和无人机起降点建设。")
    matches = find_overlaps(region=city.city, name="市低空经济产业发展领导小组", duties="推进通用机场建设。")
    assert matches[0].id == body.pk
    second = ov_index._index_for(city.city, None, 3)
    assert second is not first and second.analysed == 1 and len(second.candidates) == 4

    # Renamed: the new name matches in full, the old one as a former name.
    services.event_record(actor=city.bianban, body=body, kind=EventKind.RENAME, on=date(2024, 5, 6),
                          changes={"name": "市低空飞行服务保障工作专班"})
    m = match_for(find_overlaps(region=city.city, name="市低空飞行服务保障工作专班", duties=""), body)
    assert m is not None and m.name == "市低空飞行服务保障工作专班" and m.name_score == 1.0 and m.matched_alias == ""
    m = match_for(find_overlaps(region=city.city, name="市低空经济发展工作专班", duties=""), body)
    assert m is not None and m.matched_alias == "市低空经济发展工作专班"
    assert ov_index._index_for(city.city, None, 3).analysed == 1

    # Abolished long ago → no longer a candidate (the body's stamp changed, the loader leaves it out).
    services.event_record(actor=city.bianban, body=food, kind=EventKind.ABOLISH, on=date(2015, 1, 1))
    assert match_for(find_overlaps(region=city.city, name="市食品安全委员会", duties=FOOD_DUTIES), food) is None
    # And what the updates made is what a fresh build makes.
    updated = ov_index._index_for(city.city, None, 3)
    invalidate()
    rebuilt = ov_index._index_for(city.city, None, 3)
    queries = [("市低空飞行服务保障工作专班", "推进通用机场建设。"), ("市安全生产委员会", SAFETY_DUTIES)]
    assert results(updated, queries) == results(rebuilt, queries)


@pytest.mark.django_db
def test_a_write_between_two_calls_is_seen_though_another_process_made_it(city):
    """Another app server's write reaches this process only through the database: simulated by writing
    with a queryset update (no signal, no call into overlap) that stamps the row as a save would."""
    from django.utils import timezone

    from yixie.ledger.models import Body

    body = establish(city.city, name="市人口普查领导小组", lead=city.fgw, duties=CENSUS_DUTIES)
    assert find_overlaps(region=city.city, name="市预制菜产业发展领导小组", duties="推进预制菜产业发展。") == []
    Body.objects.filter(pk=body.pk).update(duties="统筹推进全市预制菜产业发展。", updated_at=timezone.now())
    assert match_for(find_overlaps(region=city.city, name="市预制菜产业发展领导小组", duties="推进预制菜产业发展。"),
                     body)


@pytest.mark.django_db
def test_an_update_reads_recent_stamps_only_yet_sees_a_late_commit(city):
    """An update reads the stamps of the last hour before the newest one it knows, not every row; a row
    stamped earlier than that newest one but committed later (a long transaction) is still seen, and a
    row stamped before the window is found through the fingerprint's counts."""
    from datetime import timedelta

    from django.utils import timezone

    from yixie.ledger.models import Body

    census = establish(city.city, name="市人口普查领导小组", lead=city.fgw, duties=CENSUS_DUTIES)
    establish(city.city, name="市安全生产委员会", lead=city.yjj, duties=SAFETY_DUTIES)
    old = ov_index._index_for(city.city, None, 3)
    newest = max(old.stamps.values())
    # Late commit: a ledger write (its event moves the fingerprint) whose row was stamped ten minutes before
    # the newest stamp the index was made from.
    services.event_record(actor=None, body=census, kind=EventKind.ADJUST, on=date(2024, 1, 1),
                          changes={"duties": "统筹推进全市预制菜产业发展。"})
    Body.objects.filter(pk=census.pk).update(updated_at=newest - timedelta(minutes=10))
    assert ov_index._current_stamps(old, [city.city.pk], ov_candidates._fingerprint([city.city.pk]))[
        ("body", census.pk)] == newest - timedelta(minutes=10)
    assert match_for(find_overlaps(region=city.city, name="市预制菜产业发展领导小组", duties="推进预制菜产业发展。"),
                     census)
    # A new row stamped long before (its clock behind): not in the window, but the count moved.
    late = establish(city.city, name="市低空经济发展工作专班", lead=city.gxj, duties="推进低空经济发展，建设通用机场。")
    Body.objects.filter(pk=late.pk).update(updated_at=timezone.now() - timedelta(days=2))
    assert match_for(find_overlaps(region=city.city, name="市低空经济发展工作专班", duties="建设通用机场"), late)


@pytest.mark.django_db
def test_descendant_scope(city):
    qz = establish(city.county, name="青州市食品安全委员会", lead=city.qz_fgj, duties=FOOD_DUTIES)
    own = establish(city.city, name="市安全生产委员会", lead=city.yjj, duties=SAFETY_DUTIES)
    assert match_for(find_overlaps(region=city.city, name="市食品安全委员会", duties=FOOD_DUTIES), qz) is None
    wide = find_overlaps(region=city.city, name="市食品安全委员会", duties=FOOD_DUTIES, include_descendants=True)
    m = match_for(wide, qz)
    # The county's name is a prefix of the scope: 青州市食品安全委员会 has the core 食品安全.
    assert m is not None and m.name_score == 1.0 and wide[0].id == qz.pk
    assert match_for(find_overlaps(region=city.city, name="市安全生产委员会", duties="", include_descendants=True), own)
    # From the county, the city's bodies are not below it; the other county's neither.
    assert match_for(find_overlaps(region=city.county, name="市安全生产委员会", duties=SAFETY_DUTIES,
                                   include_descendants=True), own) is None
    assert find_overlaps(region=city.county2, name="市食品安全委员会", duties=FOOD_DUTIES,
                         include_descendants=True) == []
    # A body set up later in the other county is seen by the city's wide index on the next call.
    zc_fgj = make_department(city.county2, "诸城市发展和改革局")
    town = establish(city.county2, name="诸城市食品安全工作领导小组", lead=zc_fgj, duties=FOOD_DUTIES)
    assert match_for(find_overlaps(region=city.city, name="市食品安全委员会", duties=FOOD_DUTIES,
                                   include_descendants=True, top=0), town)
    # The own-region index and the wide one are cached side by side.
    assert ov_index._index_for(city.city, None, 3) is not ov_index._index_for(city.city, None, 3, True)
