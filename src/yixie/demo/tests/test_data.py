"""Internal consistency of the demo city (pure Python: no database, no Django).

The loader trusts this data; these tests make sure it can: every reference resolves in its region,
histories replay cleanly, and the seed article's figures come out of the ledger as of their dates.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from yixie.demo import city as d

CITY = "370700"
LED_BY_POSTS = {"party", "government"}
TERMINAL = {"abolish", "merge", "derecognise"}
CATEGORIES = {"party", "government", "joint", "taskforce", "mechanism", "special"}
FORMS = {"领导小组", "委员会", "指挥部", "联席会议", "工作专班", "协调机制", "专项小组"}
KINDS = {"establish", "adjust", "rename", "abolish", "merge", "split", "reaffiliate", "downgrade", "derecognise",
         "members"}
NUMBER_RE = re.compile(r"^[\u4e00-\u9fff]+〔\d{4}〕[1-9]\d*号$")
CITY_ISSUERS = {"中共潍坊市委", "潍坊市人民政府", "中共潍坊市委办公室", "潍坊市人民政府办公室"}

REGIONS = {r.code: r for r in d.REGIONS}
DOCS = {doc.key: doc for doc in d.DOCUMENTS}
BODIES = {b.key: b for b in d.BODIES}
DEPTS = collections.defaultdict(set)
for _dep in d.DEPARTMENTS:
    DEPTS[_dep.region].add(_dep.name)
POSTS = collections.defaultdict(set)
for _post in d.POSTS:
    POSTS[_post.region].add(_post.name)


def iso(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def state_on(body: d.BodySpec, on: str) -> dict | None:
    """Replay a body's history up to a date; None when it does not exist (yet or any more) as a body."""
    if body.established_on > on:
        return None
    s = {"name": body.name, "category": body.category, "form": body.form, "lead": body.lead, "office": body.office,
         "leader": body.leader, "deputies": list(body.deputies), "members": list(body.members)}
    for e in body.history:
        if e.on > on:
            break
        if e.kind in TERMINAL:
            return None
        c = e.changes
        if e.kind == "rename":
            s["name"] = c["name"]
        if e.kind == "downgrade":
            s.update(category=c["category"], form=c["form"], name=c["name"], leader="", deputies=[])
        for field in ("lead", "office", "leader", "deputies", "members"):
            if field in c:
                s[field] = list(c[field]) if isinstance(c[field], (list, tuple)) else c[field]
    return s


def alive(region: str, on: str, categories=LED_BY_POSTS) -> list[d.BodySpec]:
    return [b for b in d.BODIES if b.region == region and (s := state_on(b, on)) and s["category"] in categories]


def city_events_on(on: str) -> collections.Counter:
    return collections.Counter(e.kind for b in d.BODIES if b.region == CITY for e in b.history if e.on == on)


# --- regions, departments, posts, documents -----------------------------------------------------


def test_regions_are_the_real_gb_t_2260_tree():
    assert REGIONS[CITY].name == "潍坊市" and REGIONS[CITY].level == "city" and REGIONS[CITY].parent is None
    counties = {c: r.name for c, r in REGIONS.items() if r.level == "county"}
    assert counties == {
        "370702": "潍城区", "370703": "寒亭区", "370704": "坊子区", "370705": "奎文区", "370724": "临朐县",
        "370725": "昌乐县", "370781": "青州市", "370782": "诸城市", "370783": "寿光市", "370784": "安丘市",
        "370785": "高密市", "370786": "昌邑市",
    }
    assert all(REGIONS[c].parent == CITY for c in counties)
    townships = [r for r in d.REGIONS if r.level == "township"]
    assert len(townships) == 2
    for t in townships:
        assert re.fullmatch(r"\d{9}", t.code) and t.code.startswith(t.parent) and REGIONS[t.parent].level == "county"
        assert t.name.endswith(("街道", "镇"))
    assert len(REGIONS) == len(d.REGIONS)


def test_nothing_hangs_from_a_township():
    townships = {r.code for r in d.REGIONS if r.level == "township"}
    assert not [b.key for b in d.BODIES if b.region in townships]
    assert not [x.name for x in d.DEPARTMENTS if x.region in townships]
    assert not [p.name for p in d.POSTS if p.region in townships]


