"""The overlap query (spec §2.2, §4): is a proposed body already there, under another name or wording?

On every application the 编办 checks that no existing body, and no department's 三定 duties, already
cover the proposed work. `find_overlaps` compares the proposal's name and duties with every candidate of
the scope's index (`index`) and lists the closest with scores and the shared terms as evidence.

Why a module of its own: this is where the scores are combined and the thresholds live, the part tuned
on the labelled set; it only reads an index, never builds or caches one.

How it scores (the choices are measured on the labelled set in ``tests/overlap_pairs.py``):

- Duties: the proposal's words (`text`) as a TF-IDF row of the index, cosine similarity with every
  candidate. A compound word (a domain term such as 食品安全, or a body's name added to the dictionary)
  also counts its parts, so that 食品安全 in one text still meets 食品 in a reworded one; the whole word,
  rarer, weighs more.
- Names: the best similarity of any query name to any of a candidate's names (`names`).
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

A query scores every candidate at once (rapidfuzz ``cdist`` on the names, numpy for the rest), then
scores the best again one by one with the same functions (`_name_score`, `_combine`), for the alias and
the shared terms.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from .index import _Candidate, _Index, _index_for, _tf_rows, _weighted
from .names import _gram_string, _Name, _name, _name_score
from .text import _terms

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
# A department's 三定 cover many tasks, so each of its sentences is also compared on its own; a
# sentence's cosine counts at this fraction (1.0: as much as a whole text's).
SENTENCE_WEIGHT: float = 1.0
MIN_SCORE: float = 0.05
MAX_SHARED_TERMS: int = 8


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

