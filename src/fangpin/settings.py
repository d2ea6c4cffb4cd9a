"""Django settings for Fangpin, read from the environment.

- DATABASE_URL: database (default: SQLite in WAL mode under ./var/fangpin.sqlite3)
- FANGPIN_SECRET_KEY: secret key (a fixed development key when FANGPIN_DEBUG is on)
- FANGPIN_DEBUG: "1" to turn on debug pages
- FANGPIN_DATA_DIR: where the embedded database, uploads and exports live (default ./var)
- FANGPIN_PROVINCE: the province whose policy (lines, parameters) applies (default 41, Henan)
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("FANGPIN_DATA_DIR", Path.cwd() / "var")).resolve()

DEBUG = os.environ.get("FANGPIN_DEBUG", "") in {"1", "true", "yes", "on"}
_DEV_SECRET = "fangpin-development-only-secret-key-not-for-production-use-0123456789"  # noqa: S105
SECRET_KEY = os.environ.get("FANGPIN_SECRET_KEY") or _DEV_SECRET
if SECRET_KEY == _DEV_SECRET and not DEBUG and os.environ.get("FANGPIN_REQUIRE_SECRET"):
    raise ImproperlyConfigured("请设置环境变量 FANGPIN_SECRET_KEY")

ALLOWED_HOSTS = os.environ.get("FANGPIN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "fangpin.dashboard",
    "fangpin.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
        return config
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "fangpin.sqlite3",
        "OPTIONS": {
            # WAL lets readers go on while a writer writes; IMMEDIATE avoids upgrade deadlocks.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            ),
            "transaction_mode": "IMMEDIATE",
        },
        "TEST": {"NAME": None},
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
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
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "fangpin.web.views.csrf_failure"

# Login lockout: this many failures for one username within the window answers 429.
FANGPIN_PROVINCE = os.environ.get("FANGPIN_PROVINCE", "41")
FANGPIN_LOGIN_MAX_FAILURES = int(os.environ.get("FANGPIN_LOGIN_MAX_FAILURES", "5"))
FANGPIN_LOGIN_LOCK_MINUTES = int(os.environ.get("FANGPIN_LOGIN_LOCK_MINUTES", "15"))
FANGPIN_TOKEN_DAYS = 7

# `fangpin demo`: dotted paths of `seed(*, rng, households, today) -> None` functions that
# apps append to, called in order after the synthetic registry is made (cases, warnings...).
FANGPIN_DEMO_SEEDERS: list[str] = []
FANGPIN_DEMO_SEEDERS.append("fangpin.screening.seeding.seed")
FANGPIN_DEMO_SEEDERS.append("fangpin.monitoring.seeding.seed")

Q_CLUSTER = {
    "name": "fangpin",
    "workers": 1,
    "timeout": 3600,
    "retry": 4000,
    "orm": "default",
    "sync": os.environ.get("FANGPIN_JOBS_SYNC", "") == "1",
    "catch_up": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal": {"()": "fangpin.core.logging.MaskPersonalDataFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_personal"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"fangpin": {"level": "INFO"}},
}
