"""Mails caused by strangers: no text from the form before the address is confirmed,
at most one "already registered" mail per mailbox and event an hour, and confirmation
mails for at most three unconfirmed registrations per mailbox (victim+1@…, victim+2@…)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from registrations import services
from registrations.models import Registration, mailbox
from tests.concurrency.test_seats import run_at_once
from tests.factories import EventFactory, RegistrationFactory

# Real commits, so that the mails of each commit go out as in production.
pytestmark = pytest.mark.django_db(transaction=True)

PHISHING = "Ihr Konto ist gesperrt! Entsperren: https://evil.example/login"


def register(event, email="erika@example.org", **fields):
    return services.register(
        event=event,
        **{"first_name": "Erika", "last_name": "Mustermann", "email": email, **fields},
    )


def text_of(message):
    return message.body + message.alternatives[0][0]


def subjects():
    return [message.subject.split(":")[0] for message in mail.outbox]


@pytest.mark.parametrize("field", ["first_name", "last_name", "organisation", "question"])
def test_mails_before_confirmation_carry_nothing_typed(field):
    event = EventFactory()

    registration, _ = register(event, **{field: PHISHING})
    register(event, email=registration.email.upper())

    assert subjects() == ["Bitte bestätigen Sie Ihre Anmeldung", "Ihre Anmeldung"]
    for message in mail.outbox:
        assert "evil.example" not in text_of(message)
        assert "Guten Tag," in message.body


def test_mails_after_confirmation_greet_by_first_name():
    event = EventFactory()
    registration, _ = register(event)

    services.confirm(registration=registration)

    assert "Guten Tag Erika," in mail.outbox[-1].body


def test_already_registered_mail_at_most_once_an_hour():
    event = EventFactory()
    now = timezone.now()
    register(event, now=now)

    for minutes in (0, 1, 30, 59):
        register(event, now=now + timedelta(minutes=minutes))
    register(event, now=now + timedelta(minutes=61))

    assert subjects() == ["Bitte bestätigen Sie Ihre Anmeldung"] + ["Ihre Anmeldung"] * 2
    assert Registration.objects.get().already_registered_mail_at == now + timedelta(minutes=61)


def test_form_answer_is_the_same_for_new_known_and_throttled_addresses(client):
    event = EventFactory(is_published=True)
    url = f"/events/{event.slug}/register/"
    fields = {
        "first_name": "Erika", "last_name": "M", "email": "erika@example.org", "consent": "on",
    }

    answers = [client.post(url, fields) for _ in range(3)]

    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, f"/events/{event.slug}/register/thanks/")
    }
    assert len(mail.outbox) == 2


def test_thirty_parallel_registrations_of_one_address_send_two_mails():
    event = EventFactory()

    results, errors = run_at_once(*(lambda: register(event) for _ in range(30)))

    assert errors == []
    assert sorted(created for _, created in results) == [False] * 29 + [True]
    assert Registration.objects.filter(event=event).count() == 1
    assert sorted(subjects()) == ["Bitte bestätigen Sie Ihre Anmeldung", "Ihre Anmeldung"]


def test_registering_while_the_old_registration_is_cancelled_registers_anew(monkeypatch):
    event = EventFactory()
    old, _ = register(event)
    lookup = services._active_registration

    def cancelled_meanwhile(event, email):
        # The race: a cancellation commits between the failed insert and the lookup.
        Registration.objects.filter(pk=old.pk).update(status=Registration.Status.CANCELLED)
        return lookup(event, email)

    monkeypatch.setattr(services, "_active_registration", cancelled_meanwhile)

    registration, created = register(event)

    assert created is True
    assert registration.pk != old.pk
    assert registration.status == Registration.Status.PENDING


def recipients():
    return [address for message in mail.outbox for address in message.to]


def test_fifteen_plus_addresses_of_one_mailbox_get_three_mails(client):
    event = EventFactory(is_published=True, capacity=100)
    url = f"/events/{event.slug}/register/"
    fields = {"first_name": "Erika", "last_name": "M", "consent": "on"}

    answers = [
        client.post(url, {**fields, "email": f"victim+{n}@example.org"}, REMOTE_ADDR=f"192.0.2.{n}")
        for n in range(1, 16)
    ]

    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, f"/events/{event.slug}/register/thanks/")
    }
    assert recipients() == [f"victim+{n}@example.org" for n in (1, 2, 3)]
    statuses = list(Registration.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [Registration.Status.PENDING] * 3 + [Registration.Status.WAITLISTED] * 12
    event.refresh_from_db()
    assert event.seats_held == 3


def test_mailbox_is_the_address_without_tag_in_any_spelling():
    event = EventFactory()
    for email in ("Victim@Bücher.de", "victim+a@xn--bcher-kva.de", "VICTIM+B@bücher.DE"):
        register(event, email=email)

    register(event, email="victim+c@BÜCHER.de")
    register(event, email="other+c@bücher.de")

    assert recipients() == [
        "victim@bücher.de", "victim+a@bücher.de", "victim+b@bücher.de", "other+c@bücher.de",
    ]


def test_confirmed_registrations_leave_room_for_more_of_the_mailbox():
    event = EventFactory()
    first = [register(event, email=f"family+{n}@example.org")[0] for n in range(3)]
    assert register(event, email="family+early@example.org")[0].status == (
        Registration.Status.WAITLISTED
    )
    for registration in first:
        services.confirm(registration=registration)
    mail.outbox.clear()

    registration, _ = register(event, email="family+kid@example.org")

    assert registration.status == Registration.Status.PENDING
    assert recipients() == ["family+kid@example.org"]


def test_held_back_address_registered_again_gets_the_confirmation_link():
    event = EventFactory(capacity=10)
    for n in range(3):
        register(event, email=f"victim+{n}@example.org")
    held_back, _ = register(event, email="victim+mine@example.org")
    assert "victim+mine@example.org" not in recipients()
    mail.outbox.clear()

    register(event, email="victim+mine@example.org")
    confirmed = services.confirm(registration=held_back)

    assert subjects() == ["Ihre Anmeldung", "Ihre Anmeldung ist bestätigt"]
    assert f"/r/{held_back.token}/confirm/" in mail.outbox[0].body
    assert confirmed.status == Registration.Status.CONFIRMED


def test_already_registered_mail_at_most_once_an_hour_per_mailbox():
    event = EventFactory()
    now = timezone.now()
    for n in range(3):
        register(event, email=f"victim+{n}@example.org", now=now)
    mail.outbox.clear()

    for n in range(3):
        register(event, email=f"victim+{n}@example.org", now=now + timedelta(minutes=n))
    register(event, email="victim+2@example.org", now=now + timedelta(minutes=61))

    assert recipients() == ["victim+0@example.org", "victim+2@example.org"]


@pytest.mark.parametrize(
    "email",
    [
        "victim+tag@example.org", "victim@example.org", "+tag@example.org", "a+b+c@example.org",
        "victim+@bücher.de", "plain.name-x@sub.example.org", "",
    ],
)
def test_mailbox_of_the_database_is_the_mailbox_of_python(email):
    registration = RegistrationFactory(email=email) if email else RegistrationFactory()
    if not email:
        Registration.objects.filter(pk=registration.pk).update(email="")

    stored = Registration.objects.values_list("email", "mailbox").get(pk=registration.pk)

    assert stored[1] == mailbox(stored[0])
