"""Overlap detection (spec §2.2, §4): is a proposed body already there, under another name or wording?

On every application the 编办 checks that no existing body, and no department's 三定 duties, already
cover the proposed work. `find_overlaps` compares the proposal's name and duties with every body of
the region that is active or ended within the last few years (a body abolished last year and proposed
again is the commonest near-duplicate) and with the departments' duties, and lists the closest with
scores and the shared terms as evidence.

How it scores (the choices are measured on the labelled set in ``tests/overlap_pairs.py``):

- Duties: Chinese word segmentation (jieba, a private tokenizer with a domain dictionary plus the
  region's body and department names), the genre's boilerplate dropped as stop words, then TF-IDF
  (sublinear tf) over the candidates and cosine similarity. A compound word (a domain term such as
  食品安全, or a body's name added to the dictionary) also counts its parts, so that 食品安全 in one
  text still meets 食品 in a reworded one; the whole word, rarer, weighs more.
- Names: each name is cut down to its core (region prefix, 市委/市, the form suffix 领导小组/委员会/…
  and generic words such as 工作/推进/全面 removed), then compared with rapidfuzz on the characters and
  on the character bigrams (bigrams keep 招商引资 and 招才引智 apart, which share half their characters
  and none of their meaning). Aliases, 简称 and former names are compared too; an abbreviation
  (a short core such as 安委会) counts only when it is identical, so 市森防指 does not meet 市防指.
- Combined: ``score = W_MAX · max(n, d) + (1 − W_MAX) · mean(n, d)`` with ``n = name²`` and
  ``d = duties``. Either signal alone can raise a match (a renamed body keeps its duties; a reworded
  proposal keeps the name), yet one signal alone is discounted, so a match both support ranks first.
  The name is squared because sharing one word of two (城市更新/城市管理: 0.42 → 0.18) is weak
  evidence and sharing most of a name (0.8 → 0.64) strong; on the labelled set this removed the
  name-only noise without losing a pair. W_MAX = 0.6, THRESHOLD = 0.40, HIGH = 0.60 were chosen on
  the labelled set (76 pairs, 40 positive): THRESHOLD sits in the widest gap between the scores of
  positives and ordinary negatives (0.35 … 0.46); it gives precision 0.93 and recall 0.98. The misses
  are the hard ones kept on purpose: two different censuses written from the same template, food
  safety against food industry, and 重大项目/重点项目 (synonyms the words cannot see).
- Departments: their 三定 cover many tasks, so each sentence is compared on its own too (a
  department whose one sentence says 统一负责食品安全监督管理 covers a 食品安全 body); a department's
  name counts at half weight (市城市管理局 is meant to go with 城市管理).

Indexes are cached per process and region and rebuilt when the ledger changes: each call runs a cheap
fingerprint query (latest event id and count, latest body and department ``updated_at`` and count of
the region), so a write made by another app server is seen on the next call; nothing is shared between
processes. (A write whose ``updated_at`` is older than the region's latest, which only clock skew
between app servers can produce, and which records no event, would be seen at the next write.)
The private jieba dictionary grows by the names of the regions indexed in the process. Since a
compound is always counted with its parts, this moves scores only slightly (the compound's own weight),
but two processes that indexed different regions first may differ in the second decimal.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["HIGH", "THRESHOLD", "Match", "find_overlaps", "highlight", "invalidate", "tokenize"]

# A match at or above THRESHOLD is flagged for the reviewer; at or above HIGH it is shown as a likely
# duplicate. Both chosen on the labelled set (see the module docstring and tests/test_overlap.py).
THRESHOLD: float = 0.40
HIGH: float = 0.60
# Weight of the stronger signal in the combined score (the rest goes to the mean of both).
W_MAX: float = 0.6
# A department's name says little about overlap (市城市管理局 and 市城市管理委员会 are meant to go
# together): its name similarity counts at this fraction.
DEPARTMENT_NAME_WEIGHT: float = 0.5
# Name similarity is raised to this power before combining: sharing one word of two (城市更新 and
# 城市管理, 0.42) is weak evidence, sharing most of the name (0.8) strong.
NAME_EXPONENT: float = 2.0
# Whether domain terms (食品安全) also count as their parts (食品, 安全); body names always do.
EXPAND_TERM_PARTS: bool = True
# A department's 三定 cover many tasks, so each of its sentences is also compared on its own; a
# sentence's cosine counts at this fraction (1.0: as much as a whole text's).
SENTENCE_WEIGHT: float = 1.0
MIN_SCORE: float = 0.05
MAX_SHARED_TERMS: int = 8

_HERE = Path(__file__).resolve().parent
TERMS_FILE = _HERE / "overlap_terms.txt"
STOPWORDS_FILE = _HERE / "overlap_stopwords.txt"


# ---------------------------------------------------------------------------------------------- result


@dataclass(frozen=True)
class Match:
    kind: str  # "body" or "department"
    id: int  # Body.pk or Department.pk
    name: str  # current name (body) or department name
    status: str  # body status value ("active", "abolished", …) or "department"
    score: float  # 0..1 combined
    name_score: float  # 0..1
    duties_score: float  # 0..1
    shared_terms: tuple[str, ...]  # the most informative shared terms (≤ 8), for highlighting
    matched_alias: str = ""  # the alias/former name that matched best, if any

    @property
    def level(self) -> str:
        if self.score >= HIGH:
            return "high"
        if self.score >= THRESHOLD:
            return "medium"
        return "low"

    @property
    def flagged(self) -> bool:
        return self.score >= THRESHOLD


# ---------------------------------------------------------------------------------------------- words

_LOCK = threading.RLock()
_tokenizer = None
_STOP: frozenset[str] = frozenset()
# Words added to the dictionary (domain terms, body and department names) → their parts, so that a
# compound also counts as the words it is made of.
_PARTS: dict[str, tuple[str, ...]] = {}
_CJK_OR_ALNUM = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")


def _read_list(path: Path) -> list[str]:
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.append(line.split()[0])
    return words


def _get_tokenizer():
    """jieba's tokenizer, loaded once per process (≈0.6 s), with our dictionary; never the global one."""
    global _tokenizer, _STOP
    if _tokenizer is not None:
        return _tokenizer
    with _LOCK:
        if _tokenizer is None:
            import jieba
            import sklearn.feature_extraction.text  # noqa: F401 - its import (≈1 s) belongs to start-up too

            jieba.setLogLevel(logging.WARNING)
            tk = jieba.Tokenizer()
            tk.initialize()
            _STOP = frozenset(_read_list(STOPWORDS_FILE))
            for term in _read_list(TERMS_FILE):
                _add_word(tk, term, None if EXPAND_TERM_PARTS else ())
            _tokenizer = tk
    return _tokenizer


