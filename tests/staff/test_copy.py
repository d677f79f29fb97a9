"""Copying an event as the template for the next one."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from events.services import copy_event
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def local(value):
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")


@pytest.fixture
def demo():
    call_command("loaddemo", "--force", "--date", "2021-03-16", stdout=StringIO())
    event = Event.objects.get()
    event.capacity = 100
    event.save()
    RegistrationFactory(event=event)
    return event


def test_copy_event_keeps_wall_clock_times_across_daylight_saving(demo):
    copy = copy_event(event=demo, starts_on=datetime.date(2021, 4, 13))

    assert (local(copy.starts_at), local(copy.ends_at)) == ("13.04.2021 18:00", "13.04.2021 20:00")
    assert copy.ends_at - copy.starts_at == datetime.timedelta(hours=2)
    assert [local(slot.starts_at)[-5:] for slot in copy.slots.all()] == [
        "18:00",
        "18:05",
        "18:20",
        "18:30",
        "19:10",
        "19:25",
    ]
    assert copy.slots.first().starts_at.date() == datetime.date(2021, 4, 13)


def test_copy_event_copies_agenda_and_roles_not_registrations(demo):
    copy = copy_event(event=demo, starts_on=datetime.date(2021, 4, 13), slug="lt-neu")

    assert copy.slug == "lt-neu"
    assert (copy.is_published, copy.is_cancelled, copy.sequence) == (False, False, 0)
    assert (copy.title, copy.capacity, copy.online_url) == (demo.title, 100, demo.online_url)
    roles = lambda event: [  # noqa: E731
        (slot.title, role.speaker.name, role.role)
        for slot in event.slots.all()
        for role in slot.roles.all()
    ]
    assert roles(copy) == roles(demo)
    assert len(roles(copy)) == 10
    assert copy.registrations.count() == 0
    assert demo.registrations.count() == 1


def test_copy_event_default_slug_is_unique_and_dated(demo):
    first = copy_event(event=demo, starts_on=datetime.date(2021, 4, 13))
    again = copy_event(event=demo, starts_on=datetime.date(2021, 4, 13))
    of_copy = copy_event(event=first, starts_on=datetime.date(2021, 5, 11))

    assert first.slug == "landtagstalk-digital-buergernah-effizient-2021-04-13"
    assert again.slug == "landtagstalk-digital-buergernah-effizient-2021-04-13-2"
    assert of_copy.slug == "landtagstalk-digital-buergernah-effizient-2021-05-11"


def test_copy_action_leads_to_form_with_defaults(client, editor, demo):
    client.force_login(editor)

    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "copy_as_template", "_selected_action": [demo.pk]},
        follow=True,
    )

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("admin:events_event_copy", args=[demo.pk])
    assert "Als Vorlage kopieren" in html
    assert '<label for="id_starts_on">Neues Datum:</label>' in html
    expected = max(datetime.date(2021, 3, 16), timezone.localdate()) + datetime.timedelta(weeks=4)
    assert f'value="{expected:%Y-%m-%d}"' in html
    assert "(Programmpunkte: 6)" in html


def test_copy_form_creates_unpublished_copy(client, editor, demo):
    client.force_login(editor)

    response = client.post(
        reverse("admin:events_event_copy", args=[demo.pk]),
        {"starts_on": "2021-05-25", "title": "LandtagsTalk: Bildung", "slug": "lt-bildung"},
        follow=True,
    )

    copy = Event.objects.get(slug="lt-bildung")
    assert response.redirect_chain[-1][0] == reverse("admin:events_event_change", args=[copy.pk])
    assert "nicht veröffentlicht" in response.content.decode()
    assert (copy.title, local(copy.starts_at), copy.is_published) == (
        "LandtagsTalk: Bildung",
        "25.05.2021 18:00",
        False,
    )


def test_copy_form_rejects_taken_slug(client, editor, demo):
    client.force_login(editor)

    response = client.post(
        reverse("admin:events_event_copy", args=[demo.pk]),
        {"starts_on": "2021-05-25", "title": "X", "slug": demo.slug},
    )

    assert (
        "Eine Veranstaltung mit diesem Kurznamen gibt es schon." in response.content.decode()
    )
    assert Event.objects.count() == 1


def test_copy_action_with_two_events_asks_for_one(client, editor, demo):
    other = EventFactory()
    client.force_login(editor)

    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "copy_as_template", "_selected_action": [demo.pk, other.pk]},
        follow=True,
    )

    assert (
        "Bitte wählen Sie genau eine Veranstaltung zum Kopieren aus." in response.content.decode()
    )
    assert Event.objects.count() == 2
