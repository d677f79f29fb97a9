"""Faults in production: dropped database connections, several app servers at once."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from registrations.models import Registration
from tests.factories import EventFactory

from .conftest import Browser, free_port, is_postgresql, registration_fields, registration_form_path

pytestmark = pytest.mark.django_db(transaction=True)


def test_request_after_the_connection_was_closed_works(client):
    EventFactory(title="LandtagsTalk Digital")
    assert "LandtagsTalk Digital" in client.get("/").text

    connection.close()
    response = client.get("/")

    assert response.status_code == 200
    assert "LandtagsTalk Digital" in response.text


def terminate_other_connections():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_app_server_survives_database_dropping_its_connection(processes):
    if not is_postgresql():
        pytest.skip("SQLite is a file: there is no database server to drop a connection")
    EventFactory(title="LandtagsTalk Digital")
    port = free_port()
    processes.gunicorn(port, workers=1)
    browser = Browser(port)
    assert browser.get("/healthz")[0] == 200

    assert terminate_other_connections() >= 1
    status, _, page = browser.get("/")

    assert status == 200
    assert "LandtagsTalk Digital" in page
    assert browser.get("/healthz")[:3:2] == (200, "ok")


def test_two_app_servers_never_sell_a_seat_twice(processes):
    event = EventFactory(capacity=10)
    path = registration_form_path(event)
    ports = [free_port(), free_port()]
    for port in ports:
        # One test client: neither the rate limit nor the limit of unconfirmed seats per
        # client address would let 40 registrations from it hold seats.
        processes.gunicorn(
            port, workers=2, RATELIMIT_ENABLE=0, REGISTRATION_MAX_UNCONFIRMED_SEATS_PER_CLIENT=0
        )

    def register(number):
        browser = Browser(ports[number % 2])
        return browser.post_form(path, registration_fields(number))[0]

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(register, range(40)))

    assert [status for status in statuses if status >= 400] == []
    registrations = Registration.objects.filter(event=event)
    assert registrations.count() == 40
    event.refresh_from_db()
    assert event.seats_held == registrations.holding_seats().count() == 10
    assert registrations.filter(status=Registration.Status.WAITLISTED).count() == 30
