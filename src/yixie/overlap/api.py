"""The overlap engine's public API: what other apps, bench and deploy scripts may use.

Why a module of its own: callers need five functions and a result type, not the engine's layout; they
import from here, and the modules behind it (`text`, `names`, `candidates`, `index`, `search`,
`highlight`) may be cut differently without touching them. Importing it is cheap: jieba, scikit-learn,
numpy, scipy and rapidfuzz are imported on first use.
"""

from .highlight import highlight
from .index import invalidate, warm_up
from .search import HIGH, THRESHOLD, Match, find_overlaps
from .text import tokenize

__all__ = ["HIGH", "THRESHOLD", "Match", "find_overlaps", "highlight", "invalidate", "tokenize", "warm_up"]
