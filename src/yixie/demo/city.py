"""The demo city: 潍坊市 and its twelve county-level divisions, built from the files in demo/data/.

Reproduces the seed article's figures (292 → 133 city-level bodies in the 2019 clean-up; 17 joint
meetings and 2 coordination mechanisms; the 2022 campaign's 9 abolished, 8 renamed, 7 re-affiliated)
and enough history since 2019 for every journey in ``spec/journeys.md``.

The literal tables (regions, departments and their duties, posts and holders, domains and duty phrases,
the city's bodies and their scripted history, the county templates) are data files a clerk can read
and edit: ``data/*.json`` (each with an ``about`` entry per table) and ``data/city_bodies_1995_2018.tsv``
(the 292 bodies of early 2019). This module keeps what is computed: names and duties made from the
tables, the people drawn for county posts, dates, members, documents and their numbers.

No Django imports: ``yixie.demo.loader`` turns these specs (``REGIONS``, ``DEPARTMENTS``, ``POSTS``,
``DOCUMENTS``, ``BODIES``) into rows through the ledger services. Everything is built at import time,
deterministically (one ``random.Random(2019)``).

Contract notes beyond the brief:
- ``history`` never contains the ``establish`` event: the loader records it from ``established_on`` and
  ``established_doc`` (``None`` = basis document missing).
- ``split`` events carry ``{"into": [key of the body split off]}``; the new body is established the
  same day by the same document.
- ``derecognise`` ends a body's life as a coordinating body just like ``abolish`` does.
- Posts are keyed by name within a region; department and post names are resolved here, so every
  reference in a spec is a display name of the same region.
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

DEMO_TODAY = "2026-11-25"


@dataclass(frozen=True)
class RegionSpec:
    code: str
    name: str
    parent: str | None
    level: str  # "city" | "county" | "township"
    agency_prefix: str = ""  # 机关代字 prefix of its documents (潍, 青, 朐 …): the issuer follows it


@dataclass(frozen=True)
class DepartmentSpec:
    region: str
    name: str
    short_name: str
    kind: str  # "party" | "government" | "other"
    order: int
    duties: str = ""
    uscc: str = ""
    established_on: str | None = None  # None: set up before anything the demo records
    ended_on: str | None = None  # None: still exists


@dataclass(frozen=True)
class PostSpec:
    region: str
    name: str
    order: int
    holders: tuple[tuple[str, str, str | None], ...] = ()


@dataclass(frozen=True)
class EventSpec:
    on: str
    kind: str
    doc: str | None
    changes: dict = field(default_factory=dict)
    note: str = ""
    # A change a review campaign decided (its key, "2019" or "2022"): the loader does not record it as
    # an event; the department reports it in that campaign (the action with `reason`, a value of
    # campaigns.choices.Reason, and `note` as the reason's text) and the campaign's published list
    # writes the event, dated `on` and citing `doc` (the list's document).
    campaign: str = ""
    reason: str = ""


@dataclass(frozen=True)
class DocumentSpec:
    key: str
    number: str
    issuer: str
    issued_on: str
    title: str


@dataclass(frozen=True)
class BodySpec:
    key: str
    region: str
    name: str
    category: str
    form: str
    sequence: str
    legal_ground: str
    lead: str
    office: str
    leader: str
    deputies: tuple[str, ...]
    members: tuple[tuple[str, str], ...]
    duties: str
    established_on: str
    established_doc: str | None
    short_name: str = ""
    aliases: tuple[str, ...] = ()
    temporary: bool = False
    ends_on: str | None = None
    end_condition: str = ""
    upper_counterpart: str = ""
    task_scope: str = "single"
    history: tuple[EventSpec, ...] = ()


@dataclass(frozen=True)
class ContestSpec:
    """A difference in a campaign's joint review that 编办 settled (协调一致): the department reported
    `reported`, one office said otherwise, the result is `settled` (the body's campaign event, or keep)."""

    body: str
    reported: str
    reported_reason: str
    reported_text: str
    office: str  # "establishment" | "general_office" | "organisation"
    verdict: str  # "change" | "disagree"
    action: str  # the office's action, for "change"
    opinion: str
    settled: str
    settled_reason: str
    note: str


@dataclass(frozen=True)
class DraftSpec:
    """A department's self-report in a campaign under way (not in the ledger)."""

    body: str
    action: str
    reason: str = ""
    reason_text: str = ""
    merge_into: str = ""  # body key
    new_name: str = ""


@dataclass(frozen=True)
class PartSpec:
    """The city's or one county's part of a campaign: its review, meetings and list."""

    region: str
    review_on: str | None = None  # the joint review starts
    opinion_on: str | None = None  # the adjustment opinion (调整规范意见) is formed
    meetings: tuple[tuple[str, str, str], ...] = ()  # ("party" | "government", held on, session)
    list_doc: str | None = None  # document key of the published list (the publication creates it)
    published_on: str | None = None
    late: tuple[tuple[str, str], ...] = ()  # (department, submitted on) after the reporting deadline
    contests: tuple[ContestSpec, ...] = ()


@dataclass(frozen=True)
class CampaignSpec:
    """A review campaign (定期调整) the demo's users run through the product. Its items' actions are the
    events of the region's bodies marked with `campaign == key` (everything else on the list is kept);
    a campaign under way has `drafts` instead."""

    key: str
    year: int
    title: str
    categories: tuple[str, ...]
    plan_doc: str | None
    snapshot_on: str
    deadlines: dict
    parts: tuple[PartSpec, ...]
    reported_from: str = ""  # the departments report (and their HR sections submit) in this window …
    submitted_by: str = ""  # … on working days up to this one (the late ones: PartSpec.late)
    drafts: tuple[DraftSpec, ...] = ()
    partly_reported: tuple[tuple[str, int], ...] = ()  # (department, items it has reported "keep" on)
    completed: tuple[str, ...] = ()  # departments that reported every item (the rest "keep")
    submitted: tuple[str, ...] = ()  # of those, the ones whose HR section has submitted


CITY = "370700"
_rng = random.Random(2019)

# ---------------------------------------------------------------------------------------------
# the data files (demo/data/*.json, *.tsv): literal tables, read once at import
# ---------------------------------------------------------------------------------------------

DATA_DIR = Path(__file__).with_name("data")


def _load(name: str) -> dict:
    """One JSON file of `DATA_DIR`: its tables by name (its "about" entry says what each one holds)."""
    with open(DATA_DIR / name, encoding="utf-8") as f:
        return json.load(f)


def _read_tsv(name: str) -> list[list[str]]:
    """The rows of a tab-separated file of `DATA_DIR`, without its header row."""
    with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter="\t"))[1:]


