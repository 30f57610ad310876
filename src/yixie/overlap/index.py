"""The overlap index of a scope: every candidate's duties as TF-IDF rows and names as arrays, kept
current row by row, and cached per process (docs/decisions/0008-overlap-index.md).

Why a module of its own: the index is the engine's costly state. Building it (every text cut), updating
it after a ledger write (only the changed rows analysed again) and caching it (per scope and day, checked
against a cheap fingerprint on every call) belong together, and apart from the query, which only reads an
index.

Duties: TF-IDF without scikit-learn's vectorizer (sublinear tf, smooth idf, L2 rows: the figures of
``TfidfVectorizer`` fitted on the candidates), kept as raw tf rows so that a candidate can be replaced
without cutting the others again; a department's 三定 are also kept sentence by sentence. Names: one entry
per name of every candidate, for two ``rapidfuzz.process.cdist`` calls per query name.

Each call runs a cheap fingerprint query (latest event id and count, latest body and department
``updated_at`` and count of the scope), so a write made by another app server is seen on the next call;
nothing is shared between processes. When the fingerprint moved, the stamps (``updated_at``) of the scope
are read and only the rows whose stamp changed are loaded and analysed again (`_update_index`); the others
keep their tf rows. numpy and scipy are imported inside the functions (this package is imported while
Django loads its apps).
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import text
from .candidates import _fingerprint, _load_candidates, _scope, _stamps
from .names import _gram_string, _Name, _name, _region_prefixes
from .text import _add_word, _get_tokenizer, _terms


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
        joined = self.__dict__.get("_words_text")
        if joined is None:
            joined = self.__dict__["_words_text"] = "\n".join([self.duties, *(n.core for n in self.names)])
        return joined


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
    return [s for s in text._SENTENCE.split(c.duties) if len(s) >= 8]


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
    with text._LOCK:
        logged = len(text._WORD_LOG)
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
        added = text._WORD_LOG[logged:]
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


# ---------------------------------------------------------------------------------------------- the cache

# (region id, with descendants) → {(day, recent years): (fingerprint, index)}
_CACHE: dict[tuple[int, bool], OrderedDict] = {}
_CACHE_PER_REGION = 8
# When more than this share of the rows of a scope changed (and more than 100), the index is built afresh
# rather than updated (either gives the same index; the update saves nothing then).
_FULL_BUILD_SHARE = 0.5


def invalidate(region_id: int | None = None) -> None:
    """Drop cached indexes (of one region, or all). Not needed after ledger writes: see `_fingerprint`."""
    with text._LOCK:
        if region_id is None:
            _CACHE.clear()
        else:
            for key in [k for k in _CACHE if k[0] == region_id]:
                _CACHE.pop(key, None)


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


def _index_for(region, on: date | None, recent_years: int, include_descendants: bool = False) -> _Index:
    """The cached index of a scope: as it is while the fingerprint holds; else brought up to date with the
    bodies and departments whose stamp changed; built afresh the first time (or after a large change)."""
    from django.utils import timezone

    region_ids, region_names = _scope(region, include_descendants)
    fp = _fingerprint(region_ids)
    key = (on.isoformat() if on else f"today:{timezone.localdate().isoformat()}", recent_years,
           tuple(region_ids), tuple(region_names))
    scope = (region.pk, include_descendants)
    with text._LOCK:
        cached = _CACHE.get(scope, OrderedDict()).get(key)
    if cached is not None and cached[0] == fp:
        with text._LOCK:
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
    with text._LOCK:
        per_region = _CACHE.setdefault(scope, OrderedDict())
        per_region[key] = (fp, index)
        per_region.move_to_end(key)
        while len(per_region) > _CACHE_PER_REGION:
            per_region.popitem(last=False)
    return index


def warm_up(regions: Iterable, *, include_descendants: bool = False) -> int:
    """Build (or bring up to date) the indexes of these regions now, so that the first check of each in
    this process does not pay for it (jieba's dictionary and every text cut once). Returns how many."""
    n = 0
    for region in regions:
        _index_for(region, None, 3, include_descendants)
        n += 1
    return n
