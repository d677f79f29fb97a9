"""check --deploy reports, as errors, settings that lose every mail or break every page."""

import sys

import pytest
from django.core.checks import Error, run_checks


@pytest.fixture
def good(settings, static_root):
    """Settings a real deployment has: a mail server, a public address, collected static files."""
    settings.DEBUG = False
    settings.EMAIL_HOST = "mail.example.org"
    settings.SITE_URL = "https://talk.example.org"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = static_root
    return settings


def errors():
    return {
        message.id: message.msg
        for message in run_checks(include_deployment_checks=True)
        if isinstance(message, Error) and message.id.startswith("landtagstalk.")
    }


def test_good_settings_pass(good):
    assert errors() == {}


def test_empty_email_host_is_an_error(good):
    good.EMAIL_HOST = ""

    assert list(errors()) == ["landtagstalk.E001"]
    assert "EMAIL_HOST is empty" in errors()["landtagstalk.E001"]


@pytest.mark.parametrize(
    "site_url",
    ["http://127.0.0.1:8000", "http://localhost", "https://[::1]:8443", "http://127.0.1.1", ""],
)
def test_site_url_on_loopback_or_unset_is_an_error(good, site_url):
    good.SITE_URL = site_url

    assert list(errors()) == ["landtagstalk.E002"]


def test_redis_cache_without_the_redis_package_is_an_error(good, monkeypatch):
    monkeypatch.setitem(sys.modules, "redis", None)  # find_spec sees no package
    good.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }

    assert list(errors()) == ["landtagstalk.E003"]
    assert "redis package is not installed" in errors()["landtagstalk.E003"]


def test_missing_static_manifest_is_an_error(good, tmp_path):
    good.STATIC_ROOT = tmp_path  # collectstatic not run

    assert list(errors()) == ["landtagstalk.E004"]
    assert "collectstatic" in str(run_checks(include_deployment_checks=True))


def test_debug_on_reports_none_of_them(good, tmp_path):
    good.DEBUG = True
    good.EMAIL_HOST = ""
    good.SITE_URL = "http://127.0.0.1:8000"

    assert errors() == {}


def test_check_command_fails_on_them(good):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    good.EMAIL_HOST = ""
    with pytest.raises(SystemCheckError, match="landtagstalk.E001"):
        call_command("check", deploy=True)
