"""Settings for LandtagsTalk, read from environment variables (see README.md)."""

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .log_format import log_format

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def cache_config(url, *, purpose=""):
    """A CACHES entry from a URL: empty or db://[table], locmem://, redis://host:port/db.

    With a ``purpose`` the entry keeps its keys apart from the others in the same store:
    a table of its own (``landtagstalk_<purpose>``, created by the migrations), its own
    memory, or its own key prefix in Redis.
    """
    parts = urlsplit(url)
    if parts.scheme == "locmem":
        config = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        return {**config, "LOCATION": purpose} if purpose else config
    if parts.scheme in {"", "db"}:
        table = (parts.netloc + parts.path).strip("/") or "landtagstalk_cache"
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": f"landtagstalk_{purpose}" if purpose else table,
            # Culled only beyond this; Django's default of 300 is a small site's.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    if parts.scheme in {"redis", "rediss"}:
        # Django's own RedisCache; it needs the redis package (pip install ".[redis]").
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": purpose,
        }
    raise ImproperlyConfigured(f"DJANGO_CACHE_URL: unknown cache scheme {parts.scheme!r}")


def page_entries(megabytes):
    """This process's memory for whole pages and fragments, bounded by size."""
    return {
        "BACKEND": "landtagstalk.page_cache.PageEntries",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_BYTES": megabytes * 2**20, "MAX_ENTRIES": 1_000_000},
    }


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value, or set "
            "DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# The websites that may show /embed/ and /events/<slug>/embed/ in a frame, such as
# https://www.spd-fraktion.example (scheme and host, comma-separated; none by default).
EMBED_ORIGIN = re.compile(
    r"https?://(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:(?P<port>\d{1,5}))?"
)
EMBED_ORIGINS = [origin.rstrip("/") for origin in env_list("DJANGO_EMBED_ORIGINS")]
for _origin in EMBED_ORIGINS:
    if not (_match := EMBED_ORIGIN.fullmatch(_origin)):
        raise ImproperlyConfigured(
            f"DJANGO_EMBED_ORIGINS: {_origin!r} is not an origin such as https://www.example.org"
        )
    if _match["port"] and not 1 <= int(_match["port"]) <= 65535:
        raise ImproperlyConfigured(
            f"DJANGO_EMBED_ORIGINS: {_origin!r} has the port {_match['port']}; "
            "a port is a number from 1 to 65535"
        )

SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "nested_admin",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_tasks",
    "landtagstalk.apps.BackgroundTasksConfig",  # django_tasks_db, named in German
    "csp",
    "axes",
    "landtagstalk.apps.LandtagstalkConfig",
    "events",
    "registrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the rest: every answer carries it, also the 400 for a bad Host header that
    # CommonMiddleware or the page cache give. (Plain HTTP with a bad Host is refused by
    # the HTTPS redirect above, bare; nginx answers plain HTTP itself.)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "landtagstalk.errors.RefuseNulMiddleware",
    "events.api.PreflightMiddleware",
    # Above the page cache: the framing headers of a kept page follow the settings of now.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "landtagstalk.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "events.seo.LanguageParameterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "landtagstalk.urls"

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
                "django.template.context_processors.i18n",
                "events.seo.links",
            ],
        },
    },
]

WSGI_APPLICATION = "landtagstalk.wsgi.application"

# Database: PostgreSQL in production, an SQLite file in the project folder by default.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections persist, as PostgreSQL's do: opening one (with its PRAGMAs) cost about
    # 3 ms of CPU per request, more than rendering a page. A gunicorn worker serves one
    # request at a time, and between requests its connection holds no transaction. WAL lets
    # readers go on during a write, IMMEDIATE takes the write lock at BEGIN so two writers
    # queue on the busy timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: German first, English second.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
