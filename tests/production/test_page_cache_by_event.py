"""The page cache on the day it matters: per-event versions, caches by purpose, no query
for a kept page with the production default (the database cache), seats at most a few
seconds old."""

import time
import types

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from landtagstalk import page_cache
from landtagstalk.settings import cache_config, page_entries
from registrations import services
from registrations.models import Registration
from tests.factories import AgendaSlotFactory, EventFactory, SlotSpeakerFactory, SpeakerFactory

pytestmark = pytest.mark.django_db

# The caches of production with nothing configured: the database for what is shared.
PRODUCTION_CACHES = {
    "default": cache_config(""),
    "ratelimit": cache_config("", purpose="ratelimit"),
    "pages": page_entries(16),
}


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def production_caches(settings):
    settings.CACHES = PRODUCTION_CACHES
    for cache in caches.all():
        cache.clear()
    page_cache.VERSIONS.forget()
    yield
    for cache in caches.all():
        cache.clear()
    page_cache.VERSIONS.forget()


def get(client, url, **extra):
    return client.get(url, headers={"X-Forwarded-Proto": "https"}, **extra)


def test_edit_of_one_event_keeps_the_other_events_page(client, django_assert_num_queries):
    first = EventFactory(title="Erste Runde")
    second = EventFactory(title="Zweite Runde")
    get(client, "/")
    get(client, first.get_absolute_url())
    get(client, second.get_absolute_url())

    first.title = "Erste Runde, neu"
    first.save()

    with django_assert_num_queries(0):
        assert "Zweite Runde" in get(client, second.get_absolute_url()).text
    assert "Erste Runde, neu" in get(client, first.get_absolute_url()).text
    assert "Erste Runde, neu" in get(client, "/").text


def test_versions_start_anew_once_a_change_commits(django_capture_on_commit_callbacks):
    """A shared store outside the database (Redis) shows the version started by save() to
    other servers before the commit; a page one of them renders meanwhile, from the rows
    of before, is kept under it. Once the change commits, that version is gone."""
    event = EventFactory(title="Vorher")
    scopes = [page_cache.LISTS, page_cache.event_scope(event.slug)]
    with django_capture_on_commit_callbacks(execute=True):
        event.title = "Nachher"
        event.save()
        before_commit = page_cache.ContentVersions.read(scopes)

    after_commit = page_cache.ContentVersions.read(scopes)
    assert all(after_commit[scope] != before_commit[scope] for scope in scopes)
    assert page_cache.VERSIONS.get(scopes) == [after_commit[scope] for scope in scopes]


def test_new_agenda_slot_or_speaker_shows_at_once_on_its_event_only(
    client, django_assert_num_queries
):
    event = EventFactory()
    other = EventFactory()
    slot = AgendaSlotFactory(event=event, title="Begrüßung")
    role = SlotSpeakerFactory(slot=slot, speaker=SpeakerFactory(name="Erika Mustermann"))
    get(client, event.get_absolute_url())
    get(client, other.get_absolute_url())

    AgendaSlotFactory(event=event, title="Podiumsdiskussion")
    role.speaker.name = "Erika Musterfrau"
    role.speaker.save()

    page = get(client, event.get_absolute_url()).text
    assert "Podiumsdiskussion" in page and "Erika Musterfrau" in page
    with django_assert_num_queries(0):
        get(client, other.get_absolute_url())


def test_changed_address_of_an_event_leaves_no_page_under_the_old_one(client):
    event = EventFactory(slug="alte-adresse")
    assert get(client, "/events/alte-adresse/calendar.ics").status_code == 200

    event.slug = "neue-adresse"
    event.save()

    assert get(client, "/events/alte-adresse/calendar.ics").status_code == 404


def test_seats_left_are_at_most_a_few_seconds_old(client, monkeypatch):
    event = EventFactory(capacity=10)
    assert "Noch 10 Plätze frei" in get(client, event.get_absolute_url()).text
    services.register(event=event, first_name="A", last_name="M", email="a@example.org")
    assert "Noch 10 Plätze frei" in get(client, event.get_absolute_url()).text

    later = time.time() + page_cache.SEAT_SECONDS + 1
    monkeypatch.setattr(
        "django.core.cache.backends.locmem.time", types.SimpleNamespace(time=lambda: later)
    )

    assert "Noch 9 Plätze frei" in get(client, event.get_absolute_url()).text


