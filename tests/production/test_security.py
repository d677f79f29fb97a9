"""Security settings and headers as production serves them."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory

from landtagstalk.security import client_ip
from landtagstalk.settings import cache_config
from tests.factories import EventFactory

BASE_DIR = Path(__file__).resolve().parents[2]


def production_env(**extra):
    """The environment of a production process: debug off, a real key, SQLite."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "EMAIL_", "PYTEST"))
    }
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="veranstaltungen.example.org",
        DATABASE_URL=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    )
    env.update(extra)
    return env


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        stdin=subprocess.DEVNULL,
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_clean_with_secret_key_hosts_mail_server_and_static_files(static_root):
    env = production_env(
        EMAIL_HOST="mail.example.org",
        DJANGO_TASKS_BACKEND="database",
        DJANGO_SITE_URL="https://veranstaltungen.example.org",
        DJANGO_STATIC_ROOT=str(static_root),
    )
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_about_a_cache_per_process():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env=production_env(DJANGO_CACHE_URL="locmem://"),
    )

    assert result.returncode == 1
    assert "registrations.W002" in result.stderr + result.stdout
    assert "counts per worker" in result.stderr + result.stdout


def test_check_deploy_warns_about_real_mail_without_database_queue():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env=production_env(EMAIL_HOST="mail.example.org"),
    )

    assert result.returncode == 1
    assert "registrations.W001" in result.stderr


def test_production_defaults_redirect_to_https_with_secure_cookies_and_hsts():
    code = (
        "import json; from django.conf import settings as s; print(json.dumps(["
        "s.SECURE_SSL_REDIRECT, s.SECURE_REDIRECT_EXEMPT, s.SECURE_HSTS_SECONDS,"
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.AXES_ENABLED,"
        "s.STORAGES['staticfiles']['BACKEND']]))"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=production_env())

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        True,
        ["^healthz$"],
        31536000,
        True,
        True,
        True,
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


def test_ssl_redirect_can_be_switched_off():
    code = "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT)"
    result = run_manage(
        "shell", "--no-imports", "-c", code, env=production_env(DJANGO_SECURE_SSL_REDIRECT="0")
    )

    assert result.stdout.strip() == "False"


def test_collectstatic_writes_compressed_hashed_files(tmp_path):
    code = (
        "from django.conf import settings; from django.core.management import call_command;"
        f"settings.STATIC_ROOT = {str(tmp_path)!r}; call_command('collectstatic', '--noinput', "
        "verbosity=0)"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=production_env())

    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    assert manifest["paths"]["css/site.css"].startswith("css/site.")
    hashed = manifest["paths"]["bootstrap/css/bootstrap.min.css"]
    assert hashed != "bootstrap/css/bootstrap.min.css"
    assert (tmp_path / (hashed + ".gz")).exists()


@pytest.mark.django_db
def test_pages_send_strict_security_headers(client):
    response = client.get("/", secure=True)

    csp = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["img-src"] == "'self' data:"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert csp["base-uri"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions


@pytest.mark.django_db
def test_plain_http_redirects_to_https_except_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    page = client.get("/events/")
    health = client.get("/healthz")

    assert page.status_code == 301
    assert page["Location"] == "https://testserver/events/"
    assert health.status_code == 200
    assert health.content == b"ok"


@pytest.mark.django_db
def test_forwarded_proto_https_counts_as_secure(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    event = EventFactory(title="LandtagsTalk Digital")

    response = client.get(event.get_absolute_url(), headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 200
    assert "LandtagsTalk Digital" in response.text


@pytest.mark.django_db
def test_healthz_answers_ok_while_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_healthz_answers_503_when_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("server closed the connection")

    monkeypatch.setattr(connection, "cursor", broken_cursor)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content == b"database unavailable"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.66, 203.0.113.9", "203.0.113.9"),
        (2, "198.51.100.66, 203.0.113.9", "198.51.100.66"),
        (1, "", "10.0.0.1"),
        (1, "not-an-ip", "10.0.0.1"),
        (1, "203.0.113.9, unknown", "10.0.0.1"),
        (1, "203.0.113.9:5678", "203.0.113.9"),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        (1, "2001:DB8::1", "2001:db8::1"),
        (1, "1.2.3.4\x00", "10.0.0.1"),
        (2, "not-an-ip, 203.0.113.9", "10.0.0.1"),
    ],
)
def test_client_ip_trusts_only_the_operators_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("", "django.core.cache.backends.db.DatabaseCache", "landtagstalk_cache"),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache", None),
        ("db://", "django.core.cache.backends.db.DatabaseCache", "landtagstalk_cache"),
        ("db://shared_cache", "django.core.cache.backends.db.DatabaseCache", "shared_cache"),
        ("redis://10.0.0.5:6379/1", "django.core.cache.backends.redis.RedisCache",
         "redis://10.0.0.5:6379/1"),
    ],
)
def test_cache_configured_from_url(url, backend, location):
    config = cache_config(url)

    assert config["BACKEND"] == backend
    assert config.get("LOCATION") == location


def test_cache_url_with_unknown_scheme_refused():
    with pytest.raises(ImproperlyConfigured, match="memcached"):
        cache_config("memcached://10.0.0.5")
