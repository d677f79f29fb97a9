"""Reminders: each confirmed registrant of an event starting soon gets one, once."""

import datetime
import threading
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from registrations import reminders
from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

HOURS = datetime.timedelta(hours=1)


@pytest.fixture
def soon():
    return EventFactory(title="Bald", starts_at=timezone.now() + 20 * HOURS)


def confirmed(event, email, **extra):
    return RegistrationFactory(event=event, email=email, status="confirmed", **extra)


def run(*args):
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_send_reminders_mails_confirmed_registrants_within_lead_time(
    soon, django_capture_on_commit_callbacks
):
    reminded = confirmed(soon, "erika@example.org")
    RegistrationFactory(event=soon, email="pending@example.org", status="pending")
    RegistrationFactory(event=soon, email="waiting@example.org", status="waitlisted")
    confirmed(EventFactory(starts_at=timezone.now() + 30 * HOURS), "later@example.org")
    confirmed(
        EventFactory(starts_at=timezone.now() + 2 * HOURS, is_cancelled=True), "c@example.org"
    )
    confirmed(
        EventFactory(starts_at=timezone.now() + 2 * HOURS, is_published=False), "u@example.org"
    )

    with django_capture_on_commit_callbacks(execute=True):
        output = run()

    assert "1 reminders sent." in output
    assert [m.to for m in mail.outbox] == [["erika@example.org"]]
    assert "Bald" in mail.outbox[0].subject
    reminded.refresh_from_db()
    assert reminded.reminder_sent_at is not None


def test_send_reminders_twice_sends_once(soon, django_capture_on_commit_callbacks):
    confirmed(soon, "erika@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        run()
    with django_capture_on_commit_callbacks(execute=True):
        output = run()

    assert "0 reminders sent." in output
    assert len(mail.outbox) == 1


def test_send_reminders_lead_hours_option(django_capture_on_commit_callbacks):
    event = EventFactory(starts_at=timezone.now() + 40 * HOURS)
    confirmed(event, "erika@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        assert "0 reminders sent." in run()
        assert "1 reminders sent." in run("--lead-hours", "48")
    assert len(mail.outbox) == 1


def test_send_reminders_dry_run_changes_nothing(soon, django_capture_on_commit_callbacks):
    registration = confirmed(soon, "erika@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        output = run("--dry-run")

    assert "Bald: 1 reminders would be sent" in output
    assert mail.outbox == []
    registration.refresh_from_db()
    assert registration.reminder_sent_at is None


def test_send_reminders_claims_before_enqueueing_on_commit(
    soon, monkeypatch, django_capture_on_commit_callbacks
):
    confirmed(soon, "erika@example.org")
    enqueued = []
    monkeypatch.setattr(
        reminders.tasks,
        "send_registration_mail",
        SimpleNamespace(
            enqueue=lambda **kwargs: enqueued.append(kwargs),
            get_backend=reminders.tasks.send_registration_mail.get_backend,
        ),
    )

    with django_capture_on_commit_callbacks() as callbacks:
        ids = reminders.send_reminders(reminders.due_reminders())
        claimed = Registration.objects.get(pk=ids[0]).reminder_sent_at
        assert enqueued == []
    for callback in callbacks:
        callback()

    assert claimed is not None
    assert enqueued == [{"registration_id": ids[0], "kind": "reminder"}]
    assert reminders.send_reminders(reminders.due_reminders()) == []


def test_reminder_action_sends_selected_confirmed_once(
    client, participant_manager, soon, django_capture_on_commit_callbacks
):
    registration = confirmed(soon, "erika@example.org")
    pending = RegistrationFactory(event=soon, email="p@example.org", status="pending")
    client.force_login(participant_manager)
    changelist = reverse("admin:registrations_registration_changelist")
    data = {"action": "send_reminder", "_selected_action": [registration.pk, pending.pk]}

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(changelist, data, follow=True).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(changelist, data, follow=True).content.decode()

    assert [m.to for m in mail.outbox] == [["erika@example.org"]]
    assert "Erinnerungen versendet: 1." in first
    assert "Übersprungen: 1" in first
    assert "Erinnerungen versendet: 0." in second


@pytest.mark.django_db(transaction=True)
def test_send_reminders_from_parallel_runs_sends_each_once(monkeypatch):
    event = EventFactory(starts_at=timezone.now() + 2 * HOURS)
    expected = {confirmed(event, f"p{n}@example.org").pk for n in range(20)}
    enqueued, lock = [], threading.Lock()

    def enqueue(*, registration_id, kind):
        with lock:
            enqueued.append(registration_id)

    monkeypatch.setattr(
        reminders.tasks,
        "send_registration_mail",
        SimpleNamespace(
            enqueue=enqueue, get_backend=reminders.tasks.send_registration_mail.get_backend
        ),
    )
    start = threading.Barrier(4)

    def run_once():
        start.wait()
        try:
            reminders.send_reminders(reminders.due_reminders())
        finally:
            connection.close()

    threads = [threading.Thread(target=run_once) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(enqueued) == sorted(expected)
    assert Registration.objects.filter(reminder_sent_at__isnull=True).count() == 0
