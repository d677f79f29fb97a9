"""Hybrid events: two quotas (the hall and online), each with its own waiting list."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from events import services as event_services
from events.models import Event
from registrations import selectors, services
from registrations.models import Registration
from tests.factories import EventFactory

# After every call of a seat service, both counters of the event must equal the rows.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_recounted")]

Status = Registration.Status
ONLINE, VENUE = Registration.Mode.ONLINE, Registration.Mode.VENUE


@pytest.fixture
def hybrid():
    """The seed event copied as a hybrid event: 2 seats in the hall, 10 online."""
    call_command("loaddemo", "--force", "--date", "2031-04-29", stdout=StringIO())
    seed = Event.objects.get()
    copy = event_services.copy_event(event=seed, starts_on=datetime.date(2031, 5, 6))
    event_services.update_event(
        event=copy,
        changes={
            "format": Event.Format.HYBRID,
            "capacity": 10,
            "venue_capacity": 2,
            "location": "Landtag NRW, Raum E3 D01",
            "street_address": "Platz des Landtags 1",
            "postal_code": "40221",
            "locality": "Düsseldorf",
            "is_published": True,
        },
    )
    return Event.objects.get(pk=copy.pk)


def register(event, email, mode=None, **extra):
    registration, _ = services.register(
        event=event, first_name="Erika", last_name="Mustermann", email=email, mode=mode, **extra
    )
    return registration


def confirmed(event, email, mode):
    return services.confirm(registration=register(event, email, mode))


def fresh(event):
    return Event.objects.get(pk=event.pk)


def test_third_hall_registrant_waits_while_online_stays_open(hybrid):
    first = confirmed(hybrid, "a@example.org", VENUE)
    second = confirmed(hybrid, "b@example.org", VENUE)

    third = register(hybrid, "c@example.org", VENUE)
    online = register(hybrid, "d@example.org", ONLINE)

    assert [first.status, second.status] == [Status.CONFIRMED, Status.CONFIRMED]
    assert third.status == Status.WAITLISTED
    assert online.status == Status.PENDING
    event = fresh(hybrid)
    assert (event.venue_seats_held, event.seats_held) == (2, 1)
    assert selectors.seats_left(event, VENUE) == 0
    assert selectors.seats_left(event, ONLINE) == 9
    state = selectors.registration_state(event)
    assert state.code == state.Code.OPEN
    assert state.seats_left == 9
    assert [(m.mode, m.seats_left) for m in state.modes] == [(ONLINE, 9), (VENUE, 0)]


def test_online_cancellation_never_promotes_a_hall_waiter(hybrid):
    for n in range(2):
        confirmed(hybrid, f"hall{n}@example.org", VENUE)
    online = confirmed(hybrid, "online@example.org", ONLINE)
    waiter = confirmed(hybrid, "waiter@example.org", VENUE)

    services.cancel(registration=online)
    services.promote_waitlisted(fresh(hybrid))

    waiter.refresh_from_db()
    assert waiter.status == Status.WAITLISTED
    assert (fresh(hybrid).venue_seats_held, fresh(hybrid).seats_held) == (2, 0)


def test_freed_hall_seat_goes_to_the_oldest_hall_waiter_not_an_online_one(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(format=Event.Format.HYBRID, capacity=1, venue_capacity=1)
    hall = confirmed(event, "hall@example.org", VENUE)
    confirmed(event, "online@example.org", ONLINE)
    online_waiter = confirmed(event, "online-wait@example.org", ONLINE)
    hall_waiter = confirmed(event, "hall-wait@example.org", VENUE)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(registration=hall)

    online_waiter.refresh_from_db()
    hall_waiter.refresh_from_db()
    assert online_waiter.status == Status.WAITLISTED
    assert hall_waiter.status == Status.CONFIRMED
    assert "hall-wait@example.org" in [m.to[0] for m in mail.outbox]


def test_hybrid_registration_without_a_mode_is_refused():
    event = EventFactory(format=Event.Format.HYBRID, capacity=5, venue_capacity=5)

    with pytest.raises(ValidationError) as error:
        register(event, "a@example.org")

    assert error.value.code == "mode"
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("format", "expected"), [("in_person", VENUE), ("online", ONLINE)]
)
def test_single_format_registrations_take_the_format_and_one_quota(format, expected):
    event = EventFactory(format=format, capacity=1, venue_capacity=None)

    first = register(event, "a@example.org", mode=ONLINE if expected == VENUE else VENUE)
    second = register(event, "b@example.org")

    assert (first.mode, second.mode) == (expected, expected)
    assert (first.status, second.status) == (Status.PENDING, Status.WAITLISTED)
    assert (fresh(event).seats_held, fresh(event).venue_seats_held) == (1, 0)


def test_unlimited_hall_never_waits_while_online_is_full():
    event = EventFactory(format=Event.Format.HYBRID, capacity=1, venue_capacity=None)
    register(event, "online@example.org", ONLINE)

    assert register(event, "late@example.org", ONLINE).status == Status.WAITLISTED
    assert register(event, "hall@example.org", VENUE).status == Status.PENDING
    assert selectors.registration_state(fresh(event)).seats_left is None


def test_change_mode_into_a_free_seat_keeps_it_and_frees_the_old_one_for_its_list(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(format=Event.Format.HYBRID, capacity=5, venue_capacity=1)
    moving = confirmed(event, "moving@example.org", VENUE)
    hall_waiter = confirmed(event, "hall-wait@example.org", VENUE)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        moved = services.change_mode(registration=moving, mode=ONLINE)

    hall_waiter.refresh_from_db()
    assert (moved.mode, moved.status) == (ONLINE, Status.CONFIRMED)
    assert hall_waiter.status == Status.CONFIRMED
    assert (fresh(event).seats_held, fresh(event).venue_seats_held) == (1, 1)
    assert sorted(m.to[0] for m in mail.outbox) == ["hall-wait@example.org", "moving@example.org"]
    assert "zoom.example.org" in next(m for m in mail.outbox if m.to == ["moving@example.org"]).body


def test_change_mode_into_a_full_quota_joins_its_waiting_list():
    event = EventFactory(format=Event.Format.HYBRID, capacity=1, venue_capacity=1)
    confirmed(event, "hall@example.org", VENUE)
    moving = confirmed(event, "moving@example.org", ONLINE)

    moved = services.change_mode(registration=moving, mode=VENUE)

    assert (moved.mode, moved.status, moved.confirmed_at) == (VENUE, Status.WAITLISTED, None)
    assert (fresh(event).seats_held, fresh(event).venue_seats_held) == (0, 1)


def test_change_mode_of_a_waiter_into_a_free_seat_promotes_them():
    event = EventFactory(format=Event.Format.HYBRID, capacity=1, venue_capacity=3)
    confirmed(event, "online@example.org", ONLINE)
    waiter = confirmed(event, "waiter@example.org", ONLINE)

    moved = services.change_mode(registration=waiter, mode=VENUE)

    assert (moved.mode, moved.status) == (VENUE, Status.CONFIRMED)
    assert fresh(event).venue_seats_held == 1


@pytest.mark.parametrize("case", ["online event", "cancelled", "unknown mode", "over"])
def test_change_mode_is_refused_where_there_is_no_choice(case):
    hybrid = case != "online event"
    event = EventFactory(
        format=Event.Format.HYBRID if hybrid else Event.Format.ONLINE, venue_capacity=None
    )
    registration = register(event, "a@example.org", VENUE if hybrid else None)
    mode = "backstage" if case == "unknown mode" else VENUE
    if case == "cancelled":
        services.cancel(registration=registration)
    if case == "over":
        Event.objects.filter(pk=event.pk).update(
            starts_at=timezone.now() - datetime.timedelta(hours=3),
            ends_at=timezone.now() - datetime.timedelta(hours=1),
        )
        mode = ONLINE

    with pytest.raises(ValidationError):
        services.change_mode(registration=registration, mode=mode)


def test_expiry_frees_each_quota_for_its_own_list():
    event = EventFactory(format=Event.Format.HYBRID, capacity=1, venue_capacity=1)
    late_hall = register(event, "late-hall@example.org", VENUE)
    register(event, "late-online@example.org", ONLINE)
    hall_waiter = confirmed(event, "hall-wait@example.org", VENUE)

    expired = services.expire_pending(now=late_hall.expires_at + datetime.timedelta(minutes=1))

    hall_waiter.refresh_from_db()
    assert expired == 2
    assert hall_waiter.status == Status.CONFIRMED
    assert (fresh(event).seats_held, fresh(event).venue_seats_held) == (0, 1)


def test_recount_reports_and_fixes_the_hall_counter():
    event = EventFactory(slug="hybrid", format=Event.Format.HYBRID, capacity=5, venue_capacity=5)
    register(event, "hall@example.org", VENUE)
    Event.objects.filter(pk=event.pk).update(venue_seats_held=4)

    assert [(d.counter, d.held, d.real) for d in selectors.seat_drift()] == [
        ("venue_seats_held", 4, 1)
    ]
    err = StringIO()
    with pytest.raises(CommandError, match="1 event"):
        call_command("recount_seats", stdout=StringIO(), stderr=err)
    assert "hybrid: counter in the hall 4, registrations holding a seat 1" in err.getvalue()

    result = services.recount_seats(event=event)

    assert result == {"seats_held": (0, 0), "venue_seats_held": (4, 1)}
    assert selectors.seat_drift() == []


def test_format_change_moves_the_hall_seats_between_the_counters():
    event = EventFactory(format=Event.Format.HYBRID, capacity=5, venue_capacity=5)
    register(event, "hall@example.org", VENUE)
    register(event, "online@example.org", ONLINE)

    event_services.update_event(
        event=fresh(event), changes={"format": Event.Format.IN_PERSON, "venue_capacity": None}
    )

    assert set(Registration.objects.values_list("mode", flat=True)) == {VENUE}
    assert (fresh(event).seats_held, fresh(event).venue_seats_held) == (2, 0)


def test_more_hall_seats_promote_the_hall_waiting_list():
    event = EventFactory(format=Event.Format.HYBRID, capacity=5, venue_capacity=1)
    confirmed(event, "hall@example.org", VENUE)
    waiter = confirmed(event, "waiter@example.org", VENUE)

    result = event_services.update_event(event=fresh(event), changes={"venue_capacity": 2})

    assert [r.pk for r in result.promoted] == [waiter.pk]