def _tuples(value):
    """JSON's lists back into the tuples the tables below are made of (rows, pairs, key lists)."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def _table(value: list) -> list:
    """A table of rows: a list of tuples."""
    return [_tuples(row) for row in value]


# ---------------------------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------------------------


def _weekday(d: _dt.date) -> _dt.date:
    """Documents are issued on working days: Saturday → Friday, Sunday → Monday."""
    if d.weekday() == 5:
        return d - _dt.timedelta(days=1)
    if d.weekday() == 6:
        return d + _dt.timedelta(days=1)
    return d


def _rand_date(start: str, end: str) -> str:
    a, b = _dt.date.fromisoformat(start), _dt.date.fromisoformat(end)
    d = a + _dt.timedelta(days=_rng.randint(0, (b - a).days))
    d = _weekday(d)
    d = min(max(d, a), b)
    return d.isoformat()


def _in_year(year: int, last: str | None = None) -> str:
    end = f"{year}-12-26"
    if last and last < end:
        end = last
    return _rand_date(f"{year}-01-08", end)


# ---------------------------------------------------------------------------------------------
# regions
# ---------------------------------------------------------------------------------------------

_REGION_DATA = _load("regions.json")
_COUNTIES = _table(_REGION_DATA["counties"])
_LEVEL_CHAR = _REGION_DATA["level_chars"]

REGIONS: list[RegionSpec] = [RegionSpec(CITY, "潍坊市", None, "city", "潍")]
REGIONS += [RegionSpec(code, name, CITY, "county", pfx) for code, name, _typ, _short, pfx in _COUNTIES]
REGIONS += [RegionSpec(code, name, parent, "township") for code, name, parent in _REGION_DATA["townships"]]

_REGION_NAME = {r.code: r.name for r in REGIONS}
_COUNTY_META = {code: (name, typ, short, pfx) for code, name, typ, short, pfx in _COUNTIES}


def _issuers(code: str) -> dict[str, tuple[str, str]]:
    """Issuer and document-number prefix per issuing organ: 委, 政府, 委办, 政府办."""
    if code == CITY:
        return _tuples(_REGION_DATA["city_issuers"])
    name, typ, _short, pfx = _COUNTY_META[code]
    full = "潍坊市" + name if typ == "district" else name
    return {
        "fa": (f"中共{full}委", f"{pfx}发"),
        "zhengzi": (f"{full}人民政府", f"{pfx}政字"),
        "banfa": (f"中共{full}委办公室", f"{pfx}办发"),
        "zhengbanzi": (f"{full}人民政府办公室", f"{pfx}政办字"),
    }


# ---------------------------------------------------------------------------------------------
# departments
# ---------------------------------------------------------------------------------------------

_DEPT_DATA = _load("departments.json")
_CITY_DEPTS = _table(_DEPT_DATA["city"])

_COUNTY_DEPTS = _table(_DEPT_DATA["county"])  # templates: {R} region name, {S} short name
# districts have branches of city bureaus instead of their own
_DISTRICT_DEPTS = _tuples(_DEPT_DATA["district_branches"])

# where a county has no such department, the work sits with another
_DEPT_FALLBACK = _DEPT_DATA["fallback"]

# the 2018–2019 institutional reform: departments set up then, and the predecessors that ended that day
_REFORM = _DEPT_DATA["reform"]
_COUNTY_REFORM = _DEPT_DATA["county_reform"]
_DISTRICT_REFORM = _DEPT_DATA["district_reform"]
_COUNTY_REFORM_ON = _DEPT_DATA["county_reform_on"]

DEPARTMENTS: list[DepartmentSpec] = []
_DEPT: dict[str, dict[str, str]] = {}  # region → key → name
# region → name of a department set up by the reform → (its set-up date, who did its work before: the
# predecessor department, or the department that carried the work where there was none)
_SUCCESSION: dict[str, dict[str, tuple[str, str]]] = {}


def _dept(code: str, key: str) -> str:
    names = _DEPT[code]
    if key in names:
        return names[key]
    return names[_DEPT_FALLBACK[key]]


def _add_departments(code: str, rows: list[tuple[str, str, str, str, str]],
                     reform: dict[str, tuple[str, str | None, str, str | None]]) -> None:
    """The region's departments in their order, party first; `reform` (key → set-up date, predecessor name,
    its short name, the key of who carried the work where there was no predecessor) dates the departments
    the reform set up and lists each predecessor right after its successor, ended that day."""
    order = 0
    names: dict[str, str] = {}
    for kind in ("party", "government", "other"):
        for key, name, short, k, duties in rows:
            if k != kind:
                continue
            order += 1
            on, predecessor, pred_short, _carrier = reform.get(key, (None, None, "", None))
            DEPARTMENTS.append(DepartmentSpec(code, name, short, kind, order, duties, established_on=on))
            names[key] = name
            if predecessor:
                order += 1
                DEPARTMENTS.append(DepartmentSpec(code, predecessor, pred_short, kind, order, ended_on=on))
    _DEPT[code] = names
    _SUCCESSION[code] = {
        names[key]: (on, predecessor or _dept(code, carrier))
        for key, (on, predecessor, _short, carrier) in reform.items() if key in names
    }


_add_departments(CITY, _CITY_DEPTS, {k: tuple(v) for k, v in _REFORM.items()})
for _code, _name, _typ, _short, _pfx in _COUNTIES:
    _rows = []
    for _key, _tpl, _stpl, _kind in _COUNTY_DEPTS:
        if _typ == "district" and _key in _DISTRICT_DEPTS:
            _tpl, _stpl = _DISTRICT_DEPTS[_key]
        _rows.append((_key, _tpl.format(R=_name, S=_short), _stpl.format(R=_name, S=_short), _kind, ""))
    _reform = {}
    for _key, _pred in _COUNTY_REFORM.items():
        if _typ == "district" and _key in _DISTRICT_REFORM:
            _pred = _DISTRICT_REFORM[_key]
        _on = _REFORM.get(_key, [""])[0]
        _on = _on if _on and _on < "2019-01-01" else _COUNTY_REFORM_ON  # the fire service's came in 2018
        if _pred:
            _reform[_key] = (_on, _pred[0].format(R=_name, S=_short), _pred[1].format(R=_name, S=_short), None)
        else:
            _reform[_key] = (_on, None, "", _REFORM[_key][3])
    _add_departments(_code, _rows, _reform)


# ---------------------------------------------------------------------------------------------
# posts (leader seats are held by posts; people turn over)
# ---------------------------------------------------------------------------------------------

_POST_DATA = _load("posts.json")
_CITY_POSTS = _table(_POST_DATA["city"])

_SURNAMES = _POST_DATA["surnames"]
_GIVEN = _POST_DATA["given_names"]

POSTS: list[PostSpec] = []
_POST: dict[str, dict[str, str]] = {}

_POST[CITY] = {}
for _i, (_key, _name, _holders) in enumerate(_CITY_POSTS, 1):
    POSTS.append(PostSpec(CITY, _name, _i, _holders))
    _POST[CITY][_key] = _name

_used_names = {h[0] for _k, _n, hs in _CITY_POSTS for h in hs}
_name_pool = [s + g for s in _SURNAMES for g in _GIVEN]
_rng.shuffle(_name_pool)
_name_pool = [n for n in _name_pool if n not in _used_names]


def _person() -> str:
    return _name_pool.pop()


for _code, _name, _typ, _short, _pfx in _COUNTIES:
    L = _LEVEL_CHAR[_typ]
    head = {"区": "区长", "县": "县长", "市": "市长"}[L]
    titles = [
        ("sec", f"{L}委书记"), ("mayor", head), ("dsec", f"{L}委副书记"), ("exec", f"常务副{head}"),
        ("org", f"{L}委常委、组织部部长"), ("law", f"{L}委常委、政法委书记"),
        ("v_ind", f"副{head}（分管工业和信息化）"), ("v_agr", f"副{head}（分管农业农村）"),
        ("v_soc", f"副{head}（分管社会事业）"), ("v_sec", f"副{head}（分管公安）"),
    ]
    _POST[_code] = {}
    for _i, (_key, _title) in enumerate(titles, 1):
        start = _rand_date("2016-06-01", "2019-06-28")
        if _rng.random() < 0.4:  # the 2021 换届 brought a new holder
            turn = _rand_date("2021-06-01", "2022-03-31")
            holders = ((_person(), start, turn), (_person(), turn, None))
        else:
            holders = ((_person(), start, None),)
        POSTS.append(PostSpec(_code, _title, _i, holders))
        _POST[_code][_key] = _title

_POST_FALLBACK = _POST_DATA["fallback"]


def _post(code: str, key: str) -> str | None:
    posts = _POST[code]
    if key in posts:
        return posts[key]
    alt = _POST_FALLBACK.get(key)
    return posts[alt] if alt else None


# ---------------------------------------------------------------------------------------------
# documents: requested while bodies are built, numbered chronologically per issuer and year
# ---------------------------------------------------------------------------------------------

_doc_requests: list[dict] = []
_doc_counter = [0]


def _doc(code: str, kind: str, on: str, title: str, pin: int | None = None) -> str:
    """Request a document; returns a provisional id replaced by the final key at the end."""
    _doc_counter[0] += 1
    pid = f"@{_doc_counter[0]}"
    _doc_requests.append({"pid": pid, "region": code, "kind": kind, "on": on, "title": title, "pin": pin})
    return pid


def _drop_doc(pid: str | None) -> None:
    """Forget a requested document (its body turned out to share another one, or to have none)."""
    _doc_requests[:] = [r for r in _doc_requests if r["pid"] != pid]


def _full(name: str, code: str) -> str:
    """The body's name as written in a document title (潍坊市…, 中共潍坊市委…)."""
    if code == CITY:
        if name.startswith("市委"):
            return "中共潍坊市委" + name[2:]
        if name.startswith("市"):
            return "潍坊市" + name[1:]
        return name
    region = _REGION_NAME[code]
    typ = _COUNTY_META[code][1]
    full = "潍坊市" + region if typ == "district" else region
    if name.startswith(region + "委"):
        return "中共" + full + name[len(region):]
    if typ == "district" and name.startswith(region):
        return full + name[len(region):]
    return name


def _title(code: str, kind: str, body: str) -> str:
    issuer = _issuers(code)[kind][0]
    return f"{issuer}{body}"


# ---------------------------------------------------------------------------------------------
# domains: who leads, which sector's departments sit in, whose post leads, duties vocabulary
# ---------------------------------------------------------------------------------------------

_DOMAIN_DATA = _load("domains.json")
_DOMAINS = _tuples(_DOMAIN_DATA["domains"])  # lead, office, sector, party post, government post

_SECTORS = _DOMAIN_DATA["sectors"]

_PHRASES = _DOMAIN_DATA["phrases"]

_OPENINGS = _DOMAIN_DATA["openings"]

_FORM_SUFFIXES = _table(_DOMAIN_DATA["form_suffixes"])


def _form(name: str) -> str:
    for suffix, form in _FORM_SUFFIXES:
        if name.endswith(suffix):
            return form
    raise ValueError(f"no form for {name}")


def _area(code: str) -> tuple[str, str, str, str]:
    """(全市/全县/全区, 市委/县委, 市政府/县政府, lower level) for duties text."""
    if code == CITY:
        return "全市", "市委", "市政府", "各县市区"
    typ = _COUNTY_META[code][1]
    L = _LEVEL_CHAR[typ]
    return f"全{L}", f"{L}委", f"{L}政府", "各镇街"


