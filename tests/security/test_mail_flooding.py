"""Mails caused by strangers: no text from the form before the address is confirmed,
and at most one "already registered" mail per address and event an hour."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from registrations import services
from registrations.models import Registration
from tests.concurrency.test_seats import run_at_once
from tests.factories import EventFactory

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
