"""What people see of a hybrid event: the form, the personal page, mails, calendar, data."""

import json
import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events.models import Event
from registrations import mails, services
from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory
from tests.staff.conftest import read_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_recounted")]

Status = Registration.Status
ONLINE, VENUE = Registration.Mode.ONLINE, Registration.Mode.VENUE
JOIN_URL = "https://zoom.example.org/j/123456789"
MAP = "https://www.openstreetmap.org/search?query={address}"


@pytest.fixture
def event():
    return EventFactory(
        slug="hybrid",
        format=Event.Format.HYBRID,
        capacity=10,
        venue_capacity=2,
        location="Landtag NRW, Raum E3 D01",
        street_address="Platz des Landtags 1",
        postal_code="40221",
        locality="Düsseldorf",
        online_url=JOIN_URL,
    )


def person(event, mode, *, email="erika@example.org", status=Status.CONFIRMED):
    return RegistrationFactory(
        event=event, mode=mode, email=email, status=status, email_confirmed_at=timezone.now()
    )


def form_data(**extra):
    return {
        "first_name": "Erika",
        "last_name": "Mustermann",
        "email": "erika@example.org",
        "consent": "on",
        **extra,
    }


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_form_asks_how_with_the_seats_left_of_each(client, event):
    person(event, VENUE, email="hall@example.org")
    person(event, VENUE, email="hall2@example.org")

    page = text(client.get("/events/hybrid/register/"))

    assert "<legend" in page and "Wie nehmen Sie teil?" in page
    assert "Online (noch 10 Plätze frei)" in page
    assert "Im Saal (ausgebucht: Warteliste)" in page


def test_form_registers_for_the_chosen_mode(client, event):
    response = client.post("/events/hybrid/register/", form_data(mode="venue"))

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.mode, registration.status) == (VENUE, Status.PENDING)


def test_form_without_a_choice_says_so_at_the_field(client, event):
    response = client.post("/events/hybrid/register/", form_data())

    page = text(response)
    assert response.status_code == 200
    assert '<a href="#id_mode_0">Teilnahme: Bitte wählen Sie, wie Sie teilnehmen.</a>' in page
    assert 'id="id_mode_error"' in page
    assert not Registration.objects.exists()


@pytest.mark.parametrize("mode", ["backstage", "\x00", "venue" * 1000])
def test_form_refuses_an_unknown_mode(client, event, mode):
    response = client.post("/events/hybrid/register/", form_data(mode=mode))

    assert response.status_code == 200
    assert "Teilnahme: Bitte wählen Sie eine der gezeigten Arten der Teilnahme." in text(response)
    assert not Registration.objects.exists()


def test_form_of_an_online_event_does_not_ask(client):
    EventFactory(slug="online", capacity=5)

    assert "Wie nehmen Sie teil?" not in text(client.get("/events/online/register/"))
    client.post("/events/online/register/", form_data(mode="venue"))
    assert Registration.objects.get().mode == ONLINE


@override_settings(MAP_URL_TEMPLATE=MAP)
def test_personal_page_of_a_hall_seat_shows_the_address_and_map_link_no_join_link(client, event):
    registration = person(event, VENUE)

    page = text(client.get(registration.personal_path))

    assert "Ihr Platz im Saal" in page
    assert "Landtag NRW, Raum E3 D01, Platz des Landtags 1, 40221 Düsseldorf" in page
    assert (
        'href="https://www.openstreetmap.org/search?query=Landtag+NRW%2C+Raum+E3+D01%2C+'
        'Platz+des+Landtags+1%2C+40221+D%C3%BCsseldorf"' in page
    )
    assert JOIN_URL not in page
    assert "Ihre Teilnahme: <strong>Im Saal</strong>." in page
    assert "Wechseln zu: Online" in page


def test_personal_page_of_an_online_seat_shows_the_join_link(client, event):
    registration = person(event, ONLINE)

    page = text(client.get(registration.personal_path))

    assert JOIN_URL in page
    assert "Ihr Platz im Saal" not in page
    assert "Wechseln zu: Im Saal" in page


def test_personal_page_switches_mode_in_one_post(client, event, django_capture_on_commit_callbacks):
    registration = person(event, ONLINE)
    services.recount_seats(event=event)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registrations:mode", args=[registration.token]), {"mode": "venue"},
            follow=True,
        )

    registration.refresh_from_db()
    assert (registration.mode, registration.status) == (VENUE, Status.CONFIRMED)
    assert "Ihre Teilnahme ist jetzt: Im Saal." in text(response)
    assert "Platz des Landtags 1" in mail.outbox[-1].body
    assert JOIN_URL not in mail.outbox[-1].body


def test_personal_page_offers_the_waiting_list_of_a_full_mode(client, event):
    for n in range(2):
        person(event, VENUE, email=f"hall{n}@example.org")
    registration = person(event, ONLINE)

    page = text(client.get(registration.personal_path))

    assert "Alle Plätze „Im Saal“ sind vergeben." in page
    assert "Auf die Warteliste: Im Saal" in page


@pytest.mark.parametrize("mode", ["", "backstage", "\x00"])
def test_switching_to_nonsense_changes_nothing_and_says_why(client, event, mode):
    registration = person(event, ONLINE)

    response = client.post(
        reverse("registrations:mode", args=[registration.token]), {"mode": mode}, follow=True
    )

    registration.refresh_from_db()
    assert registration.mode == ONLINE
    assert "keine Wahl der Teilnahme" in text(response)