def _topic(name: str, code: str) -> str:
    if code == CITY:
        t = name[2:] if name.startswith("市委") else name[1:]
    else:
        region = _REGION_NAME[code]
        t = name[len(region):]
        if t.startswith("委"):
            t = t[1:]
    for suffix, _ in _FORM_SUFFIXES:
        if t.endswith(suffix) and len(t) > len(suffix):
            t = t[: -len(suffix)]
            break
    for prefix in ("全面推行", "全面实行"):  # 全面推行林长制 → the work is 林长制
        if t.startswith(prefix) and len(t) > len(prefix) + 1:
            t = t[len(prefix):]
    return t


def _localise(text: str, code: str) -> str:
    if code == CITY:
        return text
    area, party, gov, _lower = _area(code)
    short = _COUNTY_META[code][2]
    return text.replace("全市", area).replace("潍坊", short).replace("市委", party).replace("市政府", gov)


_MIDDLES = _DOMAIN_DATA["middles"]
_GENERIC_WORDS = set(_DOMAIN_DATA["generic_words"])
_TIME_BOUND = _DOMAIN_DATA["time_bound_terms"]


def _topic_words(t: str) -> set[str]:
    """The two-character words of a body's subject that say what it is about (not 工作, 建设 …)."""
    return {t[i:i + 2] for i in range(len(t) - 1)} - _GENERIC_WORDS


def _duties(name: str, code: str, domain: str, sequence: str, scope: str) -> str:
    """One paragraph about the body's own work: what it co-ordinates, a sentence of its field's vocabulary
    only where that sentence is about the body's own subject (else a sentence about that subject), and
    what it asks of its member units."""
    area, party, gov, lower = _area(code)
    t = _topic(name, code)
    opening = _rng.choice(_OPENINGS).format(area=area, t=t)
    words = _topic_words(t)
    phrases = sorted(_PHRASES[domain], key=lambda p: (-sum(w in p for w in words), _rng.random()))
    picks = [p for p in phrases[: min(2 if scope == "comprehensive" else 1, len(phrases))]
             if any(w in p for w in words) and p.split("，")[0].replace("全市", area) not in opening]
    if not picks:  # chosen by the subject, not drawn: the rest of the demo's random draws stay as they were
        picks = [_MIDDLES[_stable(t) % len(_MIDDLES)].format(area=area, t=t)]
    if _rng.random() < 0.5:
        closing = f"督促检查各成员单位任务落实情况，完成{party if sequence == 'party' else gov}交办的其他事项"
    else:
        closing = f"指导{lower}开展{t}工作，对各成员单位履职情况进行督导"
    return "。".join([opening, *(_localise(p, code) for p in picks), closing]) + "。"


def _not_before_term(name: str, established_on: str) -> str:
    """No body is older than its own title: one named for a campaign (扫黑除恶, 疫情, 乡村振兴 …) is set up
    after the campaign began (`time_bound_terms`), within some months of it."""
    earliest = max((day for term, day in _TIME_BOUND.items() if term in name), default=None)
    if earliest is None or established_on >= earliest:
        return established_on
    day = _weekday(_dt.date.fromisoformat(earliest) + _dt.timedelta(days=14 + _stable(name) % 100))
    return day.isoformat()


def _stable(text: str) -> int:
    """A number from a text, the same in every run (Python's `hash` of a str is not)."""
    return sum(ord(c) * (i + 1) for i, c in enumerate(text))


def _members(
    code: str, lead: str, office: str, sector: str, n: int, extra: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
) -> tuple[tuple[str, str], ...]:
    """Member units: lead and office first and 主办 (the departments whose work it is), the rest 协办."""
    excluded = {_dept(code, k) for k in exclude}
    base: list[str] = []
    for key in (lead, office, *extra):
        name = _dept(code, key)
        if name not in base:
            base.append(name)
    pool: list[tuple[float, str]] = []
    for i, key in enumerate(_SECTORS[sector]):  # sector lists run from most to least concerned
        name = _dept(code, key)
        if name not in base and name not in excluded and name not in [p[1] for p in pool]:
            pool.append((i + _rng.uniform(0, 5), name))
    pool.sort()
    chosen = base + [name for _score, name in pool[: max(0, n - len(base))]]
    _rng.randint(1, 3)  # (drawn as before, so the rest of the demo stays as it was)
    hosts = {_dept(code, lead), _dept(code, office)}
    return tuple((d, "principal" if d in hosts else "assisting") for d in chosen)


def _counterpart(name: str, code: str, ground: str, sequence: str) -> str:
    if ground == "local":
        return ""
    if code == CITY:
        if name.startswith("市委"):
            return "省级设有中共山东省委" + name[2:]
        return "省级设有山东省" + name[1:]
    region = _REGION_NAME[code]
    short = _COUNTY_META[code][2]
    rest = name[len(region):].replace(short, "潍坊").replace("依法治县", "依法治市").replace("依法治区", "依法治市")
    if rest.startswith("委"):
        return "市级设有中共潍坊市委" + rest[1:]
    return "市级设有潍坊市" + rest


_GROUNDS = _DOMAIN_DATA["grounds"]


# ---------------------------------------------------------------------------------------------
# bodies: a small builder used by city and counties alike
# ---------------------------------------------------------------------------------------------

_raw_bodies: list[dict] = []
_by_name: dict[tuple[str, str], dict] = {}


def _body(
    code: str, key: str, name: str, *, category: str, sequence: str, domain: str, ground: str, imp: str = "",
    established_on: str, doc: str | None | bool = True, lead: str | None = None, office: str | None = None,
    leader: str | None = None, deputies: tuple[str, ...] | None = None, members: tuple | None = None,
    n_members: int | None = None, extra_members: tuple[str, ...] = (), exclude_members: tuple[str, ...] = (),
    duties: str | None = None,
    short_name: str = "", aliases: tuple[str, ...] = (), temporary: bool = False, ends_on: str | None = None,
    end_condition: str = "", scope: str | None = None, upper: str | None = None, sector: str | None = None,
    doc_kind: str | None = None,
) -> dict:
    established_on = _not_before_term(name, established_on)
    d_lead, d_office, d_sector, p_post, g_post = _DOMAINS[domain]
    lead = lead or d_lead
    office = office or (lead if lead != d_lead else d_office)
    sector = sector or d_sector
    form = _form(name)
    led_by_posts = category in ("party", "government")
    if scope is None:
        scope = "comprehensive" if (ground == "C" or imp in ("S", "M")) and led_by_posts else "single"
    if leader is None:
        if not led_by_posts:
            leader, deputies = "", ()
        elif imp == "S":
            leader = "sec"
            if deputies is None:
                deputies = ("mayor", "dsec") if ground == "C" else ("dsec",)
        elif imp == "M":
            leader = "mayor"
            if deputies is None:
                deputies = ("exec",) if g_post in ("exec", "mayor") else ("exec", g_post)
        elif sequence == "party":
            leader = p_post if p_post != "sec" else "dsec"
            if deputies is None:
                deputies = (g_post,) if g_post.startswith("v_") and _rng.random() < 0.5 else ()
        else:
            leader = g_post if g_post != "mayor" else "exec"
            if deputies is None:
                deputies = ()
                if domain in ("civil", "health", "women", "disab", "edu", "culture") and _rng.random() < 0.5:
                    deputies = (_rng.choice(["npc", "cppcc"]),)
    deputies = deputies or ()
    leader_name = (_post(code, leader) or "") if leader else ""
    deputy_names: tuple[str, ...] = ()
    for p in (_post(code, k) for k in deputies):
        if p and p != leader_name and p not in deputy_names:
            deputy_names += (p,)
    if members is None:
        if n_members is None:
            n_members = _rng.randint(10, 15) if scope == "comprehensive" else _rng.randint(5, 10)
        members = _members(code, lead, office, sector, n_members, extra_members, exclude_members)
    else:
        members = tuple((_dept(code, k), r) for k, r in members)
    if duties is None:
        duties = _duties(name, code, domain, sequence, scope)
        if code == CITY:  # written out for the city's bodies where we have it (the draws above still happen)
            duties = _WRITTEN.get(name, duties)
    if doc is True:
        if doc_kind is None:
            if category in ("joint", "taskforce", "mechanism", "special"):
                doc_kind = "banfa" if sequence == "party" else "zhengbanzi"
            elif sequence == "party":
                doc_kind = "fa" if _rng.random() < 0.35 else "banfa"
            else:
                doc_kind = "zhengzi" if _rng.random() < 0.4 else "zhengbanzi"
        verb = "建立" if form == "联席会议" or form == "协调机制" else "成立"
        tail = "制度的通知" if form == "联席会议" else "的通知"
        doc = _doc(code, doc_kind, established_on, _title(code, doc_kind, f"关于{verb}{_full(name, code)}{tail}"))
    elif doc is False:
        doc = None
    raw = {
        "key": key, "region": code, "name": name, "category": category, "form": form, "sequence": sequence,
        "legal_ground": _GROUNDS[ground], "lead": _dept(code, lead), "office": _dept(code, office),
        "leader": leader_name, "deputies": deputy_names, "members": members, "duties": duties,
        "established_on": established_on, "established_doc": doc, "short_name": short_name, "aliases": aliases,
        "temporary": temporary, "ends_on": ends_on, "end_condition": end_condition,
        "upper_counterpart": upper if upper is not None else _counterpart(name, code, _GROUNDS[ground], sequence),
        "task_scope": scope, "history": [], "domain": domain,
    }
    _before_reform(raw)
    _raw_bodies.append(raw)
    _by_name[(code, name)] = raw
    return raw


