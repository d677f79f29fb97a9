"""The parts of an event's page kept under its version (rendered pages, no page cache): a
change shows at once, the seats and the time stay exact, no language or person leaks."""

import datetime

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from events.models import Event, EventDocument
from landtagstalk import page_cache
from registrations import services
from tests.factories import AgendaSlotFactory, EventFactory

pytestmark = pytest.mark.django_db


def get(client, url, **extra):
    return client.get(url, headers={"X-Forwarded-Proto": "https"}, **extra).text


def test_change_of_the_event_shows_at_once_in_every_kept_part(client):
    event = EventFactory(
        title="Alter Titel", subtitle="Alte Zeile", series="Alte Reihe",
        description="Alte Beschreibung", organiser="Alter Veranstalter",
    )
    get(client, event.get_absolute_url())

    event.title, event.subtitle, event.series = "Neuer Titel", "Neue Zeile", "Neue Reihe"
    event.description, event.organiser = "Neue Beschreibung", "Neuer Veranstalter"
    event.save()
    page = get(client, event.get_absolute_url())

    assert '<meta property="og:title" content="Neuer Titel">' in page
    assert '<h1>Neuer Titel</h1>' in page and '<p class="lead">Neue Zeile</p>' in page
    assert 'title="Neue Reihe: kommende Veranstaltungen"' in page
    assert "<dd>Neuer Veranstalter</dd>" in page and "Neue Beschreibung" in page
    for old in ("Alter Titel", "Alte Zeile", "Alte Reihe", "Alte Beschreibung", "Alter Ver"):
        assert old not in page


def test_seats_left_are_exact_on_a_rendered_page(client):
    event = EventFactory(capacity=10)
    assert "Noch 10 Plätze frei" in get(client, event.get_absolute_url())

    services.register(event=event, first_name="A", last_name="M", email="a@example.org")
    page = get(client, event.get_absolute_url())

    assert "Noch 9 Plätze frei" in page and "Noch 10" not in page
    assert '"value": 9' in page  # the JSON-LD's inventoryLevel


def test_page_of_an_event_that_ended_since_shows_it_without_a_change(client, monkeypatch):
    event = EventFactory(summary="Was besprochen wurde.")
    EventDocument.objects.create(
        event=event, title="Folien", file=SimpleUploadedFile("folien.pdf", b"%PDF-1.4")
    )
    before = get(client, event.get_absolute_url())
    later = event.ends_at + datetime.timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    after = get(client, event.get_absolute_url())

    assert "Dokumentation" not in before and "Jetzt anmelden" in before
    assert "<h2 id=\"documentation-heading\">Dokumentation</h2>" in after
    assert ">Folien</a>" in after and "Was besprochen wurde." in after
    assert "Diese Veranstaltung hat bereits stattgefunden." in after
    assert "Jetzt anmelden" not in after


@pytest.mark.parametrize(
    "english",
    [{"QUERY_STRING": "lang=en"}, {"HTTP_ACCEPT_LANGUAGE": "en"}],
    ids=["parameter", "browser"],
)
def test_kept_parts_keep_to_their_language(client, english):
    event = EventFactory(capacity=10)
    AgendaSlotFactory(event=event, kind="panel")
    german_first = get(client, event.get_absolute_url())

    page = get(client, event.get_absolute_url(), **english)
    german = get(client, event.get_absolute_url())

    assert german == german_first
    for text in ("At a glance", "Organiser", "10 seats left", "Panel discussion", "Register now",
                 "Hear about new events", "Privacy", "Skip to content"):
        assert text in page and text not in german
    for text in ("Auf einen Blick", "Noch 10 Plätze frei", "Podiumsdiskussion", "Datenschutz"):
        assert text in german and text not in page


def test_both_addresses_of_the_english_page_keep_their_own_canonical(client, settings):
    event = EventFactory()
    url = settings.SITE_URL + event.get_absolute_url()

    by_parameter = get(client, event.get_absolute_url(), QUERY_STRING="lang=en")
    by_browser = get(client, event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")

    assert f'<meta property="og:url" content="{url}?lang=en">' in by_parameter
    assert f'<meta property="og:url" content="{url}">' in by_browser
    assert 'property="og:locale" content="en_GB"' in by_parameter and by_browser


def test_staff_preview_shows_a_change_another_process_made_at_once(client, editor):
    event = EventFactory(title="Entwurf", is_published=False)
    client.force_login(editor)
    get(client, event.get_absolute_url())

    # Another process: a new version in the shared cache, not yet in this process's.
    Event.objects.filter(pk=event.pk).update(title="Entwurf, neu")
    page_cache.shared().set(
        page_cache.VERSION_KEY.format(scope=page_cache.event_scope(event.slug)), "other", None
    )
    page = get(client, event.get_absolute_url())

    assert "<h1>Entwurf, neu</h1>" in page and "Vorschau" in page


def test_kept_parts_hold_nothing_of_the_person_or_the_request(client, editor):
    draft, event = EventFactory(is_published=False), EventFactory()
    client.force_login(editor)
    get(client, draft.get_absolute_url())
    get(client, event.get_absolute_url())
    form = client.get(f"/events/{event.slug}/register/")
    token = form.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]

    kept = list(caches["pages"]._cache.values())

    assert kept
    for secret in (editor.username, token, client.session.session_key, "csrfmiddlewaretoken"):
        assert not any(secret.encode() in value for value in kept)


@pytest.mark.parametrize("past", [False, True], ids=["upcoming", "over"])
def test_page_with_its_parts_kept_costs_one_query(client, django_assert_num_queries, past):
    starts_at = timezone.now() - datetime.timedelta(days=1 if past else -14)
    event = EventFactory(starts_at=starts_at, summary="Zusammenfassung")
    EventDocument.objects.create(
        event=event, title="Folien", file=SimpleUploadedFile("folien.pdf", b"%PDF-1.4")
    )
    AgendaSlotFactory(event=event, title="Begrüßung")
    first = get(client, event.get_absolute_url())

    with django_assert_num_queries(1):  # the event: its documents are in the kept parts
        again = get(client, event.get_absolute_url())

    assert again == first and "Begrüßung" in again
    assert ("Folien" in again) is past


def test_start_page_cards_show_a_change_and_the_seats_left_at_once(client):
    event = EventFactory(title="Alter Titel", capacity=10)
    assert "Freie Plätze: 10" in get(client, "/")

    services.register(event=event, first_name="A", last_name="M", email="a@example.org")
    registered = get(client, "/")
    event.title = "Neuer Titel"
    event.save()
    changed = get(client, "/")

    assert "Freie Plätze: 9" in registered and "Freie Plätze: 10" not in registered
    assert "Neuer Titel" in changed and "Alter Titel" not in changed


def test_start_page_cards_keep_to_their_language_and_to_the_search(client):
    EventFactory(title="Kommune der Zukunft", capacity=10)
    german = get(client, "/")

    english = get(client, "/", QUERY_STRING="lang=en")
    found = get(client, "/", QUERY_STRING="q=Kommune")

    assert "Anmeldung offen" in german and "Registration open" not in german
    assert "Registration open" in english and "Anmeldung offen" not in english
    assert "<mark>Kommune</mark> der Zukunft" in found
