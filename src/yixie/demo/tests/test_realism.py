"""The demo reads as a real city's ledger (issue 9 §7): departments have the dates of the 2018–2019
reform and no body is hosted by a department outside them, no body is older than its own title, each
duties text speaks of the body's own work, 主办 is the department whose work it is, and every county
keeps a ledger of tens of bodies. Pure data, like `test_data`; the loaded ledger is checked in `test_load`.
"""

from __future__ import annotations

import collections

from yixie.demo import city as d

from .test_data import CATEGORIES, TERMINAL, alive, state_on

DEPT = {(x.region, x.name): x for x in d.DEPARTMENTS}


def _exists(region: str, name: str, on: str) -> bool:
    x = DEPT[(region, name)]
    return (x.established_on is None or x.established_on <= on) and (x.ended_on is None or on < x.ended_on)


def _states(b: d.BodySpec):
    """The body's state on its set-up day and on the day of each later event that does not end it."""
    yield b.established_on, state_on(b, b.established_on)
    for e in b.history:
        if e.kind not in TERMINAL:
            yield e.on, state_on(b, e.on)


def test_the_reform_dates_its_departments_and_ends_their_predecessors():
    city = {x.name: x for x in d.DEPARTMENTS if x.region == d.CITY}
    for name in ("市应急管理局", "市退役军人事务局", "市医疗保障局", "市自然资源和规划局", "市生态环境局", "市农业农村局",
                 "市文化和旅游局", "市卫生健康委员会"):
        assert city[name].established_on and "2018-10-01" <= city[name].established_on <= "2019-03-31", name
    for name in ("市安全生产监督管理局", "市国土资源局", "市环境保护局", "市农业局", "市文化广电新闻出版局",
                 "市卫生和计划生育委员会"):
        assert city[name].ended_on and "2018-10-01" <= city[name].ended_on <= "2019-03-31", name
    assert city["市委办公室"].established_on is None and city["市委办公室"].ended_on is None
    for x in d.DEPARTMENTS:
        assert not (x.established_on and x.ended_on) or x.established_on <= x.ended_on, x.name


def test_no_body_is_hosted_by_a_department_before_it_existed_or_after_it_ended():
    wrong = []
    for b in d.BODIES:
        for on, s in _states(b):
            for role, name in [("lead", s["lead"]), ("office", s["office"]), *(("member", m[0]) for m in s["members"])]:
                if not _exists(b.region, name, on):
                    wrong.append((b.name, on, role, name))
    assert wrong == []


def test_bodies_set_up_before_the_reform_moved_over_to_the_new_departments():
    safety = next(b for b in d.BODIES if b.name == "市安全生产委员会")
    assert safety.established_on < "2019-01-10" and safety.lead == "市安全生产监督管理局"
    assert state_on(safety, "2019-01-10")["lead"] == "市应急管理局"
    moved = [e for b in d.BODIES for e in b.history if e.note.startswith("机构改革")]
    assert len(moved) >= 100 and all(e.doc for e in moved)


# 扫黑除恶 was launched in January 2018, 乡村振兴 in the 2018 No. 1 document, the COVID-19 response in
# January 2020: written here as well as in the data (`time_bound_terms`), so a wrong table fails too.
_TERMS = {"扫黑除恶": "2018-01-01", "乡村振兴": "2018-01-01", "疫情": "2020-01-01", "新冠": "2020-01-01",
          "碳达峰": "2020-09-01", "林长制": "2021-01-01", "湖长制": "2018-01-01", "双减": "2021-07-01",
          "预制菜": "2022-01-01"}


def test_no_body_is_older_than_its_own_title():
    terms = {**d._TIME_BOUND, **_TERMS}
    wrong = []
    for b in d.BODIES:
        names = [(b.established_on, b.name)] + [(e.on, e.changes["name"]) for e in b.history if "name" in e.changes]
        for on, name in names:
            wrong += [(name, on, term) for term, earliest in terms.items() if term in name and on < earliest]
    assert wrong == []
    assert next(b for b in d.BODIES if b.name == "市扫黑除恶专项斗争领导小组").established_on >= "2018-01-24"


# Subjects specific enough that a text naming one is about it: a body's duties may name such a subject
# only when the body's own name carries it (or a word of the same work, listed beside it).
_SUBJECTS = {
    "安全生产": ("安全生产", "安委", "应急", "危险化学品", "化工产业", "隐患"),
    "食品安全": ("食品", "预制菜"),
    "防汛": ("防汛",), "森林防火": ("森林防火",), "禁毒": ("禁毒",), "扫黑除恶": ("扫黑除恶",),
    "乡村振兴": ("乡村振兴", "农村", "农业", "三个模式", "新农村", "扶贫"),
    "人口普查": ("人口普查",), "经济普查": ("经济普查",), "爱国卫生": ("爱国卫生", "卫生城市"),
    "双拥": ("双拥", "退役军人"), "征兵": ("征兵", "国防动员"), "河长制": ("河长制",), "林长制": ("林长制",),
    "疫情": ("疫情",), "消防": ("消防", "安全生产", "安委", "电动自行车", "燃气"),
}


def test_no_duties_text_speaks_of_another_bodys_subject():
    wrong = []
    for b in d.BODIES:
        for subject, kin in _SUBJECTS.items():
            if subject in b.duties and not any(k in b.name for k in kin):
                wrong.append((b.name, subject, b.duties))
    assert wrong == []


def test_duties_name_the_bodys_own_subject():
    for b in d.BODIES:
        topic = d._topic(b.name, b.region)
        assert topic in b.duties or d._topic_words(topic) & d._topic_words(b.duties), (b.name, b.duties)


def test_principal_members_are_the_departments_whose_work_it_is():
    for b in d.BODIES:
        for on, s in _states(b):
            principal = [m[0] for m in s["members"] if m[1] == "principal"]
            assert len(principal) <= 2, (b.name, on, principal)
            assert set(principal) <= {s["lead"], s["office"]}, (b.name, on, principal)


def test_every_county_keeps_tens_of_bodies_in_force():
    counts = collections.Counter()
    for r in d.REGIONS:
        if r.level == "county":
            counts[r.name] = len(alive(r.code, d.DEMO_TODAY, CATEGORIES))
    assert len(counts) == 12 and min(counts.values()) >= 20, counts
