"""One client address holds at most a few unconfirmed seats of an event (issue 10, item 3)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from events.models import Event
from registrations import selectors, services
from registrations.models import Registration
from tests.factories import EventFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_recounted")]

Status = Registration.Status
TOWN_HALL = "203.0.113.7"


def register(event, email, client_ip=TOWN_HALL, **extra):
    fields = {"first_name": "Erika", "last_name": "Mustermann", "email": email, **extra}
    return services.register(event=event, client_ip=client_ip, **fields)[0]


def seats_left(event):
    return selectors.seats_left(Event.objects.get(pk=event.pk))


def test_five_registrations_from_one_address_leave_two_of_five_seats_for_others():
    event = EventFactory(capacity=5)

    hoarded = [register(event, f"h{n}@example.org") for n in range(5)]

    assert [r.status for r in hoarded] == [Status.PENDING] * 3 + [Status.WAITLISTED] * 2
    assert seats_left(event) == 2
    others = [register(event, f"o{n}@example.org", client_ip=f"198.51.100.{n}") for n in range(3)]
    assert [r.status for r in others] == [Status.PENDING, Status.PENDING, Status.WAITLISTED]


def test_fifty_colleagues_behind_one_address_all_get_seats_once_they_confirm(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=60)
    colleagues = [register(event, f"c{n}@rathaus.example.org") for n in range(50)]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        for registration in reversed(colleagues):
            services.confirm(registration=registration)

    statuses = Registration.objects.filter(event=event).values_list("status", flat=True)
    assert list(statuses) == [Status.CONFIRMED] * 50
    assert seats_left(event) == 10
    # Each hears once that the seat is theirs, with the mail of a confirmation.
    subjects = [m.subject.split(":")[0] for m in mail.outbox]
    assert subjects == ["Ihre Anmeldung ist bestätigt"] * 50


def test_confirming_a_held_back_registration_in_a_full_event_keeps_it_waiting():
    event = EventFactory(capacity=4)
    mine = [register(event, f"m{n}@example.org") for n in range(4)]
    register(event, "other@example.org", client_ip="198.51.100.1")  # the last seat

    waiting = services.confirm(registration=mine[3])

    assert waiting.status == Status.WAITLISTED
    assert seats_left(event) == 0


def test_later_registrations_from_the_address_hold_seats_again_once_some_are_confirmed():
    event = EventFactory(capacity=10)
    first = [register(event, f"f{n}@example.org") for n in range(3)]
    for registration in first:
        services.confirm(registration=registration)

    later = register(event, "later@example.org")

    assert later.status == Status.PENDING


def test_ipv6_client_counts_by_its_network():
    event = EventFactory(capacity=10)
    addresses = [f"2001:db8:1:2::{n}" for n in range(1, 5)]

    statuses = [register(event, f"v{n}@example.org", client_ip=ip).status
                for n, ip in enumerate(addresses)]

    assert statuses == [Status.PENDING] * 3 + [Status.WAITLISTED]
    assert register(event, "else@example.org", client_ip="2001:db8:1:3::1").status == (
        Status.PENDING
    )


def test_limit_is_a_setting_and_zero_turns_it_off(settings):
    event = EventFactory(capacity=10)
    settings.REGISTRATION_MAX_UNCONFIRMED_SEATS_PER_CLIENT = 1
    assert [register(event, f"a{n}@example.org").status for n in range(2)] == [
        Status.PENDING, Status.WAITLISTED,
    ]
    settings.REGISTRATION_MAX_UNCONFIRMED_SEATS_PER_CLIENT = 0
    assert register(event, "b@example.org").status == Status.PENDING


def test_no_limit_without_a_client_address_or_without_a_seat_limit():
    limited, unlimited = EventFactory(capacity=10), EventFactory(capacity=None)
    assert {register(limited, f"n{n}@example.org", client_ip=None).status
            for n in range(5)} == {Status.PENDING}
    assert {register(unlimited, f"u{n}@example.org").status for n in range(5)} == {
        Status.PENDING
    }
    assert not Registration.objects.filter(event=unlimited).exclude(client_hash="").exists()


def test_address_is_stored_only_as_a_keyed_hash_while_unconfirmed():
    event = EventFactory(capacity=10)
    confirmed, cancelled, erased = (register(event, f"{name}@example.org") for name in "cxe")
    expiring = register(event, "s@example.org", client_ip="198.51.100.9")
    held_back = register(event, "w@example.org")  # the fourth from the town hall

    hashes = dict(Registration.objects.values_list("email", "client_hash"))
    assert hashes["c@example.org"] == services.client_hash(TOWN_HALL)
    assert hashes["s@example.org"] == services.client_hash("198.51.100.9")
    assert all(len(hashes[f"{name}@example.org"]) == 64 for name in "cxes")
    assert TOWN_HALL not in str(hashes)
    # A registration on the waiting list holds no seat, so nothing of its address is kept.
    assert (held_back.status, hashes["w@example.org"]) == (Status.WAITLISTED, "")

    services.confirm(registration=confirmed)
    services.cancel(registration=cancelled)
    services.erase_personal_data(registration=erased)
    services.expire_pending(now=timezone.now() + datetime.timedelta(days=2))

    assert expiring.status == Status.PENDING
    assert set(Registration.objects.values_list("client_hash", flat=True)) == {""}


def test_key_depends_on_the_secret_key(settings):
    before = services.client_hash(TOWN_HALL)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-" * 2
    assert services.client_hash(TOWN_HALL) != before


def test_form_counts_the_address_the_request_came_from(client):
    event = EventFactory(slug="talk", capacity=10)
    data = {"first_name": "Erika", "last_name": "Mustermann", "consent": "on"}
    for n in range(4):
        client.post("/events/talk/register/", {**data, "email": f"p{n}@example.org"},
                    REMOTE_ADDR="192.0.2.44")
    client.post("/events/talk/register/", {**data, "email": "other@example.org"},
                REMOTE_ADDR="192.0.2.45")

    statuses = dict(Registration.objects.filter(event=event).values_list("email", "status"))
    assert statuses == {
        "p0@example.org": Status.PENDING,
        "p1@example.org": Status.PENDING,
        "p2@example.org": Status.PENDING,
        "p3@example.org": Status.WAITLISTED,
        "other@example.org": Status.PENDING,
    }
    assert seats_left(event) == 6


def test_privacy_notice_says_what_is_kept_of_the_address(client):
    page = client.get("/datenschutz/").content.decode()

    assert "Prüfwert der IP-Adresse Ihres Geräts" in page
    assert "Bestätigung, der Stornierung oder dem Ablauf der Anmeldung löschen wir" in page


def test_privacy_migration_leaves_a_notice_edited_by_staff_alone():
    import importlib

    from django.apps import apps

    from events.models import LegalPage

    migration = importlib.import_module("events.migrations.0011_privacy_notice_client_hash")
    LegalPage.objects.filter(kind="privacy").update(body="Unser eigener Text.")

    migration.add_paragraph(apps, None)

    assert LegalPage.objects.get(kind="privacy").body == "Unser eigener Text."


def test_held_back_registrant_confirming_sees_the_seat_and_join_link(client):
    event = EventFactory(capacity=10, online_url="https://zoom.example.org/j/42")
    for n in range(3):
        register(event, f"m{n}@example.org")
    fourth = register(event, "fourth@example.org")
    assert fourth.status == Status.WAITLISTED

    page = client.post(f"/r/{fourth.token}/confirm/", follow=True).content.decode()

    assert "Ihre Anmeldung ist bestätigt" in page
    assert "https://zoom.example.org/j/42" in page
    assert "Warteliste" not in page


def test_unconfirmed_seats_count_is_the_orm_query_written_out():
    event, other = EventFactory(capacity=10), EventFactory(capacity=10)
    for n in range(2):
        register(event, f"e{n}@example.org")
    register(other, "other-event@example.org")
    register(event, "other-client@example.org", client_ip="198.51.100.1")
    confirmed = register(event, "confirmed@example.org")
    key = services.client_hash(TOWN_HALL)
    Registration.objects.filter(pk=confirmed.pk).update(status=Status.CONFIRMED)

    expected = Registration.objects.filter(
        event=event, status=Status.PENDING, client_hash=key
    ).count()

    assert services._unconfirmed_seats(event, key) == expected == 2


def test_registration_retried_after_a_race_counts_towards_the_client_limit(monkeypatch):
    event = EventFactory(capacity=10)
    old = register(event, "raced@example.org")
    lookup = services._active_registration

    def cancelled_meanwhile(event, email):
        # The race: a cancellation commits between the failed insert and the lookup.
        services.cancel(registration=old)
        return lookup(event, email)

    monkeypatch.setattr(services, "_active_registration", cancelled_meanwhile)
    raced = register(event, "raced@example.org")

    later = [register(event, f"later{n}@example.org").status for n in range(3)]

    assert raced.pk != old.pk
    assert raced.client_hash == services.client_hash(TOWN_HALL)
    assert later == [Status.PENDING, Status.PENDING, Status.WAITLISTED]
