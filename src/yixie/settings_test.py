"""Settings for the test suite: the production settings with static files served from the packages
(no collectstatic manifest needed) and a fast password hasher."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from yixie.settings import *  # noqa: E402,F403
from yixie.settings import STORAGES  # noqa: E402

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Jobs run at once in the test's own process and transaction unless a test starts a real worker (which
# sets YIXIE_JOBS_SYNC=0 for its subprocess; src/yixie/core/tests/test_jobs.py).
from yixie.settings import Q_CLUSTER, env_bool  # noqa: E402

Q_CLUSTER = {**Q_CLUSTER, "sync": env_bool("YIXIE_JOBS_SYNC", True)}

# On SQLite the test database is a file, not shared memory: the live server's request threads then open
# their own connections instead of sharing the test thread's (which Django refuses to close from another
# thread, an "Exception in thread" warning after every browser test).
from yixie.settings import DATABASES, VAR_DIR  # noqa: E402

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_yixie.sqlite3")}
# The live server answers each request on a thread of its own: with persistent connections every such thread
# would leave its PostgreSQL session open after the browser test (a score of them, which the restore test then
# meets as "other users" and the test database's drop waits for). No connection outlives a request here.
DATABASES["default"]["CONN_MAX_AGE"] = 0

# Tests sign users in with force_login: the second factor is asked for only in the tests of it
# (src/yixie/core/tests/test_twofactor.py turns it on through the `settings` fixture).
YIXIE_2FA_REQUIRED = False