_reform_docs: dict[tuple[str, str, str], str] = {}


def _reform_doc(code: str, sequence: str, on: str) -> str:
    """The notice, one per region, sequence and day, that moved the bodies over to the new departments."""
    key = (code, sequence, on)
    if key not in _reform_docs:
        kind = "banfa" if sequence == "party" else "zhengbanzi"
        _area_name, party, gov, _lower = _area(code)
        organ = party if sequence == "party" else gov
        _reform_docs[key] = _doc(code, kind, on, _title(
            code, kind, f"关于机构改革后调整{organ}议事协调机构牵头部门和成员单位的通知"))
    return _reform_docs[key]


def _before_reform(raw: dict) -> None:
    """A body set up before the 2018–2019 reform was hosted by the departments of its day: each department
    the reform set up is replaced by its predecessor (or by the department that carried the work), and on
    the day the new department was set up the body moves over to it by a dated event."""
    code, on = raw["region"], raw["established_on"]
    target = (raw["lead"], raw["office"], tuple(raw["members"]))
    named = {target[0], target[1], *(m[0] for m in target[2])}
    moves = {new: (day, old) for new, (day, old) in _SUCCESSION[code].items() if on < day and new in named}
    if not moves:
        return

    def as_of(day: str) -> tuple[str, str, tuple]:
        def then(n: str) -> str:
            return moves[n][1] if n in moves and day < moves[n][0] else n
        members: list[tuple[str, str]] = []
        for n, role in target[2]:
            if then(n) not in [m[0] for m in members]:
                members.append((then(n), role))
        return then(target[0]), then(target[1]), tuple(members)

    raw["lead"], raw["office"], raw["members"] = before = as_of(on)
    for day in sorted({d for d, _ in moves.values()}):
        after = as_of(day)
        moved = "；".join(f"由{old}承担的相关职责划入{new}" for new, (d, old) in moves.items() if d == day)
        note = f"机构改革，{moved}，相应调整"
        doc = _reform_doc(code, raw["sequence"], day)
        if after[:2] != before[:2]:
            changes = {"lead": after[0], "office": after[1]}
            if after[2] != before[2]:
                changes["members"] = list(after[2])
            _event(raw, day, "reaffiliate", doc, changes, note + "牵头部门和成员单位")
        else:
            _event(raw, day, "members", doc, {"members": list(after[2])}, note + "成员单位")
        before = after


def _event(raw: dict, on: str, kind: str, doc: str | None, changes: dict | None = None, note: str = "",
           campaign: str = "", reason: str = "") -> None:
    raw["history"].append({"on": on, "kind": kind, "doc": doc, "changes": changes or {}, "note": note,
                           "campaign": campaign, "reason": reason})


def _city(name: str) -> dict:
    return _by_name[(CITY, name)]


# ---------------------------------------------------------------------------------------------
# the city: 292 party and government bodies at the start of 2019
# ---------------------------------------------------------------------------------------------

_CITY_DATA = _load("city_bodies.json")

_TEMPORARY = _tuples(_CITY_DATA["temporary"])  # name: (established_on, ends_on, end_condition)

_FIXED_DATES = _CITY_DATA["fixed_dates"]

_SHORT = _tuples(_CITY_DATA["short_names"])

# no basis document could be found (about 5 % of the city's bodies; the 对账 journey asks for them)
_NO_DOC = set(_CITY_DATA["no_document"])

# duties written out where overlap detection must find something (near-duplicate pairs) or a journey reads them
_DUTIES = _CITY_DATA["duties"]

# deputies where the default (市长 and 市委副书记 for a 市委 committee) is not how Weifang staffs it
_DEPUTIES = _tuples(_CITY_DATA["deputies"])

_KEYS = _CITY_DATA["keys"]

_WRITTEN = _CITY_DATA["written_duties"]


def _parse_flags(text: str) -> dict:
    flags: dict = {"imp": ""}
    for part in filter(None, text.split(",")):
        if part in ("S", "M"):
            flags["imp"] = part
        else:
            k, v = part.split("=")
            flags[k] = tuple(v.split("+")) if k in ("extra", "exclude") else v
    return flags


_fates: dict[str, str] = {}
_n = 0
# name, sequence (P/G), domain, ground (U upper, C counterpart, E emergency, L local), fate in the 2019
# clean-up (K kept, A abolished, M>survivor merged), flags: S (市委书记 leads), M (市长 leads), lead=/office=/sector=
for _name, _seq, _domain, _ground, _fate, _flag_text in _read_tsv("city_bodies_1995_2018.tsv"):
    _flags = _parse_flags(_flag_text)
    _n += 1
    _temp = _TEMPORARY.get(_name)
    if _temp:
        _est = _temp[0]
    elif _name in _FIXED_DATES:
        _est = _FIXED_DATES[_name]
    elif _fate == "K":
        _est = _in_year(_rng.randint(2002, 2018), "2018-12-21")
    else:
        _est = _in_year(_rng.randint(1996, 2016))
    _short_name, _aliases = _SHORT.get(_name, ("", ()))
    _body(
        CITY, _KEYS.get(_name, f"370700-{_n:03d}"), _name, category="party" if _seq == "P" else "government",
        sequence="party" if _seq == "P" else "government", domain=_domain, ground=_ground, imp=_flags["imp"],
        established_on=_est, doc=_name not in _NO_DOC, lead=_flags.get("lead"), office=_flags.get("office"),
        sector=_flags.get("sector"), extra_members=_flags.get("extra", ()),
        exclude_members=_flags.get("exclude", ()), duties=_DUTIES.get(_name),
        short_name=_short_name, aliases=_aliases, temporary=bool(_temp), ends_on=_temp[1] if _temp else None,
        end_condition=_temp[2] if _temp else "", deputies=_DEPUTIES.get(_name),
    )
    _fates[_name] = _fate

# Two of the 292 had their first basis document shared: the 2018-12-27 reform package of the 市委.
_pkg = _doc(CITY, "fa", "2018-12-27", _title(CITY, "fa", "关于成立中共潍坊市委全面依法治市委员会等议事协调机构的通知"))
for _name in ("市委全面依法治市委员会", "市委审计委员会", "市委教育工作领导小组"):
    _drop_doc(_city(_name)["established_doc"])
    _city(_name)["established_doc"] = _pkg

_EVENTS = _load("city_events.json")  # the tables of the scripted history below

# ---- 2019-01-18: four 领导小组 become 委员会 (the 2018 institutional reform) ----------------------
_d = _doc(CITY, "fa", "2019-01-18", _title(CITY, "fa", "关于市委有关领导小组调整为委员会的通知"))
for _old, _new, _short in _EVENTS["committees_2019"]:
    _event(_city(_old), "2019-01-18", "rename", _d, {"name": _new, "short_name": _short}, "按照机构改革要求，领导小组调整为委员会")

# ---- 2019-06-28: the clean-up, 292 → 133 ----------------------------------------------------------
# Done as a review campaign (the first of the three-yearly ones, see CAMPAIGNS below): the departments
# reported, the offices reviewed, the list was published as one document of 市委 and 市政府 together
# (numbered in the 市委's sequence). The abolitions and mergers are its items; the survivors' duties,
# widened by the same document, are ordinary adjustments recorded after it.
_CLEANUP_DATE = "2019-06-28"
_c19_plan = _doc(CITY, "banfa", "2019-02-26", _title(CITY, "banfa", " 潍坊市人民政府办公室关于印发《市级议事协调机构清理规范工作方案》的通知"))
_c19_list = _doc(CITY, "fa", _CLEANUP_DATE, _title(CITY, "fa", " 潍坊市人民政府关于调整规范市级议事协调机构的通知"))
_ABOLISH_19 = [  # the note, and the reason (campaigns.choices.Reason) it gives
    ("职责弱化，相关工作交由{lead}承担", "weakened"), ("工作任务已经结束，予以撤销", "finished"),
    ("与其他议事协调机构职能重叠，予以撤销", "overlap"), ("工作已纳入{lead}日常职责，予以撤销", "weakened"),
]
_merged_into: dict[str, list[str]] = {}
for _name, _fate in _fates.items():
    _raw = _city(_name)
    if _fate == "A":
        if _raw["temporary"]:
            _note, _reason = "工作任务已经完成，予以撤销", "finished"
        else:
            _note, _reason = _rng.choice(_ABOLISH_19)
            _note = _note.format(lead=_raw["lead"])
        _event(_raw, _CLEANUP_DATE, "abolish", _c19_list, {}, _note, campaign="2019", reason=_reason)
    elif _fate.startswith("M>"):
        _target = _fate[2:]
        _merged_into.setdefault(_target, []).append(_name)
        _event(_raw, _CLEANUP_DATE, "merge", _c19_list, {"into": _city(_target)["key"]}, f"与{_target}职能重叠，并入{_target}",
               campaign="2019", reason="overlap")
for _target, _names in _merged_into.items():
    _raw = _city(_target)
    _event(_raw, _CLEANUP_DATE, "adjust", _c19_list,
           {"duties": _raw["duties"] + "承担原" + "、".join(_names) + "的职责。"}, "整合相关议事协调机构职责")

