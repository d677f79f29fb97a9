"""Mails that failed for good: listed for staff with a masked address, sent again once by the
admin action or by resend_failed_mails, whatever the number of clicks or runs."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from registrations.tasks import send_registration_mail
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

LIST = "admin:registrations_failedmail_changelist"


@pytest.fixture
def queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAIL_RETRY_MAX_ATTEMPTS = 3


def run_worker():
    """What db_worker does with each task that is due (it would close the test's connection)."""
    worker = Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    )
    for result in list(DBTaskResult.objects.ready()):
        result.claim(worker.worker_id)
        worker.run_task(result)


def fail_for_good(settings, registration, kind="confirmed"):
    """The mail server refuses the address: the mail fails for good at its first attempt."""
    settings.EMAIL_BACKEND = "tests.production.mailbackends.RejectingBackend"
    send_registration_mail.enqueue(registration_id=registration.pk, kind=kind)
    run_worker()


def ready():
    return [task.args_kwargs["kwargs"] for task in DBTaskResult.objects.filter(status="READY")]


@pytest.fixture
def bounced(queue, settings):
    registration = RegistrationFactory(
        email="erika@example.org", event=EventFactory(title="Kommune der Zukunft")
    )
    fail_for_good(settings, registration)
    return registration


def test_failed_mail_is_listed_with_kind_event_and_masked_address(
    client, participant_manager, bounced
):
    client.force_login(participant_manager)

    page = client.get(reverse(LIST)).content.decode()

    assert "Ihre Anmeldung ist bestätigt" in page
    assert "Kommune der Zukunft" in page
    assert "e***@example.org" in page
    assert "erika@example.org" not in page
    assert bounced.token not in page
    assert "SMTPRecipientsRefused" in page


def test_attempt_with_a_retry_after_it_is_not_listed(client, participant_manager, queue, settings):
    settings.EMAIL_BACKEND = "tests.production.mailbackends.DownBackend"
    registration = RegistrationFactory(email="erika@example.org")
    send_registration_mail.enqueue(registration_id=registration.pk, kind="confirmed")
    run_worker()  # fails, queues attempt 2 for a minute later
    client.force_login(participant_manager)

    page = client.get(reverse(LIST)).content.decode()

    assert DBTaskResult.objects.filter(status="FAILED").count() == 1
    assert [kwargs["attempt"] for kwargs in ready()] == [2]
    assert "e***@example.org" not in page


def test_send_again_queues_the_mail_once(client, participant_manager, bounced):
    client.force_login(participant_manager)
    [failed] = DBTaskResult.objects.filter(status="FAILED")
    action = {"action": "send_again", "_selected_action": [str(failed.pk)]}

    first = client.post(reverse(LIST), action, follow=True).content.decode()
    client.post(reverse(LIST), action)

    assert ready() == [{"registration_id": bounced.pk, "kind": "confirmed"}]
    assert "1 Mail erneut in die Warteschlange gestellt" in first
    assert "e***@example.org" not in first  # queued again: no longer failed


def test_queued_again_mail_that_fails_again_is_listed_again(
    client, participant_manager, bounced, settings
):
    call_command("resend_failed_mails", stdout=io.StringIO())
    run_worker()  # RejectingBackend still: fails again
    client.force_login(participant_manager)

    page = client.get(reverse(LIST)).content.decode()

    assert page.count("e***@example.org") == 1


def test_command_dry_run_lists_and_queues_nothing(bounced):
    out = io.StringIO()

    call_command("resend_failed_mails", "--dry-run", stdout=out)

    assert "e***@example.org (Kommune der Zukunft)" in out.getvalue()
    assert "1 failed mail(s) would be queued again." in out.getvalue()
    assert "erika@example.org" not in out.getvalue()
    assert ready() == []


def test_command_queues_each_mail_once(bounced):
    out = io.StringIO()

    call_command("resend_failed_mails", stdout=out)
    call_command("resend_failed_mails", stdout=out)

    assert ready() == [{"registration_id": bounced.pk, "kind": "confirmed"}]
    assert out.getvalue().splitlines() == [
        "1 failed mail(s) queued again.",
        "0 failed mail(s) queued again.",
    ]


def test_command_takes_only_the_mails_of_the_named_event(bounced, settings):
    other = EventFactory(slug="andere")
    fail_for_good(settings, RegistrationFactory(event=other, email="otto@example.org"))
    out = io.StringIO()

    call_command("resend_failed_mails", "--event", "andere", stdout=out)

    assert ready() == [{"registration_id": other.registrations.get().pk, "kind": "confirmed"}]
    with pytest.raises(CommandError, match="No event with the slug 'nirgends'"):
        call_command("resend_failed_mails", "--event", "nirgends")


def test_failed_staff_message_is_listed_with_its_event(
    client, participant_manager, queue, settings
):
    from registrations.models import MessageDelivery, RegistrantMessage
    from registrations.tasks import send_registrant_message

    registration = RegistrationFactory(
        email="otto@example.org", event=EventFactory(title="Haushalt 2027")
    )
    message = RegistrantMessage.objects.create(
        event=registration.event, subject="Hinweis", body="Text"
    )
    delivery = MessageDelivery.objects.create(message=message, registration=registration)
    settings.EMAIL_BACKEND = "tests.production.mailbackends.RejectingBackend"
    send_registrant_message.enqueue(delivery_id=delivery.pk)
    run_worker()
    client.force_login(participant_manager)

    page = client.get(reverse(LIST)).content.decode()

    assert "o***@example.org" in page
    assert "Haushalt 2027" in page
