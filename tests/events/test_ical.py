"""Calendar files: well-formed iCalendar, stable identity, never the join link."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from icalendar import Calendar

from events.models import Event
from tests.admin_forms import change_event
from tests.factories import AgendaSlotFactory, EventFactory, SlotSpeakerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    call_command("loaddemo", "--force", "--date", "2031-04-29", stdout=StringIO())
    event = Event.objects.get()
    event.online_url = "https://zoom.example.org/j/secret"
    event.save()
    return event


def assert_well_formed(content):
    assert content.endswith(b"\r\n")
    lines = content.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    return lines


def test_event_calendar_has_every_property(client, seed):
    response = client.get(f"/events/{seed.slug}/calendar.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert_well_formed(response.content)
    calendar = Calendar.from_ical(response.content)
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Berlin"
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["UID"]) == f"event-{seed.pk}@127.0.0.1"
    assert entry["SEQUENCE"] == 0
    assert entry["DTSTAMP"]
    assert entry.decoded("DTSTART") == datetime.datetime(
        2031, 4, 29, 18, 0, tzinfo=entry.decoded("DTSTART").tzinfo
    )
    assert str(entry.decoded("DTSTART").tzinfo) == "Europe/Berlin"
    assert str(entry["SUMMARY"]) == "LandtagsTalk: Digital.Bürgernah.Effizient."
    assert str(entry["LOCATION"]) == "Zoom-Konferenz"
    assert str(entry["URL"]) == f"http://127.0.0.1:8000/events/{seed.slug}/"
    description = str(entry["DESCRIPTION"])
    assert "18:30 Smarte Kommunen in NRW" in description
    assert "Moderation: Christina Kampmann MdL" in description
    assert "secret" not in response.content.decode()


def test_feed_lists_published_events_only(client, seed):
    EventFactory(title="Entwurf", is_published=False)
    other = EventFactory(title="Zweiter Talk")

    response = client.get("/calendar.ics")

    assert_well_formed(response.content)
    entries = Calendar.from_ical(response.content).walk("VEVENT")
    assert sorted(str(entry["SUMMARY"]) for entry in entries) == [
        "LandtagsTalk: Digital.Bürgernah.Effizient.",
        "Zweiter Talk",
    ]
    assert f"event-{other.pk}@" in response.content.decode()
    assert "zoom.example.org" not in response.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_feed_queries_do_not_grow(client, django_assert_num_queries, count):
    for _ in range(count):
        SlotSpeakerFactory(slot=AgendaSlotFactory())
    with django_assert_num_queries(3):
        client.get("/calendar.ics")


def test_line_breaks_in_titles_do_not_break_lines(client):
    event = EventFactory(title="Talk\r\nBEGIN:VEVENT\rX\nY", location="Raum\r\nA")

    content = client.get(f"/events/{event.slug}/calendar.ics").content

    lines = assert_well_formed(content)
    assert b"BEGIN:VEVENT" in lines
    assert lines.count(b"BEGIN:VEVENT") == 1
    (entry,) = Calendar.from_ical(content).walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Talk\nBEGIN:VEVENT\nX\nY"


def test_cancelled_event_is_marked_cancelled(client):
    event = EventFactory(is_cancelled=True)
    (entry,) = Calendar.from_ical(
        client.get(f"/events/{event.slug}/calendar.ics").content
    ).walk("VEVENT")
    assert str(entry["STATUS"]) == "CANCELLED"


def test_admin_raises_sequence_when_date_or_place_changes(client, admin_user):
    client.force_login(admin_user)
    event = EventFactory(starts_at=datetime.datetime(2031, 5, 6, 16, 0, tzinfo=datetime.UTC))
    event.ends_at = event.starts_at + datetime.timedelta(hours=2)
    event.save()
    event = change_event(client, event)  # the same times: nothing changes
    assert event.sequence == 0

    event = change_event(client, event, description="Neue Beschreibung")
    assert event.sequence == 0
    event = change_event(client, event, starts_at_1="17:30:00")
    assert event.sequence == 1
    event = change_event(client, event, location="Landtag, Raum E3")
    assert event.sequence == 2

    (entry,) = Calendar.from_ical(
        client.get(f"/events/{event.slug}/calendar.ics").content
    ).walk("VEVENT")
    assert entry["SEQUENCE"] == 2
