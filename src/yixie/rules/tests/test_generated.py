"""The rules capability's pages for the generated page tests (yixie.testing.views): each part declares its own,
imported here so the check that every navigation page is declared (yixie/tests/test_generated_pages.py) finds
them."""

from . import test_disputes_generated  # noqa: F401
