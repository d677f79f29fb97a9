"""Seats under concurrent requests: threads with their own connections and real transactions.

Each test widens the race window by slowing down the reading of the seats left, so that
without the event lock the requests would interleave; the negative control proves that they
do. Afterwards every event's counter of seats held must equal its rows.
"""

import threading
import time

import pytest
from django.db import connection, connections
from django.db.models import QuerySet

from events.models import Event
from registrations import selectors, services
from registrations.models import Registration
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)

Status = Registration.Status
Mode = Registration.Mode
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite takes its write lock at BEGIN IMMEDIATE, so it cannot interleave at all",
)


@pytest.fixture
def slow_seat_count(monkeypatch):
    read = services.seats_left

    def slow(event, mode=None):
        left = read(event, mode)
        time.sleep(0.02)
        return left

    monkeypatch.setattr(services, "seats_left", slow)
    yield
    assert selectors.seat_drift() == []


def run_at_once(*calls):
    """Run the calls in threads released together; return their results and errors."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # collected, and asserted empty by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    return results, errors


def registering(event, email):
    return lambda: services.register(
        event=event, first_name="Erika", last_name="Mustermann", email=email
    )


def statuses(event):
    return list(Registration.objects.filter(event=event).values_list("status", flat=True))


def test_concurrent_registrations_fill_capacity_and_waitlist_the_rest(slow_seat_count):
    event = EventFactory(capacity=5)

    _, errors = run_at_once(*(registering(event, f"p{n}@example.org") for n in range(20)))

    held = statuses(event)
    assert errors == []
    assert len(held) == 20
    assert held.count(Status.PENDING) == 5
    assert held.count(Status.WAITLISTED) == 15


def test_double_click_same_address_makes_one_registration(slow_seat_count):
    event = EventFactory(capacity=5)
    spellings = ["erika@example.org", "Erika@example.org", "ERIKA@EXAMPLE.ORG", "erika@Example.org"]

    results, errors = run_at_once(*(registering(event, email) for email in spellings))

    assert errors == []
    assert Registration.objects.filter(event=event).count() == 1
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert len({registration.pk for registration, _ in results}) == 1


def test_cancellation_and_promotion_at_once_promote_exactly_one(slow_seat_count):
    event = EventFactory(capacity=1)
    holder, _ = registering(event, "holder@example.org")()
    services.confirm(registration=holder)
    waiting = [registering(event, f"w{n}@example.org")()[0] for n in range(3)]
    for registration in waiting:
        services.confirm(registration=registration)

    _, errors = run_at_once(
        lambda: services.cancel(registration=holder),
        lambda: services.promote_waitlisted(event),
        lambda: services.promote_waitlisted(event),
    )

    assert errors == []
    assert sorted(statuses(event)) == sorted(
        [Status.CANCELLED, Status.CONFIRMED, Status.WAITLISTED, Status.WAITLISTED]
    )
    assert Registration.objects.get(email="w0@example.org").status == Status.CONFIRMED


def test_two_cancellations_at_once_promote_two(slow_seat_count):
    event = EventFactory(capacity=2)
    holders = [registering(event, f"h{n}@example.org")()[0] for n in range(2)]
    waiting = [registering(event, f"w{n}@example.org")()[0] for n in range(3)]
    for registration in holders + waiting:
        services.confirm(registration=registration)

    _, errors = run_at_once(*(lambda r=r: services.cancel(registration=r) for r in holders))

    assert errors == []
    event.refresh_from_db()
    assert event.seats_held == 2
    assert Registration.objects.filter(event=event).holding_seats().count() == 2
    assert statuses(event).count(Status.WAITLISTED) == 1


@on_postgresql
def test_negative_control_without_lock_overbooks(monkeypatch, slow_seat_count):
    """Without select_for_update the same scenario sells more seats than exist."""
    def without_lock(event):
        return (event if isinstance(event, QuerySet) else Event.objects.filter(pk=event)).get()

    monkeypatch.setattr(services, "lock_event", without_lock)
    event = EventFactory(capacity=5)

    run_at_once(*(registering(event, f"p{n}@example.org") for n in range(20)))

    assert statuses(event).count(Status.PENDING) > event.capacity


def registering_for(event, email, mode):
    return lambda: services.register(
        event=event, first_name="Erika", last_name="Mustermann", email=email, mode=mode
    )


def hybrid_event(*, hall, online):
    return EventFactory(format=Event.Format.HYBRID, venue_capacity=hall, capacity=online)


def test_concurrent_mixed_registrations_fill_each_quota_and_recount_clean(slow_seat_count):
    """100 in waves of 25 at once, alternately for the hall and online: each quota fills,
    no more."""
    event = hybrid_event(hall=2, online=10)
    modes = [Mode.VENUE if n % 2 else Mode.ONLINE for n in range(100)]

    calls = [registering_for(event, f"p{n}@example.org", mode) for n, mode in enumerate(modes)]
    errors = []
    # In waves of 25 released together: a hundred connections at once are PostgreSQL's
    # default max_connections, and the suite's own connection needs one too.
    for wave in range(0, len(calls), 25):
        errors += run_at_once(*calls[wave : wave + 25])[1]

    assert errors == []
    rows = list(Registration.objects.filter(event=event).values_list("mode", "status"))
    assert len(rows) == 100
    assert rows.count((Mode.VENUE, Status.PENDING)) == 2
    assert rows.count((Mode.VENUE, Status.WAITLISTED)) == 48
    assert rows.count((Mode.ONLINE, Status.PENDING)) == 10
    assert rows.count((Mode.ONLINE, Status.WAITLISTED)) == 40
    event.refresh_from_db()
    assert (event.venue_seats_held, event.seats_held) == (2, 10)
    # slow_seat_count asserts afterwards that both counters equal the rows.


def test_cancellations_in_both_quotas_at_once_promote_only_their_own_waiters(slow_seat_count):
    event = hybrid_event(hall=1, online=1)
    holders = {}
    for mode in (Mode.VENUE, Mode.ONLINE):
        holders[mode] = registering_for(event, f"holder-{mode}@example.org", mode)()[0]
        services.confirm(registration=holders[mode])
    for n in range(2):
        for mode in (Mode.VENUE, Mode.ONLINE):
            waiting = registering_for(event, f"w{n}-{mode}@example.org", mode)()[0]
            services.confirm(registration=waiting)

    _, errors = run_at_once(
        lambda: services.cancel(registration=holders[Mode.VENUE]),
        lambda: services.cancel(registration=holders[Mode.ONLINE]),
        lambda: services.promote_waitlisted(event),
    )

    assert errors == []
    confirmed = Registration.objects.filter(event=event, status=Status.CONFIRMED)
    assert sorted(confirmed.values_list("email", flat=True)) == [
        "w0-online@example.org", "w0-venue@example.org"
    ]


@on_postgresql
def test_negative_control_without_lock_overbooks_the_hall(monkeypatch, slow_seat_count):
    """Without select_for_update the hall sells more seats than it has."""
    def without_lock(event):
        return (event if isinstance(event, QuerySet) else Event.objects.filter(pk=event)).get()

    monkeypatch.setattr(services, "lock_event", without_lock)
    event = hybrid_event(hall=5, online=None)

    run_at_once(*(registering_for(event, f"p{n}@example.org", Mode.VENUE) for n in range(20)))

    assert statuses(event).count(Status.PENDING) > event.venue_capacity
