"""Mail delivery when the mail server fails: retried with back-off, never lost, never
sent for a change that rolled back; with both task backends."""

import datetime
import logging

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registrations import selectors, services
from registrations.models import Registration
from registrations.tasks import send_registration_mail
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE


def register(event, email="erika@example.org"):
    return services.register(
        event=event, first_name="Erika", last_name="Mustermann", email=email
    )[0]


def queued():
    return list(DBTaskResult.objects.filter(status="READY").order_by("run_after"))


def test_database_queue_takes_the_mail_with_the_registration(database_queue):
    registration = register(EventFactory())

    [task] = DBTaskResult.objects.all()
    assert task.task_path == "registrations.tasks.send_registration_mail"
    assert task.args_kwargs["kwargs"] == {
        "registration_id": registration.pk,
        "kind": "confirm_address",
    }


def test_database_queue_takes_no_mail_when_the_registration_rolls_back(database_queue):
    event = EventFactory()

    with pytest.raises(RuntimeError), transaction.atomic():
        register(event)
        raise RuntimeError("the request failed after registering")

    assert Registration.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_immediate_backend_sends_no_mail_when_the_registration_rolls_back(
    django_capture_on_commit_callbacks,
):
    event = EventFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            register(event)
            raise RuntimeError("the request failed after registering")

    assert callbacks == []
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("attempt", "delay_minutes"), [(1, 1), (2, 2), (3, 4), (6, 32), (7, 60), (11, 60)]
)
def test_failed_mail_is_queued_again_with_growing_delay(
    database_queue, settings, attempt, delay_minutes
):
    settings.EMAIL_BACKEND = "tests.production.mailbackends.DownBackend"
    registration = RegistrationFactory()
    before = timezone.now()

    with pytest.raises(ConnectionRefusedError):
        send_registration_mail.call(
            registration_id=registration.pk, kind="confirm_address", attempt=attempt
        )

    [retry] = queued()
    assert retry.args_kwargs["kwargs"] == {
        "registration_id": registration.pk,
        "kind": "confirm_address",
        "attempt": attempt + 1,
    }
    expected = before + datetime.timedelta(minutes=delay_minutes)
    assert expected <= retry.run_after <= expected + datetime.timedelta(seconds=5)


def test_temporary_smtp_refusal_is_retried(database_queue, settings, caplog):
    settings.EMAIL_BACKEND = "tests.production.mailbackends.TemporaryFailureBackend"
    registration = RegistrationFactory()

    with pytest.raises(Exception, match="Temporary failure"):
        send_registration_mail.call(registration_id=registration.pk, kind="confirmed")

    assert [task.args_kwargs["kwargs"]["attempt"] for task in queued()] == [2]
    assert "trying again" in caplog.text


def test_permanent_smtp_refusal_is_not_retried(database_queue, settings, caplog):
    settings.EMAIL_BACKEND = "tests.production.mailbackends.RejectingBackend"
    registration = RegistrationFactory()

    with pytest.raises(Exception, match="No such user"):
        send_registration_mail.call(registration_id=registration.pk, kind="confirmed")

    assert queued() == []
    assert "failed for good" in caplog.text


def test_mail_gives_up_after_the_last_attempt(database_queue, settings, caplog):
    settings.EMAIL_BACKEND = "tests.production.mailbackends.DownBackend"
    settings.MAIL_RETRY_MAX_ATTEMPTS = 3
    registration = RegistrationFactory()

    with caplog.at_level(logging.ERROR), pytest.raises(ConnectionRefusedError):
        send_registration_mail.call(
            registration_id=registration.pk, kind="confirm_address", attempt=3
        )

    assert queued() == []
    assert f"registration {registration.pk} failed for good after 3 attempt(s)" in caplog.text


def test_immediate_backend_keeps_registration_and_logs_when_mail_server_is_down(
    settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "tests.production.mailbackends.DownBackend"
    event = EventFactory(capacity=10)

    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event)

    assert Registration.objects.get().status == Registration.Status.PENDING
    event.refresh_from_db()
    assert selectors.seats_left(event) == 9
    assert f"Mail confirm_address to registration {registration.pk} failed" in caplog.text
    assert "cannot try again later" in caplog.text


def test_queue_outside_database_failing_after_commit_does_not_undo_registration(
    settings, django_capture_on_commit_callbacks, caplog
):
    settings.TASKS = {
        "default": {"BACKEND": "tests.production.mailbackends.UnreachableQueueBackend"}
    }
    event = EventFactory()

    with django_capture_on_commit_callbacks(execute=True):
        register(event)

    assert Registration.objects.filter(event=event).count() == 1
    assert "task queue unavailable" in caplog.text