# ---------------------------------------------------------------------------------------------
# the city after the clean-up: new bodies 2019–2026
# ---------------------------------------------------------------------------------------------

_CITY_NEW = _table(_CITY_DATA["new"])  # name, sequence, domain, ground, imp, established_on, extra arguments

_NEW_KEYS = _CITY_DATA["new_keys"]

for _i, (_name, _seq, _domain, _ground, _imp, _est, _kw) in enumerate(_CITY_NEW, 1):
    _kw = dict(_kw)
    if _name == "市预制菜产业发展工作领导小组":
        # J1: 组长 市长, 副组长 the vice-mayor in charge; office hosted by 市农业农村局; document 潍政字〔2023〕12号
        _kw.update(
            lead="dev", office="agri", deputies=("v_agr",), scope="single",
            members=(("dev", "principal"), ("agri", "principal"), ("ind", "assisting"), ("commerce", "assisting"),
                     ("market", "assisting"), ("fin", "assisting"), ("sci", "assisting"), ("transport", "assisting"),
                     ("finance", "assisting")),
            doc=_doc(CITY, "zhengzi", _est, _title(CITY, "zhengzi", "关于成立潍坊市预制菜产业发展工作领导小组的通知"), pin=12),
            upper="省级设有山东省预制菜产业发展工作领导小组",
            duties="统筹推进全市预制菜产业发展，研究制定预制菜产业发展规划和扶持政策。协调推进预制菜原料基地、食品加工龙头企业培育和冷链物流体系建设，"
                   "推动预制菜产业链延链补链强链和品牌建设。督促落实预制菜食品质量安全企业主体责任，协调解决预制菜产业发展中的重大问题。",
        )
    _body(CITY, _NEW_KEYS.get(_name, f"370700-n{_i:02d}"), _name, category="party" if _seq == "P" else "government",
          sequence="party" if _seq == "P" else "government", domain=_domain, ground=_ground, imp=_imp,
          established_on=_est, **_kw)

# 2021-05-20: 市消防安全委员会 split off from 市安全生产委员会
_d = _doc(CITY, "zhengzi", "2021-05-20", _title(CITY, "zhengzi", "关于成立潍坊市消防安全委员会的通知"))
_fire = _body(CITY, "city-fire-safety", "市消防安全委员会", category="government", sequence="government", domain="fire",
              ground="C", imp="", established_on="2021-05-20", doc=_d, leader="v_sec", deputies=(),
              short_name="市消安委", scope="comprehensive", n_members=13, extra_members=("emerg", "pol", "housing"))
_event(_city("市安全生产委员会"), "2021-05-20", "split", _d, {"into": [_fire["key"]]},
       "消防安全工作分出，另行成立市消防安全委员会")

# temporary bodies created after 2019 that have run their course
for _name, _on, _kind, _title_text in _EVENTS["temporary_ended"]:
    _event(_city(_name), _on, "abolish", _doc(CITY, _kind, _on, _title(CITY, _kind, _title_text)), {}, "工作任务已经完成")
_d = _doc(CITY, "zhengbanzi", "2023-03-10", _title(CITY, "zhengbanzi", "关于撤销市安全生产专项整治三年行动领导小组等临时机构的通知"))
for _name in ("市安全生产专项整治三年行动领导小组", "市第一次全国自然灾害综合风险普查领导小组"):
    _event(_city(_name), "2023-03-10", "abolish", _d, {}, "工作任务已经完成，期限届满")

# ---- a few adjustments over the years -------------------------------------------------------


def _member_names(raw: dict) -> list[tuple[str, str]]:
    return [tuple(m) for m in raw["members"]]


def _current_members(raw: dict, on: str) -> list[tuple[str, str]]:
    members = _member_names(raw)
    for e in sorted(raw["history"], key=lambda e: e["on"]):
        if e["on"] <= on and "members" in e["changes"]:
            members = [tuple(m) for m in e["changes"]["members"]]
    return members


def _add_member(raw: dict, on: str, doc: str, dept_keys: tuple[str, ...], role: str = "assisting",
                note: str = "") -> None:
    """Add the first of the wanted departments that is not yet a member (a members event must change the list)."""
    members = _current_members(raw, on)
    present = {m[0] for m in members}
    name = next(n for n in (_dept(raw["region"], k) for k in dept_keys) if n not in present)
    text = note.format(name=name) if note else f"增加{name}为成员单位"
    if len(members) >= (15 if raw["task_scope"] == "comprehensive" else 10):  # at the cap: one unit makes room
        dropped = next(m for m in reversed(members) if m[1] == "assisting")
        members.remove(dropped)
        text += f"，{dropped[0]}不再作为成员单位"
    members.append((name, role))
    _event(raw, on, "members", doc, {"members": members}, text)


def _rehost(raw: dict, on: str, doc: str, dept_key: str, note: str, campaign: str = "", reason: str = "") -> None:
    """Move a body's lead and office to another department, which becomes its 主办 member unit (the one
    whose work it now is); the former hosts stay on as 协办."""
    new = _dept(raw["region"], dept_key)
    members = [(n, "assisting") for n, _role in _current_members(raw, on) if n != new]
    if len(members) >= (15 if raw["task_scope"] == "comprehensive" else 10):
        members.pop()
    _event(raw, on, "reaffiliate", doc, {"lead": new, "office": new, "members": [(new, "principal"), *members]}, note,
           campaign=campaign, reason=reason)


_d = _doc(CITY, "zhengbanzi", "2020-04-08", _title(CITY, "zhengbanzi", "关于调整潍坊市食品安全委员会组成人员的通知"))
_add_member(_city("市食品安全委员会"), "2020-04-08", _d, ("customs",), "assisting", "增加潍坊海关为成员单位，负责进口食品安全监管")
_d = _doc(CITY, "zhengbanzi", "2020-07-15", _title(CITY, "zhengbanzi", "关于市社区矫正工作领导小组更名为市社区矫正委员会的通知"))
_event(_city("市社区矫正工作领导小组"), "2020-07-15", "rename", _d, {"name": "市社区矫正委员会", "short_name": ""},
       "按照《中华人民共和国社区矫正法》要求更名")
_d = _doc(CITY, "banfa", "2021-11-10", _title(CITY, "banfa", "关于调整市乡村振兴工作领导小组组成人员的通知"))
_event(_city("市乡村振兴工作领导小组"), "2021-11-10", "adjust", _d,
       {"leader": _post(CITY, "sec"), "deputies": [_post(CITY, "mayor"), _post(CITY, "dsec")]},
       "落实五级书记抓乡村振兴要求，组长调整为市委书记")
_d = _doc(CITY, "banfa", "2022-03-18", _title(CITY, "banfa", "关于调整中共潍坊市委全面深化改革委员会成员单位的通知"))
_add_member(_city("市委全面深化改革领导小组"), "2022-03-18", _d, ("staffing", "cyber", "discipline", "audit"))
_d = _doc(CITY, "banfa", "2023-06-09", _title(CITY, "banfa", "关于调整潍坊市生态环境保护委员会职责的通知"))
_raw = _city("市生态环境保护委员会")
_event(_raw, "2023-06-09", "adjust", _d,
       {"duties": _DUTIES["市生态环境保护委员会"] + "统筹推进减污降碳协同增效，协调推进“无废城市”建设和美丽潍坊建设。"},
       "增加减污降碳协同增效职责")
_d = _doc(CITY, "zhengbanzi", "2023-08-25", _title(CITY, "zhengbanzi", "关于调整潍坊市养老服务体系建设领导小组成员单位的通知"))
_add_member(_city("市养老服务体系建设领导小组"), "2023-08-25", _d, ("medins", "health", "housing"))
_d = _doc(CITY, "banfa", "2024-04-12", _title(CITY, "banfa", "关于调整市碳达峰碳中和工作领导小组组成人员的通知"))
_event(_city("市碳达峰碳中和工作领导小组"), "2024-04-12", "adjust", _d,
       {"deputies": [_post(CITY, "mayor"), _post(CITY, "v_urb")]}, "副组长调整为分管城市建设和生态环境的副市长")
_d = _doc(CITY, "zhengbanzi", "2026-03-20", _title(CITY, "zhengbanzi", "关于调整潍坊市国防动员委员会成员单位的通知"))
_add_member(_city("市国防动员委员会"), "2026-03-20", _d, ("data", "emerg", "weather"))

# ---- 2022-09-30: the review campaign's 24 adjustments (9 abolished, 8 renamed, 7 re-affiliated) ----
# Items of the 2022 campaign (CAMPAIGNS below): reported by the departments (one of them proposed by 编办
# in the joint review), written to the ledger by the published list.
_CAMPAIGN_2022 = "2022-09-30"
_c22_plan = _doc(CITY, "banfa", "2022-05-16", _title(CITY, "banfa", " 潍坊市人民政府办公室关于印发《市级议事协调机构调整规范行动方案》的通知"))
_c22_list = _doc(CITY, "fa", _CAMPAIGN_2022, _title(CITY, "fa", " 潍坊市人民政府关于公布市级议事协调机构调整规范结果的通知"))
_ABOLISH_22_REASON = {"市扶贫开发领导小组": "transferred"}