def test_personal_page_of_an_online_event_offers_no_switch(client):
    registration = person(EventFactory(), ONLINE)

    assert "Wie Sie teilnehmen" not in text(client.get(registration.personal_path))


@override_settings(MAP_URL_TEMPLATE=MAP)
def test_hall_confirmation_mail_has_address_map_and_calendar_without_join_link(event):
    registration = person(event, VENUE)

    assert mails.deliver(registration_id=registration.pk, kind="confirmed")

    message = mail.outbox[-1]
    assert "Sie nehmen im Saal teil." in message.body
    assert "Wo: Landtag NRW, Raum E3 D01, Platz des Landtags 1, 40221 Düsseldorf" in message.body
    assert "Karte: https://www.openstreetmap.org/search?query=" in message.body
    assert JOIN_URL not in message.body
    assert JOIN_URL not in message.alternatives[0][0]
    (content,) = [a[1] for a in message.attachments if isinstance(a, tuple)]
    entry = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(entry["LOCATION"]) == (
        "Landtag NRW, Raum E3 D01, Platz des Landtags 1, 40221 Düsseldorf"
    )
    assert "Karte: https://www.openstreetmap.org/" in str(entry["DESCRIPTION"])


def test_online_confirmation_mail_of_a_hybrid_event_has_the_join_link(event):
    registration = person(event, ONLINE)

    assert mails.deliver(registration_id=registration.pk, kind="confirmed")

    message = mail.outbox[-1]
    assert "Sie nehmen online teil." in message.body
    assert JOIN_URL in message.body
    entry = Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")[0]
    assert str(entry["LOCATION"]) == "Online"


def test_without_a_map_provider_there_is_no_map_link(client, event):
    registration = person(event, VENUE)

    mails.deliver(registration_id=registration.pk, kind="confirmed")

    assert "Karte" not in mail.outbox[-1].body
    assert "Karte" not in text(client.get(registration.personal_path))


def test_public_calendar_names_the_hall_and_online(client, event):
    content = client.get("/events/hybrid/calendar.ics").content

    entry = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(entry["LOCATION"]) == (
        "Landtag NRW, Raum E3 D01, Platz des Landtags 1, 40221 Düsseldorf und online"
    )


def test_public_page_shows_both_quotas_and_the_address(client, event):
    person(event, VENUE, email="hall@example.org")

    page = text(client.get("/events/hybrid/"))

    assert "Online: Noch 10 Plätze frei<br>Im Saal: Noch 1 Platz frei" in page
    assert "Platz des Landtags 1, 40221 Düsseldorf" in page


def test_json_ld_has_mixed_mode_postal_address_virtual_location_and_an_offer_per_quota(
    client, event
):
    for n in range(2):
        person(event, VENUE, email=f"hall{n}@example.org")

    page = client.get("/events/hybrid/").content.decode()

    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    virtual, place = data["location"]
    assert virtual["@type"] == "VirtualLocation"
    assert JOIN_URL not in json.dumps(data)
    assert place["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "Platz des Landtags 1",
        "postalCode": "40221",
        "addressLocality": "Düsseldorf",
        "addressCountry": "DE",
    }
    online, hall = data["offers"]
    assert (online["name"], online["inventoryLevel"]["value"]) == ("Online", 10)
    assert (hall["name"], hall["availability"]) == ("Im Saal", "https://schema.org/SoldOut")


def test_api_shows_both_quotas_and_the_address(client, event):
    person(event, VENUE, email="hall@example.org")

    data = client.get("/api/v1/events/hybrid/").json()

    assert data["address"] == "Platz des Landtags 1, 40221 Düsseldorf"
    assert data["registration"]["seats_left"] == 11
    assert data["registration"]["quotas"] == [
        {"mode": "online", "seats_left": 10},
        {"mode": "venue", "seats_left": 1},
    ]


def test_dashboard_shows_both_quotas_with_their_waiting(client, participant_manager, event):
    for n in range(2):
        person(event, VENUE, email=f"hall{n}@example.org")
    person(event, VENUE, email="wait@example.org", status=Status.WAITLISTED)
    client.force_login(participant_manager)

    page = text(client.get(reverse("admin:events_event_change", args=[event.pk])))

    assert "Freie Plätze „Online“ von 10; 0 auf der Warteliste" in re.sub(r"<[^>]+>", "", page)
    assert "Freie Plätze „Im Saal“ von 2; 1 auf der Warteliste" in re.sub(r"<[^>]+>", "", page)


def test_export_says_how_each_person_takes_part(client, participant_manager, event):
    person(event, VENUE, email="hall@example.org")
    client.force_login(participant_manager)

    url = reverse("admin:registrations_registration_event_export", args=[event.pk])
    response = client.post(url)

    rows = read_csv(b"".join(response.streaming_content))
    assert rows[0][-1] == "Teilnahme"
    assert rows[1][-1] == "Im Saal"


def test_staff_cannot_give_an_online_event_seats_in_the_hall(client, editor):
    online = EventFactory()
    client.force_login(editor)
    url = reverse("admin:events_event_change", args=[online.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        name: form[name].value() if form[name].value() is not None else ""
        for name in form.fields
    }

    response = client.post(url, {**data, "venue_capacity": "40"})

    assert "Nur eine hybride Veranstaltung hat Plätze im Saal" in text(response)
    assert Event.objects.get(pk=online.pk).venue_capacity is None
