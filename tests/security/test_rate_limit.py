"""The registration rate limit: sized for an office behind one address, counted once
for all processes in the shared (database) cache."""

import pytest
from django.core.cache import caches
from django.test import Client, RequestFactory

from registrations import ratelimit
from registrations.models import Registration
from tests.concurrency.test_seats import run_at_once
from tests.factories import EventFactory

DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "landtagstalk_cache",
    },
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "landtagstalk_ratelimit",
    },
}


def fields(number):
    return {
        "first_name": "Erika", "last_name": f"M {number}", "email": f"p{number}@rathaus.example",
        "consent": "on",
    }


@pytest.mark.django_db
def test_an_office_of_fifty_behind_one_address_registers_within_the_hour():
    event = EventFactory(is_published=True)
    office = Client(REMOTE_ADDR="192.0.2.50")
    url = f"/events/{event.slug}/register/"

    answers = [office.post(url, fields(number)).status_code for number in range(50)]
    typos = [office.post(url, {**fields(99), "email": "typo"}).status_code for _ in range(10)]
    one_too_many = office.post(url, fields(61))

    assert answers == [302] * 50
    assert typos == [200] * 10
    assert one_too_many.status_code == 429
    assert Registration.objects.filter(event=event).count() == 50


@pytest.mark.django_db(transaction=True)
def test_database_cache_counts_parallel_requests_exactly(settings):
    settings.CACHES = DATABASE_CACHE
    caches["ratelimit"].clear()
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7")

    results, errors = run_at_once(
        *(
            lambda: ratelimit.is_limited(request, scope="test", limit=10, window=60)
            for _ in range(25)
        )
    )

    assert errors == []
    assert sorted(results) == [False] * 10 + [True] * 15
