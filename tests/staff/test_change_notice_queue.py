"""The change mails of a large event through the database queue: one task per person,
resumable, never twice. 5,000 registrants on PostgreSQL (fewer on SQLite, for time)."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from events import services
from registrations import selectors, tasks
from registrations.models import Registration
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)

Status = Registration.Status


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def size():
    return 5000 if connection.vendor == "postgresql" else 300


def run_worker(max_tasks=None):
    Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=max_tasks, worker_id="test",
        excluded_queue_names=[],
    ).run()


@pytest.mark.long
def test_change_mails_reach_every_registrant_once_across_an_interrupted_run():
    count = size()
    event = EventFactory()
    statuses = [Status.CONFIRMED, Status.WAITLISTED, Status.PENDING, Status.CANCELLED]
    Registration.objects.bulk_create(
        Registration(
            event=event, first_name="P", last_name=str(n), email=f"p{n}@example.org",
            status=statuses[n % 4], language="en" if n % 5 == 0 else "de",
        )
        for n in range(count)
    )
    told = Registration.objects.active().count()

    result = services.update_event(
        event=event, changes={"starts_at": event.starts_at + datetime.timedelta(minutes=15)}
    )
    assert result.notice.recipient_count == told
    assert DBTaskResult.objects.count() == 1  # the fan-out, queued with the change

    # The worker stops after the fan-out and part of the mails, as if it were killed ...
    run_worker(max_tasks=1 + told // 3)
    sent_before = len(mail.outbox)
    assert 0 < sent_before < told
    assert selectors.mailed_count(result.notice) == sent_before
    # ... and staff run the change mails again before the old tasks are done.
    tasks.send_change_mails.enqueue(change_id=result.notice.pk)
    run_worker()

    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == told
    assert len(set(recipients)) == told
    assert "p3@example.org" not in recipients  # cancelled
    assert selectors.mailed_count(result.notice) == told
    assert not DBTaskResult.objects.filter(status="FAILED").exists()

    # A further rerun sends nothing at all.
    tasks.send_change_mails.enqueue(change_id=result.notice.pk)
    run_worker()
    assert len(mail.outbox) == told
