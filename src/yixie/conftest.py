import pytest
from django.core.management.commands import flush as _flush

from yixie.core import auditchain
from yixie.testing.browser import demo  # noqa: F401 (the journeys' demo city fixture)

_flush_handle = _flush.Command.handle


def _flush_in_maintenance(self, *args, **options):
    # The test database is emptied between transactional tests; the audit journal refuses deletes
    # otherwise (yixie.core.auditchain).
    with auditchain.maintenance():
        return _flush_handle(self, *args, **options)


_flush.Command.handle = _flush_in_maintenance


@pytest.fixture(autouse=True)
def _no_timed_writes_or_reads(monkeypatch):
    """A logged-in session stores its last activity again once a minute (yixie.core.sessions); a slow test
    would then meet one more query in a page it counts. Tests write it at login only, unless they set the
    clock themselves (core/tests/test_sessions.py)."""
    from yixie.core import security, sessions

    monkeypatch.setattr(sessions, "WRITE_EVERY", 24 * 3600)
    # Likewise the security parameters, cached per process for a minute: read once per test (a saved policy
    # clears the cache), never again halfway through a page a test counts.
    security.clear_cache()
    monkeypatch.setattr(security, "CACHE_SECONDS", 24 * 3600)


@pytest.fixture
def city(db):
    from yixie.testing.factories import City

    return City()


@pytest.fixture
def client_for(client):
    """Log a test client in as the given user (bypassing the lockout backend's request requirement)."""

    def login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login


CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (never a downloaded browser build), headless, with no calls home."""
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1400, "height": 900},
            "accept_downloads": True}
