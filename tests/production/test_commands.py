"""The commands the timers run: expire_pending and requeue_stale_tasks."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_expire_pending_cancels_overdue_registrations_and_says_how_many():
    event = EventFactory(capacity=1)
    past = timezone.now() - datetime.timedelta(minutes=1)
    overdue = RegistrationFactory(event=event, status=Status.PENDING, expires_at=past)
    waiting = RegistrationFactory(
        event=event, status=Status.WAITLISTED, email_confirmed_at=timezone.now()
    )

    output = run("expire_pending")

    assert output == (
        "1 unconfirmed registration(s) expired.\n0 unconfirmed subscription(s) deleted.\n"
    )
    overdue.refresh_from_db()
    waiting.refresh_from_db()
    assert (overdue.status, overdue.cancel_reason) == (Status.CANCELLED, "expired")
    assert waiting.status == Status.CONFIRMED


def test_expire_pending_quiet_with_verbosity_zero():
    assert run("expire_pending", "--verbosity", "0") == ""


def running_task(minutes_ago):
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"registration_id": 1, "kind": "confirmed"}},
        task_path="registrations.tasks.send_registration_mail",
        backend_name="default",
        run_after=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        status="RUNNING",
        started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        worker_ids=["dead-worker"],
    )


def test_requeue_stale_tasks_gives_abandoned_tasks_to_the_next_worker():
    abandoned = running_task(minutes_ago=30)
    busy = running_task(minutes_ago=1)

    output = run("requeue_stale_tasks")

    assert output == "1 stale task(s) requeued.\n"
    assert list(DBTaskResult.objects.ready()) == [abandoned]
    busy.refresh_from_db()
    assert busy.status == "RUNNING"


def test_requeue_stale_tasks_dry_run_changes_nothing():
    running_task(minutes_ago=30)

    output = run("requeue_stale_tasks", "--dry-run")

    assert output == "1 stale task(s) would be requeued.\n"
    assert DBTaskResult.objects.get().status == "RUNNING"
