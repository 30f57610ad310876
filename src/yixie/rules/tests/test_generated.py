"""The rules pages' generated tests live beside each part (work rules, disputes); imported here so the check that
every navigation page is declared (yixie/tests/test_generated_pages.py) finds them."""

from . import test_disputes_generated, test_workrules_generated  # noqa: F401