def test_departments_unique_ordered_party_first():
    seen = set()
    for dep in d.DEPARTMENTS:
        assert dep.region in REGIONS
        assert (dep.region, dep.name) not in seen, dep.name
        seen.add((dep.region, dep.name))
        assert dep.kind in {"party", "government", "other"}
        assert dep.uscc == ""
    rank = {"party": 0, "government": 1, "other": 2}
    for code in {x.region for x in d.DEPARTMENTS}:
        rows = sorted((x for x in d.DEPARTMENTS if x.region == code), key=lambda x: x.order)
        assert [x.order for x in rows] == list(range(1, len(rows) + 1))
        assert [rank[x.kind] for x in rows] == sorted(rank[x.kind] for x in rows)
    city = [x for x in d.DEPARTMENTS if x.region == CITY]
    assert 50 <= len([x for x in city if not x.ended_on]) <= 65  # (and the predecessors the reform ended)
    assert {"市委机构编制委员会办公室", "市发展和改革委员会", "市农业农村局", "潍坊军分区", "团市委"} <= DEPTS[CITY]
    with_duties = [x for x in city if x.duties]
    assert len(with_duties) >= 35
    for x in with_duties:
        assert 2 <= x.duties.count("。") <= 4, x.name
    for code, r in REGIONS.items():
        if r.level == "county":
            names = DEPTS[code]
            assert 25 <= len([x for x in d.DEPARTMENTS if x.region == code and not x.ended_on]) <= 40
            assert f"{r.name}委办公室" in names and f"{r.name}委机构编制委员会办公室" in names


def test_posts_and_holders():
    seen = set()
    for p in d.POSTS:
        assert (p.region, p.name) not in seen
        seen.add((p.region, p.name))
        open_holders = [h for h in p.holders if h[2] is None]
        assert len(open_holders) <= 1, p.name
        previous_end = None
        for person, start, end in p.holders:
            assert person and iso(start) <= iso(d.DEMO_TODAY)
            if end is not None:
                assert iso(start) <= iso(end)
            if previous_end is not None:
                assert iso(start) >= iso(previous_end), p.name
            previous_end = end or d.DEMO_TODAY
        assert p.holders and p.holders[-1][2] is None, f"{p.name} has nobody now"
    assert {"市委书记", "市长", "常务副市长", "市委常委、组织部部长", "市人大常委会副主任", "市政协副主席"} <= POSTS[CITY]
    assert len([n for n in POSTS[CITY] if n.startswith("副市长（分管")]) == 5
    assert 15 <= len(POSTS[CITY]) <= 18
    assert "县委书记" in POSTS["370724"] and "区长" in POSTS["370702"] and "市委书记" in POSTS["370781"]
    turned_over = [p for p in d.POSTS if len(p.holders) > 1]
    assert len(turned_over) >= 10


def test_documents_numbers_issuers_unique():
    keys = [x.key for x in d.DOCUMENTS]
    numbers = [x.number for x in d.DOCUMENTS]
    assert len(keys) == len(set(keys))
    assert len(numbers) == len(set(numbers))
    for doc in d.DOCUMENTS:
        assert NUMBER_RE.match(doc.number), doc.number
        assert doc.number[doc.number.index("〔") + 1:][:4] == doc.issued_on[:4]
        iso(doc.issued_on)
        assert doc.title.startswith(doc.issuer), doc.title
        assert doc.title.endswith("的通知")
    assert CITY_ISSUERS == {x.issuer for x in d.DOCUMENTS if x.number.startswith("潍") and "〔" in x.number
                            and x.number[:x.number.index("〔")] in {"潍发", "潍政字", "潍办发", "潍政办字"}}
    # within an issuer and year, numbers follow the dates
    groups = collections.defaultdict(list)
    for doc in d.DOCUMENTS:
        groups[(doc.issuer, doc.number[:doc.number.index("〔")], doc.issued_on[:4])].append(doc)
    for docs in groups.values():
        docs.sort(key=lambda x: (x.issued_on, int(x.number[x.number.index("〕") + 1:-1])))
        nums = [int(x.number[x.number.index("〕") + 1:-1]) for x in docs]
        assert nums == sorted(nums)


