"""/healthz tells the truth: 503 naming the database, the cache or the static files when one
fails, the mail queue and the worker as text only; never cached, reused for a few seconds."""

import sys

import pytest
from django.db import connection

from tests.production.conftest import Browser, free_port

pytestmark = pytest.mark.django_db

MANIFEST_STORAGE = {
    "default": {"BACKEND": "landtagstalk.storage.DatabaseStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture
def collected(settings, static_root):
    """Static files as production serves them: collected, with their manifest."""
    settings.STORAGES = MANIFEST_STORAGE
    settings.STATIC_ROOT = static_root
    settings.WHITENOISE_USE_FINDERS = False
    return static_root


def test_healthz_answers_ok_when_database_cache_and_static_files_work(client, collected):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"].startswith("text/plain")


def test_healthz_names_the_database_when_it_is_unreachable(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("could not connect to server")

    monkeypatch.setattr(connection, "cursor", broken_cursor)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content == b"database unavailable"


def test_healthz_names_the_cache_when_redis_does_not_answer(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content == b"cache unavailable"


def test_healthz_names_the_cache_when_the_redis_package_is_missing(client, settings, monkeypatch):
    monkeypatch.setitem(sys.modules, "redis", None)  # import redis raises ImportError
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert b"cache unavailable" in response.content


def test_healthz_names_static_when_the_static_folder_is_empty(client, settings, tmp_path):
    settings.STORAGES = MANIFEST_STORAGE
    settings.STATIC_ROOT = tmp_path  # no manifest, no files: every page would fail
    settings.WHITENOISE_USE_FINDERS = False

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content == b"static unavailable"


def test_healthz_names_static_when_the_stylesheet_is_gone(client, settings, tmp_path, collected):
    import shutil

    copy = tmp_path / "static"
    shutil.copytree(collected, copy)
    settings.STATIC_ROOT = copy
    for path in (copy / "css").glob("site.*.css"):
        path.unlink()

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content == b"static unavailable"


def test_healthz_names_every_failure_at_once(client, settings, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "redis", None)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }
    settings.STORAGES = MANIFEST_STORAGE
    settings.STATIC_ROOT = tmp_path
    settings.WHITENOISE_USE_FINDERS = False

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content.decode().splitlines() == ["cache unavailable", "static unavailable"]


def test_healthz_reuses_its_answer_for_a_few_seconds(client, settings, django_assert_num_queries):
    from landtagstalk import status

    settings.HEALTHZ_REUSE_SECONDS = 5
    status._last["at"] = None
    assert client.get("/healthz").status_code == 200

    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    status._last["at"] = None


def test_healthz_reports_queue_and_worker_as_text_only(client, settings):
    import datetime

    from django.utils import timezone

    from landtagstalk.models import WorkerHeartbeat
    from registrations.tasks import send_registration_mail
    from tests.factories import RegistrationFactory

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    send_registration_mail.enqueue(registration_id=RegistrationFactory().pk, kind="confirmed")
    WorkerHeartbeat.objects.create(
        worker_id="w1", beat_at=timezone.now() - datetime.timedelta(hours=1)
    )

    response = client.get("/healthz")

    lines = response.content.decode().splitlines()
    assert response.status_code == 200
    assert lines[0] == "ok"
    assert lines[1].startswith("mail queue: 1 waiting, oldest ")
    assert lines[2].startswith("worker: not seen recently, last heartbeat 36")


def test_gunicorn_answers_503_naming_the_cache_when_redis_is_down(processes):
    port = free_port()
    processes.gunicorn(port, workers=1, DJANGO_CACHE_URL=f"redis://127.0.0.1:{free_port()}/0")

    status, headers, body = Browser(port).request("GET", "/healthz", headers={
        "X-Forwarded-Proto": "http"
    })

    assert status == 503
    assert body == "cache unavailable"
    assert headers["Cache-Control"] == "no-store"
