"""Seats under concurrent requests: real transactions in threads, as several servers make them."""

import threading
import time

import pytest
from django.db import connection, connections

from events.models import Event
from registrations import services
from registrations.models import Registration
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)

Status = Registration.Status


def run_at_once(*calls):
    """Run the calls in threads released together; return their results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # reported to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def registering(event, email):
    return lambda: services.register(
        event=event, first_name="Erika", last_name="Mustermann", email=email
    )


@pytest.fixture
def slow_count(monkeypatch):
    """Widen the window between counting seats and taking one, as a busy server would."""
    count = services.seats_held

    def seats_held(event):
        held = count(event)
        time.sleep(0.05)
        return held

    monkeypatch.setattr(services, "seats_held", seats_held)


def test_many_at_once_never_overbook(slow_count):
    event = EventFactory(capacity=3)

    results = run_at_once(*(registering(event, f"p{n}@example.org") for n in range(12)))

    assert not [r for r in results if isinstance(r, Exception)]
    statuses = list(Registration.objects.values_list("status", flat=True))
    assert statuses.count(Status.PENDING) == 3
    assert statuses.count(Status.WAITLISTED) == 9
    assert len(statuses) == 12


def test_double_click_makes_one_registration(slow_count):
    event = EventFactory()

    results = run_at_once(*(registering(event, "Erika@example.org") for _ in range(4)))

    assert not [r for r in results if isinstance(r, Exception)]
    assert Registration.objects.count() == 1
    assert len({registration.pk for registration, _ in results}) == 1
    assert sorted(created for _, created in results) == [False, False, False, True]


def test_cancel_and_promote_at_once_promote_one(slow_count):
    event = EventFactory(capacity=1)
    holder, _ = registering(event, "holder@example.org")()
    waiting = [registering(event, f"w{n}@example.org")()[0] for n in range(3)]
    for registration in waiting:
        services.confirm(registration=registration)

    run_at_once(
        lambda: services.cancel(registration=holder),
        lambda: services.promote_waitlisted(event),
        lambda: services.promote_waitlisted(event),
    )

    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses["holder@example.org"] == Status.CANCELLED
    assert [statuses[f"w{n}@example.org"] for n in range(3)] == [
        Status.CONFIRMED, Status.WAITLISTED, Status.WAITLISTED
    ]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every write transaction, with or without the row lock",
)
def test_without_the_lock_the_test_catches_overbooking(slow_count, monkeypatch):
    """The negative control: the tests above would fail if the lock were missing."""
    monkeypatch.setattr(services, "_lock_event", lambda event_id: Event.objects.get(pk=event_id))
    event = EventFactory(capacity=3)

    run_at_once(*(registering(event, f"p{n}@example.org") for n in range(12)))

    assert Registration.objects.filter(status=Status.PENDING).count() > 3
