"""The app's pages declared to the generic page tests (each part's declarations live in its own module)."""

from . import test_results_generated  # noqa: F401  (part B: the results pages)
