import functools

import pytest
from django.contrib.auth.models import Group


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
    """``function``, followed by a recount of every event's seats against its counter."""
    from registrations import selectors

    @functools.wraps(function)
    def checked(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        finally:
            drift = [(event.slug, held, real) for event, held, real in selectors.seat_drift()]
            assert drift == [], f"seat counter drift after {function.__name__}: {drift}"

    return checked


# Every function of registrations/services.py that may change a seat.
SEAT_SERVICES = (
    "register", "confirm", "cancel", "erase_personal_data",
    "promote_waitlisted", "expire_pending", "recount_seats",
)


@pytest.fixture
def seats_recounted(monkeypatch):
    """Every seat service called through the module recounts the seats afterwards."""
    from registrations import services

    for name in SEAT_SERVICES:
        monkeypatch.setattr(services, name, recounting(getattr(services, name)))
