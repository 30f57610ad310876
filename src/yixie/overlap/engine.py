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

Scope: the region's own bodies and departments, or with ``include_descendants`` those of every region
below it too (a province, or a city and its counties, in one index; the regions' names are all prefixes).

Indexes are cached per process and scope, and kept current (docs/decisions/0008-overlap-index.md): each
call runs a cheap fingerprint query (latest event id and count, latest body and department ``updated_at``
and count of the scope), so a write made by another app server is seen on the next call; nothing is
shared between processes. When the fingerprint moved, the ``updated_at`` of every body and department of
the scope is read and only the rows whose stamp changed are loaded and analysed again (`_update_index`);
the others keep their tf rows. (A write whose ``updated_at`` is older than the scope's latest, which only
clock skew between app servers can produce, and which records no event, would be seen at the next write.)
A query scores every candidate at once (rapidfuzz ``cdist`` on the names, numpy for the rest), then
scores the best again one by one with the same functions, for the alias and the shared terms.

The private jieba dictionary grows by the names of the scopes indexed in the process. A text's tokens
are cached (`_tokens`) with the point of the dictionary's growth they were cut at, and are cut again
only when a word added since occurs in the text: a new word can change no other text, since words are
added without raising jieba's total frequency. So cached tokens are always those a fresh cut would
give, in this process. Since a compound is always counted with its parts, the dictionary's history
moves scores only slightly (the compound's own weight), but two processes that indexed different
regions first may differ in the second decimal.
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["HIGH", "THRESHOLD", "Match", "find_overlaps", "highlight", "invalidate", "tokenize", "warm_up"]

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
# The words given parts after the domain dictionary was loaded (body and department names), in order:
# the private dictionary only grows, and a text's tokens (and their parts) can change only if one of
# these words occurs in it. `tokenize` and `_update_index` use this log to tell stale tokens from good.
_WORD_LOG: list[str] = []
# Tokens of each text seen, with the length of _WORD_LOG they were cut at (see `tokenize`).
_TOKENS: dict[str, tuple[int, tuple[str, ...]]] = {}
_TOKEN_CACHE_MAX = 400_000
# Beyond this many words added since a text was cut, cutting it again is cheaper than checking them.
_RECHECK_MAX = 2_000
_WORDS: dict[str, str] = {}  # one string object per distinct token
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
                _add_word(tk, term, None if EXPAND_TERM_PARTS else (), log=False)
            _tokenizer = tk
    return _tokenizer


def _keep(word: str) -> bool:
    return len(word) > 1 and word not in _STOP and bool(_CJK_OR_ALNUM.search(word))


def _add_word(tk, word: str, parts: Iterable[str] | None = None, *, log: bool = True) -> None:
    """Add a word to the private dictionary, remembering what it was made of before.

    jieba's ``add_word`` also raises the dictionary's total frequency, which shifts the weight of every
    path through every text a little; the total is left as loaded here, so that a new word can change
    only the texts it occurs in (which is what lets `tokenize` keep the tokens of the others)."""
    if len(word) < 2 or word in _PARTS:
        return
    if parts is None:
        parts = tk.lcut(word, HMM=False)
    kept = tuple(p for p in dict.fromkeys(parts) if p != word and _keep(p))
    _PARTS[word] = kept
    if log:
        _WORD_LOG.append(word)
    if not tk.FREQ.get(word):
        tk.FREQ[word] = tk.suggest_freq(word, False)
        for i in range(1, len(word)):
            tk.FREQ.setdefault(word[:i], 0)


def _stale(text: str, since: int) -> bool:
    """Whether a word added after position `since` of _WORD_LOG may cut `text` otherwise."""
    if since >= len(_WORD_LOG):
        return False
    if len(_WORD_LOG) - since > _RECHECK_MAX:
        return True
    return any(w in text for w in itertools.islice(_WORD_LOG, since, None))


def _tokens(text: str) -> tuple[str, ...]:
    """`tokenize`, cached: a text is cut again only when a word added since occurs in it."""
    tk = _get_tokenizer()
    with _LOCK:
        hit = _TOKENS.get(text)
        now = len(_WORD_LOG)
        if hit is not None and (hit[0] == now or not _stale(text, hit[0])):
            if hit[0] != now:
                _TOKENS[text] = (now, hit[1])
            return hit[1]
        words = tuple(_WORDS.setdefault(w, w) for w in (w.lower() for w in tk.lcut(text, HMM=False) if _keep(w)))
        if len(_TOKENS) >= _TOKEN_CACHE_MAX:
            _TOKENS.clear()
        _TOKENS[text] = (now, words)
        return words


def tokenize(text: str) -> list[str]:
    """Words of a text: jieba with the domain dictionary; stop words and one-character tokens removed."""
    if not text:
        return []
    return list(_tokens(text))


def _terms(text: str, extra_stop: frozenset[str] = frozenset()) -> list[str]:
    """The analyzer of the duties index: the words, plus the parts of compound words."""
    out: list[str] = []
    for w in _tokens(text) if text else ():
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
    grams: tuple[str, ...] = ()  # each name's spec as bigram codes (see `_Index.codes`)

    @property
    def words_text(self) -> str:
        """The texts whose cut a word added to the dictionary may change: the duties and the name cores."""
        text = self.__dict__.get("_words_text")
        if text is None:
            text = self.__dict__["_words_text"] = "\n".join([self.duties, *(n.core for n in self.names)])
        return text


@dataclass
class _Index:
    """Every candidate of a scope, with what a query needs as arrays.

    Duties: TF-IDF (sublinear tf, smooth idf, L2 rows; the same figures as scikit-learn's
    ``TfidfVectorizer`` fitted on the candidates) kept as the raw tf rows and recomputed weights, so that
    a candidate can be replaced without cutting the others again. Names: one entry per name of every
    candidate (owner row, spec, spec as bigram codes, normalised form, core, abbreviation flag), scored
    for a query with two ``rapidfuzz.process.cdist`` calls and numpy masks."""

    candidates: list[_Candidate]
    prefixes: tuple[str, ...]
    extra_stop: frozenset[str]
    region_names: tuple[str, ...] = ()
    # (kind, id) → updated_at of every body and department of the scope, candidate or not.
    stamps: dict = field(default_factory=dict)
    # duties
    vocabulary: dict[str, int] = field(default_factory=dict)
    terms: list[str] = field(default_factory=list)
    tf: object | None = None  # candidates × terms, 1 + ln(count)
    chunk_tf: object | None = None  # departments' sentences × terms
    chunk_owner: object | None = None  # candidate row of each sentence
    idf: object | None = None
    matrix: object | None = None  # candidates × terms, rows L2-normalised
    chunks: object | None = None  # sentences × terms, rows L2-normalised
    # names
    codes: dict[str, str] = field(default_factory=dict)  # bigram → one character standing for it
    owner: object | None = None
    specs: list[str] = field(default_factory=list)
    grams: list[str] = field(default_factory=list)
    norms: object | None = None
    cores: object | None = None
    abbreviation: object | None = None
    is_department: object | None = None
    body_ids: object | None = None  # Body.pk per row, -1 for a department
    build_seconds: float = 0.0
    analysed: int = 0  # candidates analysed by the build or update that made this index

    @property
    def vectorizer(self):  # the duties index exists (some candidate has a word left after stop words)
        return self if self.terms else None


def _region_prefixes(region_names: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for n in region_names:
        if not n:
            continue
        out.append(n)
        if len(n) > 2 and n[-1] in "市县区":
            out.append(n[:-1])
    return tuple(sorted(dict.fromkeys(out), key=len, reverse=True))


def _code(i: int) -> str:
    """The i-th character standing for a bigram (any character will do; surrogates are skipped)."""
    c = 0x100 + i
    return chr(c + 0x800 if c >= 0xD800 else c)


def _gram_string(spec: str, codes: dict[str, str], local: dict[str, str] | None = None) -> str:
    """A spec's bigrams as one string, a character per bigram, so that rapidfuzz compares bigram sequences
    as fast as strings. `local`: codes for bigrams the index does not know (a query's), never stored."""
    out = []
    for b in _bigrams(spec):
        ch = codes.get(b)
        if ch is None:
            if local is None:
                ch = codes[b] = _code(len(codes))
            else:
                ch = local.get(b) or local.setdefault(b, _code(len(codes) + len(local)))
        out.append(ch)
    return "".join(out)


def _tf_rows(docs: Sequence[Sequence[str]], vocabulary: dict[str, int], terms: list[str] | None):
    """Sublinear tf rows (1 + ln count) of term lists; new terms are added to `vocabulary` when `terms`
    is given, else left out (as a fitted vectorizer's ``transform`` does)."""
    import numpy as np
    from scipy import sparse

    indptr, indices, data = [0], [], []
    for doc in docs:
        counts: dict[int, int] = {}
        for t in doc:
            j = vocabulary.get(t)
            if j is None:
                if terms is None:
                    continue
                j = vocabulary[t] = len(terms)
                terms.append(t)
            counts[j] = counts.get(j, 0) + 1
        indices.extend(counts)
        data.extend(counts.values())
        indptr.append(len(indices))
    values = np.asarray(data, dtype=np.float64)
    np.log(values, out=values)
    values += 1.0
    return sparse.csr_matrix((values, np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
                             shape=(len(docs), len(vocabulary)))


def _weighted(tf, idf):
    """tf × idf with rows L2-normalised (zero rows stay zero)."""
    import numpy as np

    m = tf.copy()
    m.data *= idf[m.indices]
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    norms = np.sqrt(np.bincount(rows, weights=m.data * m.data, minlength=m.shape[0]))
    norms[norms == 0] = 1.0
    m.data /= norms[rows]
    return m


def _sentences(c: _Candidate) -> list[str]:
    if c.kind != "department":
        return []
    return [s for s in _SENTENCE.split(c.duties) if len(s) >= 8]


def _candidate(r: dict, prefixes: Sequence[str]) -> _Candidate:
    dept = r["kind"] == "department"
    names = tuple(_name(label, prefixes, is_main=is_main, short=short, department=dept)
                  for label, is_main, short in r["names"] if label and label.strip())
    return _Candidate(r["kind"], r["id"], r["name"], r["status"], names, r.get("duties") or "")


def _build_index(raw: Sequence[dict], region_names: Sequence[str], stamps: dict | None = None) -> _Index:
    """An index over candidate dicts: kind, id, name, status, names [(label, is_main, short)], duties."""
    prefixes = _region_prefixes(region_names)
    empty = _Index([], prefixes, frozenset(p for p in prefixes if len(p) >= 2), tuple(region_names))
    return _update_index(empty, raw, set(), stamps or {})


def _update_index(old: _Index, raw: Sequence[dict], drop: set[tuple[str, int]], stamps: dict) -> _Index:
    """A new index: `old` without the candidates in `drop` or in `raw`, with those of `raw` (new or
    changed). The unchanged candidates keep their tf rows, unless a word added to the dictionary by the
    new names occurs in their texts (then they are analysed again, as a full build would). `old` is not
    modified (a query may be running on it)."""
    import numpy as np
    from scipy import sparse

    started = time.perf_counter()
    tk = _get_tokenizer()
    prefixes, extra_stop = old.prefixes, old.extra_stop
    fresh = [_candidate(r, prefixes) for r in raw]
    replaced = drop | {(c.kind, c.id) for c in fresh}
    with _LOCK:
        logged = len(_WORD_LOG)
        # The candidates' names become words (a name in a duties text is strong evidence), the core too.
        for c in fresh:
            for n in c.names:
                if n.abbreviation:
                    continue
                core_parts = tk.lcut(n.core, HMM=False) if len(n.core) >= 2 else []
                if len(n.core) >= 3:
                    _add_word(tk, n.core, core_parts)
                if len(n.norm) >= 4:
                    _add_word(tk, n.norm, [n.core, *core_parts])
        added = _WORD_LOG[logged:]
    keep: list[int] = []
    added_pattern = re.compile("|".join(re.escape(w) for w in sorted(set(added), key=len, reverse=True))) if added else None
    for i, c in enumerate(old.candidates):
        if (c.kind, c.id) in replaced:
            continue
        if added_pattern is not None and added_pattern.search(c.words_text):
            fresh.append(_Candidate(c.kind, c.id, c.name, c.status, c.names, c.duties))  # analysed again
            continue
        keep.append(i)
    codes = old.codes  # only grows; a code is never reused
    for c in fresh:
        c.name_words = frozenset(w for n in c.names if not n.abbreviation for w in _terms(n.core, extra_stop))
        c.grams = tuple(_gram_string(n.spec, codes) for n in c.names)
    index = _Index([old.candidates[i] for i in keep] + fresh, prefixes, extra_stop, old.region_names,
                   stamps=stamps, codes=codes)

    # Duties: tf rows of the kept candidates as they were, new rows for the others.
    vocabulary, terms = dict(old.vocabulary), list(old.terms)
    new_tf = _tf_rows([_terms(c.duties, extra_stop) for c in fresh], vocabulary, terms)
    new_sentences = [(len(keep) + k, s) for k, c in enumerate(fresh) for s in _sentences(c)]
    new_chunk_tf = _tf_rows([_terms(s, extra_stop) for _o, s in new_sentences], vocabulary, None)
    width = len(terms)
    if old.tf is not None and keep:
        kept_tf = old.tf[np.asarray(keep)]
        kept_tf.resize(len(keep), width)
        tf = sparse.vstack([kept_tf, _resized(new_tf, width)], format="csr")
        renumber = np.full(len(old.candidates), -1)
        renumber[np.asarray(keep)] = np.arange(len(keep))
        owners = renumber[old.chunk_owner]
        kept_chunks = old.chunk_tf[np.nonzero(owners >= 0)[0]]
        kept_chunks.resize(kept_chunks.shape[0], width)
        chunk_tf = sparse.vstack([kept_chunks, _resized(new_chunk_tf, width)], format="csr")
        chunk_owner = np.concatenate([owners[owners >= 0], np.asarray([o for o, _s in new_sentences], dtype=int)])
    else:
        tf, chunk_tf = _resized(new_tf, width), _resized(new_chunk_tf, width)
        chunk_owner = np.asarray([o for o, _s in new_sentences], dtype=int)
    n = tf.shape[0]
    df = np.bincount(tf.indices, minlength=width)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    idf[df == 0] = 0.0  # a term only removed candidates had: not in the vocabulary of a fresh fit
    index.vocabulary, index.terms, index.tf, index.chunk_tf, index.chunk_owner, index.idf = (
        vocabulary, terms, tf, chunk_tf, chunk_owner, idf)
    if df.any():
        index.matrix, index.chunks = _weighted(tf, idf), _weighted(chunk_tf, idf)
    else:
        index.terms = []

    # Names: one entry per name of every candidate — the kept candidates' entries taken from `old` (renumbered),
    # the fresh ones' appended; per-candidate arrays likewise.
    entries = [(len(keep) + k, n, g) for k, c in enumerate(fresh) for n, g in zip(c.names, c.grams, strict=True)]
    fresh_owner = np.asarray([row for row, _n, _g in entries], dtype=np.int64)
    fresh_norms = np.asarray([n.norm for _r, n, _g in entries] or [""], dtype=object)[: len(entries)]
    fresh_cores = np.asarray([n.core for _r, n, _g in entries] or [""], dtype=object)[: len(entries)]
    fresh_abbreviation = np.asarray([n.abbreviation for _r, n, _g in entries], dtype=bool)
    fresh_department = np.asarray([c.kind == "department" for c in fresh], dtype=bool)
    fresh_body_ids = np.asarray([c.id if c.kind == "body" else -1 for c in fresh], dtype=np.int64)
    if keep and old.owner is not None:
        kept = np.asarray(keep)
        renumber = np.full(len(old.candidates), -1)
        renumber[kept] = np.arange(len(keep))
        rows = np.nonzero(renumber[old.owner] >= 0)[0]
        index.owner = np.concatenate([renumber[old.owner[rows]], fresh_owner])
        index.specs = [old.specs[r] for r in rows.tolist()] + [n.spec for _r, n, _g in entries]
        index.grams = [old.grams[r] for r in rows.tolist()] + [g for _r, _n, g in entries]
        index.norms = np.concatenate([old.norms[rows], fresh_norms])
        index.cores = np.concatenate([old.cores[rows], fresh_cores])
        index.abbreviation = np.concatenate([old.abbreviation[rows], fresh_abbreviation])
        index.is_department = np.concatenate([old.is_department[kept], fresh_department])
        index.body_ids = np.concatenate([old.body_ids[kept], fresh_body_ids])
    else:
        index.owner, index.specs, index.grams = fresh_owner, [n.spec for _r, n, _g in entries], [g for _r, _n, g in entries]
        index.norms, index.cores, index.abbreviation = fresh_norms, fresh_cores, fresh_abbreviation
        index.is_department, index.body_ids = fresh_department, fresh_body_ids
    index.analysed = len(fresh)
    index.build_seconds = time.perf_counter() - started
    return index


def _resized(m, width: int):
    m.resize(m.shape[0], width)
    return m


def _combine(name_score: float, duties_score: float) -> float:
    hi = max(name_score, duties_score)
    return W_MAX * hi + (1 - W_MAX) * (name_score + duties_score) / 2


def _query_vector(index: _Index, duties: str):
    """The proposal's duties as a TF-IDF row of the index (None when it shares no word with it)."""
    if not index.terms or not duties or not duties.strip():
        return None
    q = _tf_rows([_terms(duties, index.extra_stop)], index.vocabulary, None)
    q.resize(1, len(index.terms))
    q = _weighted(q, index.idf)
    q.eliminate_zeros()
    return q if q.nnz else None


def _name_scores(index: _Index, qnames: Sequence[_Name]):
    """Every candidate's best name similarity to any query name (`_name_score`, for all rows at once)."""
    import numpy as np
    from rapidfuzz.distance import Indel
    from rapidfuzz.process import cdist

    best = np.zeros(len(index.candidates))
    if not qnames or not index.specs:
        return best
    empty = np.asarray([not s for s in index.specs])
    local: dict[str, str] = {}
    for q in qnames:
        exact = index.norms == q.norm
        same_core = (index.cores == q.core) & ~index.abbreviation & (not q.abbreviation)
        if q.abbreviation:
            sim = np.zeros(len(index.specs))
        else:
            chars = cdist([q.spec], index.specs, scorer=Indel.normalized_similarity, dtype=np.float64, workers=1)[0]
            grams = cdist([_gram_string(q.spec, index.codes, local)], index.grams,
                          scorer=Indel.normalized_similarity, dtype=np.float64, workers=1)[0]
            sim = np.where(empty | (not q.spec), 0.0, (chars + grams) / 2)
        sim = np.where(exact | same_core, 1.0, np.where(index.abbreviation, 0.0, sim))
        np.maximum.at(best, index.owner, np.round(sim, 9))
    return best


def _query(index: _Index, *, name: str, duties: str, aliases: Sequence[str] = (),
           exclude_body_ids: Iterable[int] = (), top: int = 10, include_departments: bool = True) -> list[Match]:
    """The candidates closest to a proposal, best first: every candidate scored with numpy, then the
    best (and whatever ties with them) scored again one by one, for the alias and the shared terms."""
    import numpy as np

    prefixes = index.prefixes
    qnames = [_name(name, prefixes, is_main=True)] if name and name.strip() else []
    qnames += [_name(a, prefixes, is_main=False) for a in aliases if a and a.strip()]
    qvec = _query_vector(index, duties)
    n_rows = len(index.candidates)
    if qvec is not None:
        cosines = (index.matrix @ qvec.T).toarray().ravel()
        if index.chunks is not None and index.chunks.shape[0]:
            np.maximum.at(cosines, index.chunk_owner, SENTENCE_WEIGHT * (index.chunks @ qvec.T).toarray().ravel())
        cosines = np.clip(cosines, 0.0, 1.0)
    else:
        cosines = np.zeros(n_rows)
    name_scores = _name_scores(index, qnames)
    weighted = name_scores ** NAME_EXPONENT * np.where(index.is_department, DEPARTMENT_NAME_WEIGHT, 1.0)
    scores = W_MAX * np.maximum(weighted, cosines) + (1 - W_MAX) * (weighted + cosines) / 2
    eligible = scores > MIN_SCORE
    excluded = list(exclude_body_ids)
    if excluded:
        eligible &= ~np.isin(index.body_ids, np.asarray(excluded, dtype=np.int64))
    if not include_departments:
        eligible &= ~index.is_department
    rows = np.nonzero(eligible)[0]
    if top and len(rows) > top:
        # The `top` best and every candidate that may round to the score of the last of them (ties go by name).
        floor = np.partition(scores[rows], len(rows) - top)[len(rows) - top]
        rows = rows[scores[rows] >= floor - 1.5e-4]
    qname_words = {w for n in qnames if not n.abbreviation for w in _terms(n.core, index.extra_stop)}
    found: list[tuple[float, int, float, float, str]] = []
    for i in rows.tolist():
        c = index.candidates[i]
        n_score, alias = _name_score(qnames, c.names) if qnames else (0.0, "")
        d_score = float(cosines[i])
        score = _combine(n_score ** NAME_EXPONENT * (DEPARTMENT_NAME_WEIGHT if c.kind == "department" else 1.0),
                         d_score)
        if score > MIN_SCORE:
            found.append((score, i, n_score, d_score, alias))
    found.sort(key=lambda f: (-round(f[0], 4), index.candidates[f[1]].kind != "body", index.candidates[f[1]].name,
                              index.candidates[f[1]].id))
    out = []
    for score, i, n_score, d_score, alias in found[:top] if top else found:
        c = index.candidates[i]
        out.append(Match(kind=c.kind, id=c.id, name=c.name, status=c.status, score=round(score, 4),
                         name_score=round(n_score, 4), duties_score=round(d_score, 4),
                         shared_terms=_shared_terms(index, i, qvec, qname_words, c), matched_alias=alias))
    return out


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

# (region id, with descendants) → {(day, recent years): (fingerprint, index)}
_CACHE: dict[tuple[int, bool], OrderedDict] = {}
_CACHE_PER_REGION = 8
# When more than this share of the rows of a scope changed (and more than 100), the index is built afresh
# rather than updated (either gives the same index; the update saves nothing then).
_FULL_BUILD_SHARE = 0.5


def invalidate(region_id: int | None = None) -> None:
    """Drop cached indexes (of one region, or all). Not needed after ledger writes: see `_fingerprint`."""
    with _LOCK:
        if region_id is None:
            _CACHE.clear()
        else:
            for key in [k for k in _CACHE if k[0] == region_id]:
                _CACHE.pop(key, None)


def _fingerprint(region_ids: Sequence[int]) -> tuple:
    """Cheap: changes whenever a body, an event or a department of the regions is written, by any process."""
    from django.db.models import Count, Max

    from yixie.ledger.models import Body, LedgerEvent
    from yixie.org.models import Department

    where = {"region_id": region_ids[0]} if len(region_ids) == 1 else {"region_id__in": region_ids}
    ev = LedgerEvent.objects.filter(**where).aggregate(m=Max("id"), n=Count("id"))
    bo = Body.objects.filter(**where).aggregate(m=Max("updated_at"), n=Count("id"))
    de = Department.objects.filter(**where).aggregate(m=Max("updated_at"), n=Count("id"))
    return (ev["m"], ev["n"], bo["m"], bo["n"], de["m"], de["n"])


def _stamps(region_ids: Sequence[int], since=None) -> dict:
    """(kind, id) → updated_at of every body and department of the regions (with `since`, of those
    stamped at or after it): what changed since an index was built is what has another stamp (every
    ledger write saves the body, which sets updated_at)."""
    from yixie.ledger.models import Body
    from yixie.org.models import Department

    recent = {} if since is None else {"updated_at__gte": since}
    out = {("body", pk): at for pk, at in Body.objects.filter(region_id__in=region_ids, **recent)
           .values_list("id", "updated_at")}
    out.update({("department", pk): at for pk, at in Department.objects.filter(region_id__in=region_ids, **recent)
                .values_list("id", "updated_at")})
    return out


# A transaction commits after it stamped its rows, so a row may appear with a stamp older than the newest
# one an index was made from. Rows stamped within this window before that newest stamp are read again on
# every update; a transaction longer than this (or clocks of app servers further apart) would be missed
# until the next full build (the next day at the latest).
STAMP_WINDOW = timedelta(hours=1)


def _current_stamps(old: _Index, region_ids: Sequence[int], fp: tuple) -> dict:
    """The stamps of the scope now, reading only the recent ones when that is enough: when the counts of
    the fingerprint say that no row left the scope, a row stamped before the window did not change."""
    newest = max(old.stamps.values(), default=None)
    if newest is None:
        return _stamps(region_ids)
    recent = _stamps(region_ids, since=newest - STAMP_WINDOW)
    stamps = {**old.stamps, **recent}
    counts = {"body": 0, "department": 0}
    for kind, _pk in stamps:
        counts[kind] += 1
    if (counts["body"], counts["department"]) != (fp[3], fp[5]):  # a row left the scope (or moved region)
        return _stamps(region_ids)
    return stamps


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def _lines(value) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.splitlines() if v.strip()]
    return [str(v).strip() for v in (value or []) if str(v).strip()]


def _load_candidates(regions, on: date | None, recent_years: int, *, body_ids: Iterable[int] | None = None,
                     department_ids: Iterable[int] | None = None) -> list[dict]:
    """The candidates of a region (a Region) or of several (their ids); only the given bodies and
    departments when `body_ids` / `department_ids` are given."""
    from django.db.models import Q
    from django.utils import timezone

    from yixie.ledger.choices import BodyStatus
    from yixie.ledger.models import Body, LedgerEvent
    from yixie.org.models import Department

    region_ids = [regions.pk] if hasattr(regions, "pk") else list(regions)
    day = on or timezone.localdate()
    cutoff = _years_before(day, recent_years)
    raw: list[dict] = []
    if on is None:
        rows = (Body.objects.filter(region_id__in=region_ids)
                .filter(Q(status=BodyStatus.ACTIVE) | Q(ended_on__gte=cutoff)))
        if body_ids is not None:
            rows = rows.filter(pk__in=list(body_ids))
        for b in rows.values("id", "name", "short_name", "aliases", "former_names", "duties", "status"):
            raw.append(_body_raw(b["id"], b["name"], b["status"], b["short_name"], _lines(b["aliases"]),
                                 _lines(b["former_names"]), b["duties"]))
    else:
        rows = (LedgerEvent.objects.in_force_on(on).filter(region_id__in=region_ids)
                .filter(Q(status=BodyStatus.ACTIVE) | Q(effective_on__gte=cutoff)))
        if body_ids is not None:
            rows = rows.filter(body_id__in=list(body_ids))
        for ev in rows.values("body_id", "name", "status", "state"):
            s = ev["state"] or {}
            raw.append(_body_raw(ev["body_id"], ev["name"], ev["status"], s.get("short_name", ""),
                                 _lines(s.get("aliases")), _lines(s.get("former_names")), s.get("duties", "")))
    departments = Department.objects.filter(region_id__in=region_ids, is_active=True).exclude(duties="")
    if department_ids is not None:
        departments = departments.filter(pk__in=list(department_ids))
    for d in departments.values("id", "name", "short_name", "duties"):
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


def _scope(region, include_descendants: bool) -> tuple[list[int], list[str]]:
    """The region ids of a scope and the region names that prefix its names (the scope's and the parent's)."""
    from yixie.org.models import Region
    from yixie.org.scopes import region_subtree_ids

    parent = getattr(region, "parent", None)
    parent_names = [parent.name] if parent is not None else []
    if not include_descendants:
        return [region.pk], [region.name, *parent_names]
    ids = region_subtree_ids({region.pk})
    names = dict(Region.objects.filter(pk__in=ids).values_list("id", "name"))
    return sorted(ids), [region.name, *parent_names, *(names[i] for i in sorted(ids) if i != region.pk)]


def _index_for(region, on: date | None, recent_years: int, include_descendants: bool = False) -> _Index:
    """The cached index of a scope: as it is while the fingerprint holds; else brought up to date with the
    bodies and departments whose stamp changed; built afresh the first time (or after a large change)."""
    from django.utils import timezone

    region_ids, region_names = _scope(region, include_descendants)
    fp = _fingerprint(region_ids)
    key = (on.isoformat() if on else f"today:{timezone.localdate().isoformat()}", recent_years,
           tuple(region_ids), tuple(region_names))
    scope = (region.pk, include_descendants)
    with _LOCK:
        cached = _CACHE.get(scope, OrderedDict()).get(key)
    if cached is not None and cached[0] == fp:
        with _LOCK:
            if key in _CACHE.get(scope, {}):
                _CACHE[scope].move_to_end(key)
        return cached[1]
    stamps = _current_stamps(cached[1], region_ids, fp) if cached is not None else _stamps(region_ids)
    index = None
    if cached is not None:
        old = cached[1]
        changed = {k for k, at in stamps.items() if old.stamps.get(k) != at}
        gone = {k for k in old.stamps if k not in stamps}
        if len(changed) + len(gone) <= max(100, _FULL_BUILD_SHARE * len(old.stamps)):
            raw = _load_candidates(region_ids, on, recent_years,
                                   body_ids=[pk for kind, pk in changed if kind == "body"],
                                   department_ids=[pk for kind, pk in changed if kind == "department"])
            # A changed row that is no longer a candidate (abolished long ago, department without 三定) drops out.
            index = _update_index(old, raw, changed | gone, stamps)
    if index is None:
        index = _build_index(_load_candidates(region_ids, on, recent_years), region_names, stamps)
    with _LOCK:
        per_region = _CACHE.setdefault(scope, OrderedDict())
        per_region[key] = (fp, index)
        per_region.move_to_end(key)
        while len(per_region) > _CACHE_PER_REGION:
            per_region.popitem(last=False)
    return index


def find_overlaps(*, region, name: str, duties: str, aliases: Sequence[str] = (),
                  exclude_body_ids: Iterable[int] = (), on: date | None = None, top: int = 10,
                  include_departments: bool = True, recent_years: int = 3,
                  include_descendants: bool = False) -> list[Match]:
    """The bodies and departments of `region` closest to a proposal, best first (only score > 0.05).

    Candidates: bodies active on `on` (default: today, from the current rows; with `on`, from the
    ledger events in force that day) or ended within `recent_years` before it, and the region's
    departments with 三定 duties; with `include_descendants`, those of every region below it too (a
    province, or a city and its counties, in one index). `exclude_body_ids`: the body being changed,
    when an application adjusts or renames an existing body.
    """
    if region is None:
        return []
    index = _index_for(region, on, recent_years, include_descendants)
    return _query(index, name=name, duties=duties, aliases=aliases, exclude_body_ids=exclude_body_ids, top=top,
                  include_departments=include_departments)


def warm_up(regions: Iterable, *, include_descendants: bool = False) -> int:
    """Build (or bring up to date) the indexes of these regions now, so that the first check of each in
    this process does not pay for it (jieba's dictionary and every text cut once). Returns how many."""
    n = 0
    for region in regions:
        _index_for(region, None, 3, include_descendants)
        n += 1
    return n


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
