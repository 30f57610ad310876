"""Words of a text for the overlap engine: jieba with our domain dictionary, stop words, and the tokens
of every text cut in this process.

Why a module of its own: the tokenizer and its dictionary are the one piece of process-wide mutable
state that everything else reads (the index analyses candidates with it, the query its proposal), and
the dictionary grows as indexes are built. Keeping the dictionary, its growth log and the token cache
in one place keeps the invariant in one place: cached tokens are always those a fresh cut would give
with the process's current dictionary (docs/decisions/0008-overlap-index.md).

The private jieba dictionary grows by the names of the scopes indexed in the process. A text's tokens
are cached (`_tokens`) with the point of the dictionary's growth they were cut at, and are cut again
only when a word added since occurs in the text: a new word can change no other text, since words are
added without raising jieba's total frequency (`_add_word`). Since a compound is always counted with its
parts (`_terms`), the dictionary's history moves scores only slightly (the compound's own weight), but two
processes that indexed different regions first may differ in the second decimal.

jieba and scikit-learn are imported on first use (`_get_tokenizer`), never at import time: this package
is imported when Django loads its apps.
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
from collections.abc import Iterable
from pathlib import Path

# Whether domain terms (食品安全) also count as their parts (食品, 安全); body names always do.
EXPAND_TERM_PARTS: bool = True

_HERE = Path(__file__).resolve().parent
TERMS_FILE = _HERE / "overlap_terms.txt"
STOPWORDS_FILE = _HERE / "overlap_stopwords.txt"

# Sentences of a duties text (a department's 三定 are also compared sentence by sentence).
_SENTENCE = re.compile(r"[。；;！!？?\n]+")

# One lock for the overlap engine's process-wide state: the dictionary and the token cache here, and the
# index cache of `index` (which takes this same lock).
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