# Dates as people here write them, in both languages (see the modules).
FORMAT_MODULE_PATH = ["landtagstalk.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# Static files: the project's own and Bootstrap's, served by WhiteNoise.
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads (speaker photos, their renditions, event documents): in the database by default,
# which every app server reads, served by the app under /media/ (landtagstalk.storage);
# "filesystem" keeps them in DJANGO_MEDIA_ROOT, or a storage class such as django-storages'
# storages.backends.s3.S3Storage (README, "Uploaded files").
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
FILE_STORAGES = {
    "database": "landtagstalk.storage.DatabaseStorage",
    "filesystem": "django.core.files.storage.FileSystemStorage",
}
_file_storage = os.environ.get("DJANGO_FILE_STORAGE", "") or "database"
# For django-storages' S3Storage (credentials: boto3 reads AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY from the environment itself).
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None
STORAGES = {
    "default": {"BACKEND": FILE_STORAGES.get(_file_storage, _file_storage)},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# In development WhiteNoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: SMTP when EMAIL_HOST is set, the console otherwise.
# The Date header in local time with its offset (+0100/+0200), not "-0000" (unknown).
EMAIL_USE_LOCALTIME = True
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "LandtagsTalk <noreply@localhost>")
# Where answers to the mails go (out-of-office replies too); none when empty.
REPLY_TO_EMAIL = os.environ.get("DJANGO_REPLY_TO_EMAIL", "")
# A map of a hall's address, linked (never loaded) from mails, the personal page and the
# calendar entry: a URL with "{address}", e.g. https://www.openstreetmap.org/search?query={address}
MAP_URL_TEMPLATE = os.environ.get("DJANGO_MAP_URL_TEMPLATE", "")
if MAP_URL_TEMPLATE and (
    not MAP_URL_TEMPLATE.startswith("https://") or "{address}" not in MAP_URL_TEMPLATE
):
    raise ImproperlyConfigured(
        "DJANGO_MAP_URL_TEMPLATE must be an https:// address containing {address}"
    )
# Zoom reports: "attended" only from this many minutes in the session.
ATTENDANCE_MIN_MINUTES = int(os.environ.get("ATTENDANCE_MIN_MINUTES", "5"))

# Background tasks: run at once by default; the database backend and its db_worker in
# production (DJANGO_TASKS_BACKEND=database), which retries mails and survives restarts.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if os.environ.get("DJANGO_TASKS_BACKEND") == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# Behind a TLS-terminating proxy: it must set X-Forwarded-Proto and strip any value a
# client sent (see deploy/nginx-landtagstalk.conf).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the app append to X-Forwarded-For: 0 trusts only REMOTE_ADDR.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))

# HTTPS only once debug is off.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# /healthz reuses its answer this many seconds per process: probes stay cheap.
HEALTHZ_REUSE_SECONDS = int(os.environ.get("HEALTHZ_REUSE_SECONDS", "5"))
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = []
if not SECURE_HSTS_PRELOAD:
    # Preloading commits the whole registrable domain to HTTPS in every browser; that is
    # the operator's decision (DJANGO_HSTS_PRELOAD=1), not a default.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# Content-Security-Policy: nothing inline, nothing from other hosts. Bootstrap's CSS
# draws some icons as data: images. The Django admin needs nothing more.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    ]
}

