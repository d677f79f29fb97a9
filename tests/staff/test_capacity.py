"""More seats in the admin go to the waiting list at once, as a freed seat would."""

import pytest
from django.core import mail
from django.utils import timezone

from registrations.models import Registration
from tests.admin_forms import change_event
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status


@pytest.fixture
def full_event():
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event, status=Status.CONFIRMED, email_confirmed_at=timezone.now())
    waiting = [
        RegistrationFactory(
            event=event, status=Status.WAITLISTED, email_confirmed_at=timezone.now(),
            email=f"waiting{number}@example.org",
        )
        for number in range(3)
    ]
    # Not confirmed yet: stays on the list whatever the capacity.
    RegistrationFactory(event=event, status=Status.WAITLISTED, email="unconfirmed@example.org")
    return event, waiting


def statuses(registrations):
    return [Registration.objects.get(pk=r.pk).status for r in registrations]


def test_raising_the_capacity_promotes_the_oldest_waiting_and_mails_them(
    client, admin_user, full_event, django_capture_on_commit_callbacks
):
    event, waiting = full_event
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        change_event(client, event, capacity="3")

    assert statuses(waiting) == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED]
    assert sorted(m.to[0] for m in mail.outbox) == ["waiting0@example.org", "waiting1@example.org"]
    page = client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert "2 Personen sind von der Warteliste nachgerückt und wurden benachrichtigt." in page


def test_unlimited_capacity_promotes_everyone_confirmed(client, admin_user, full_event):
    event, waiting = full_event
    client.force_login(admin_user)
    change_event(client, event, capacity="")
    assert statuses(waiting) == [Status.CONFIRMED] * 3
    assert Registration.objects.get(email="unconfirmed@example.org").status == Status.WAITLISTED


def test_lowering_the_capacity_takes_no_seat_away(client, admin_user):
    event = EventFactory(capacity=3)
    held = RegistrationFactory.create_batch(
        3, event=event, status=Status.CONFIRMED, email_confirmed_at=timezone.now()
    )
    client.force_login(admin_user)
    change_event(client, event, capacity="1")
    assert statuses(held) == [Status.CONFIRMED] * 3
    assert mail.outbox == []