# --- bodies ------------------------------------------------------------------------------------


def _issuer_region(doc: d.DocumentSpec) -> str:
    if doc.issuer in CITY_ISSUERS:
        return CITY
    for code, r in REGIONS.items():
        if r.level == "county" and r.name in doc.issuer:
            return code
    raise AssertionError(doc.issuer)


def test_body_fields_and_references():
    assert len(BODIES) == len(d.BODIES)
    for b in d.BODIES:
        assert REGIONS[b.region].level in {"city", "county"}
        assert b.category in CATEGORIES and b.form in FORMS
        assert b.sequence in {"party", "government"}
        assert b.legal_ground in {"upper", "counterpart", "emergency", "local"}
        assert b.task_scope in {"single", "comprehensive"}
        assert b.name.endswith(b.form) or b.form == "领导小组" and b.name.endswith("协调小组"), b.name
        assert b.lead in DEPTS[b.region] and b.office in DEPTS[b.region], b.name
        assert b.duties and 2 <= b.duties.count("。") <= 4, b.name
        iso(b.established_on)
        assert "1995-01-01" <= b.established_on <= d.DEMO_TODAY
        if b.established_doc is not None:
            doc = DOCS[b.established_doc]
            assert doc.issued_on == b.established_on, b.name
            assert _issuer_region(doc) == b.region
        if b.temporary:
            assert b.ends_on or b.end_condition, b.name
        else:
            assert b.ends_on is None and not b.end_condition, b.name
        if b.ends_on:
            assert iso(b.ends_on) > iso(b.established_on)
        assert b.category != "party" or b.sequence == "party"
        assert b.category != "government" or b.sequence == "government"


def _check_leaders(b, category, leader, deputies):
    if category in LED_BY_POSTS:
        assert leader in POSTS[b.region], (b.name, leader)
        assert len(deputies) <= 2, b.name
        assert all(p in POSTS[b.region] for p in deputies), (b.name, deputies)
        assert leader not in deputies and len(set(deputies)) == len(deputies), b.name
    else:
        assert leader == "" and not deputies, b.name


def _check_members(b, members, scope):
    names = [m[0] for m in members]
    assert 1 <= len(members) <= 15, b.name
    assert len(members) <= (15 if scope == "comprehensive" else 10), b.name
    assert len(set(names)) == len(names), b.name
    assert all(m[0] in DEPTS[b.region] and m[1] in {"principal", "assisting"} for m in members), b.name


def test_leaders_and_members_at_setup_and_after_every_event():
    for b in d.BODIES:
        _check_leaders(b, b.category, b.leader, b.deputies)
        _check_members(b, b.members, b.task_scope)
        assert 4 <= len(b.members), b.name
        for e in b.history:
            s = state_on(b, e.on)
            if s is None:
                continue
            _check_leaders(b, s["category"], s["leader"], s["deputies"])
            _check_members(b, s["members"], b.task_scope)
            assert s["lead"] in DEPTS[b.region] and s["office"] in DEPTS[b.region]


def test_names_and_keys_unique_within_region_over_time():
    names = collections.Counter()
    for b in d.BODIES:
        names[(b.region, b.name)] += 1
        for e in b.history:
            if e.kind in {"rename", "downgrade"}:
                names[(b.region, e.changes["name"])] += 1
    assert [n for n, c in names.items() if c > 1] == []