def _keep(word: str) -> bool:
    return len(word) > 1 and word not in _STOP and bool(_CJK_OR_ALNUM.search(word))


def _add_word(tk, word: str, parts: Iterable[str] | None = None) -> None:
    """Add a word to the private dictionary, remembering what it was made of before."""
    if len(word) < 2 or word in _PARTS:
        return
    if parts is None:
        parts = tk.lcut(word, HMM=False)
    kept = tuple(p for p in dict.fromkeys(parts) if p != word and _keep(p))
    _PARTS[word] = kept
    if not tk.FREQ.get(word):
        tk.add_word(word)


def tokenize(text: str) -> list[str]:
    """Words of a text: jieba with the domain dictionary; stop words and one-character tokens removed."""
    if not text:
        return []
    tk = _get_tokenizer()
    with _LOCK:
        words = tk.lcut(text, HMM=False)
    return [w.lower() for w in words if _keep(w)]


def _terms(text: str, extra_stop: frozenset[str] = frozenset()) -> list[str]:
    """The analyzer of the duties index: the words, plus the parts of compound words."""
    out: list[str] = []
    for w in tokenize(text):
        if w in extra_stop:
            continue
        out.append(w)
        for p in _PARTS.get(w, ()):
            if p not in extra_stop:
                out.append(p)
    return out


# ---------------------------------------------------------------------------------------------- names

