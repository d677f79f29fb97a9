"""The editor's page: an event with its slots and people, posted as one form."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from events.models import AgendaSlot, Event, Speaker
from tests.factories import AgendaSlotFactory, EventFactory, SlotSpeakerFactory, SpeakerFactory

pytestmark = pytest.mark.django_db

EVENT = {
    "series": "LandtagsTalk",
    "title": "Neue Veranstaltung",
    "slug": "neue-veranstaltung",
    "organiser": "SPD-Fraktion im Landtag NRW",
    "starts_at_0": "11.12.2026",
    "starts_at_1": "18:00:00",
    "ends_at_0": "11.12.2026",
    "ends_at_1": "20:00:00",
    "format": "online",
}


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def slot_data(index, start, end="", *, title="Programmpunkt", kind="talk", people=(), **extra):
    prefix = f"slots-{index}"
    data = {
        f"{prefix}-start_time": start,
        f"{prefix}-end_time": end,
        f"{prefix}-title": title,
        f"{prefix}-kind": kind,
        f"{prefix}-order": str(index),
        **management(f"{prefix}-roles", len(people)),
        **{f"{prefix}-{name}": value for name, value in extra.items()},
    }
    for number, person in enumerate(people):
        data.update(
            {f"{prefix}-roles-{number}-{name}": value for name, value in person.items()}
        )
        data.setdefault(f"{prefix}-roles-{number}-order", str(number))
    return data


def add_event(client, *slots):
    data = {**EVENT, **management("slots", len(slots)), **management("registration_questions", 0)}
    for slot in slots:
        data.update(slot)
    return client.post(reverse("admin:events_event_add"), data)


def photo():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "#b3000f").save(buffer, "PNG")
    return SimpleUploadedFile("foto.png", buffer.getvalue(), content_type="image/png")


def local(value):
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")


def test_editor_builds_event_with_slots_and_people_in_one_post(client, editor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    known = SpeakerFactory(name="Christina Kampmann", affix="MdL")
    client.force_login(editor)

    response = add_event(
        client,
        slot_data(
            0, "18:00", "18:05", title="Begrüßung", kind="welcome",
            people=[{"role": "host", "new_name": "Thomas Kutschaty", "new_affix": "MdL",
                     "new_bio": "Fraktionsvorsitzender.", "new_photo": photo()}],
        ),
        slot_data(1, "18:05", "18:20", title="Fragen", kind="questions",
                  people=[{"role": "moderator", "speaker": known.pk}]),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get(slug="neue-veranstaltung")
    assert [
        (local(s.starts_at), local(s.ends_at), s.title, s.order,
         [(r.speaker.display_name, r.role) for r in s.roles.all()])
        for s in event.slots.all()
    ] == [
        ("11.12.2026 18:00", "11.12.2026 18:05", "Begrüßung", 0,
         [("Thomas Kutschaty MdL", "host")]),
        ("11.12.2026 18:05", "11.12.2026 18:20", "Fragen", 1,
         [("Christina Kampmann MdL", "moderator")]),
    ]
    new = Speaker.objects.get(name="Thomas Kutschaty")
    assert new.bio == "Fraktionsvorsitzender."
    assert new.photo.name.startswith("speakers/")


def test_slot_outside_the_event_is_refused_at_the_field(client, editor):
    client.force_login(editor)

    response = add_event(client, slot_data(0, "17:30", "18:10"), slot_data(1, "19:50", "20:30"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Der Programmpunkt muss innerhalb der Veranstaltung beginnen (18:00–20:00 Uhr)." in html
    assert "Der Programmpunkt muss spätestens mit der Veranstaltung enden (20:00 Uhr)." in html
    assert not Event.objects.exists()


def test_slot_ending_before_it_starts_is_refused(client, editor):
    client.force_login(editor)

    response = add_event(client, slot_data(0, "18:30", "18:10"))

    assert "Der Programmpunkt muss nach seinem Beginn enden." in response.content.decode()
    assert not AgendaSlot.objects.exists()


def test_overlapping_slots_are_refused_unless_parallel(client, editor):
    client.force_login(editor)

    refused = add_event(
        client,
        slot_data(0, "18:00", "18:30", title="Vortrag A"),
        slot_data(1, "18:15", "18:45", title="Vortrag B"),
    )
    accepted = add_event(
        client,
        slot_data(0, "18:00", "18:30", title="Vortrag A"),
        slot_data(1, "18:15", "18:45", title="Vortrag B", is_parallel="on"),
    )

    assert "Überschneidet sich mit „Vortrag A“ (18:00–18:30 Uhr)." in refused.content.decode()
    assert accepted.status_code == 302
    assert list(AgendaSlot.objects.values_list("is_parallel", flat=True)) == [False, True]


def test_slots_in_an_order_that_contradicts_their_times_are_refused(client, editor):
    client.force_login(editor)

    response = add_event(
        client,
        slot_data(0, "19:00", "19:30", title="Abschluss"),
        slot_data(1, "18:00", "18:30", title="Begrüßung"),
    )

    assert "Beginnt vor dem Programmpunkt darüber, „Abschluss“ (19:00 Uhr)." in (
        response.content.decode()
    )


def test_time_of_day_follows_the_event_past_midnight(client, editor):
    client.force_login(editor)
    data = {**EVENT, "ends_at_0": "12.12.2026", "ends_at_1": "01:00:00"}
    data.update(management("slots", 1))
    data.update(management("registration_questions", 0))
    data.update(slot_data(0, "00:15", "00:45", title="Nachtgespräch"))

    response = client.post(reverse("admin:events_event_add"), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert local(AgendaSlot.objects.get().starts_at) == "12.12.2026 00:15"


def test_person_needs_a_choice_or_a_new_name_not_both(client, editor):
    known = SpeakerFactory(name="Ellen Stock")
    client.force_login(editor)

    empty = add_event(client, slot_data(0, "18:00", people=[{"role": "panelist"}]))
    both = add_event(
        client,
        slot_data(0, "18:00", people=[{"role": "panelist", "speaker": known.pk,
                                       "new_name": "Ellen Stock"}]),
    )

    assert "Wählen Sie eine Person aus der Liste, oder legen Sie unten eine neue an." in (
        empty.content.decode()
    )
    assert "nicht beides" in both.content.decode()
    assert Speaker.objects.count() == 1


def test_new_person_with_a_file_that_is_no_image_is_refused(client, editor):
    client.force_login(editor)
    fake = SimpleUploadedFile("foto.png", b"\x00\x89PNG not really", content_type="image/png")

    response = add_event(
        client, slot_data(0, "18:00", people=[{"role": "host", "new_name": "X", "new_photo": fake}])
    )

    assert response.status_code == 200
    assert not Speaker.objects.exists()


def test_editor_page_shows_slot_times_as_times_of_day_in_saved_order(client, editor):
    event = EventFactory(
        starts_at=timezone.make_aware(datetime.datetime(2026, 12, 11, 18)),
        ends_at=timezone.make_aware(datetime.datetime(2026, 12, 11, 20)),
    )
    late = AgendaSlotFactory(
        event=event, title="Zweiter", order=1,
        starts_at=event.starts_at + datetime.timedelta(minutes=30),
    )
    SlotSpeakerFactory(slot=late, speaker__name="Sabine Möwes", role="panelist")
    AgendaSlotFactory(event=event, title="Erster", order=0, starts_at=event.starts_at)
    client.force_login(editor)

    html = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()

    assert html.index('value="Erster"') < html.index('value="Zweiter"')
    assert 'name="slots-1-start_time" value="18:30"' in html
    assert "Sabine Möwes" in html
    assert "Mitwirkende in diesem Programmpunkt" in html


def test_new_person_part_comes_back_open_with_what_was_typed(client, editor):
    client.force_login(editor)

    response = add_event(
        client,
        slot_data(0, "17:00", people=[{"role": "host", "new_name": "Erika Beispiel"}]),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert '<details open><summary>' in html
    assert 'value="Erika Beispiel"' in html


@pytest.mark.parametrize(
    "field, value",
    [("start_time", "25:99"), ("start_time", "18\x0000"), ("title", "A\x00B"),
     ("order", "99999999"), ("kind", "nonsense"), ("end_time", "x" * 10_000)],
)
def test_bad_input_on_the_editor_page_is_refused_without_error(client, editor, field, value):
    client.force_login(editor)
    slot = slot_data(0, "18:00", "18:30")
    slot[f"slots-0-{field}"] = value

    response = add_event(client, slot)

    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not Event.objects.exists()


def test_new_person_name_with_a_nul_byte_is_refused(client, editor):
    client.force_login(editor)

    response = add_event(
        client, slot_data(0, "18:00", people=[{"role": "host", "new_name": "Er\x00ika"}])
    )

    assert response.status_code == 200
    assert not Speaker.objects.exists()


def test_participant_manager_sees_the_event_but_cannot_change_it(
    client, participant_manager
):
    event = EventFactory()
    slot = AgendaSlotFactory(event=event, title="Begrüßung")
    SlotSpeakerFactory(slot=slot, speaker__name="Thomas Kutschaty")
    client.force_login(participant_manager)
    url = reverse("admin:events_event_change", args=[event.pk])

    page = client.get(url)
    changed = client.post(url, {**EVENT, **management("slots", 0)})

    assert page.status_code == 200
    assert changed.status_code == 403
    assert event.slots.get().title == "Begrüßung"


def test_slot_without_an_order_goes_first(client, editor):
    client.force_login(editor)
    slot = slot_data(0, "18:00", "18:30")
    slot["slots-0-order"] = ""

    response = add_event(client, slot)

    assert response.status_code == 302
    assert AgendaSlot.objects.get().order == 0


def queries_for_editor_page(client, slots):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event = EventFactory()
    for number in range(slots):
        slot = AgendaSlotFactory(event=event, order=number)
        SlotSpeakerFactory(slot=slot)
        SlotSpeakerFactory(slot=slot)
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("admin:events_event_change", args=[event.pk])).status_code == 200
    return len(context.captured_queries)


def test_editor_page_queries_grow_by_slot_and_person_only(client, editor):
    client.force_login(editor)

    one, three = queries_for_editor_page(client, 1), queries_for_editor_page(client, 3)

    # Per slot: its people (one query) and each person's autocomplete box (Django reads the
    # chosen option itself). The heading of each person comes with the people.
    assert three - one <= 2 * (1 + 2)


def test_thousands_of_slot_forms_are_refused_with_a_message(client, editor):
    client.force_login(editor)
    data = {**EVENT, **management("slots", 2000), **slot_data(0, "18:00", "18:30")}

    response = client.post(reverse("admin:events_event_add"), data)

    assert response.status_code == 200
    assert "Eine Veranstaltung hat höchstens 50 Programmpunkte." in response.content.decode()
    assert not Event.objects.exists()


def test_thousands_of_people_in_a_slot_are_refused_with_a_message(client, editor):
    client.force_login(editor)
    slot = slot_data(0, "18:00", "18:30", people=[{"role": "host", "new_name": "Erika"}])
    slot["slots-0-roles-TOTAL_FORMS"] = "2000"

    response = add_event(client, slot)

    assert response.status_code == 200
    assert "Ein Programmpunkt hat höchstens 20 Personen." in response.content.decode()
    assert not Event.objects.exists()
    assert not Speaker.objects.exists()


def test_two_slots_with_the_same_place_and_an_error_come_back_with_the_message(client, editor):
    client.force_login(editor)
    first = slot_data(0, "17:00", "18:30", title="Begrüßung")
    second = slot_data(1, "18:30", "19:00", title="Vortrag", order="0")

    response = add_event(client, first, second)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Der Programmpunkt muss innerhalb der Veranstaltung beginnen" in html
    assert html.index('value="Begrüßung"') < html.index('value="Vortrag"')
    assert not Event.objects.exists()


@pytest.mark.parametrize("place", ["x", "9" * 5000, "1.5"])
def test_a_place_that_is_no_number_comes_back_without_error(client, editor, place):
    client.force_login(editor)
    first = slot_data(0, "17:00", "18:30", title="Begrüßung")
    second = slot_data(1, "18:30", "19:00", title="Vortrag", order=place)

    response = add_event(client, first, second)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Der Programmpunkt muss innerhalb der Veranstaltung beginnen" in html
    assert not Event.objects.exists()


def test_two_people_with_the_same_place_and_an_error_come_back_with_the_message(client, editor):
    client.force_login(editor)
    people = [{"role": "host", "new_name": "Erika Beispiel"},
              {"role": "panelist", "new_name": "Max Muster", "order": "0"}]

    response = add_event(client, slot_data(0, "17:00", people=people))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index('value="Erika Beispiel"') < html.index('value="Max Muster"')
    assert not Speaker.objects.exists()