def test_histories_replay_cleanly():
    for b in d.BODIES:
        previous = b.established_on
        ended = False
        name = b.name
        for e in b.history:
            assert e.kind in KINDS and e.kind != "establish", (b.name, e.kind)
            assert not ended, f"{b.name}: event after its end"
            assert e.on >= previous and e.on > b.established_on and e.on <= d.DEMO_TODAY, (b.name, e.on)
            previous = e.on
            if e.doc is not None:
                doc = DOCS[e.doc]
                assert doc.issued_on <= e.on and _issuer_region(doc) == b.region, (b.name, e.doc)
            c = e.changes
            if e.kind == "rename":
                assert set(c) == {"name", "short_name"} and c["name"] != name, b.name
                assert c["name"].endswith(("领导小组", "委员会", "指挥部", "联席会议", "工作专班"))
                name = c["name"]
            elif e.kind == "reaffiliate":  # (the 2019 reform's moves carry the member units too)
                assert {"lead", "office"} <= set(c) <= {"lead", "office", "members"}
                assert c["lead"] in DEPTS[b.region] and c["office"] in DEPTS[b.region]
            elif e.kind == "members":
                assert set(c) == {"members"}
            elif e.kind == "adjust":
                assert c and set(c) <= {"duties", "leader", "deputies", "members"}
            elif e.kind == "downgrade":
                assert c["category"] == "joint" and c["form"] == "联席会议" and c["name"].endswith("联席会议")
                assert b.category in LED_BY_POSTS
            elif e.kind == "merge":
                target = BODIES[c["into"]]
                assert target.key != b.key and target.region == b.region
                assert state_on(target, e.on) is not None, f"{b.name} merged into a body not alive on {e.on}"
            elif e.kind == "split":
                for key in c["into"]:
                    new = BODIES[key]
                    assert new.region == b.region and new.established_on == e.on
            else:
                assert c == {}, (b.name, e.kind)
            if e.kind in TERMINAL:
                ended = True


def test_every_change_changes_something():
    """The ledger refuses an adjustment that leaves the body as it was (成员调整须改变成员单位中的至少一项)."""
    for b in d.BODIES:
        for i, e in enumerate(b.history):
            if e.kind not in {"members", "adjust", "reaffiliate", "rename", "downgrade"}:
                continue
            before = state_on(dataclasses.replace(b, history=b.history[:i]), e.on)
            after = state_on(dataclasses.replace(b, history=b.history[: i + 1]), e.on)
            changed = {k for k in before if before[k] != after[k]}
            if e.kind == "members":
                assert "members" in changed, (b.name, e.on)
            elif e.kind == "reaffiliate":
                assert changed & {"lead", "office"}, (b.name, e.on)
            elif e.kind == "adjust" and "duties" not in e.changes:
                assert changed, (b.name, e.on)
            else:
                assert changed or "duties" in e.changes, (b.name, e.on, e.kind)


def test_about_five_percent_lack_a_basis_document():
    missing = [b for b in d.BODIES if b.established_doc is None]
    assert 0.03 <= len(missing) / len(d.BODIES) <= 0.07
    assert len([b for b in missing if b.region == CITY and state_on(b, d.DEMO_TODAY)]) >= 5


# --- the seed's figures ------------------------------------------------------------------------


def test_2019_clean_up_292_to_133():
    assert len(alive(CITY, "2019-01-01")) == 292
    assert len(alive(CITY, "2019-07-01")) == 133
    assert all(b.established_on <= "2018-12-31" for b in alive(CITY, "2019-01-01"))
    kinds = city_events_on("2019-06-28")
    assert kinds["abolish"] + kinds["merge"] == 159
    # the 2019 campaign's items, published in one list of 市委 and 市政府 (numbered by the 市委); the
    # survivors' duties widened by the same document afterwards
    on_the_day = [e for b in d.BODIES if b.region == CITY for e in b.history if e.on == "2019-06-28"]
    assert {DOCS[e.doc].number[:4] for e in on_the_day} == {"潍发〔2"}
    assert all((e.campaign == "2019") == (e.kind in TERMINAL) for e in on_the_day)
    assert {e.kind for e in on_the_day if not e.campaign} == {"adjust"}