# Brute-force protection of the admin login (django-axes): five failures for one user
# name from one address lock that pair out for an hour.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Staff log in only to the admin; a refused or missing next= lands there, not on
# Django's /accounts/profile/, which this project does not have.
LOGIN_REDIRECT_URL = "admin:index"
# The one-time link of `manage.py createstaff` (landtagstalk/staff_accounts.py): 72 hours,
# a weekend, for a person to set their password.
PASSWORD_RESET_TIMEOUT = 72 * 60 * 60
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "landtagstalk.security.client_ip"
# Successful staff logins need no record with address and browser (data minimisation).
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Caches by purpose. "default" and "ratelimit" are shared by all processes and app
# servers (DJANGO_CACHE_URL: the database by default, their tables come with the
# migrations; or Redis, redis://host:6379/0, with its own key prefix per purpose):
# - default: the page cache's content versions (and what /healthz writes and reads);
# - ratelimit: the rate-limit counters, in a store nothing else fills, so that no flood
#   of pages or pictures evicts a client's count;
# - pages: whole public pages, fragments and share images, in each process's memory,
#   bounded by PAGE_CACHE_MB: a page from the cache costs no query and no round trip.
# Login lockouts (django-axes) are rows of its own tables, never evicted.
# A per-process cache (locmem://) makes check --deploy warn.
_CACHE_URL = os.environ.get("DJANGO_CACHE_URL", "")
CACHES = {
    "default": cache_config(_CACHE_URL),
    "ratelimit": cache_config(_CACHE_URL, purpose="ratelimit"),
    "pages": page_entries(int(os.environ.get("PAGE_CACHE_MB", "64"))),
}

# Whole public pages for visitors without a session (landtagstalk/page_cache.py names which
# pages, and which changes make them stale). A change shows at once in the process that
# made it and within 2 seconds in every other, which read the shared content versions at
# most once a second; with a per-process default cache (locmem://) the others never
# learn of it, so pages live 10 seconds there. 0 turns it off.
_SHARED_CACHE = CACHES["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache"
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", 300 if _SHARED_CACHE else 10))

# One format for Django's log and gunicorn's (landtagstalk/log_format.py): text lines or,
# with DJANGO_LOG_FORMAT=json, one JSON object per line; an ISO 8601 time with its offset.
try:
    LOG_FORMAT = log_format()
except ValueError as error:
    raise ImproperlyConfigured(str(error)) from error
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"()": "landtagstalk.log_format.formatter"}},
    "filters": {
        "redact_tokens": {"()": "landtagstalk.redaction.RedactTokensFilter"},
        "without_traceback": {"()": "landtagstalk.errors.WithoutTracebackFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # Django's own handlers print unredacted paths (runserver's request log among them):
    # every record goes to the one redacting handler instead.
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
        # A foreign Host header is the client's mistake: one line, not our traceback.
        "django.security.DisallowedHost": {
            "handlers": [], "propagate": True, "filters": ["without_traceback"]
        },
    },
}

# The product's own rules.
# How long an unconfirmed registration holds its seat (README, "Seats"): a night and the
# mail queue's retries, not a 30-minute cart; hoarding is bounded per client instead.
REGISTRATION_HOLD_HOURS = int(os.environ.get("REGISTRATION_HOLD_HOURS", "24"))
# Unconfirmed seats one client address holds per event; 0 turns the limit off.
REGISTRATION_MAX_UNCONFIRMED_SEATS_PER_CLIENT = int(
    os.environ.get("REGISTRATION_MAX_UNCONFIRMED_SEATS_PER_CLIENT", "3")
)
PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("PERSONAL_DATA_RETENTION_DAYS", "30"))
REMINDER_LEAD_HOURS = int(os.environ.get("REMINDER_LEAD_HOURS", "24"))
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", default=True)
# Registration POSTs per client address and hour: enough for an office of 50 people
# behind one address, with a few typos, all registering in the same hour.
REGISTRATION_RATE_LIMIT = int(os.environ.get("REGISTRATION_RATE_LIMIT", "60"))
# Failed mail deliveries are tried again after 1, 2, 4, ... minutes (at most an hour apart).
MAIL_RETRY_DELAY_SECONDS = int(os.environ.get("MAIL_RETRY_DELAY_SECONDS", "60"))
MAIL_RETRY_MAX_DELAY_SECONDS = int(os.environ.get("MAIL_RETRY_MAX_DELAY_SECONDS", "3600"))
MAIL_RETRY_MAX_ATTEMPTS = int(os.environ.get("MAIL_RETRY_MAX_ATTEMPTS", "12"))
PRIVACY_NOTICE_VERSION = "2021-04"
