import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command

from events.models import AgendaSlot, Event, SlotSpeaker, Speaker

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def snapshot():
    objects = [
        *Event.objects.order_by("pk"),
        *Speaker.objects.order_by("pk"),
        *AgendaSlot.objects.order_by("pk"),
        *SlotSpeaker.objects.order_by("pk"),
    ]
    return serializers.serialize("json", objects)


def test_loaddemo_creates_seed_event_as_in_invitation():
    call_command("loaddemo", "--force", stdout=StringIO())

    event = Event.objects.get()
    assert event.title == "LandtagsTalk: Digital.Bürgernah.Effizient."
    assert event.subtitle == "Wie gestalten wir die Kommune der Zukunft?"
    assert event.organiser == "SPD-Fraktion im Landtag NRW"
    assert event.location == "Zoom-Konferenz"
    assert event.is_published
    assert event.starts_at == datetime.datetime(2021, 4, 27, 18, 0, tzinfo=BERLIN)
    assert event.ends_at == datetime.datetime(2021, 4, 27, 20, 0, tzinfo=BERLIN)
    assert "Onlinezugangsgesetzes (OZG)" in event.description

    slots = list(event.slots.order_by("starts_at"))
    assert [f"{s.starts_at.astimezone(BERLIN):%H:%M}" for s in slots] == [
        "18:00", "18:05", "18:20", "18:30", "19:10", "19:25",
    ]
    assert [s.kind for s in slots] == [
        "welcome", "talk", "questions", "panel", "questions", "closing",
    ]
    assert Speaker.objects.count() == 8
    panel = slots[3]
    assert [(r.speaker.display_name, r.role) for r in panel.roles.all()] == [
        ("Sabine Möwes", "panelist"),
        ("Jan-Philip Hermes", "panelist"),
        ("Michael Pfefferle", "panelist"),
        ("Ellen Stock MdL", "panelist"),
        ("Christina Kampmann MdL", "moderator"),
    ]
    kuecuek = Speaker.objects.get(name="Denes Kücük")
    assert kuecuek.position == "Chief Digital Officer der Stadt Bochum"


def test_loaddemo_twice_gives_same_database():
    call_command("loaddemo", "--force", stdout=StringIO())
    first = snapshot()
    call_command("loaddemo", "--force", stdout=StringIO())
    assert snapshot() == first


def test_loaddemo_date_moves_event_keeping_local_times():
    call_command("loaddemo", "--force", "--date", "2026-12-11", stdout=StringIO())

    event = Event.objects.get()
    assert event.starts_at == datetime.datetime(2026, 12, 11, 18, 0, tzinfo=BERLIN)
    closing = event.slots.order_by("starts_at").last()
    assert closing.starts_at == datetime.datetime(2026, 12, 11, 19, 25, tzinfo=BERLIN)


def test_loaddemo_with_new_date_moves_existing_event_and_raises_sequence():
    call_command("loaddemo", "--force", stdout=StringIO())
    call_command("loaddemo", "--force", "--date", "2026-12-11", stdout=StringIO())

    event = Event.objects.get()
    assert event.starts_at.date() == datetime.date(2026, 12, 11)
    assert event.sequence == 1
    assert AgendaSlot.objects.count() == 6
    assert SlotSpeaker.objects.count() == 10


def test_loaddemo_bad_date_is_a_clear_error():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("loaddemo", "--force", "--date", "27.04.2021", stdout=StringIO())


def test_loaddemo_with_debug_off_refuses_without_force(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="With DJANGO_DEBUG off it refuses unless given --force"):
        call_command("loaddemo", stdout=StringIO())

    assert not Event.objects.exists()


def test_loaddemo_with_debug_on_needs_no_force(settings):
    settings.DEBUG = True

    call_command("loaddemo", stdout=StringIO())

    assert Event.objects.get().is_published
