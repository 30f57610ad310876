"""One settings module, driven by environment variables (12-factor).

SQLite under ./var by default for a trial on one machine; PostgreSQL through DATABASE_URL.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("YIXIE_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("YIXIE_DEBUG", False)

#: The key earlier versions used when none was set, and the placeholder of deploy/yixie.env.example: a key
#: everybody knows, refused unless YIXIE_DEBUG is on (docs/decisions/0020).
TRIAL_SECRET_KEYS = {"insecure-trial-key-change-me-in-production-0123456789", "CHANGE-ME-to-50-random-characters"}


def install_secret_key(var_dir: Path) -> str:
    """The key of this installation when YIXIE_SECRET_KEY is not set: made once, at random, in
    YIXIE_VAR_DIR/secret_key (readable by the owner only), then read from there. Good for one server;
    several servers behind a load balancer must share one YIXIE_SECRET_KEY instead."""
    import secrets
    import tempfile

    path = var_dir / "secret_key"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=var_dir, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as f:  # mkstemp makes the file 0600
                f.write(secrets.token_urlsafe(50))
            try:
                os.link(tmp, path)  # atomic, and never over a key another process made first
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("YIXIE_SECRET_KEY") or install_secret_key(VAR_DIR)
if not DEBUG and SECRET_KEY in TRIAL_SECRET_KEYS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "YIXIE_SECRET_KEY 是公开的试用密钥，生产模式（YIXIE_DEBUG 关闭）下拒绝启动：请设置随机密钥，"
        "或不设置以使用本机自动生成的密钥。 / YIXIE_SECRET_KEY is the public trial key, refused when "
        "YIXIE_DEBUG is off: set a random key (python -c \"import secrets; print(secrets.token_urlsafe(50))\"), "
        "or leave it unset to use the key generated under YIXIE_VAR_DIR."
    )
ALLOWED_HOSTS = [h for h in os.environ.get("YIXIE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("YIXIE_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "yixie.core.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_fsm",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "js_lib_htmx",
    "js_lib_bootstrap5",
    "django_q",
    "yixie.core",
    "yixie.org",
    "yixie.ledger",
    "yixie.meetings",
    "yixie.overlap",
    "yixie.leaderload",
    "yixie.approvals",
    "yixie.campaigns",
    "yixie.evaluation",
    "yixie.rules",
    "yixie.insight",
    "yixie.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "yixie.core.audit.ClientAddressMiddleware",
    "yixie.core.guards.ControlCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # below WhiteNoise: static files keep their long cache headers
    "yixie.core.sessions.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "yixie.core.sessions.IdleTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "yixie.core.twofactor.TwoFactorMiddleware",
    "yixie.core.passwords.PasswordExpiryMiddleware",
    "yixie.core.access.AccessMiddleware",
]

# Two-factor login (TOTP; yixie.core.twofactor, docs/decisions/0021): required for superusers, the three
# administrators and 编办 unless YIXIE_2FA_REQUIRED=0 (the demo's `make run` only).
YIXIE_2FA_REQUIRED = env_bool("YIXIE_2FA_REQUIRED", True)
OTP_TOTP_ISSUER = os.environ.get("YIXIE_2FA_ISSUER", "议协")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's key

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "yixie.core.admin_site.AdminRoleBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "yixie.urls"
WSGI_APPLICATION = "yixie.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yixie.core.context_processors.navigation",
            ],
            # date_zh, datetime_zh, user_label on every page without {% load %} (core/templatetags).
            "builtins": ["yixie.core.templatetags.yixie_format"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'yixie.sqlite3'}"),
        conn_max_age=int(os.environ.get("YIXIE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# Archiving old audit journal entries (`yixie audit-archive`) may run under its own database role, the one
# that may DELETE from core_auditentry (deploy/README.md); the application's role then may not.
if os.environ.get("YIXIE_ARCHIVE_DATABASE_URL"):
    DATABASES["archive"] = dj_database_url.parse(os.environ["YIXIE_ARCHIVE_DATABASE_URL"], conn_max_age=0)
    DATABASES["archive"]["TEST"] = {"MIRROR": "default"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The audit journal (docs/decisions/0017, 0019). YIXIE_AUDIT_DIGEST: the digest of new journal entries, of
# audit archives and of backup members: sha256 (default) or sm3 (the national SM3, through OpenSSL 3; entries
# record their algorithm, so a chain may switch). YIXIE_AUDIT_RETENTION_DAYS: how long entries stay in the
# database before `yixie audit-archive` may move them to an archive file (at least 183 days = six months).
YIXIE_AUDIT_DIGEST = os.environ.get("YIXIE_AUDIT_DIGEST", "sha256").strip().lower()
YIXIE_AUDIT_RETENTION_DAYS = int(os.environ.get("YIXIE_AUDIT_RETENTION_DAYS", "3650"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "yixie.core.passwords.ComplexityValidator"},
    {"NAME": "yixie.core.passwords.LoginNameValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "yixie.core.passwords.HistoryValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "insight:home"
LOGOUT_REDIRECT_URL = "login"

# Lockout (django-axes, and yixie.core.lockout): 5 failures lock an account *from that client address* for
# 15 minutes (nobody can lock an administrator out from elsewhere); 20 failures from one address across
# accounts stop that address; past 10 failures from other addresses, each try on the account waits a
# doubling delay of at most 60 s.
YIXIE_LOGIN_FAILURE_LIMIT = int(os.environ.get("YIXIE_LOGIN_FAILURE_LIMIT", "5"))  # the default; axes asks
AXES_FAILURE_LIMIT = "yixie.core.security.failure_limit"  # which the security administrator may override (安全参数)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Behind nginx (deploy/nginx.conf.example) the client's address is the one the proxy puts in
# X-Forwarded-For: set YIXIE_PROXY_COUNT=1 (the number of trusted proxies in front of the app servers).
YIXIE_PROXY_COUNT = int(os.environ.get("YIXIE_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "yixie.core.audit.client_address"
YIXIE_LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("YIXIE_LOGIN_IP_FAILURE_LIMIT", "20"))
YIXIE_LOGIN_MAX_DELAY_SECONDS = int(os.environ.get("YIXIE_LOGIN_MAX_DELAY_SECONDS", "60"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
# Chinese for the admin strings Django, django-axes and django-q2 leave in English (docs/decisions/0016).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("YIXIE_MANIFEST_STATIC", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = env_bool("YIXIE_STATIC_FINDERS", False)

# Browser libraries from npm (package.json, package-lock.json; `make install` runs `npm ci`): only the files
# listed here are collected, under their npm paths (docs/decisions/0010-charts-offline.md).
NODE_MODULES_DIR = Path(os.environ.get("YIXIE_NODE_MODULES", BASE_DIR.parent.parent / "node_modules")).resolve()
NODE_STATIC_FILES = {"echarts": ["dist/echarts.min.js", "LICENSE", "NOTICE"]}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "yixie.core.staticfinders.NodeModulesFinder",
]

# Uploaded files live outside the web root and are only served through an access-checked view.
MEDIA_ROOT = Path(os.environ.get("YIXIE_MEDIA_ROOT", VAR_DIR / "files")).resolve()
if "YIXIE_MEDIA_ROOT" not in os.environ:
    MEDIA_ROOT.mkdir(parents=True, exist_ok=True)  # a configured (shared) root must be mounted, not created
MEDIA_URL = "/no-public-media/"  # never routed: files are served only by the access-checked view
YIXIE_UPLOAD_MAX_BYTES = int(os.environ.get("YIXIE_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
YIXIE_IMPORT_MAX_BYTES = int(os.environ.get("YIXIE_IMPORT_MAX_BYTES", str(30 * 1024 * 1024)))
# An export of more bodies than this runs as a background job (a page to wait on, then the file).
YIXIE_EXPORT_INLINE_MAX = int(os.environ.get("YIXIE_EXPORT_INLINE_MAX", "3000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# 公文 PDFs (core/gongwen.py) embed free CJK fonts found in these folders, searched in order
# (docs/decisions/0022); colon separated, like PATH.
YIXIE_GONGWEN_FONT_DIRS = [
    d for d in os.environ.get(
        "YIXIE_GONGWEN_FONT_DIRS",
        "/usr/share/fonts/opentype/noto:/usr/share/fonts/opentype/noto-cjk:/usr/share/fonts/noto-cjk"
        ":/usr/share/fonts/google-noto-cjk:/usr/share/fonts/truetype/noto:/usr/share/fonts/opentype/source-han-serif"
        ":/usr/share/fonts/opentype/source-han-sans:/usr/share/fonts/truetype/arphic:/usr/local/share/fonts",
    ).split(":") if d
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "yixie.core.views.csrf_failure"
SESSION_COOKIE_AGE = 8 * 3600
# The session cookie ends with the browser; an idle session ends after YIXIE_IDLE_TIMEOUT_MINUTES
# (core/sessions.py, docs/decisions/0020). 0 turns the idle timeout off.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
YIXIE_IDLE_TIMEOUT_MINUTES = int(os.environ.get("YIXIE_IDLE_TIMEOUT_MINUTES", "30"))
# One live session per user: a new login ends the user's other sessions.
YIXIE_SINGLE_SESSION = env_bool("YIXIE_SINGLE_SESSION", False)

# Transport (等保2.0 三级, docs/decisions/0020). YIXIE_HTTPS=1 turns on every one of the three below;
# each can also be set alone. Behind nginx (deploy/nginx.conf.example) gunicorn already trusts the proxy's
# X-Forwarded-Proto (YIXIE_PROXY_IPS); YIXIE_PROXY_SSL_HEADER=1 makes Django trust it instead, for a
# server that is not run by our gunicorn configuration.
_HTTPS = env_bool("YIXIE_HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("YIXIE_SECURE_COOKIES", _HTTPS)
SECURE_SSL_REDIRECT = env_bool("YIXIE_SSL_REDIRECT", _HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("YIXIE_HSTS_SECONDS", str(365 * 24 * 3600 if _HTTPS else 0)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("YIXIE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("YIXIE_HSTS_PRELOAD", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # the load balancer's plain-HTTP health check
if env_bool("YIXIE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): scripts only from our own files, never inline (static JS under
# core/static/yixie/, wired by data- attributes). Styles: our files, plus style attributes (Bootstrap's
# and ECharts' scripts set element styles; a few templates carry style="…").
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Passwords (core/passwords.py): at least YIXIE_PASSWORD_MIN_LENGTH characters from three of four
# classes, not containing the login name, none of the last YIXIE_PASSWORD_HISTORY passwords again;
# administrators' passwords expire after YIXIE_PASSWORD_MAX_AGE_DAYS days (0: never).
YIXIE_PASSWORD_MIN_LENGTH = int(os.environ.get("YIXIE_PASSWORD_MIN_LENGTH", "10"))
YIXIE_PASSWORD_MIN_CLASSES = int(os.environ.get("YIXIE_PASSWORD_MIN_CLASSES", "3"))
YIXIE_PASSWORD_HISTORY = int(os.environ.get("YIXIE_PASSWORD_HISTORY", "5"))
YIXIE_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("YIXIE_PASSWORD_MAX_AGE_DAYS", "90"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("YIXIE_LOG_LEVEL", "WARNING")},
}

# Background jobs (docs/decisions/0009): django-q2. The queue lives in the database by default (SQLite or
# PostgreSQL, no extra service); YIXIE_REDIS_URL moves the queue to Redis (pip install 'yixie[redis]'),
# results and schedules stay in the database. A job that runs longer than YIXIE_JOB_TIMEOUT seconds is
# stopped; a job whose worker died (kill -9, power cut) is handed out again YIXIE_JOB_RETRY seconds after
# it was taken, so the retry time must be longer than the timeout. YIXIE_JOBS_SYNC=1 runs jobs at once
# inside the calling process (tests, debugging).
JOB_TIMEOUT = int(os.environ.get("YIXIE_JOB_TIMEOUT", "1800"))
Q_CLUSTER = {
    "name": "yixie",
    "label": "后台任务",
    "workers": int(os.environ.get("YIXIE_JOB_WORKERS", "2")),
    "timeout": JOB_TIMEOUT,
    "retry": int(os.environ.get("YIXIE_JOB_RETRY", str(JOB_TIMEOUT + 300))),
    "max_attempts": 3,
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 500,
    "poll": float(os.environ.get("YIXIE_JOB_POLL", "1")),
    "sync": env_bool("YIXIE_JOBS_SYNC", False),
}
if os.environ.get("YIXIE_REDIS_URL"):
    Q_CLUSTER["redis"] = os.environ["YIXIE_REDIS_URL"]
else:
    Q_CLUSTER["orm"] = "default"

# Lockout is per account: on a government intranet many clerks share one NAT address, and locking an
# address would lock out a whole office.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# HSTS preload only matters for a public domain submitted to the browsers' preload list; an intranet
# host is never on it (YIXIE_HSTS_PRELOAD=1 sends the flag all the same). docs/decisions/0020.
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")
