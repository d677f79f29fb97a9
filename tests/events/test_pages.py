"""The public event pages: what a citizen sees, in German and in English."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Event
from registrations.models import Registration
from tests.factories import (
    AgendaSlotFactory,
    EventFactory,
    RegistrationFactory,
    SlotSpeakerFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db

JOIN_URL = "https://zoom.example.org/j/123456789"


@pytest.fixture
def seed():
    call_command("loaddemo", "--force", "--date", "2031-04-29", stdout=StringIO())
    event = Event.objects.get()
    event.online_url = JOIN_URL
    event.capacity = 100
    event.save()
    return event


def test_list_shows_upcoming_before_past_with_state(client):
    now = timezone.now()
    EventFactory(title="Vergangen", starts_at=now - datetime.timedelta(days=30))
    EventFactory(title="Demnächst", description="Eine Zeile Beschreibung.", capacity=10)
    EventFactory(title="Entwurf", is_published=False)

    page = client.get("/").content.decode()

    assert page.index("Demnächst") < page.index("Vergangene Veranstaltungen")
    assert page.index("Vergangene Veranstaltungen") < page.index("Vergangen<")
    assert "Eine Zeile Beschreibung." in page
    assert "Anmeldung offen" in page
    assert "Freie Plätze: 10" in page
    assert "Hat stattgefunden" in page
    assert "Entwurf" not in page


def test_detail_shows_invitation_in_german(client, seed):
    page = client.get(seed.get_absolute_url()).content.decode()

    assert "Digital.<wbr>Bürgernah.<wbr>Effizient." in page
    assert "Wie gestalten wir die Kommune der Zukunft?" in page
    assert "Dienstag, 29. April 2031, 18:00–20:00 Uhr" in page
    assert "Online · Zoom-Konferenz" in page
    assert "SPD-Fraktion im Landtag NRW" in page
    assert '<span class="role">Moderation:</span> Christina Kampmann MdL' in page
    for panelist in ("Sabine Möwes", "Jan-Philip Hermes", "Michael Pfefferle", "Ellen Stock MdL"):
        assert panelist in page
    assert "Chief Digital Officer der Stadt Bochum" in page
    assert '<span class="avatar avatar-initials" aria-hidden="true">LK</span>' in page
    assert "Noch 100 Plätze frei" in page
    assert "Jetzt anmelden" in page
    assert f"/events/{seed.slug}/calendar.ics" in page


def test_detail_in_english(client, seed):
    client.cookies["django_language"] = "en"
    page = client.get(seed.get_absolute_url()).content.decode()

    assert '<html lang="en">' in page
    assert "Tuesday, 29 April 2031, 18:00–20:00" in page
    assert "Register now" in page
    assert "100 seats left" in page


def test_detail_shows_photo_when_speaker_has_one(client):
    speaker = SpeakerFactory(
        name="Ada Beispiel", photo="speakers/ada.jpg", photo_256="speakers/256/ada-256.webp"
    )
    slot = SlotSpeakerFactory(speaker=speaker).slot

    page = client.get(slot.event.get_absolute_url()).content.decode()

    assert 'src="/media/speakers/256/ada-256.webp" alt="Foto von Ada Beispiel"' in page
    assert "/media/speakers/ada.jpg" not in page


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "Jetzt anmelden"),
        ({"capacity": 1}, "Auf die Warteliste"),
        (
            {"registration_opens_at": timezone.now() + datetime.timedelta(days=2)},
            "Die Anmeldung ist noch nicht geöffnet.",
        ),
        (
            {"registration_closes_at": timezone.now() - datetime.timedelta(hours=1)},
            "Die Anmeldung für diese Veranstaltung ist geschlossen.",
        ),
        (
            {"starts_at": timezone.now() - datetime.timedelta(days=3)},
            "Diese Veranstaltung hat bereits stattgefunden.",
        ),
        ({"is_cancelled": True}, "Diese Veranstaltung wurde abgesagt."),
    ],
)
def test_detail_shows_registration_state(client, changes, expected):
    event = EventFactory(**changes)
    if event.capacity == 1:
        RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)

    page = client.get(event.get_absolute_url()).content.decode()

    assert expected in page
    assert ("/register/" in page) == (expected in {"Jetzt anmelden", "Auf die Warteliste"})


def test_unpublished_event_is_not_found(client):
    event = EventFactory(is_published=False)
    assert client.get(event.get_absolute_url()).status_code == 404
    assert client.get(f"/events/{event.slug}/register/").status_code == 404
    assert client.get(f"/events/{event.slug}/calendar.ics").status_code == 404


def test_join_link_never_on_public_pages(client, seed):
    pages = ["/", seed.get_absolute_url(), f"/events/{seed.slug}/register/",
             f"/events/{seed.slug}/register/thanks/", "/datenschutz/", "/impressum/",
             "/barrierefreiheit/"]
    for language in ("de", "en"):
        client.cookies["django_language"] = language
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "zoom.example.org" not in response.content.decode(), url


def test_markup_in_titles_and_names_is_escaped(client):
    event = EventFactory(title="<script>alert(1)</script>Talk", subtitle="<b>fett</b>")
    speaker = SpeakerFactory(name="<img src=x onerror=alert(1)>", position="<i>x</i>")
    SlotSpeakerFactory(slot=AgendaSlotFactory(event=event, title="<u>Slot</u>"), speaker=speaker)

    for url in ("/", event.get_absolute_url(), f"/events/{event.slug}/register/"):
        page = client.get(url).content.decode()
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;Talk" in page
        assert "<b>fett</b>" not in page
    page = client.get(event.get_absolute_url()).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;u&gt;Slot&lt;/u&gt;" in page


def make_event_with(count):
    event = EventFactory(capacity=50)
    for _ in range(count):
        slot = AgendaSlotFactory(event=event)
        SlotSpeakerFactory(slot=slot)
        SlotSpeakerFactory(slot=slot, role="moderator")
        RegistrationFactory(event=event)
    return event


@pytest.mark.parametrize("count", [1, 3])
def test_detail_queries_do_not_grow_with_agenda(client, django_assert_num_queries, count):
    event = make_event_with(count)
    with django_assert_num_queries(3):
        response = client.get(event.get_absolute_url())
    assert response.content.decode().count('class="slot"') == count


@pytest.mark.parametrize("count", [1, 3])
def test_list_queries_do_not_grow_with_events(client, django_assert_num_queries, count):
    for _ in range(count):
        make_event_with(2)
        EventFactory(starts_at=timezone.now() - datetime.timedelta(days=10))
    with django_assert_num_queries(3):  # upcoming; the archive's count and page
        response = client.get("/")
    assert response.content.decode().count('class="event-card') == 2 * count


@pytest.mark.parametrize("count", [1, 3])
def test_register_page_queries_are_fixed(client, django_assert_num_queries, count):
    event = make_event_with(count)
    with django_assert_num_queries(2):  # the event; its own questions
        response = client.get(f"/events/{event.slug}/register/")
    assert "Vorname" in response.content.decode()


def test_every_page_links_the_legal_pages(client, seed):
    for url in ("/", seed.get_absolute_url(), f"/events/{seed.slug}/register/"):
        page = client.get(url).content.decode()
        for link in ('href="/datenschutz/"', 'href="/impressum/"', 'href="/barrierefreiheit/"'):
            assert link in page


def test_language_switch_link_sets_english_and_returns_to_the_page(client, seed):
    page = client.get(seed.get_absolute_url()).content.decode()
    switch = f'href="/language/en/?next=/events/{seed.slug}/"'
    assert switch in page

    response = client.get(f"/language/en/?next=/events/{seed.slug}/", follow=True)

    assert response.redirect_chain == [(f"/events/{seed.slug}/", 302)]
    assert "Agenda" in response.content.decode()
    assert 'lang="de">Deutsch</a>' in response.content.decode()


def test_language_switch_refuses_other_hosts_and_unknown_languages(client):
    response = client.get("/language/en/?next=https://evil.example.com/")
    assert response["Location"] == "/"
    assert client.get("/language/xx/?next=/").status_code == 404


def test_public_pages_carry_no_csrf_token_so_they_can_be_cached(client, seed):
    for url in ("/", seed.get_absolute_url(), "/datenschutz/"):
        response = client.get(url)
        assert "csrfmiddlewaretoken" not in response.content.decode(), url
        assert not response.cookies, url


def test_state_badge_follows_the_state_enum_and_shows_nothing_without_a_state():
    from django.template.loader import render_to_string

    from registrations.selectors import RegistrationState

    Code = RegistrationState.Code
    full = render_to_string("events/_state.html", {"state": RegistrationState(Code.FULL, 0)})
    assert 'class="state state-full"' in full
    assert render_to_string("events/_state.html", {}).strip() == ""


def test_published_by_slug_reads_the_event_as_the_orm_does():
    event = EventFactory(access_services_booked=["sign_language"], capacity=40)
    EventFactory(slug="entwurf", is_published=False)

    found = Event.objects.published_by_slug(event.slug)
    expected = Event.objects.published().get(slug=event.slug)

    fields = [field.attname for field in Event._meta.concrete_fields]
    assert [getattr(found, name) for name in fields] == [
        getattr(expected, name) for name in fields
    ]
    assert timezone.is_aware(found.starts_at)
    assert found.access_services_booked == ["sign_language"]
    assert found._state.adding is False and found._state.db == "default"
    assert Event.objects.published_by_slug("entwurf") is None
    assert Event.objects.published_by_slug("gibt-es-nicht") is None
    # The built statement takes the slug as a parameter, never into its text.
    assert Event.objects.published_by_slug("x' OR '1'='1") is None
