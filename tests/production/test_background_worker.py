"""Mails through a real db_worker process and a real SMTP server on loopback, also when
the mail server or the worker fails."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from registrations import services
from tests.factories import EventFactory

from .conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def register(event, email):
    registration, _ = services.register(
        event=event, first_name="Erika", last_name="Mustermann", email=email
    )
    return registration


def tasks_with_status(status):
    return DBTaskResult.objects.filter(status=status).count()


def test_worker_delivers_registration_mail_through_smtp(processes, mail_sink):
    mail_sink.start()
    event = EventFactory(title="LandtagsTalk Digital")
    registration = register(event, "erika@example.org")

    worker = processes.worker(mail_sink)
    [message] = mail_sink.wait_for(1)

    assert message["To"] == "erika@example.org"
    assert message["Subject"].strip() == "Bitte bestätigen Sie Ihre Anmeldung: LandtagsTalk Digital"
    assert f"/r/{registration.token}/" in message.get_body(("plain",)).get_content()
    wait_until(lambda: tasks_with_status("SUCCESSFUL") == 1, timeout=10, message="success")
    assert worker.poll() is None, processes.output(worker)


def test_mail_server_down_while_people_register_mails_arrive_once_back(processes, mail_sink):
    event = EventFactory(capacity=10)
    addresses = [f"person{number}@example.org" for number in range(3)]
    for address in addresses:
        register(event, address)
    processes.worker(mail_sink)

    # Every first attempt fails against the closed port and is queued again.
    wait_until(lambda: tasks_with_status("FAILED") >= 3, timeout=30, message="failed attempts")
    assert event.registrations.count() == 3
    mail_sink.start()
    mail_sink.wait_for(3, timeout=30)
    wait_until(
        lambda: not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists(),
        timeout=30,
        message="an empty queue",
    )

    assert mail_sink.recipients() == addresses
    assert tasks_with_status("SUCCESSFUL") == 3


def test_worker_killed_mid_task_mail_is_still_delivered(processes, mail_sink):
    mail_sink.stall = True
    mail_sink.start()
    event = EventFactory()
    register(event, "erika@example.org")
    first = processes.worker(mail_sink)
    assert mail_sink.stalled.wait(timeout=30), processes.output(first)

    processes.kill(first)
    mail_sink.stall = False
    assert tasks_with_status("RUNNING") == 1
    call_command("requeue_stale_tasks", "--minutes", "0", verbosity=0)
    processes.worker(mail_sink)
    mail_sink.wait_for(1)
    wait_until(lambda: tasks_with_status("SUCCESSFUL") == 1, timeout=10, message="success")

    # At least once: the stalled delivery was never accepted, so exactly once here.
    assert mail_sink.recipients() == ["erika@example.org"]
