"""schema.org Event as JSON-LD on the event page, field by field."""

import datetime
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Event
from events.services import update_event
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


def test_json_ld_of_a_called_off_event(client):
    event = EventFactory(is_cancelled=True)

    data = json_ld(client.get(event.get_absolute_url()).content.decode())

    assert data["eventStatus"] == "https://schema.org/EventCancelled"


def test_json_ld_is_rescheduled_when_the_start_moved(client):
    event = EventFactory(
        starts_at=datetime.datetime(2031, 5, 6, 18, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2031, 5, 6, 20, tzinfo=datetime.UTC),
    )
    update_event(
        event=event,
        changes={
            "starts_at": datetime.datetime(2031, 5, 13, 17, tzinfo=datetime.UTC),
            "ends_at": datetime.datetime(2031, 5, 13, 19, tzinfo=datetime.UTC),
        },
    )

    data = json_ld(client.get(event.get_absolute_url()).content.decode())

    assert data["eventStatus"] == "https://schema.org/EventRescheduled"
    assert data["startDate"] == "2031-05-13T19:00:00+02:00"
    assert data["previousStartDate"] == "2031-05-06T20:00:00+02:00"


@pytest.mark.parametrize(
    "changes",
    [
        {"online_url": "https://zoom.example.org/j/987"},
        {"location": "Landtag NRW, Düsseldorf", "format": "hybrid"},
        {"title": "Neuer Titel"},
    ],
)
def test_json_ld_is_not_rescheduled_when_only_other_fields_changed(client, changes):
    event = EventFactory()
    update_event(event=event, changes=changes)
    event.refresh_from_db()
    assert event.sequence == 1  # a new calendar revision all the same

    data = json_ld(client.get(event.get_absolute_url()).content.decode())

    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert "previousStartDate" not in data


def test_json_ld_is_scheduled_again_when_the_start_moved_back(client):
    event = EventFactory()
    start, end = event.starts_at, event.ends_at
    hour = datetime.timedelta(hours=1)
    update_event(event=event, changes={"starts_at": start + hour, "ends_at": end + hour})
    update_event(event=event, changes={"starts_at": start, "ends_at": end})

    data = json_ld(client.get(event.get_absolute_url()).content.decode())

    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert "previousStartDate" not in data


def test_moving_a_draft_is_no_rescheduling(client):
    event = EventFactory(is_published=False)
    hour = datetime.timedelta(hours=1)
    update_event(
        event=event, changes={"starts_at": event.starts_at + hour, "ends_at": event.ends_at + hour}
    )
    update_event(event=event, changes={"is_published": True})

    data = json_ld(client.get(event.get_absolute_url()).content.decode())

    assert data["eventStatus"] == "https://schema.org/EventScheduled"


def test_json_ld_leaves_out_performers_when_there_are_none(client):
    event = EventFactory()

    data = json_ld(client.get(event.get_absolute_url()).content.decode())

    assert "performer" not in data


def test_json_ld_addresses_follow_the_page_language(client, seed):
    english = json_ld(client.get(f"{seed.get_absolute_url()}?lang=en").content.decode())

    english_url = f"{SITE}/events/{seed.slug}/?lang=en"
    assert english["url"] == english_url
    assert english["location"]["url"] == english_url
    assert english["offers"]["url"] == english_url


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
    assert place["name"] == "Landtag NRW"
    assert place["address"] == {"@type": "PostalAddress", "addressLocality": "Düsseldorf"}


def test_json_ld_place_has_a_postal_address(client):
    event = EventFactory(
        format="in_person", location="Landtag NRW, Platz des Landtags 1, 40221 Düsseldorf"
    )

    place = json_ld(client.get(event.get_absolute_url()).content.decode())["location"]

    assert place == {
        "@type": "Place",
        "name": "Landtag NRW",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "Platz des Landtags 1",
            "postalCode": "40221",
            "addressLocality": "Düsseldorf",
        },
    }


@pytest.mark.parametrize("location", ["Landtag NRW", ""])
def test_json_ld_place_without_an_address_is_only_a_name(client, location):
    event = EventFactory(format="in_person", location=location)

    place = json_ld(client.get(event.get_absolute_url()).content.decode())["location"]

    assert place == {"@type": "Place", "name": location or event.organiser}


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
