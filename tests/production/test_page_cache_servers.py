"""A change shows on every gunicorn worker within 2 seconds, while each keeps its pages in
its own memory and reads the shared content versions at most once a second."""

import time

from django.core.cache import caches

from landtagstalk import page_cache
from tests.factories import EventFactory

from .conftest import Browser, free_port
from .test_page_cache_by_event import PRODUCTION_CACHES


def test_edit_shows_on_every_worker_within_two_seconds(processes, settings):
    settings.CACHES = PRODUCTION_CACHES  # this process writes the versions the workers read
    page_cache.VERSIONS.forget()
    event = EventFactory(title="Alter Titel")
    port = free_port()
    processes.gunicorn(port, workers=2, PAGE_CACHE_SECONDS=300)
    browser = Browser(port)
    # The calendar file: kept the full 300 s (the event page, showing seats, 5 s at most).
    url = f"/events/{event.slug}/calendar.ics"
    for _ in range(10):
        status, headers, page = browser.get(url)
        assert status == 200 and "Alter Titel" in page

    event.title = "Neuer Titel"
    event.save()
    time.sleep(2)

    pages = [browser.get(url)[2] for _ in range(20)]
    assert all("Neuer Titel" in page and "Alter Titel" not in page for page in pages)
    for cache in caches.all():
        cache.clear()
    page_cache.VERSIONS.forget()


def test_gunicorn_recycles_no_worker_by_default(monkeypatch):
    import runpy

    from .conftest import BASE_DIR

    monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
    config = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))

    assert config["max_requests"] == 0
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "100000")
    assert runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))["max_requests_jitter"] == 10000
