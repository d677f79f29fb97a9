"""schema.org Event as JSON-LD on the event page, field by field."""

import datetime
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Event
from registrations.models import Registration
from tests.factories import AgendaSlotFactory, EventFactory, RegistrationFactory, SlotSpeakerFactory

pytestmark = pytest.mark.django_db

SITE = "https://talk.example.org"


def json_ld(page):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def seed():
    call_command("loaddemo", "--force", "--date", "2031-04-29", stdout=StringIO())
    event = Event.objects.get()
    event.capacity = 100
    event.save()
    return event


def test_event_json_ld_field_by_field(client, seed):
    data = json_ld(client.get(seed.get_absolute_url()).content.decode())

    page_url = f"{SITE}/events/{seed.slug}/"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"] == seed.title
    assert data["description"].startswith("Die öffentliche Verwaltung hat das Potenzial")
    assert data["url"] == page_url
    assert data["startDate"] == "2031-04-29T18:00:00+02:00"
    assert data["endDate"] == "2031-04-29T20:00:00+02:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "url": page_url}
    assert data["organizer"] == {
        "@type": "Organization", "name": "SPD-Fraktion im Landtag NRW", "url": f"{SITE}/"
    }
    names = [person["name"] for person in data["performer"]]
    assert len(names) == 8
    assert "Christina Kampmann MdL" in names
    assert all(person["@type"] == "Person" for person in data["performer"])
    bochum = next(p for p in data["performer"] if p.get("jobTitle", "").endswith("Bochum"))
    assert bochum["jobTitle"] == "Chief Digital Officer der Stadt Bochum"
    assert re.fullmatch(rf"{page_url}share\.png\?v=[0-9a-f]{{16}}", data["image"][0])
    assert data["offers"]["@type"] == "Offer"
    assert data["offers"]["price"] == "0"
    assert data["offers"]["priceCurrency"] == "EUR"
    assert data["offers"]["availability"] == "https://schema.org/LimitedAvailability"
    assert data["offers"]["inventoryLevel"]["value"] == 100
    assert data["offers"]["url"] == page_url
    assert data["inLanguage"] == "de"


def test_json_ld_never_holds_the_join_link(client):
    event = EventFactory(online_url="https://zoom.example.org/j/secret-room")

    page = client.get(event.get_absolute_url()).content.decode()

    assert "secret-room" not in json.dumps(json_ld(page))
    assert "zoom.example.org" not in page


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"is_cancelled": True}, "https://schema.org/EventCancelled"),
        ({"sequence": 2}, "https://schema.org/EventRescheduled"),
    ],
)
def test_json_ld_event_status(client, changes, status):
    event = EventFactory(**changes)

    assert json_ld(client.get(event.get_absolute_url()).content.decode())["eventStatus"] == status


@pytest.mark.parametrize(
    ("format", "mode", "location_types"),
    [
        ("in_person", "OfflineEventAttendanceMode", ["Place"]),
        ("hybrid", "MixedEventAttendanceMode", ["VirtualLocation", "Place"]),
    ],
)
def test_json_ld_attendance_mode_and_location(client, format, mode, location_types):
    event = EventFactory(format=format, location="Landtag NRW, Düsseldorf")

    data = json_ld(client.get(event.get_absolute_url()).content.decode())

    assert data["eventAttendanceMode"] == f"https://schema.org/{mode}"
    locations = data["location"] if isinstance(data["location"], list) else [data["location"]]
    assert [location["@type"] for location in locations] == location_types
    place = locations[-1]
    assert place["address"] == "Landtag NRW, Düsseldorf"


def test_json_ld_availability_follows_the_seats(client):
    full = EventFactory(capacity=1)
    RegistrationFactory(event=full, status=Registration.Status.CONFIRMED)
    unlimited = EventFactory(capacity=None)
    past = EventFactory(starts_at=timezone.now() - datetime.timedelta(days=2))

    def availability(event):
        page = client.get(event.get_absolute_url()).content.decode()
        return json_ld(page)["offers"]["availability"].rsplit("/", 1)[1]

    assert availability(full) == "SoldOut"
    assert availability(unlimited) == "InStock"
    assert availability(past) == "Discontinued"


def test_json_ld_cannot_break_out_of_its_script_element(client):
    event = EventFactory(title="</script><script>alert(1)</script>", description="<!-- & -->")
    SlotSpeakerFactory(slot=AgendaSlotFactory(event=event), speaker__name="</SCRIPT>x")

    page = client.get(event.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in page
    assert page.lower().count("</script>") == 1  # only the JSON-LD block's own end
    data = json_ld(page)
    assert data["name"] == "</script><script>alert(1)</script>"
    assert data["description"] == "<!-- & -->"
    assert data["performer"][0]["name"] == "</SCRIPT>x"