for _name, _note in _EVENTS["campaign_2022_abolished"]:
    _event(_city(_name), _CAMPAIGN_2022, "abolish", _c22_list, {}, _note, campaign="2022",
           reason=_ABOLISH_22_REASON.get(_name, "finished"))
for _old, _new in _EVENTS["campaign_2022_renamed"]:
    _event(_city(_old), _CAMPAIGN_2022, "rename", _c22_list, {"name": _new, "short_name": ""}, "名称与职责任务不相适应",
           campaign="2022", reason="name")
for _name, _key in _EVENTS["campaign_2022_reaffiliated"]:
    _rehost(_city(_name), _CAMPAIGN_2022, _c22_list, _key,
            f"按照机构改革后职责划分，办公室调整设在{_dept(CITY, _key)}", campaign="2022", reason="transferred")

# ---- 2023-2024: J1's body is set up; 市委科技委员会 and 市委金融委员会 absorb the government groups ----
_d = _city("市委科技委员会")["established_doc"]
_event(_city("市科技工作领导小组"), "2024-05-24", "merge", _d, {"into": "city-science"}, "并入中共潍坊市委科技委员会")
_d = _city("市委金融委员会")["established_doc"]
_event(_city("市金融工作领导小组"), "2024-05-24", "merge", _d, {"into": "city-finance"}, "并入中共潍坊市委金融委员会")

# ---- the third review campaign, under way: the departments' first self-reports ----------------------
# Not in the ledger: the campaign is at its self-report phase (部门梳理), so these are draft reports only
# (see CAMPAIGNS below). body name, action, reason, reason text, merge target / new name
_c25_plan = _doc(CITY, "banfa", "2026-10-30", _title(CITY, "banfa", " 潍坊市人民政府办公室关于印发《2025年度市级议事协调机构调整规范行动方案》的通知"))
_DRAFTS_25 = [
    ("市节约用水工作领导小组", "to_joint", "weakened", "节约用水工作已常态化，拟改为部门间联席会议", "市节约用水工作联席会议"),
    ("市招才引智工作领导小组", "merge", "overlap", "与市委人才工作领导小组职责相近，拟予合并", "市委人才工作领导小组"),
    ("市第五次全国经济普查领导小组", "abolish", "finished", "经济普查工作已经完成", ""),
    ("市冬季清洁取暖工作领导小组", "abolish", "finished", "清洁取暖改造任务已经完成", ""),
    ("市地名委员会", "derecognise", "other", "不再作为议事协调机构管理，相关工作作为市民政局牵头的部门协调机制保留", ""),
    ("市城乡社区建设工作领导小组", "rename", "name", "名称与职责任务不相适应", "市城乡社区治理工作领导小组"),
]

# ---------------------------------------------------------------------------------------------
# the city's joint meetings (17 with the downgraded one), task forces, mechanisms, special groups
# ---------------------------------------------------------------------------------------------

_CITY_JOINT = _table(_CITY_DATA["joint"])  # name, sequence, domain, ground, established_on, extra arguments
for _i, (_name, _seq, _domain, _ground, _est, _kw) in enumerate(_CITY_JOINT, 1):
    _body(CITY, f"370700-j{_i:02d}", _name, category="joint", sequence="party" if _seq == "P" else "government",
          domain=_domain, ground=_ground, established_on=_est, **_kw)

_d = _doc(CITY, "zhengbanzi", "2021-09-10", _title(CITY, "zhengbanzi", "关于调整潍坊市社会救助工作联席会议成员单位的通知"))
_add_member(_city("市社会救助工作联席会议"), "2021-09-10", _d, ("medins", "women", "disab"))
_d = _doc(CITY, "zhengbanzi", "2024-06-14", _title(CITY, "zhengbanzi", "关于调整潍坊市打击治理电信网络诈骗违法犯罪工作联席会议成员单位的通知"))
_add_member(_city("市打击治理电信网络诈骗违法犯罪工作联席会议"), "2024-06-14", _d, ("nfra", "commerce", "market"))

# task forces (工作专班): leader "" — the lead department convenes
_CITY_TASKFORCES = _table(_CITY_DATA["taskforces"])
for _i, (_name, _domain, _ground, _est, _kw) in enumerate(_CITY_TASKFORCES, 1):
    _body(CITY, "city-sports-event" if "运动会" in _name else f"370700-t{_i:02d}", _name, category="taskforce",
          sequence="government", domain=_domain, ground=_ground, established_on=_est, **_kw)
for _name, _on, _title_text in _EVENTS["taskforces_ended"]:
    _event(_city(_name), _on, "abolish", _doc(CITY, "zhengbanzi", _on, _title(CITY, "zhengbanzi", _title_text)), {},
           "工作任务已经完成，期限届满")

# coordination mechanisms (recorded, not counted as 议事协调机构)
_body(CITY, "370700-m01", "市稳外贸稳外资工作协调机制", category="mechanism", sequence="government", domain="commerce",
      ground="U", established_on="2020-06-19", extra_members=("customs", "pboc", "tax"))
_body(CITY, "370700-m02", "市城市房地产融资协调机制", category="mechanism", sequence="government", domain="housing",
      ground="U", established_on="2024-01-25", extra_members=("finance", "pboc", "nfra", "land"))

# special groups: two 2022+ applications turned, with the applicants' agreement, into 专项小组 (J2)
_body(CITY, "370700-s01", "市物业服务质量提升专项小组", category="special", sequence="government", domain="housing",
      ground="L", established_on="2022-11-25", extra_members=("civil", "market"))
_body(CITY, "370700-s02", "市低空经济发展专项小组", category="special", sequence="government", domain="econ",
      ground="L", established_on="2024-07-19", extra_members=("ind", "transport", "sci"))

# ---------------------------------------------------------------------------------------------
# the counties
# ---------------------------------------------------------------------------------------------

_COUNTY_DATA = _load("county_bodies.json")
# key, name template ({R} region, {S} short, {L} 区/县/市), sequence, domain, ground, imp, mandatory, years
_COUNTY_TEMPLATES = _table(_COUNTY_DATA["templates"])
_COUNTY_SPECIAL = _tuples(_COUNTY_DATA["special"])
_COUNTY_JOINT = _table(_COUNTY_DATA["joint"])
_PREFAB_COUNTIES = set(_COUNTY_DATA["prefab"])
_COUNTY_LISTS: dict[tuple[str, str], tuple[str, str]] = {}  # (campaign, county): (its list's document, date)