def test_joint_meetings_mechanisms_task_forces_special_groups():
    city = [b for b in d.BODIES if b.region == CITY]
    ever_joint = [b for b in city if b.category == "joint" or any(e.kind == "downgrade" for e in b.history)]
    # 16 in the ledger; the 17th is 市节约用水工作领导小组, which the 2025 campaign's draft report proposes
    # to turn into a joint meeting (not published yet)
    assert len(ever_joint) == 16
    assert len(alive(CITY, d.DEMO_TODAY, {"joint"})) == 16
    c25 = next(c for c in d.CAMPAIGNS if c.key == "2025")
    assert [BODIES[x.body].name for x in c25.drafts if x.action == "to_joint"] == ["市节约用水工作领导小组"]
    assert len([b for b in city if b.category == "mechanism"]) == 2
    assert len([b for b in city if b.category == "special"]) == 2
    task_forces = [b for b in city if b.category == "taskforce"]
    assert 6 <= len(task_forces) <= 10
    sports = BODIES["city-sports-event"]
    assert sports.category == "taskforce" and sports.ends_on == "2023-10-31"
    assert [(e.on, e.kind) for e in sports.history] == [("2023-11-10", "abolish")]
    ending = {b.ends_on: b for b in task_forces if state_on(b, d.DEMO_TODAY)}
    assert "2027-01-20" in ending and "2026-12-15" in ending
    assert (iso("2027-01-20") - iso(d.DEMO_TODAY)).days <= 90


def test_2022_campaign_9_abolished_8_renamed_7_reaffiliated():
    kinds = city_events_on("2022-09-30")
    assert dict(kinds) == {"abolish": 9, "rename": 8, "reaffiliate": 7}
    touched = [b for b in d.BODIES if b.region == CITY and any(e.on == "2022-09-30" for e in b.history)]
    assert len(touched) == 24 and all(b.category in LED_BY_POSTS for b in touched)
    # all of them the 2022 campaign's items, published in one list
    events = [e for b in touched for e in b.history if e.on == "2022-09-30"]
    assert {e.campaign for e in events} == {"2022"} and len({e.doc for e in events}) == 1


def test_one_split_one_downgrade_and_later_adjustments():
    city = [b for b in d.BODIES if b.region == CITY]
    kinds = collections.Counter(e.kind for b in city for e in b.history)
    assert kinds["split"] == 1 and kinds["downgrade"] == 0  # (the one downgrade is a 2025 draft report)
    assert kinds["members"] >= 3 and kinds["adjust"] >= 3
    after = collections.Counter(e.kind for b in city for e in b.history if e.on > "2019-07-01")
    assert after["members"] >= 3 and after["adjust"] >= 3


def test_current_city_total_near_150():
    assert 140 <= len(alive(CITY, d.DEMO_TODAY)) <= 160
    new = [b for b in alive(CITY, d.DEMO_TODAY) if b.established_on > "2019-07-01"]
    assert len(new) >= 15


def test_prefab_body_of_journey_1():
    b = next(b for b in d.BODIES if b.name == "市预制菜产业发展工作领导小组")
    assert b.region == CITY and b.established_on == "2023-03-20" and b.category == "government"
    assert DOCS[b.established_doc].number == "潍政字〔2023〕12号"
    assert b.lead == "市发展和改革委员会" and b.office == "市农业农村局"
    assert b.leader == "市长" and b.deputies == ("副市长（分管农业农村）",)
    names = [m[0] for m in b.members]
    assert {"市发展和改革委员会", "市工业和信息化局", "市农业农村局", "市商务局"} <= set(names)
    assert not b.temporary
    food = next(x for x in d.BODIES if x.name == "市食品产业发展领导小组")
    assert state_on(food, "2023-03-20") is not None
    shared = {w for w in ("食品加工龙头企业", "产业链延链补链强链", "质量安全企业主体责任") if w in food.duties and w in b.duties}
    assert len(shared) >= 2


def test_mayor_post_leads_or_sits_in_28_bodies():
    load = 0
    for b in d.BODIES:
        s = state_on(b, d.DEMO_TODAY)
        if b.region == CITY and s and "市长" in (s["leader"], *s["deputies"]):
            load += 1
    assert load == 28


def test_named_bodies_of_the_brief():
    names = {b.name for b in d.BODIES if b.region == CITY}
    for name in ("市安全生产委员会", "市爱国卫生运动委员会", "市食品安全委员会", "市防汛抗旱指挥部", "市森林防火指挥部",
                 "市国家安全领导小组", "市生态环境保护委员会", "市乡村振兴工作领导小组", "市扫黑除恶专项斗争领导小组",
                 "市人口普查领导小组", "市委党建工作领导小组", "市委全面深化改革领导小组"):
        assert name in names
    assert BODIES["city-safety"].short_name == "市安委会"
    anti_gang = BODIES["city-anti-gang"]
    assert anti_gang.temporary and anti_gang.end_condition and not anti_gang.ends_on
    census = BODIES["city-census"]
    assert census.temporary and census.ends_on


