"""The seat rules of registrations/services.py, one rule per test."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from events.models import Event
from registrations import selectors, services
from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory

# After every call of a seat service, the counter on the event must equal the rows.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_recounted")]

Status = Registration.Status


def seats_left(event):
    return selectors.seats_left(Event.objects.get(pk=event.pk))


def register(event, email, **extra):
    fields = {"first_name": "Erika", "last_name": "Mustermann", "email": email, **extra}
    return services.register(event=event, **fields)


def test_register_holds_seat_as_pending_and_mails_confirmation(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        registration, created = register(event, "erika@example.org")

    assert created
    assert registration.status == Status.PENDING
    assert registration.expires_at > timezone.now() + datetime.timedelta(hours=23)
    assert seats_left(event) == 1
    assert [m.to for m in mail.outbox] == [["erika@example.org"]]


def test_register_when_full_goes_to_waiting_list():
    event = EventFactory(capacity=1)
    register(event, "a@example.org")
    registration, _ = register(event, "b@example.org")
    assert registration.status == Status.WAITLISTED
    assert seats_left(event) == 0


def test_register_same_address_any_case_returns_existing(django_capture_on_commit_callbacks):
    event = EventFactory()
    first, _ = register(event, "Erika@Example.org")
    with django_capture_on_commit_callbacks(execute=True):
        again, created = register(event, "erika@example.ORG")

    assert not created
    assert again == first
    assert Registration.objects.count() == 1
    assert first.token in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"is_published": False}, "unpublished"),
        ({"is_cancelled": True}, "cancelled"),
        ({"starts_at": timezone.now() - datetime.timedelta(hours=1)}, "closed"),
        ({"starts_at": timezone.now() - datetime.timedelta(days=2)}, "past"),
        ({"registration_opens_at": timezone.now() + datetime.timedelta(days=1)}, "not_open"),
    ],
)
def test_register_refused_when_registration_not_open(changes, code):
    event = EventFactory(**changes)
    with pytest.raises(ValidationError) as error:
        register(event, "erika@example.org")
    assert error.value.code == code
    assert not Registration.objects.exists()


def test_confirm_pending_makes_confirmed_and_second_click_changes_nothing():
    event = EventFactory()
    registration, _ = register(event, "erika@example.org")

    confirmed = services.confirm(registration=registration)
    again = services.confirm(registration=registration)

    assert confirmed.status == again.status == Status.CONFIRMED
    assert again.confirmed_at == confirmed.confirmed_at


def test_confirm_after_window_releases_seat_and_refuses():
    event = EventFactory(capacity=1)
    registration, _ = register(event, "erika@example.org")
    later = timezone.now() + datetime.timedelta(hours=49)

    with pytest.raises(ValidationError) as error:
        services.confirm(registration=registration, now=later)

    registration.refresh_from_db()
    assert error.value.code == "expired"
    assert registration.status == Status.CANCELLED
    assert registration.cancel_reason == Registration.CancelReason.EXPIRED
    assert seats_left(event) == 1


def test_cancel_frees_seat_for_oldest_confirmed_waitlisted():
    event = EventFactory(capacity=1)
    holder, _ = register(event, "holder@example.org")
    unconfirmed, _ = register(event, "unconfirmed@example.org")
    older, _ = register(event, "older@example.org")
    newer, _ = register(event, "newer@example.org")
    services.confirm(registration=older)
    services.confirm(registration=newer)

    services.cancel(registration=holder)

    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "holder@example.org": Status.CANCELLED,
        "unconfirmed@example.org": Status.WAITLISTED,
        "older@example.org": Status.CONFIRMED,
        "newer@example.org": Status.WAITLISTED,
    }


def test_expire_pending_releases_seats_and_promotes():
    event = EventFactory(capacity=1)
    register(event, "slow@example.org")
    waiting, _ = register(event, "waiting@example.org")
    services.confirm(registration=waiting)

    expired = services.expire_pending(now=timezone.now() + datetime.timedelta(hours=49))

    waiting.refresh_from_db()
    assert expired == 1
    assert waiting.status == Status.CONFIRMED
    assert Registration.objects.get(email="slow@example.org").status == Status.CANCELLED


def test_confirmed_registrations_never_expire():
    event = EventFactory()
    registration, _ = register(event, "erika@example.org")
    services.confirm(registration=registration)
    assert services.expire_pending(now=timezone.now() + datetime.timedelta(days=5)) == 0


def test_raising_capacity_and_promoting_fills_new_seats():
    event = EventFactory(capacity=1)
    register(event, "a@example.org")
    waiting, _ = register(event, "b@example.org")
    services.confirm(registration=waiting)
    event.capacity = 2
    event.save()

    promoted = services.promote_waitlisted(event)

    assert [r.email for r in promoted] == ["b@example.org"]
    assert seats_left(event) == 0


def test_no_mail_when_transaction_rolls_back(django_capture_on_commit_callbacks):
    from django.db import transaction

    event = EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            register(event, "erika@example.org")
            raise RuntimeError("something after the registration failed")

    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_erase_personal_data_cancels_promotes_and_blanks(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    holder, _ = register(event, "holder@example.org", organisation="Bochum", question="?")
    waiting, _ = register(event, "waiting@example.org")
    services.confirm(registration=waiting)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        erased = services.erase_personal_data(registration=holder)

    waiting.refresh_from_db()
    assert erased.status == Status.CANCELLED
    assert [erased.first_name, erased.last_name, erased.email] == ["", "", ""]
    assert [erased.organisation, erased.question, erased.token] == ["", "", None]
    assert erased.purged_at is not None
    assert waiting.status == Status.CONFIRMED
    # Only the promoted person hears of it; the erased one has no address left.
    assert [m.to for m in mail.outbox] == [["waiting@example.org"]]


def test_erased_address_can_register_again():
    event = EventFactory()
    first, _ = register(event, "erika@example.org")
    services.erase_personal_data(registration=first)

    again, created = register(event, "erika@example.org")

    assert created
    assert again.pk != first.pk


@pytest.mark.parametrize(
    ("changes", "held", "code", "left"),
    [
        ({}, 0, "open", None),
        ({"capacity": 2}, 1, "open", 1),
        ({"capacity": 1}, 1, "full", 0),
        ({"is_cancelled": True}, 0, "cancelled", None),
        ({"is_published": False}, 0, "unpublished", None),
        ({"registration_opens_at": timezone.now() + datetime.timedelta(days=1)}, 0,
         "not_open", None),
        ({"registration_closes_at": timezone.now() - datetime.timedelta(hours=1)}, 0,
         "closed", None),
        ({"starts_at": timezone.now() - datetime.timedelta(days=2)}, 0, "past", None),
    ],
)
def test_registration_state(changes, held, code, left, django_assert_num_queries):
    event = EventFactory(**changes)
    for number in range(held):
        RegistrationFactory(event=event, email=f"p{number}@example.org")

    with django_assert_num_queries(0):
        state = selectors.registration_state(event)

    assert state == selectors.registration_state(Event.objects.get(pk=event.pk))
    assert (state.code, state.seats_left) == (code, left)
    assert state.code in selectors.RegistrationState.Code
    assert state.accepts_registrations == (code in ("open", "full"))