for _code, _rname, _typ, _short, _pfx in _COUNTIES:
    L = _LEVEL_CHAR[_typ]
    fmt = {"R": _rname, "S": _short, "L": L}
    optional = [t for t in _COUNTY_TEMPLATES if not t[6] and not (t[0] == "forest" and _code == "370705")]
    # a county ledger of a believable size: 25–40 bodies in force after its 2019 clean-up
    chosen = [t for t in _COUNTY_TEMPLATES if t[6]] + _rng.sample(optional, _rng.randint(13, 17))
    bodies: list[dict] = []
    keys = iter([f"{_code}-{i:02d}" for i in range(1, 100)])

    for tkey, tpl, seq, domain, ground, imp, _mand, (y0, y1) in chosen:
        name = tpl.format(**fmt)
        if y0 == y1 == 2019:  # the committees of the county's own reform, after its new departments were set up
            est = _rand_date("2019-03-04", "2019-05-31")
        else:
            est = _in_year(_rng.randint(y0, y1), "2018-12-21" if y1 == 2018 else None)
        raw = _body(_code, next(keys), name, category="party" if seq == "P" else "government",
                    sequence="party" if seq == "P" else "government", domain=domain, ground=ground, imp=imp,
                    established_on=est)
        raw["tkey"] = tkey
        bodies.append(raw)
    sname, sdomain, syear = _COUNTY_SPECIAL[_code]
    raw = _body(_code, next(keys), sname, category="government", sequence="government", domain=sdomain, ground="L",
                imp="", established_on=_in_year(syear))
    raw["tkey"] = "special"
    bodies.append(raw)
    # temporary ones, gone again
    chuangwei = dapeng = census = None
    if _rng.random() < 0.6:
        what = "国家卫生县城" if _typ == "county" else "国家卫生城市"
        chuangwei = _body(_code, next(keys), f"{_rname}创建{what}工作领导小组", category="government", sequence="government",
                          domain="health", ground="L", established_on=_in_year(_rng.randint(2011, 2015)))
    if _rng.random() < 0.5 and _typ != "district":
        dapeng = _body(_code, next(keys), f"{_rname}“大棚房”问题专项清理整治领导小组", category="government",
                       sequence="government", domain="rural", ground="U", established_on=_rand_date("2018-09-17", "2018-10-31"),
                       temporary=True, end_condition="专项清理整治任务完成后撤销")
    if _rng.random() < 0.7:
        census = _body(_code, next(keys), f"{_rname}第七次全国人口普查领导小组", category="government", sequence="government",
                       domain="stats", ground="U", established_on=_rand_date("2019-11-04", "2019-12-13"),
                       temporary=True, ends_on="2021-12-31", end_condition="人口普查数据汇总发布工作完成后撤销",
                       upper="市级设有潍坊市人口普查领导小组")
    if _code in _PREFAB_COUNTIES:
        _body(_code, next(keys), f"{_rname}预制菜产业发展领导小组", category="government", sequence="government",
              domain="agri", ground="C", imp="M", established_on=_rand_date("2023-04-03", "2023-08-31"),
              extra_members=("dev", "ind", "commerce", "market"), scope="single", n_members=9,
              upper="市级设有潍坊市预制菜产业发展工作领导小组")
    for tpl, domain, extra in _rng.sample(_COUNTY_JOINT, 2):
        _body(_code, next(keys), tpl.format(**fmt), category="joint", sequence="government", domain=domain, ground="U",
              established_on=_in_year(_rng.randint(2016, 2022)), extra_members=extra)

    by_t = {b["tkey"]: b for b in bodies}
    issuers = _issuers(_code)
    # the county clean-up of 2019 (市县联动)
    # (its part of the city's campaign: its own review and meetings, one list of 县委 and 县政府 together)
    c19 = _rand_date("2019-07-15", "2019-09-30")
    gov_issuer = issuers["zhengzi"][0]
    c19_list = _doc(_code, "fa", c19, _title(_code, "fa", f" {gov_issuer}关于调整规范{_rname}议事协调机构的通知"))
    _COUNTY_LISTS[("2019", _code)] = (c19_list, c19)
    if chuangwei:
        if "aiwei" in by_t:
            _event(chuangwei, c19, "merge", c19_list, {"into": by_t["aiwei"]["key"]},
                   f"与{by_t['aiwei']['name']}职能重叠，并入{by_t['aiwei']['name']}", campaign="2019", reason="overlap")
        else:
            _event(chuangwei, c19, "abolish", c19_list, {}, "创建任务已经完成，工作转入常态化", campaign="2019",
                   reason="finished")
    if dapeng:
        _event(dapeng, c19, "abolish", c19_list, {}, "专项清理整治任务已经完成", campaign="2019", reason="finished")
    # leader and member adjustments
    if "rural" in by_t and _rng.random() < 0.6:
        on = _rand_date("2021-03-01", "2021-12-20")
        d = _doc(_code, "banfa", on, _title(_code, "banfa", f"关于调整{_full(by_t['rural']['name'], _code)}组成人员的通知"))
        _event(by_t["rural"], on, "adjust", d, {"deputies": [_post(_code, "mayor"), _post(_code, "v_agr")]},
               "副组长调整为县级政府主要负责同志和分管负责同志")
    on = _rand_date("2020-03-02", "2023-12-20")
    d = _doc(_code, "zhengbanzi", on, _title(_code, "zhengbanzi", f"关于调整{_full(by_t['safety']['name'], _code)}成员单位的通知"))
    _add_member(by_t["safety"], on, d, ("fire", "pad", "commerce", "culture", "health", "edu"))
    # the 2022 campaign
    c22 = _rand_date("2022-10-10", "2022-12-20")
    c22_list = _doc(_code, "fa", c22, _title(_code, "fa", f" {gov_issuer}关于公布{_rname}议事协调机构调整规范结果的通知"))
    _COUNTY_LISTS[("2022", _code)] = (c22_list, c22)
    if census:
        _event(census, c22, "abolish", c22_list, {}, "人口普查工作已经完成", campaign="2022", reason="finished")
    if "aging" in by_t:
        _rehost(by_t["aging"], c22, c22_list, "health", "老龄工作职责已划入卫生健康部门", campaign="2022",
                reason="transferred")
    if "urban" in by_t:
        new = f"{_rname}城市管理和综合执法委员会"
        _event(by_t["urban"], c22, "rename", c22_list, {"name": new, "short_name": ""}, "名称与职责任务不相适应",
               campaign="2022", reason="name")
    if "invest" in by_t and _rng.random() < 0.5:
        _event(by_t["invest"], c22, "abolish", c22_list, {}, "工作已纳入“双招双引”工作机制", campaign="2022",
               reason="overlap")

# A body that ended without any change after the reform (most of 2019's clean-up) was never moved over:
# it kept its old host until its abolition, as happened. Only bodies that lived on were adjusted.
_TERMINAL = ("abolish", "merge", "derecognise")
for _raw in _raw_bodies:
    _h = sorted(_raw["history"], key=lambda e: e["on"])
    _keep = [e for i, e in enumerate(_h) if not (
        e["note"].startswith("机构改革") and any(x["kind"] in _TERMINAL for x in _h[i + 1:])
        and all(x["note"].startswith("机构改革") or x["kind"] in _TERMINAL for x in _h[i + 1:]))]
    _raw["history"] = _keep
_used = {e["doc"] for _raw in _raw_bodies for e in _raw["history"]}
for _doc_id in _reform_docs.values():
    if _doc_id not in _used:
        _drop_doc(_doc_id)

# every county has one body whose basis document is missing
for _code, *_rest in _COUNTIES:
    _cands = [b for b in _raw_bodies if b["region"] == _code and b["category"] in ("party", "government")
              and b.get("tkey") != "reform" and b["established_doc"]]
    _pick = _rng.choice(_cands)
    _drop_doc(_pick["established_doc"])
    _pick["established_doc"] = None

# ---------------------------------------------------------------------------------------------
# finalise: number documents chronologically per issuer and year, then freeze the specs
# ---------------------------------------------------------------------------------------------

# documents of the rules library (not tied to one body)
_doc(CITY, "banfa", "2019-03-22", _title(CITY, "banfa", "关于进一步规范市级议事协调机构的通知"))
_doc(CITY, "banfa", "2020-05-15", _title(CITY, "banfa", "关于印发《潍坊市议事协调机构管理办法》的通知"))
_doc(CITY, "banfa", "2021-06-18", _title(CITY, "banfa", "关于印发《潍坊市市直部门职责分工协调办法》的通知"))


_ANNUAL_RATE = _REGION_DATA["annual_rate"]


def _number_documents() -> dict[str, str]:
    groups: dict[tuple[str, str, str], list[dict]] = {}
    for r in _doc_requests:
        groups.setdefault((r["region"], r["kind"], r["on"][:4]), []).append(r)
    final: dict[str, str] = {}
    for (code, kind, year), reqs in sorted(groups.items()):
        reqs.sort(key=lambda r: (r["on"], int(r["pid"][1:])))
        # an issuer numbers its documents through the year; ours are a sample of them
        rate = _ANNUAL_RATE[kind] * (1 if code == CITY else 0.6)
        numbers: list[int] = []
        prev = 0
        for i, r in enumerate(reqs):
            if r["pin"] is not None:
                if r["pin"] <= prev:
                    raise ValueError(f"document pinned at {r['pin']} comes after number {prev}: {r['title']}")
                num = r["pin"]
            else:
                doy = _dt.date.fromisoformat(r["on"]).timetuple().tm_yday
                num = max(prev + 1, int(doy / 366 * rate) + _rng.randint(0, 2))
                later_pins = [(j, q["pin"]) for j, q in enumerate(reqs[i + 1:], i + 1) if q["pin"] is not None]
                if later_pins:
                    j, pin = later_pins[0]
                    num = min(num, pin - (j - i))
                    if num <= prev:
                        raise ValueError(f"no room before pinned document {pin} in {code} {kind} {year}")
            numbers.append(num)
            prev = num
        issuer, prefix = _issuers(code)[kind]
        for r, num in zip(reqs, numbers, strict=True):
            key = f"{code}-{kind}-{year}-{num}"
            final[r["pid"]] = key
            DOCUMENTS.append(DocumentSpec(key, f"{prefix}〔{year}〕{num}号", issuer, r["on"], r["title"]))
    return final


DOCUMENTS: list[DocumentSpec] = []
_final_keys = _number_documents()
DOCUMENTS.sort(key=lambda d: (d.issued_on, d.key))


def _fk(pid: str | None) -> str | None:
    return _final_keys[pid] if pid else None


BODIES: list[BodySpec] = [
    BodySpec(
        key=r["key"], region=r["region"], name=r["name"], category=r["category"], form=r["form"],
        sequence=r["sequence"], legal_ground=r["legal_ground"], lead=r["lead"], office=r["office"],
        leader=r["leader"], deputies=tuple(r["deputies"]), members=tuple(tuple(m) for m in r["members"]),
        duties=r["duties"], established_on=r["established_on"], established_doc=_fk(r["established_doc"]),
        short_name=r["short_name"], aliases=tuple(r["aliases"]), temporary=r["temporary"], ends_on=r["ends_on"],
        end_condition=r["end_condition"], upper_counterpart=r["upper_counterpart"], task_scope=r["task_scope"],
        history=tuple(
            EventSpec(on=e["on"], kind=e["kind"], doc=_fk(e["doc"]), changes=e["changes"], note=e["note"],
                      campaign=e["campaign"], reason=e["reason"])
            for e in sorted(r["history"], key=lambda e: e["on"])
        ),
    )
    for r in _raw_bodies
]


# ---------------------------------------------------------------------------------------------
# the review campaigns (定期调整), run by the demo's users through the product
# ---------------------------------------------------------------------------------------------


def _shift(on: str, days: int) -> str:
    return _weekday(_dt.date.fromisoformat(on) + _dt.timedelta(days=days)).isoformat()


