"""A 5xx from the mail server is tried again like a refused connection; an address that does
not exist (550, 551, 553 to RCPT TO) is recorded as a bounce and shown to staff instead."""

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from registrations.models import Registration
from registrations.tasks import send_change_mail, send_registration_mail
from tests.factories import RegistrationFactory
from tests.production.conftest import free_port

pytestmark = pytest.mark.django_db


class AnsweringServer:
    """An SMTP server on loopback that answers one SMTP command with a given reply."""

    def __init__(self, command, reply):
        self.command, self.reply = command, reply
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.command == "MAIL":
            return self.reply
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.command == "RCPT":
            return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        return self.reply if self.command == "DATA" else "250 Message accepted"


@pytest.fixture
def smtp_answering(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    servers = []

    def start(command, reply):
        server = AnsweringServer(command, reply)
        server.controller.start()
        servers.append(server)
        settings.EMAIL_PORT = server.port
        return server

    yield start
    for server in servers:
        server.controller.stop()


def retries():
    return [
        task.args_kwargs["kwargs"].get("attempt")
        for task in DBTaskResult.objects.filter(status="READY")
    ]


@pytest.mark.parametrize(
    ("command", "reply"),
    [
        ("MAIL", "553 5.7.1 Sender address rejected"),
        ("DATA", "554 5.6.0 Message rejected as spam"),
        ("DATA", "552 5.3.4 Mailbox full"),
        ("RCPT", "450 4.2.1 Mailbox busy, try later"),
        ("RCPT", "554 5.7.1 Relay access denied"),
    ],
)
def test_other_refusals_are_tried_again(smtp_answering, command, reply):
    smtp_answering(command, reply)
    registration = RegistrationFactory(email="erika@example.org")

    with pytest.raises(Exception, match=reply.split(" ", 1)[0]):
        send_registration_mail.call(registration_id=registration.pk, kind="confirmed")

    assert retries() == [2]
    registration.refresh_from_db()
    assert registration.bounced_at is None


@pytest.mark.parametrize("code", [550, 551, 553])
def test_unknown_address_is_a_bounce_and_not_tried_again(smtp_answering, code, caplog):
    smtp_answering("RCPT", f"{code} 5.1.1 <erika@example.org>: Recipient address rejected")
    registration = RegistrationFactory(email="erika@example.org")

    with pytest.raises(Exception, match="Recipient address rejected"):
        send_registration_mail.call(registration_id=registration.pk, kind="confirmed")

    assert retries() == []
    registration.refresh_from_db()
    assert registration.bounced_at is not None
    assert registration.bounce_reason == (
        f"{code} 5.1.1 <e***@example.org>: Recipient address rejected"
    )
    assert "failed for good" in caplog.text


def test_bounce_of_a_change_mail_is_kept_although_its_transaction_rolls_back(smtp_answering):
    from events.models import EventChange

    smtp_answering("RCPT", "550 5.1.1 No such user")
    registration = RegistrationFactory(status=Registration.Status.CONFIRMED)
    change = EventChange.objects.create(
        event=registration.event, sequence=1, changes={"location": ["A", "B"]}
    )

    with pytest.raises(Exception, match="No such user"):
        send_change_mail.call(registration_id=registration.pk, change_id=change.pk)

    registration.refresh_from_db()
    assert registration.bounced_at is not None
    assert registration.change_mailed_sequence == 0  # the mail counts as not sent


def test_staff_see_the_bounce(client, participant_manager):
    bounced = RegistrationFactory(email="erika@example.org")
    Registration.objects.filter(pk=bounced.pk).update(
        bounced_at="2026-12-01T10:00:00+01:00", bounce_reason="550 5.1.1 No such user"
    )
    client.force_login(participant_manager)

    listing = client.get(reverse("admin:registrations_registration_changelist")).text
    detail = client.get(
        reverse("admin:registrations_registration_change", args=[bounced.pk])
    ).text

    assert "Unzustellbar" in listing
    assert "550 5.1.1 No such user" in detail
    assert "1. Dezember 2026, 10:00 Uhr" in detail


def test_event_dashboard_counts_the_bounces(client, participant_manager):
    bounced = RegistrationFactory()
    RegistrationFactory(event=bounced.event)
    Registration.objects.filter(pk=bounced.pk).update(bounced_at="2026-12-01T10:00:00+01:00")
    client.force_login(participant_manager)

    page = client.get(
        reverse("admin:events_event_change", args=[bounced.event.pk])
    ).content.decode()

    assert 'lt-tile__number">1</span> <span class="lt-tile__label">Unzustellbare Adressen' in page