def test_campaigns_and_their_parts():
    """Each published part has its own list (a document of its region, dated the day of the list, never
    cited before it), its meetings between the opinion and the list, and its items are the region's events
    marked with the campaign, on that day, citing that list, each with a reason."""
    reasons = {"weakened", "overlap", "finished", "upper", "name", "transferred", "idle", "needed", "other"}
    assert [c.key for c in d.CAMPAIGNS] == ["2019", "2022", "2025"]
    for c in d.CAMPAIGNS:
        assert [p.region for p in c.parts] == [CITY, *sorted(code for code, r in REGIONS.items() if r.level == "county")]
        assert DOCS[c.plan_doc].issued_on <= c.snapshot_on
        assert sorted(c.deadlines.values()) == list(c.deadlines.values())
        marked = [(b, e) for b in d.BODIES for e in b.history if e.campaign == c.key]
        for p in c.parts:
            if not p.published_on:
                assert c.key == "2025" and not [b for b, _e in marked if b.region == p.region]
                continue
            doc = DOCS[p.list_doc]
            assert _issuer_region(doc) == p.region and doc.issued_on == p.published_on
            assert c.snapshot_on < p.review_on < p.opinion_on <= min(h for _m, h, _s in p.meetings)
            assert max(h for _m, h, _s in p.meetings) <= p.published_on
            assert {m for m, _h, _s in p.meetings} == {"party", "government"}
            mine = [(b, e) for b, e in marked if b.region == p.region]
            assert all(e.on == p.published_on and e.doc == p.list_doc and e.reason in reasons for _b, e in mine)
            assert all(e.doc != p.list_doc or e.on >= p.published_on for b in d.BODIES for e in b.history)
            assert all(state_on(b, c.snapshot_on) for b, _e in mine), "an item must be on the snapshot's list"
            for contest in p.contests:
                b = BODIES[contest.body]
                assert b.region == p.region and state_on(b, c.snapshot_on)
                assert contest.settled == next((e.kind for x, e in mine if x.key == b.key), "keep")
    assert len(d._COUNTY_LISTS) == 24
    numbers = [DOCS[p.list_doc].number for c in d.CAMPAIGNS for p in c.parts if p.list_doc]
    assert len(numbers) == len(set(numbers)) == 26


# --- counties ----------------------------------------------------------------------------------


def test_counties_hold_ledgers_of_a_believable_size():
    for code, r in REGIONS.items():
        if r.level != "county":
            continue
        bodies = [b for b in d.BODIES if b.region == code]
        assert 25 <= len(bodies) <= 60, r.name
        # tens of bodies in force today (after the county's own 2019 clean-up, with those set up since)
        assert len(alive(code, d.DEMO_TODAY, CATEGORIES)) >= 25, r.name
        assert len(alive(code, "2019-12-31")) >= 15, r.name
        assert len([b for b in bodies if b.category == "joint"]) >= 2
        assert all("2010-01-01" <= b.established_on <= "2024-12-31" for b in bodies)
        assert all(b.name.startswith(r.name) for b in bodies)
        assert any(b.history for b in bodies)


# --- determinism (its import time is a figure for benchmarks, not a timed test) ------------------------------------------------------------------------

_PROBE = (
    "import time, hashlib; t = time.perf_counter(); from yixie.demo import city as d; "
    "t = time.perf_counter() - t; "
    "print(hashlib.sha256(repr((d.REGIONS, d.DEPARTMENTS, d.POSTS, d.DOCUMENTS, d.BODIES)).encode()).hexdigest(), t)"
)


@pytest.mark.parametrize("seed", ["0", "12345"])
def test_deterministic_whatever_the_hash_seed(seed):
    src = Path(d.__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(src)}
    out = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True,
                         cwd=src).stdout.split()
    here = __import__("hashlib").sha256(
        repr((d.REGIONS, d.DEPARTMENTS, d.POSTS, d.DOCUMENTS, d.BODIES)).encode()).hexdigest()
    assert out[0] == here
