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
SECRET_KEY = os.environ.get("YIXIE_SECRET_KEY", "insecure-trial-key-change-me-in-production-0123456789")
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
    "yixie.overlap",
    "yixie.leaderload",
    "yixie.approvals",
    "yixie.insight",
    "yixie.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "yixie.core.audit.ClientAddressMiddleware",
    "yixie.core.guards.ControlCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "yixie.core.twofactor.TwoFactorMiddleware",
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "insight:home"
LOGOUT_REDIRECT_URL = "login"

# Lockout (django-axes, and yixie.core.lockout): 5 failures lock an account *from that client address* for
# 15 minutes (nobody can lock an administrator out from elsewhere); 20 failures from one address across
# accounts stop that address; past 10 failures from other addresses, each try on the account waits a
# doubling delay of at most 60 s.
AXES_FAILURE_LIMIT = int(os.environ.get("YIXIE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
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
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "yixie.core.views.csrf_failure"
SESSION_COOKIE_AGE = 8 * 3600

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
