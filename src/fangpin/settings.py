"""Django settings for Fangpin, read from the environment.

- DATABASE_URL: database (default: SQLite in WAL mode, fangpin.sqlite3 in the data directory)
- FANGPIN_SECRET_KEY: secret key (a fixed development key when FANGPIN_DEBUG is on)
- FANGPIN_DEBUG: "1" to turn on debug pages
- FANGPIN_DATA_DIR: where the embedded database, uploads, exports and keys live (default: var/
  of the source checkout, else ~/.local/share/fangpin; never the working directory, see datadir)
- FANGPIN_HTTPS / FANGPIN_BEHIND_PROXY: served over HTTPS / behind a TLS-terminating proxy
- FANGPIN_SESSION_HOURS / FANGPIN_SESSION_IDLE_MINUTES: web session lifetime (8 h / 120 min)
- FANGPIN_PROVINCE: the province whose policy (lines, parameters) applies (default 41, Henan)
- FANGPIN_SCREENING_ENGINE: the engine that screens department batches, duckdb (default) or
  spark (an operator's choice, not a clerk's)
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from fangpin.core.logging import install as scrub_logs
from fangpin.datadir import data_dir

# Files and folders this process makes are its own (0600/0700): the database, uploads,
# department batches, exports and logs hold ID numbers and health data.
os.umask(0o077)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

DEBUG = os.environ.get("FANGPIN_DEBUG", "") in {"1", "true", "yes", "on"}
_DEV_SECRET = "fangpin-development-only-secret-key-not-for-production-use-0123456789"  # noqa: S105
SECRET_KEY = os.environ.get("FANGPIN_SECRET_KEY") or _DEV_SECRET
if SECRET_KEY == _DEV_SECRET and not DEBUG and os.environ.get("FANGPIN_REQUIRE_SECRET"):
    raise ImproperlyConfigured("请设置环境变量 FANGPIN_SECRET_KEY")

ALLOWED_HOSTS = os.environ.get("FANGPIN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "fangpin.accounts.apps.BackOfficeConfig",  # django.contrib.admin, superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_q",
    "ninja",  # serves Swagger UI for /api/v1/docs from its own static files, not a CDN
    "fangpin.core",
    "fangpin.policy",
    "fangpin.regions",
    "fangpin.accounts",
    "fangpin.registry",
    "fangpin.monitoring",
    "fangpin.screening",
    "fangpin.villages",
    "fangpin.programs",
    "fangpin.supervision",
    "fangpin.dashboard",
    "fangpin.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "fangpin.web.input_guard.BadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fangpin.accounts.middleware.SessionTimeoutMiddleware",
    "fangpin.web.middleware.DepartmentReachMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "fangpin.web.middleware.FangpinErrorMiddleware",
]

ROOT_URLCONF = "fangpin.urls"
WSGI_APPLICATION = "fangpin.wsgi.application"

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
                "fangpin.web.nav.nav",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL")
    if url:
        config: dict[str, object] = dict(
            dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        )
        return config
    DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    return {
        # Django's SQLite backend, tolerant of numbers wider than their column (core/sqlite).
        "ENGINE": "fangpin.core.sqlite",
        "NAME": DATA_DIR / "fangpin.sqlite3",
        "OPTIONS": {
            # WAL lets readers go on while a writer writes; IMMEDIATE avoids upgrade deadlocks.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            ),
            "transaction_mode": "IMMEDIATE",
        },
        # In memory; spelled out because pytest-django recognises only the stock engine name.
        "TEST": {"NAME": ":memory:"},
    }


DATABASES = {"default": _database()}
# A province: dashboards and summaries read a streaming replica (core.replica, web.replica).
FANGPIN_READ_REPLICA = bool(os.environ.get("FANGPIN_READ_REPLICA_URL"))
if FANGPIN_READ_REPLICA:
    DATABASES["replica"] = {
        **dj_database_url.parse(
            os.environ["FANGPIN_READ_REPLICA_URL"], conn_max_age=60, conn_health_checks=True
        ),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["fangpin.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

CSRF_FAILURE_VIEW = "fangpin.web.views.csrf_failure"

# The province whose policy (lines, parameters) applies; Henan unless told.
FANGPIN_PROVINCE = os.environ.get("FANGPIN_PROVINCE", "41")

# The screening engine of department batches (duckdb | spark): set by the operator.
FANGPIN_SCREENING_ENGINE = os.environ.get("FANGPIN_SCREENING_ENGINE", "duckdb")

# --- Authentication, passwords, sessions, cookies (issue 8 part 2, "auth") -------------------
# Every way in (web login, API token, back office) goes through accounts.services.login_check.
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
# Login lockout: after this many failed password checks for one username, every attempt
# answers 429 (with Retry-After) until this many minutes after the last check.
FANGPIN_LOGIN_MAX_FAILURES = int(os.environ.get("FANGPIN_LOGIN_MAX_FAILURES", "5"))
FANGPIN_LOGIN_LOCK_MINUTES = int(os.environ.get("FANGPIN_LOGIN_LOCK_MINUTES", "15"))
FANGPIN_TOKEN_DAYS = 7
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "fangpin.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
# A web session ends when the browser closes, after FANGPIN_SESSION_IDLE_MINUTES without a
# request, and at the latest after FANGPIN_SESSION_HOURS (accounts.middleware).
SESSION_COOKIE_AGE = int(os.environ.get("FANGPIN_SESSION_HOURS", "8")) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
FANGPIN_SESSION_IDLE_MINUTES = int(os.environ.get("FANGPIN_SESSION_IDLE_MINUTES", "120"))
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# FANGPIN_HTTPS=1: the site is served over HTTPS, so cookies are sent over HTTPS only.
# FANGPIN_BEHIND_PROXY=1: a reverse proxy terminates TLS and sets X-Forwarded-Proto (only
# then may that header be trusted).
FANGPIN_HTTPS = os.environ.get("FANGPIN_HTTPS", "") in {"1", "true", "yes", "on"}
SESSION_COOKIE_SECURE = FANGPIN_HTTPS
CSRF_COOKIE_SECURE = FANGPIN_HTTPS
if os.environ.get("FANGPIN_BEHIND_PROXY", "") in {"1", "true", "yes", "on"}:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# --- end of authentication block ---------------------------------------------------------------

# `fangpin demo`: dotted paths of `seed(*, rng, households, today) -> None` functions that
# apps append to, called in order after the synthetic registry is made (cases, warnings...).
FANGPIN_DEMO_SEEDERS: list[str] = []
FANGPIN_DEMO_SEEDERS.append("fangpin.screening.seeding.seed")
FANGPIN_DEMO_SEEDERS.append("fangpin.monitoring.seeding.seed")
FANGPIN_DEMO_SEEDERS.append("fangpin.villages.field.seeding.seed")
FANGPIN_DEMO_SEEDERS.append("fangpin.villages.board.seeding.seed")
FANGPIN_DEMO_SEEDERS.append("fangpin.programs.seeding.seed")
FANGPIN_DEMO_SEEDERS.append("fangpin.supervision.seeding.seed")

Q_CLUSTER = {
    "name": "fangpin",
    "workers": 1,
    "timeout": 3600,
    "retry": 4000,
    "orm": "default",
    "sync": os.environ.get("FANGPIN_JOBS_SYNC", "") == "1",
    "catch_up": False,
}

# ID numbers and phones never reach a log: every record is scrubbed when it is made (the
# record factory), and every handler below filters again. Django's own request line
# (`django.server`, which does not propagate to root) gets a handler of ours with the filter.
scrub_logs()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal": {"()": "fangpin.core.logging.MaskPersonalDataFilter"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_personal"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_personal"],
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "fangpin": {"level": "INFO"},
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# --- Operations (ops): production serving, security headers, faults -----------------------
# FANGPIN_HTTPS (read with the login settings above): HSTS and a redirect to HTTPS; the
# proxy header is trusted only with FANGPIN_BEHIND_PROXY.
if FANGPIN_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The demo keeps its generated secret key here (0600); `fangpin demo` puts it in the
# environment before the settings are read.
FANGPIN_SECRET_KEY_FILE = DATA_DIR / "secret_key"
FANGPIN_DEV_SECRET = _DEV_SECRET

INSTALLED_APPS.append("csp")
MIDDLEWARE.insert(1, "csp.middleware.CSPMiddleware")
MIDDLEWARE.append("fangpin.web.headers.NoStoreMiddleware")
MIDDLEWARE.append("fangpin.web.faults.FaultMiddleware")
# Innermost: an Idempotency-Key's row commits or rolls back with the work of the view.
MIDDLEWARE.append("fangpin.core.idempotency.IdempotencyMiddleware")
# Self only: no inline script or style, no eval, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Production server (`fangpin serve` without --dev): gunicorn, gthread workers.
FANGPIN_SERVE_WORKERS = int(os.environ.get("FANGPIN_SERVE_WORKERS", "0")) or min(
    4, max(2, os.cpu_count() or 2)
)
FANGPIN_SERVE_THREADS = int(os.environ.get("FANGPIN_SERVE_THREADS", "4"))
# Seconds the background worker gets to stop before it is killed with its processes.
FANGPIN_WORKER_STOP_SECONDS = 10
# A screening run writes a heartbeat this often; one silent for STALE seconds (on another
# machine, where its process cannot be looked up) is taken for dead.
FANGPIN_RUNNER_HEARTBEAT_SECONDS = 15
FANGPIN_RUNNER_STALE_SECONDS = 120
# Prometheus metrics (web.metrics): every request counted by route (outermost middleware);
# /metrics answers the networks in FANGPIN_METRICS_ALLOW (comma-separated CIDRs, direct
# requests only, never through a proxy) or whoever presents FANGPIN_METRICS_TOKEN as a
# bearer token; anyone else gets 404.
MIDDLEWARE.insert(0, "fangpin.web.metrics.RequestMetricsMiddleware")
MIDDLEWARE.append("fangpin.web.replica.ReplicaReadsMiddleware")
FANGPIN_METRICS_ALLOW = [
    cidr.strip()
    for cidr in os.environ.get("FANGPIN_METRICS_ALLOW", "127.0.0.1/32,::1/128").split(",")
    if cidr.strip()
]
for _cidr in FANGPIN_METRICS_ALLOW:
    try:
        ipaddress.ip_network(_cidr, strict=False)
    except ValueError as _bad:
        raise ImproperlyConfigured(f"FANGPIN_METRICS_ALLOW 中的网段无效:{_cidr}") from _bad
FANGPIN_METRICS_TOKEN = os.environ.get("FANGPIN_METRICS_TOKEN", "")
# --- end of operations block ---------------------------------------------------------------
