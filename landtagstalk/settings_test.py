"""Settings of the test suite (pytest selects them): production's, with what a test run changes.

The suite runs with debug off, as production does; tests/production starts real processes
with the production settings themselves.
"""

import os

# A key is needed, but no secret one: nothing signed in a test run outlives it.
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-key-not-secret-0123456789-abcdefghijklmnop")

from .settings import *  # noqa: E402, F403
from .settings import cache_config, env_bool, page_entries  # noqa: E402

# Served from the apps' folders, without collectstatic.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = True

# The test client speaks plain HTTP; tests of the redirect turn it on.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=False)

# client.login() gives axes no request; the lockout tests turn it on.
AXES_ENABLED = env_bool("AXES_ENABLED", default=False)

# A per-process cache, cleared for each test (tests/conftest.py); tests of the shared rate
# limit start their own processes with the production default.
_CACHE_URL = os.environ.get("DJANGO_CACHE_URL", "locmem://")
CACHES = {
    "default": cache_config(_CACHE_URL),
    "ratelimit": cache_config(_CACHE_URL, purpose="ratelimit"),
    "pages": page_entries(16),
}

# Every test sees the page as it is now; the page cache tests turn it on.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0"))

# Every request to /healthz checks again; the test of the reuse turns it on.
HEALTHZ_REUSE_SECONDS = 0

# Fast hashing: the suite creates many staff users; nothing here needs a strong hash.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The suite's PostgreSQL database need not survive a crash: commits do not wait for the disk.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
