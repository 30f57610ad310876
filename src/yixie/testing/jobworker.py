"""A real job worker (`yixie qcluster`) in a subprocess, on the test database, for tests of jobs.

The tests using it need `@pytest.mark.django_db(transaction=True)`: the worker is another process and
only sees committed rows.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection


def database_url_for_tests() -> str:
    """DATABASE_URL of the database the tests run on (pytest-django's test database, not the real one)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    auth = quote(s.get("USER") or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


class Worker:
    """One `yixie qcluster` process group; `kill()` is a power cut (SIGKILL to all its processes)."""

    def __init__(self, *, timeout: int = 120, retry: int = 150, workers: int = 1, log: Path | None = None):
        if not connection.settings_dict["NAME"]:
            raise RuntimeError("no database")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "yixie.settings_test",
            "DATABASE_URL": database_url_for_tests(),
            "YIXIE_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "YIXIE_JOBS_SYNC": "0",
            "YIXIE_JOB_TIMEOUT": str(timeout),
            "YIXIE_JOB_RETRY": str(retry),
            "YIXIE_JOB_WORKERS": str(workers),
            "YIXIE_JOB_POLL": "0.2",
            "YIXIE_LOG_LEVEL": "INFO",
        }
        self.log = log
        out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen([sys.executable, "-m", "yixie.manage", "qcluster"], env=env,
                                     stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        if log:
            out.close()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole cluster (its guard, workers, monitor and pusher) at once."""
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def wait_for(check: Callable[[], object], *, timeout: float, what: str, every: float = 0.2):
    """Poll `check()` until it returns something true; fail the test with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