def _session(on: str, every: int) -> str:
    """会次: the meetings of a year, numbered (one every `every` days or so)."""
    d = _dt.date.fromisoformat(on)
    return f"{d.year}年第{d.timetuple().tm_yday // every + 1}次"


def _county_part(campaign: str, code: str) -> PartSpec:
    """A county's part: review two months before its list, the opinion six weeks before, the 县政府常务会议
    three weeks and the 县委常委会会议 two weeks before the list."""
    doc, on = _COUNTY_LISTS[(campaign, code)]
    gov, party = _shift(on, -21), _shift(on, -14)
    return PartSpec(region=code, review_on=_shift(on, -60), opinion_on=_shift(on, -42),
                    meetings=(("government", gov, _session(gov, 14)), ("party", party, _session(party, 10))),
                    list_doc=_fk(doc), published_on=on)


def _key(name: str) -> str:
    return _city(name)["key"]


CAMPAIGNS: list[CampaignSpec] = [
    CampaignSpec(
        key="2019", year=2019, title="潍坊市2019年议事协调机构清理规范行动", categories=("government", "party"),
        plan_doc=_fk(_c19_plan), snapshot_on="2019-02-28",
        deadlines={"deploy": "2019-03-08", "sorting": "2019-03-29", "reporting": "2019-04-12",
                   "review": "2019-05-24", "deliberation": "2019-06-21", "published": "2019-09-30"},
        reported_from="2019-03-11", submitted_by="2019-04-12",
        parts=(
            PartSpec(region=CITY, review_on="2019-04-22", opinion_on="2019-05-24",
                     meetings=(("government", "2019-06-10", "2019年第12次"), ("party", "2019-06-18", "2019年第17次")),
                     list_doc=_fk(_c19_list), published_on=_CLEANUP_DATE,
                     late=(("市住房和城乡建设局", "2019-04-17"), ("市水利局", "2019-04-19"))),
            *(_county_part("2019", code) for code, *_rest in _COUNTIES),
        ),
    ),
    CampaignSpec(
        key="2022", year=2022, title="潍坊市2022年议事协调机构调整规范行动",
        categories=("government", "joint", "party", "taskforce"), plan_doc=_fk(_c22_plan), snapshot_on="2022-05-20",
        deadlines={"deploy": "2022-05-27", "sorting": "2022-06-24", "reporting": "2022-07-08",
                   "review": "2022-08-19", "deliberation": "2022-09-23", "published": "2022-12-31"},
        reported_from="2022-06-01", submitted_by="2022-07-08",
        parts=(
            PartSpec(
                region=CITY, review_on="2022-07-15", opinion_on="2022-08-19",
                meetings=(("government", "2022-09-08", "2022年第18次"), ("party", "2022-09-16", "2022年第26次")),
                list_doc=_fk(_c22_list), published_on=_CAMPAIGN_2022,
                late=(("市住房和城乡建设局", "2022-07-13"),),
                contests=(
                    # 编办 proposes what the department did not: the 棚改 group has done its work.
                    ContestSpec(
                        body=_key("市棚户区改造工作领导小组"), reported="keep", reported_reason="needed",
                        reported_text="棚户区改造仍有扫尾任务，需要继续统筹协调",
                        office="establishment", verdict="change", action="abolish",
                        opinion="棚户区改造任务基本完成，剩余扫尾工作可由市住房和城乡建设局按职责承担，不需保留议事协调机构",
                        settled="abolish", settled_reason="finished",
                        note="经市委编办与市委办公室、市政府办公室、市委组织部会商，并征求市住房和城乡建设局意见，"
                             "同意撤销，剩余扫尾工作由市住房和城乡建设局承担。"),
                    # 组织部 holds on to a body the department would give up: its provincial counterpart stays.
                    ContestSpec(
                        body=_key("市职称改革工作领导小组"), reported="abolish", reported_reason="weakened",
                        reported_text="职称制度改革主要任务已经完成，日常工作由市人力资源和社会保障局承担",
                        office="organisation", verdict="disagree", action="",
                        opinion="省级仍设有山东省职称改革工作领导小组，职称制度改革仍在深化，建议保留",
                        settled="keep", settled_reason="",
                        note="经会商，上级对口机构仍然保留，同意市委组织部意见，予以保留。"),
                ),
            ),
            *(_county_part("2022", code) for code, *_rest in _COUNTIES),
        ),
    ),
    # The third round of the three-yearly cycle (2019, 2022, 2025) is the 2025 campaign; in this demo it
    # was deployed late, in November 2026 (after the 2025 《地方议事协调机构管理办法（试行）》 and the
    # province's rules under it), so that it is under way on the demo's today: at its self-report phase.
    CampaignSpec(
        key="2025", year=2025, title="潍坊市2025年度议事协调机构调整规范行动",
        categories=("government", "joint", "party", "taskforce"), plan_doc=_fk(_c25_plan), snapshot_on="2026-11-02",
        deadlines={"deploy": "2026-11-06", "sorting": "2026-12-04", "reporting": "2026-12-18",
                   "review": "2027-01-29", "deliberation": "2027-02-26", "published": "2027-03-31"},
        parts=(PartSpec(region=CITY), *(PartSpec(region=code) for code, *_rest in _COUNTIES)),
        drafts=tuple(DraftSpec(body=_key(n), action=a, reason=r, reason_text=t,
                               merge_into=_key(x) if a == "merge" else "", new_name=x if a != "merge" else "")
                     for n, a, r, t, x in _DRAFTS_25),
        partly_reported=(("市发展和改革委员会", 3), ("市民政局", 3)),
        completed=("市统计局",), submitted=("市统计局",),
    ),
]


# ---------------------------------------------------------------------------------------------
# the yearly evaluations (多方评价), run by demo/evaluation.py through the evaluation services
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EvaluationSpec:
    """A year's evaluation of the city's bodies: the work of `year`, carried out the next year. The meetings
    register of `year` is filled first (demo/evaluation.py generates it, with the seed's examples as told);
    the host departments report, 编办 with 两办 and 组织部 checks, the lead departments score their member
    units, the results are computed and 编办 drafts the `proposals` from them."""

    key: str
    year: int
    title: str
    opened_on: str
    deadline: str
    scoring_deadline: str
    checked_on: str
    results_on: str
    late: tuple[tuple[str, str, str], ...] = ()  # (host department, day 编办 reopened, reason)
    adjusted: tuple[tuple[str, str, str], ...] = ()  # (body, score 编办 set, reason)
    exemplary: tuple[tuple[str, str], ...] = ()  # (body, what makes it a benchmark)
    quiet: tuple[str, ...] = ()  # bodies that held no meeting in the year
    proposals_on: str = ""
    # (body, kind, reason, new name or new department key)
    proposals: tuple[tuple[str, str, str, str], ...] = ()


#: The seed's two examples of 2021 (the ledger names 市生态环境委员会 by its full name, 市生态环境保护委员会).
SEED_PARTY_BUILDING = "市委党建工作领导小组"
SEED_ECOLOGY = "市生态环境保护委员会"

_PROPOSALS_2022 = (
    *((name, "abolish", note, "") for name, note in _EVENTS["campaign_2022_abolished"]),
    *((old, "rename", "名称与职责任务不相适应", new) for old, new in _EVENTS["campaign_2022_renamed"]),
    *((name, "reaffiliate", "机构改革后职责已调整，办事机构宜随职责调整", key)
      for name, key in _EVENTS["campaign_2022_reaffiliated"]),
)

EVALUATIONS: list[EvaluationSpec] = [
    EvaluationSpec(
        key="2021", year=2021, title="潍坊市2021年度议事协调机构运行成效评价",
        opened_on="2022-01-17", deadline="2022-02-28", scoring_deadline="2022-03-15", checked_on="2022-03-23",
        results_on="2022-03-31",
        late=(("市住房和城乡建设局", "2022-03-02", "该局牵头的棚户区改造收尾工作集中，经申请准予延期至3月4日报送"),),
        adjusted=(("市海洋经济发展领导小组", "62", "自评填报的协调解决问题数缺少会议纪要佐证，按实际核减"),),
        exemplary=((SEED_PARTY_BUILDING, "全年召开会议4次，印发年度工作要点，协调解决问题12个"),
                   (SEED_ECOLOGY, "建立工作规则、责任清单和工作报告制度，78项重点任务全部落实")),
        quiet=tuple(name for name, _note in _EVENTS["campaign_2022_abolished"]),
        proposals_on="2022-04-15", proposals=_PROPOSALS_2022,
    ),
    EvaluationSpec(
        key="2022", year=2022, title="潍坊市2022年度议事协调机构运行成效评价",
        opened_on="2023-01-16", deadline="2023-02-28", scoring_deadline="2023-03-15", checked_on="2023-03-22",
        results_on="2023-03-31",
        exemplary=(("市委全面深化改革委员会", "年度改革任务清单化推进，议定事项全部落实"),),
    ),
]


@dataclass(frozen=True)
class RegisterSpec:
    """The meetings register of a year under way, filled up to `through` (no evaluation of it yet)."""

    year: int
    through: str
    quiet: tuple[str, ...] = ()
    exemplary: tuple[tuple[str, str], ...] = ()


REGISTERS: list[RegisterSpec] = [RegisterSpec(year=2026, through="2026-11-20")]