def test_register_form_says_full_the_moment_the_event_is(client):
    event = EventFactory(capacity=1)
    get(client, event.get_absolute_url())
    services.register(event=event, first_name="A", last_name="M", email="a@example.org")

    form = client.get(f"/events/{event.slug}/register/")

    assert "Auf die Warteliste" in form.text


def test_query_parameters_the_page_does_not_read_make_no_new_entry(
    client, django_assert_num_queries
):
    event = EventFactory()
    first = get(client, event.get_absolute_url())

    with django_assert_num_queries(0):
        junk = get(client, f"{event.get_absolute_url()}?junk=<b>1</b>&utm_source=x")

    assert junk.content == first.content
    assert "junk" not in junk.text


def test_page_rendered_for_a_junk_parameter_never_shows_it(client):
    event = EventFactory()

    page = get(client, f"{event.get_absolute_url()}?lang=en&evil=zzqx").text

    assert "zzqx" not in page
    assert 'lang="en"' in page


def test_search_parameters_of_the_start_page_still_count(client):
    EventFactory(title="Kommune der Zukunft")
    EventFactory(title="Schule von morgen")

    found = get(client, "/?q=Kommune&utm_campaign=x").text

    assert "der Zukunft" in found and "Schule von morgen" not in found


def test_cached_event_page_costs_no_query_with_the_database_cache(
    client, production_caches, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(page_cache, "VERSION_SECONDS", 60)
    event = EventFactory()
    get(client, event.get_absolute_url())

    with django_assert_num_queries(0):
        page = get(client, event.get_absolute_url())

    assert event.title in page.text


def test_content_versions_are_read_from_the_shared_cache_once_a_second(
    client, production_caches, django_assert_num_queries, monkeypatch
):
    event = EventFactory()
    get(client, event.get_absolute_url())
    monkeypatch.setattr(page_cache, "VERSION_SECONDS", 0)

    with django_assert_num_queries(1):  # the versions, none of the page
        get(client, event.get_absolute_url())


@pytest.mark.parametrize("slots", [1, 30])
def test_event_page_not_in_the_cache_costs_six_queries_at_most(
    client, production_caches, django_assert_max_num_queries, slots
):
    event = EventFactory()
    for number in range(slots):
        slot = AgendaSlotFactory(event=event, title=f"Punkt {number}")
        SlotSpeakerFactory(slot=slot)
        SlotSpeakerFactory(slot=slot)
    get(client, "/")  # a site that runs: the version of everything is there

    with django_assert_max_num_queries(6):
        page = get(client, event.get_absolute_url())

    assert f"Punkt {slots - 1}" in page.text


def test_page_entries_are_bounded_by_size():
    entries = page_cache.PageEntries("bounded-test", {"OPTIONS": {"MAX_BYTES": 50_000}})
    entries.clear()

    for number in range(100):
        entries.set(f"page-{number}", "x" * 2_000)

    assert page_cache.PageEntries.held_bytes["bounded-test"] <= 50_000
    assert entries.get("page-99") is not None
    assert entries.get("page-0") is None
    entries.clear()


@pytest.mark.django_db(transaction=True)
def test_flood_of_pages_never_frees_a_limited_client(production_caches, settings):
    settings.REGISTRATION_RATE_LIMIT = 3
    settings.CACHES = {**PRODUCTION_CACHES, "pages": page_entries(1)}
    event = EventFactory(capacity=None)
    url = f"/events/{event.slug}/register/"
    fields = {"first_name": "E", "last_name": "M", "consent": "on"}
    limited = Client(REMOTE_ADDR="192.0.2.99")
    answers = [
        limited.post(url, {**fields, "email": f"p{number}@example.org"}).status_code
        for number in range(4)
    ]
    assert answers == [302, 302, 302, 429]

    # Twice what the megabyte of pages holds: the first pages of the flood are pushed out.
    flood = Client(REMOTE_ADDR="198.51.100.1")
    for number in range(300):
        assert flood.get(f"/?q=flood{number}").status_code == 200
    with CaptureQueriesContext(connection) as rendered_again:
        flood.get("/?q=flood0")
    assert len(rendered_again) > 0

    again = limited.post(url, {**fields, "email": "p99@example.org"})
    assert again.status_code == 429
    assert Registration.objects.filter(event=event).count() == 3
