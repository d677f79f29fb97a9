"""The registration rate limit: sized for an office behind one address, counted once
for all processes in the shared (database) cache, and per IPv6 network, not per address."""

import pytest
from django.core.cache import caches
from django.test import Client, RequestFactory

from landtagstalk.security import client_group
from registrations import ratelimit, services
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


@pytest.mark.django_db
def test_seventy_addresses_of_one_ipv6_network_share_one_limit():
    event = EventFactory(is_published=True)
    url = f"/events/{event.slug}/register/"

    answers = [
        Client(REMOTE_ADDR=f"2001:db8:7:7::{number:x}").post(url, fields(number)).status_code
        for number in range(1, 71)
    ]
    neighbour = Client(REMOTE_ADDR="2001:db8:7:8::1").post(url, fields(71))

    assert answers == [302] * 60 + [429] * 10
    assert neighbour.status_code == 302
    assert Registration.objects.filter(event=event).count() == 61


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("plain", "other_form"),
    [("192.0.2.8", "::ffff:192.0.2.8"), ("fe80::1", "fe80::1%3"), ("fe80::1", "fe80::2%eth0")],
)
def test_other_forms_of_an_address_count_with_the_plain_form(plain, other_form):
    event = EventFactory(is_published=True)
    url = f"/events/{event.slug}/register/"
    for number in range(60):
        Client(REMOTE_ADDR=plain).post(url, fields(number))

    answer = Client(REMOTE_ADDR=other_form).post(url, fields(60))

    assert answer.status_code == 429


def test_rate_limit_and_seat_limit_count_by_the_same_group():
    forms = ["2001:db8:1:2::1", "2001:DB8:1:2:ffff::9", "2001:db8:1:2::1%4"]

    assert {client_group(address) for address in forms} == {"2001:db8:1:2::"}
    assert len({services.client_hash(address) for address in forms}) == 1
    assert client_group("::ffff:198.51.100.3") == "198.51.100.3"
    assert services.client_hash("::ffff:198.51.100.3") == services.client_hash("198.51.100.3")
    assert client_group("2001:db8:1:3::1") != client_group("2001:db8:1:2::1")
    assert (client_group(None), client_group("")) == (None, None)