_SENTENCE = re.compile(r"[。；;！!？?\n]+")
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_PUNCT = re.compile(r"[\s“”\"'‘’「」『』《》〈〉·、，,。；;：:]")
_FORM_SUFFIXES = sorted(
    [
        "工作领导小组", "领导小组", "协调小组", "工作小组", "工作委员会", "推进委员会", "委员会",
        "工作指挥部", "指挥部", "部门联席会议", "工作联席会议", "联席会议", "工作专班", "专班", "专项小组",
        "工作协调机制", "协调机制", "工作组", "小组",
        # departments
        "委员会办公室", "办公室", "局", "委", "办", "厅", "部",
    ],
    key=len, reverse=True,
)
_BODY_FORM_SUFFIXES = [s for s in _FORM_SUFFIXES if s not in ("局", "委", "办", "厅", "部", "委员会办公室", "办公室")]
_LEADING = ("中共",)
_LEVEL_PREFIXES = ("市委", "县委", "区委", "市", "县", "区")
# Words of a name that say how, not what; removed from the core before comparing (tuned on the pairs).
_GENERIC_NAME_WORDS = sorted(
    ["全面推行", "全面实行", "全面", "深入", "深化", "推进", "促进", "加快", "高质量", "工作", "专项", "行动",
     "实施", "建设", "发展", "创建", "防范化解", "产业"],
    key=len, reverse=True,
)


def _normalise(name: str) -> str:
    return _PUNCT.sub("", _BRACKETS.sub("", name or ""))


def _core(name: str, prefixes: Sequence[str] = (), *, department: bool = False) -> str:
    """A name without region, level, form and generic words: 市食品安全工作领导小组 → 食品安全."""
    s = _normalise(name)
    for p in _LEADING:
        if s.startswith(p):
            s = s[len(p):]
    for p in prefixes:
        if p and s.startswith(p) and len(s) > len(p) + 1:
            s = s[len(p):]
            if s.startswith("委") and len(s) > 2:
                s = s[1:]
            break
    else:
        for p in _LEVEL_PREFIXES:
            if s.startswith(p) and len(s) > len(p) + 1:
                s = s[len(p):]
                break
    for suffix in _FORM_SUFFIXES if department else _BODY_FORM_SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix) + 1:
            s = s[: -len(suffix)]
            break
    return s


_ROUND = re.compile(r"第[一二三四五六七八九十百零〇0-9]+[次届]|[“”]?[十]?[一二三四五六七八九十]五[”“]?|全国")


def _specific(core: str, prefixes: Sequence[str] = ()) -> str:
    """The core without generic words, rounds (第五次全国) and the region's name (健康潍坊行动 → 健康)."""
    s = _ROUND.sub("", core)
    for w in (*prefixes, *_GENERIC_NAME_WORDS):
        s = s.replace(w, "")
    return s if len(s) >= 2 else core


def _bigrams(s: str) -> list[str]:
    return [s[i:i + 2] for i in range(len(s) - 1)] or [s]


def _sim(a: str, b: str) -> float:
    """Similarity of two name cores, 0..1 (rapidfuzz on characters and on character bigrams)."""
    from rapidfuzz.distance import Indel

    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    chars = Indel.normalized_similarity(a, b)
    grams = Indel.normalized_similarity(_bigrams(a), _bigrams(b))
    return (chars + grams) / 2


@dataclass(frozen=True)
class _Name:
    label: str  # as written
    norm: str  # normalised (punctuation and brackets removed)
    core: str
    spec: str
    abbreviation: bool  # a short form (简称): matches only when identical
    is_main: bool


def _name(label: str, prefixes: Sequence[str], *, is_main: bool, short: bool = False,
          department: bool = False) -> _Name:
    core = _core(label, prefixes, department=department)
    abbreviation = short or (not is_main and len(core) <= 3)
    return _Name(label, _normalise(label), core, _specific(core, prefixes), abbreviation, is_main)


def _name_score(query: Sequence[_Name], names: Sequence[_Name]) -> tuple[float, str]:
    """Best similarity between any query name and any candidate name; the alias that gave it."""
    best: tuple[float, bool] = (0.0, False)
    alias = ""
    for q in query:
        for c in names:
            exact = q.norm == c.norm
            if exact or (q.core == c.core and not (q.abbreviation or c.abbreviation)):
                s = 1.0
            elif q.abbreviation or c.abbreviation:
                s = 0.0
            else:
                s = _sim(q.spec, c.spec)
            # Ties go to the name written exactly so (an alias typed as such beats a shared core).
            if (round(s, 9), exact) > best:
                best, alias = (round(s, 9), exact), ("" if c.is_main else c.label)
    return best[0], alias


