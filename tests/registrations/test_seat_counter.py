"""The counter of seats held on the event: kept by the seat services, checked by a recount."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from events import services as event_services
from events.models import Event
from registrations import retention, selectors, services
from registrations.models import Registration
from tests.conftest import recounting
from tests.factories import EventFactory, RegistrationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_recounted")]

Status = Registration.Status


def register(event, email, **extra):
    fields = {"first_name": "Erika", "last_name": "Mustermann", "email": email, **extra}
    return services.register(event=event, **fields)[0]


def held(event):
    return Event.objects.get(pk=event.pk).seats_held


def test_recount_after_a_service_fails_when_the_counter_is_not_kept(monkeypatch):
    monkeypatch.setattr(services, "_hold_seats", lambda event, change, mode=None: None)
    event = EventFactory(capacity=3)

    with pytest.raises(AssertionError, match="seat counter drift after register"):
        recounting(services.register)(
            event=event, first_name="Erika", last_name="Mustermann", email="e@example.org"
        )


def test_counter_follows_every_seat_change():
    event = EventFactory(capacity=2)
    first = register(event, "first@example.org")
    second = register(event, "second@example.org")
    waiting = register(event, "waiting@example.org")
    services.confirm(registration=waiting)
    assert held(event) == 2

    services.cancel(registration=first)  # the waiting person moves up
    assert held(event) == 2
    services.erase_personal_data(registration=second)
    assert held(event) == 1
    services.expire_pending(now=timezone.now() + datetime.timedelta(days=3))
    assert held(event) == 1


def test_cancelling_a_waitlisted_registration_frees_no_seat():
    event = EventFactory(capacity=1)
    seated = register(event, "seated@example.org")
    leaving = register(event, "leaving@example.org")
    next_in_line = register(event, "next@example.org")
    services.confirm(registration=next_in_line)

    services.cancel(registration=leaving)

    assert held(event) == 1
    assert dict(Registration.objects.values_list("email", "status")) == {
        seated.email: Status.PENDING,
        leaving.email: Status.CANCELLED,
        next_in_line.email: Status.WAITLISTED,
    }


def test_recount_command_reports_drift_and_fails_until_fixed():
    event = EventFactory(slug="talk", capacity=10)
    register(event, "a@example.org")
    Event.objects.filter(pk=event.pk).update(seats_held=5)
    err = StringIO()

    with pytest.raises(CommandError, match="1 event"):
        call_command("recount_seats", stdout=StringIO(), stderr=err)
    assert "talk: counter 5, registrations holding a seat 1" in err.getvalue()
    assert held(event) == 5

    out = StringIO()
    call_command("recount_seats", "--fix", stdout=out, stderr=StringIO())
    assert held(event) == 1
    assert "1 wrong counter(s) fixed" in out.getvalue()

    out = StringIO()
    call_command("recount_seats", stdout=out)
    assert "0 wrong counter(s) found" in out.getvalue()


def test_recount_command_exits_non_zero_on_drift(capsys):
    from registrations.management.commands.recount_seats import Command

    event = EventFactory(capacity=10)
    Event.objects.filter(pk=event.pk).update(seats_held=3)

    with pytest.raises(SystemExit) as exit_status:
        Command().run_from_argv(["manage.py", "recount_seats"])

    assert exit_status.value.code != 0
    assert "wrong seat counter" in capsys.readouterr().err


def test_purge_of_expired_and_cancelled_rows_keeps_the_counter():
    now = timezone.now()
    event = EventFactory(capacity=5)
    confirmed = register(event, "confirmed@example.org")
    services.confirm(registration=confirmed)
    register(event, "slow@example.org")
    services.expire_pending(now=now + datetime.timedelta(days=2))
    cancelled = register(event, "cancelled@example.org")
    services.cancel(registration=cancelled)
    Event.objects.filter(pk=event.pk).update(
        starts_at=now - datetime.timedelta(days=41), ends_at=now - datetime.timedelta(days=40)
    )

    anonymised, deleted = retention.purge_personal_data(event=event, now=now)

    assert (anonymised, deleted) == (2, 1)
    assert held(event) == 1
    assert selectors.seat_drift() == []


def test_staff_saving_an_event_read_earlier_keeps_the_seats_taken_meanwhile():
    event = EventFactory(capacity=10)
    form_copy = Event.objects.get(pk=event.pk)  # as the admin's change form read it
    register(event, "a@example.org")
    register(event, "b@example.org")

    form_copy.title = "Neuer Titel"
    form_copy.save()

    event.refresh_from_db()
    assert event.title == "Neuer Titel"
    assert event.seats_held == 2


def test_admin_cannot_delete_registrations_so_the_counter_stays(admin_client):
    # Seats are freed by cancelling or erasing through the services, never by a deletion.
    event = EventFactory(capacity=3)
    rows = [register(event, f"p{n}@example.org") for n in range(2)]

    single = admin_client.post(
        f"/admin/registrations/registration/{rows[0].pk}/delete/", {"post": "yes"}
    )
    bulk = admin_client.post(
        "/admin/registrations/registration/",
        {"action": "delete_selected", "_selected_action": [r.pk for r in rows], "post": "yes"},
    )

    assert single.status_code == 403
    assert bulk.status_code == 302  # no such action: Django goes back to the list
    assert Registration.objects.filter(event=event).count() == 2
    assert held(event) == 2


def test_copy_of_an_event_holds_no_seats():
    event = EventFactory(capacity=10)
    register(event, "a@example.org")

    copy = event_services.copy_event(
        event=Event.objects.get(pk=event.pk), starts_on=datetime.date(2040, 1, 1)
    )

    assert held(copy) == 0
    assert held(event) == 1


def test_factory_rows_are_counted():
    event = EventFactory(capacity=5)
    RegistrationFactory(event=event, status=Status.CONFIRMED)
    RegistrationFactory(event=event, status=Status.WAITLISTED)

    assert event.seats_held == held(event) == 1
    assert selectors.seats_left(event) == 4


# Nothing moves up in an event that does not take place (issue 10, item 8).


def full_event_with_a_confirmed_waiting_list():
    event = EventFactory(capacity=1)
    holder = register(event, "holder@example.org")
    services.confirm(registration=holder)
    waiting = register(event, "waiting@example.org")
    services.confirm(registration=waiting)
    return event, holder, waiting


def test_nobody_moves_up_in_a_cancelled_event(django_capture_on_commit_callbacks):
    event, holder, waiting = full_event_with_a_confirmed_waiting_list()
    Event.objects.filter(pk=event.pk).update(is_cancelled=True)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(registration=holder)
        promoted = services.promote_waitlisted(Event.objects.get(pk=event.pk))

    assert promoted == []
    assert Registration.objects.get(pk=waiting.pk).status == Status.WAITLISTED
    assert [(m.to, m.subject.split(":")[0]) for m in mail.outbox] == [
        (["holder@example.org"], "Ihre Anmeldung wurde storniert")
    ]
    assert held(event) == 0


def test_nobody_moves_up_after_the_event_ended(django_capture_on_commit_callbacks):
    event, holder, waiting = full_event_with_a_confirmed_waiting_list()
    after = Event.objects.get(pk=event.pk).ends_at + datetime.timedelta(hours=1)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.erase_personal_data(registration=holder, now=after)

    assert Registration.objects.get(pk=waiting.pk).status == Status.WAITLISTED
    assert mail.outbox == []
    assert held(event) == 0


def test_nobody_moves_up_when_a_hold_expires_in_a_cancelled_event():
    event = EventFactory(capacity=1)
    register(event, "slow@example.org")
    waiting = register(event, "waiting@example.org")
    services.confirm(registration=waiting)
    Event.objects.filter(pk=event.pk).update(is_cancelled=True)

    services.expire_pending(now=timezone.now() + datetime.timedelta(days=2))

    assert Registration.objects.get(pk=waiting.pk).status == Status.WAITLISTED
    assert held(event) == 0


def test_cancelling_with_a_counter_drifted_to_zero_still_works():
    event = EventFactory(capacity=5)
    registration = register(event, "a@example.org")
    Event.objects.filter(pk=event.pk).update(seats_held=0)  # changed around the services

    cancelled = services.cancel(registration=registration)

    assert cancelled.status == Status.CANCELLED
    assert held(event) == 0
