"""qinqing settings: everything comes from environment variables.

Embedded default: SQLite in WAL mode under var/, the task queue in SQLite, no other server.
Production: DATABASE_URL=postgres://..., REDIS_URL=redis://..., DEBUG off (the default),
SECRET_KEY and ALLOWED_HOSTS set.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from huey import RedisHuey, SqliteHuey

from qinqing.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("QINQING_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and not env_bool("QINQING_ALLOW_INSECURE_KEY", False):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "SECRET_KEY must be set in production (or DEBUG=1 for development)."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "huey.contrib.djhuey",
    "qinqing.core",
    "qinqing.accounts",
    "qinqing.workdays",
    "qinqing.enterprises",
    "qinqing.appeals",
    "qinqing.policies",
    "qinqing.catalog",
    "qinqing.ratings",
    "qinqing.liaison",
    "qinqing.tasklist",
    "qinqing.projects",
    "qinqing.assessment",
    "qinqing.analytics",
    "qinqing.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qinqing.core.middleware.InputHygieneMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qinqing.core.middleware.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "qinqing.core.error_pages.ChineseErrorPagesMiddleware",
]

ROOT_URLCONF = "qinqing.urls"
WSGI_APPLICATION = "qinqing.wsgi.application"

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
                "qinqing.accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'qinqing.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE avoids lock upgrades.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg prepares a statement once a connection has run it this many times. Only
    # cursors that bind values server-side prepare (core/inserts.py, the intake's one
    # insert); Django's own cursors quote values into the text and never do. 0 turns it
    # off, for a transaction-pooling PgBouncer older than 1.21.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        env_int("DB_PREPARE_THRESHOLD", 5) or None
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and task queue -------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "qinqing.core.cache.ReusingRedisCache", "LOCATION": REDIS_URL}}
    HUEY = RedisHuey("qinqing", url=REDIS_URL, immediate=False)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = SqliteHuey(
        "qinqing",
        filename=str(VAR_DIR / env_str("HUEY_SQLITE_FILE", "huey.sqlite3")),
        immediate=False,
    )
if env_bool("HUEY_IMMEDIATE", False):
    HUEY.immediate = True

# --- Authentication and sessions -----------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "qinqing.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "qinqing.accounts.passwords.NotCurrentPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock-out after repeated failures (django-axes): per username, so one office behind
# a NAT gateway is not locked out together.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# Idle sessions expire: the cookie age is renewed on every request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# --- Security (production defaults; DEBUG relaxes the HTTPS ones) -----------
SECURE_HTTPS = env_bool("SECURE_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE_HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
# Intranet hosts (政务外网) cannot be on the browsers' public preload list.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = ["axes.W006"]  # lock-out is per username on purpose (see AXES_*)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")
if not SECURE_HTTPS:
    SILENCED_SYSTEM_CHECKS += ["security.W004", "security.W008", "security.W012", "security.W016"]

# --- Internationalisation --------------------------------------------------
# The UI is Simplified Chinese whatever a browser asks for (no LocaleMiddleware): staff
# machines often run English browsers. msgids are English; LANGUAGE_CODE=en shows them.
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Chinese dates on every page (2026年11月30日, 11月30日 14:05), ISO in date inputs.
FORMAT_MODULE_PATH = ["qinqing.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
ECHARTS_DIST = BASE_DIR / "node_modules" / "echarts" / "dist"
if ECHARTS_DIST.is_dir():
    STATICFILES_DIRS.append(("vendor/echarts", ECHARTS_DIST))
# Production serves hashed, compressed files collected by `collectstatic`; development and
# tests serve straight from the source folders.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST
# Uploaded attachments live outside the web root and are served only through views
# that check access.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = None
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- Working-day calendar ---------------------------------------------------
# Office hours: something received after WORKDAY_OFFICE_CLOSE (or on a rest day)
# counts as received on the next working day.
WORKDAY_OFFICE_CLOSE = env_str("WORKDAY_OFFICE_CLOSE", "17:30")

# --- Background jobs and limits (hardening) ----------------------------------
# An import job renews its lease every IMPORT_JOB_HEARTBEAT_SECONDS while it runs; one
# silent for IMPORT_JOB_LEASE_SECONDS is swept to "failed" and may be retried.
IMPORT_JOB_LEASE_SECONDS = env_int("IMPORT_JOB_LEASE_SECONDS", 180)
IMPORT_JOB_HEARTBEAT_SECONDS = env_int("IMPORT_JOB_HEARTBEAT_SECONDS", 30)
# A full policy matching run is split into MATCH_SHARDS parts, one queue task each (on
# PostgreSQL + Redis with several huey workers, e.g. 2–4; 1 runs it in one task). A
# part silent for MATCH_SHARD_LEASE_SECONDS (its worker died) is queued again, up to
# MATCH_SHARD_ATTEMPTS attempts; then the run fails with the reason on its page.
MATCH_SHARDS = env_int("MATCH_SHARDS", 1)
MATCH_SHARD_LEASE_SECONDS = env_int("MATCH_SHARD_LEASE_SECONDS", 300)
MATCH_SHARD_HEARTBEAT_SECONDS = env_int("MATCH_SHARD_HEARTBEAT_SECONDS", 30)
MATCH_SHARD_ATTEMPTS = env_int("MATCH_SHARD_ATTEMPTS", 3)
# Requests per minute per API key or user (JSON API and Open311), counted in the cache
# (Redis in production, so every worker process shares the count). 0 turns a limit off.
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 600)
OPEN311_RATE_LIMIT_PER_MINUTE = env_int("OPEN311_RATE_LIMIT_PER_MINUTE", 120)
# API tokens and memberships are cached for this long (accounts.credentials; every
# change through the accounts services or the admin takes effect at once). Only with a
# cache all worker processes share: 0 (off) without Redis.
CREDENTIAL_CACHE_SECONDS = env_int("CREDENTIAL_CACHE_SECONDS", 300 if REDIS_URL else 0)

# --- Outside edges ----------------------------------------------------------
SMS_BACKEND = env_str("SMS_BACKEND", "qinqing.core.sms.ConsoleSmsBackend")
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL")
SMS_GATEWAY_KEY = env_str("SMS_GATEWAY_KEY")

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"jieba": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