# ---------------------------------------------------------------------------------------------- index


@dataclass
class _Candidate:
    kind: str
    id: int
    name: str
    status: str
    names: tuple[_Name, ...]
    duties: str
    name_words: frozenset[str] = frozenset()


@dataclass
class _Index:
    candidates: list[_Candidate]
    prefixes: tuple[str, ...]
    extra_stop: frozenset[str]
    vectorizer: object | None = None
    matrix: object | None = None  # candidates × terms, rows L2-normalised
    terms: list[str] = field(default_factory=list)
    # Departments' 三定 cover many tasks: each sentence is also compared on its own.
    chunks: object | None = None  # sentences × terms, rows L2-normalised
    chunk_owner: list[int] = field(default_factory=list)  # candidate row of each sentence
    build_seconds: float = 0.0


def _region_prefixes(region_names: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for n in region_names:
        if not n:
            continue
        out.append(n)
        if len(n) > 2 and n[-1] in "市县区":
            out.append(n[:-1])
    return tuple(sorted(dict.fromkeys(out), key=len, reverse=True))


def _build_index(raw: Sequence[dict], region_names: Sequence[str]) -> _Index:
    """An index over candidate dicts: kind, id, name, status, names [(label, is_main, short)], duties."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    started = time.perf_counter()
    tk = _get_tokenizer()
    prefixes = _region_prefixes(region_names)
    extra_stop = frozenset(p for p in prefixes if len(p) >= 2)
    candidates: list[_Candidate] = []
    with _LOCK:
        for r in raw:
            dept = r["kind"] == "department"
            names = tuple(_name(label, prefixes, is_main=is_main, short=short, department=dept)
                          for label, is_main, short in r["names"] if label and label.strip())
            candidates.append(_Candidate(r["kind"], r["id"], r["name"], r["status"], names, r.get("duties") or ""))
            # The region's names become words (a name in a duties text is strong evidence), the core too.
            for n in names:
                if n.abbreviation:
                    continue
                core_parts = tk.lcut(n.core, HMM=False) if len(n.core) >= 2 else []
                if len(n.core) >= 3:
                    _add_word(tk, n.core, core_parts)
                if len(n.norm) >= 4:
                    _add_word(tk, n.norm, [n.core, *core_parts])
    for c in candidates:
        c.name_words = frozenset(w for n in c.names if not n.abbreviation for w in _terms(n.core, extra_stop))
    index = _Index(candidates, prefixes, extra_stop)
    docs = [c.duties for c in candidates]
    if any(d.strip() for d in docs):
        vectorizer = TfidfVectorizer(analyzer=lambda text: _terms(text, extra_stop), sublinear_tf=True,
                                     norm="l2", smooth_idf=True)
        try:
            index.matrix = vectorizer.fit_transform(docs).tocsr()
            index.vectorizer = vectorizer
            index.terms = list(vectorizer.get_feature_names_out())
        except ValueError:  # nothing but stop words
            index.vectorizer = index.matrix = None
    if index.vectorizer is not None:
        sentences: list[str] = []
        for i, c in enumerate(candidates):
            if c.kind == "department":
                for sentence in _SENTENCE.split(c.duties):
                    if len(sentence) >= 8:
                        sentences.append(sentence)
                        index.chunk_owner.append(i)
        if sentences:
            index.chunks = index.vectorizer.transform(sentences).tocsr()
    index.build_seconds = time.perf_counter() - started
    return index


def _combine(name_score: float, duties_score: float) -> float:
    hi = max(name_score, duties_score)
    return W_MAX * hi + (1 - W_MAX) * (name_score + duties_score) / 2


def _query(index: _Index, *, name: str, duties: str, aliases: Sequence[str] = (),
           exclude_body_ids: Iterable[int] = (), top: int = 10, include_departments: bool = True) -> list[Match]:
    excluded = set(exclude_body_ids)
    prefixes = index.prefixes
    qnames = [_name(name, prefixes, is_main=True)] if name and name.strip() else []
    qnames += [_name(a, prefixes, is_main=False) for a in aliases if a and a.strip()]
    qvec = None
    if index.vectorizer is not None and duties and duties.strip():
        qvec = index.vectorizer.transform([duties]).tocsr()
        if qvec.nnz == 0:
            qvec = None
    cosines = None
    if qvec is not None:
        cosines = (index.matrix @ qvec.T).toarray().ravel()
        if index.chunks is not None:
            for owner, cos in zip(index.chunk_owner, (index.chunks @ qvec.T).toarray().ravel(), strict=True):
                cosines[owner] = max(cosines[owner], SENTENCE_WEIGHT * cos)
    qname_words = {w for n in qnames if not n.abbreviation for w in _terms(n.core, index.extra_stop)}
    out: list[Match] = []
    for i, c in enumerate(index.candidates):
        if c.kind == "body" and c.id in excluded:
            continue
        if c.kind == "department" and not include_departments:
            continue
        n_score, alias = _name_score(qnames, c.names) if qnames else (0.0, "")
        d_score = float(cosines[i]) if cosines is not None else 0.0
        d_score = min(1.0, max(0.0, d_score))
        weighted_name = n_score ** NAME_EXPONENT * (DEPARTMENT_NAME_WEIGHT if c.kind == "department" else 1.0)
        score = _combine(weighted_name, d_score)
        if score <= MIN_SCORE:
            continue
        shared = _shared_terms(index, i, qvec, qname_words, c)
        out.append(Match(kind=c.kind, id=c.id, name=c.name, status=c.status, score=round(score, 4),
                         name_score=round(n_score, 4), duties_score=round(d_score, 4), shared_terms=shared,
                         matched_alias=alias))
    out.sort(key=lambda m: (-m.score, m.kind != "body", m.name))
    return out[:top] if top else out


def _shared_terms(index: _Index, row: int, qvec, qname_words: set[str], cand: _Candidate) -> tuple[str, ...]:
    """Shared words, most informative first: name words, then by their share of the cosine."""
    picked: list[str] = []
    for w in sorted(qname_words & cand.name_words, key=len, reverse=True):
        picked.append(w)
    if qvec is not None:
        r = index.matrix.getrow(row)
        weights = dict(zip(r.indices.tolist(), r.data.tolist(), strict=True))
        contrib = [(qv * weights[j], index.terms[j]) for j, qv in zip(qvec.indices.tolist(), qvec.data.tolist(),
                                                                          strict=True) if j in weights]
        contrib.sort(key=lambda x: (-x[0], -len(x[1])))
        picked += [t for _w, t in contrib]
    result: list[str] = []
    for t in picked:
        if t in result or any(t in longer for longer in result):
            continue
        # A compound picked after its part takes the part's place (低空经济 → 低空经济发展).
        parts = [i for i, r in enumerate(result) if r in t]
        if parts:
            result[parts[0]] = t
            result = [r for i, r in enumerate(result) if i not in parts[1:]]
        else:
            result.append(t)
        if len(result) >= MAX_SHARED_TERMS:
            break
    return tuple(result)


# ---------------------------------------------------------------------------------------------- the ledger

_CACHE: dict[int, OrderedDict] = {}
_CACHE_PER_REGION = 8


def invalidate(region_id: int | None = None) -> None:
    """Drop cached indexes (of one region, or all). Not needed after ledger writes: see `_fingerprint`."""
    with _LOCK:
        if region_id is None:
            _CACHE.clear()
        else:
            _CACHE.pop(region_id, None)


def _fingerprint(region_id: int) -> tuple:
    """Cheap: changes whenever a body, an event or a department of the region is written, by any process."""
    from django.db.models import Count, Max

    from yixie.org.models import Department

    from .models import Body, LedgerEvent

    ev = LedgerEvent.objects.filter(region_id=region_id).aggregate(m=Max("id"), n=Count("id"))
    bo = Body.objects.filter(region_id=region_id).aggregate(m=Max("updated_at"), n=Count("id"))
    de = Department.objects.filter(region_id=region_id).aggregate(m=Max("updated_at"), n=Count("id"))
    return (ev["m"], ev["n"], bo["m"], bo["n"], de["m"], de["n"])


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def _lines(value) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.splitlines() if v.strip()]
    return [str(v).strip() for v in (value or []) if str(v).strip()]


def _load_candidates(region, on: date | None, recent_years: int) -> list[dict]:
    from django.db.models import Q
    from django.utils import timezone

    from yixie.org.models import Department

    from .choices import BodyStatus
    from .models import Body, LedgerEvent

    day = on or timezone.localdate()
    cutoff = _years_before(day, recent_years)
    raw: list[dict] = []
    if on is None:
        rows = (Body.objects.filter(region=region)
                .filter(Q(status=BodyStatus.ACTIVE) | Q(ended_on__gte=cutoff))
                .values("id", "name", "short_name", "aliases", "former_names", "duties", "status"))
        for b in rows:
            raw.append(_body_raw(b["id"], b["name"], b["status"], b["short_name"], _lines(b["aliases"]),
                                 _lines(b["former_names"]), b["duties"]))
    else:
        rows = (LedgerEvent.objects.in_force_on(on).filter(region=region)
                .filter(Q(status=BodyStatus.ACTIVE) | Q(effective_on__gte=cutoff))
                .values("body_id", "name", "status", "state"))
        for ev in rows:
            s = ev["state"] or {}
            raw.append(_body_raw(ev["body_id"], ev["name"], ev["status"], s.get("short_name", ""),
                                 _lines(s.get("aliases")), _lines(s.get("former_names")), s.get("duties", "")))
    for d in (Department.objects.filter(region=region, is_active=True).exclude(duties="")
              .values("id", "name", "short_name", "duties")):
        names = [(d["name"], True, False)]
        if d["short_name"]:
            names.append((d["short_name"], False, False))
        raw.append({"kind": "department", "id": d["id"], "name": d["name"], "status": "department",
                    "names": names, "duties": d["duties"]})
    return raw


def _body_raw(pk, name, status, short_name, aliases, former_names, duties) -> dict:
    names = [(name, True, False)]
    if short_name:
        names.append((short_name, False, True))
    names += [(a, False, False) for a in aliases]
    names += [(f, False, False) for f in former_names]
    return {"kind": "body", "id": pk, "name": name, "status": status, "names": names, "duties": duties or ""}


def _index_for(region, on: date | None, recent_years: int) -> _Index:
    from django.utils import timezone

    fp = _fingerprint(region.pk)
    key = (on.isoformat() if on else f"today:{timezone.localdate().isoformat()}", recent_years)
    with _LOCK:
        cached = _CACHE.get(region.pk, OrderedDict()).get(key)
        if cached is not None and cached[0] == fp:
            _CACHE[region.pk].move_to_end(key)
            return cached[1]
    region_names = [region.name]
    parent = getattr(region, "parent", None)
    if parent is not None:
        region_names.append(parent.name)
    index = _build_index(_load_candidates(region, on, recent_years), region_names)
    with _LOCK:
        per_region = _CACHE.setdefault(region.pk, OrderedDict())
        per_region[key] = (fp, index)
        per_region.move_to_end(key)
        while len(per_region) > _CACHE_PER_REGION:
            per_region.popitem(last=False)
    return index


def find_overlaps(*, region, name: str, duties: str, aliases: Sequence[str] = (),
                  exclude_body_ids: Iterable[int] = (), on: date | None = None, top: int = 10,
                  include_departments: bool = True, recent_years: int = 3) -> list[Match]:
    """The bodies and departments of `region` closest to a proposal, best first (only score > 0.05).

    Candidates: bodies active on `on` (default: today, from the current rows; with `on`, from the
    ledger events in force that day) or ended within `recent_years` before it, and the region's
    departments with 三定 duties. `exclude_body_ids`: the body being changed, when an application
    adjusts or renames an existing body.
    """
    if region is None:
        return []
    index = _index_for(region, on, recent_years)
    return _query(index, name=name, duties=duties, aliases=aliases, exclude_body_ids=exclude_body_ids, top=top,
                  include_departments=include_departments)


# ---------------------------------------------------------------------------------------------- evidence


def highlight(text: str, terms: Iterable[str]) -> SafeString:
    """The text, HTML-escaped, with each term wrapped in <mark> (longest terms first, no nesting)."""
    text = text or ""
    words = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return mark_safe(escape(text))
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        out.append(escape(text[pos:m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))
