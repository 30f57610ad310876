"""Names of bodies and departments, and how alike two of them are.

Why a module of its own: name rules are tuned by hand on the labelled pairs (suffixes, generic words,
rounds of a census) and need neither the dictionary nor the index; kept apart, they are read and changed
without the rest.

Each name is cut down to its core (region prefix, 市委/市, the form suffix 领导小组/委员会/… removed),
then to its specific words (generic words such as 工作/推进/全面 and rounds such as 第五次全国 removed),
and compared with rapidfuzz on the characters and on the character bigrams (bigrams keep 招商引资 and
招才引智 apart, which share half their characters and none of their meaning). Aliases, 简称 and former
names are compared too; an abbreviation (a short core such as 安委会) counts only when it is identical,
so 市森防指 does not meet 市防指. `_name_score` is the per-candidate rule; the query applies the same
rule to every candidate at once (`search._name_scores`), with the bigrams as strings of one private
character per bigram (`_gram_string`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
