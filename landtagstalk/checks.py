"""Deployment checks (``manage.py check --deploy``): settings that lose mail or break pages.

Errors, not a refusal to start: tests and staging run on loopback without a mail server.
"""

import importlib.util
import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

from .status import STYLESHEET


def _deploy_errors(function):
    """Register ``function`` as a deploy check that runs only with debug off."""

    def check(app_configs, **kwargs):
        return [] if settings.DEBUG else function()

    check.__name__ = check.__qualname__ = function.__name__
    check.__doc__ = function.__doc__
    return register(check, Tags.security, deploy=True)


def is_loopback(host):
    if not host or host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@_deploy_errors
def check_mail_server():
    """Without EMAIL_HOST mails go to the console: every registrant waits in vain."""
    if settings.EMAIL_HOST:
        return []
    return [
        Error(
            "EMAIL_HOST is empty: mails are printed to the console, nobody receives them.",
            hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, "
            "EMAIL_USE_TLS) to your mail server.",
            id="landtagstalk.E001",
        )
    ]


@_deploy_errors
def check_site_url():
    """Links in mails sent by the worker are built from DJANGO_SITE_URL."""
    host = urlsplit(settings.SITE_URL).hostname
    if not is_loopback(host):
        return []
    return [
        Error(
            f"DJANGO_SITE_URL is {settings.SITE_URL!r}: every link in a mail points to "
            "this machine, not to the public site.",
            hint="Set DJANGO_SITE_URL to the public address, e.g. https://talk.example.org.",
            id="landtagstalk.E002",
        )
    ]


@_deploy_errors
def check_redis_package():
    """A Redis cache without the redis package fails on every page."""
    uses_redis = any(
        config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
        for config in settings.CACHES.values()
    )
    if not uses_redis or importlib.util.find_spec("redis") is not None:
        return []
    return [
        Error(
            "DJANGO_CACHE_URL names Redis, but the redis package is not installed: every "
            "page would fail.",
            hint='Install it with pip install ".[redis]", or unset DJANGO_CACHE_URL.',
            id="landtagstalk.E003",
        )
    ]


@_deploy_errors
def check_static_manifest():
    """Hashed static files need their manifest, written by collectstatic."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return []
    try:
        staticfiles_storage.stored_name(STYLESHEET)
    except Exception:
        return [
            Error(
                f"The static files manifest in {settings.STATIC_ROOT} is missing or does "
                f"not name {STYLESHEET}: every page would fail.",
                hint="Run manage.py collectstatic --noinput (before check --deploy).",
                id="landtagstalk.E004",
            )
        ]
    return []
