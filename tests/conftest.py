import asyncio
import functools
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "long: takes half a minute or more; run first (pytest_collection_modifyitems)"
    )


def pytest_collection_modifyitems(items):
    """The long tests first among the transactional ones: in a run in several processes
    (pytest-xdist), the others then share the rest while they last, instead of one process
    finishing alone at the end.

    pytest-django has put the transactional tests (and the browser tests, with their live
    server) after the others, since their flush empties the tables migrations filled; that
    order stays.
    """
    long = [item for item in items if item.get_closest_marker("long")]
    if not long:
        return
    for item in long:
        assert transactional(item), f"{item.nodeid}: only transactional tests can go first"
        items.remove(item)
    first = next((n for n, item in enumerate(items) if transactional(item)), len(items))
    items[first:first] = long


def transactional(item):
    """Whether pytest-django counts ``item`` among the transactional tests."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
        or "live_server" in fixtures
        or "transactional_db" in fixtures
    )


@pytest.fixture
def staff_user(django_user_model):
    def make(group_name=None, **extra):
        user = django_user_model.objects.create_user(
            username=extra.pop("username", f"staff-{group_name or 'none'}"),
            password="pw-for-tests-only",
            is_staff=True,
            **extra,
        )
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
        return user

    return make


@pytest.fixture
def editor(staff_user):
    return staff_user("Redaktion")


@pytest.fixture
def participant_manager(staff_user):
    return staff_user("Teilnehmermanagement")


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters and pages live in the caches; each test starts with none."""
    from django.core.cache import caches

    from landtagstalk.page_cache import VERSIONS

    for cache in caches.all():
        cache.clear()
    VERSIONS.forget()
    yield
    for cache in caches.all():
        cache.clear()
    VERSIONS.forget()


def recounting(function):
    """``function``, followed by a recount of every event's seats against its counters
    (both of a hybrid event: online and in the hall)."""
    from registrations import selectors

    @functools.wraps(function)
    def checked(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        finally:
            drift = [
                (event.slug, counter, held, real)
                for event, counter, held, real in selectors.seat_drift()
            ]
            assert drift == [], f"seat counter drift after {function.__name__}: {drift}"

    return checked


# Every function of registrations/services.py that may change a seat.
SEAT_SERVICES = (
    "register", "confirm", "cancel", "erase_personal_data",
    "promote_waitlisted", "expire_pending", "recount_seats", "change_mode",
)


@pytest.fixture
def seats_recounted(monkeypatch):
    """Every seat service called through the module recounts the seats afterwards."""
    from registrations import services

    for name in SEAT_SERVICES:
        monkeypatch.setattr(services, name, recounting(getattr(services, name)))


@pytest.fixture(scope="session")
def chromium():
    """One Chromium for the whole test run (starting it takes seconds), with its event loop.

    Playwright's sync API marks its event loop as running in this thread for as long as it
    lives; between browser tests it is unmarked again (see ``browser``), so that Django's
    guard against database calls beside an event loop stays on for every other test.
    """
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), (
        "Browser tests need Debian's Chromium at /usr/bin/chromium: apt-get install chromium"
    )
    manager = sync_playwright()
    playwright = manager.start()
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=[
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    )
    asyncio._set_running_loop(None)
    yield browser, manager._loop
    asyncio._set_running_loop(manager._loop)
    browser.close()
    playwright.stop()


@pytest.fixture
def browser(chromium):
    """The run's Chromium; every page or context a test opens in it is closed after the test."""
    browser, loop = chromium
    asyncio._set_running_loop(loop)
    # Playwright's sync API runs an event loop; Django's ORM in the test refuses to run
    # beside one unless told that this thread is fine.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield browser
        for context in browser.contexts:
            context.close()
    finally:
        # The ORM calls made beside Playwright's event loop opened their own connection
        # (asgiref keeps one per thread and event loop): closed while the loop is still
        # marked, or PostgreSQL cannot drop the test database at the end.
        connections.close_all()
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        asyncio._set_running_loop(None)
