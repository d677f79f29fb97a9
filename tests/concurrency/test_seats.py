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
