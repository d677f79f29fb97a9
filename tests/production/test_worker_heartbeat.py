"""The worker's heartbeat: a task the timer queues and a worker records; the staff status page
and /healthz say whether a worker ran lately and how long the oldest mail waits."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from landtagstalk.models import WorkerHeartbeat
from registrations.tasks import send_registration_mail
from tests.factories import RegistrationFactory
from tests.production.conftest import wait_until

STATUS = "admin:landtagstalk_workerheartbeat_changelist"
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_running_worker_records_the_heartbeat_the_timer_queues(processes, mail_sink, settings):
    settings.TASKS = DATABASE_QUEUE
    mail_sink.start()
    processes.worker(mail_sink)

    call_command("enqueue_heartbeat", stdout=io.StringIO())

    beat = wait_until(WorkerHeartbeat.objects.first, timeout=30, message="a heartbeat")
    assert timezone.now() - beat.beat_at < datetime.timedelta(minutes=1)
    assert beat.worker_id != "immediate"


@pytest.mark.django_db
def test_heartbeat_waiting_for_a_worker_is_not_queued_twice(settings):
    settings.TASKS = DATABASE_QUEUE

    call_command("enqueue_heartbeat")
    call_command("enqueue_heartbeat")

    assert DBTaskResult.objects.filter(task_path="landtagstalk.status.heartbeat").count() == 1


@pytest.mark.django_db
def test_status_page_shows_a_recent_worker_and_the_oldest_mail(
    client, participant_manager, settings
):
    settings.TASKS = DATABASE_QUEUE
    registration = RegistrationFactory(email="erika@example.org")
    send_registration_mail.enqueue(registration_id=registration.pk, kind="confirmed")
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=12))
    WorkerHeartbeat.objects.create(worker_id="worker-1", beat_at=timezone.now())
    client.force_login(participant_manager)

    page = client.get(reverse(STATUS)).content.decode()

    assert 'lt-tile__number">Ja</span>' in page
    assert 'lt-tile__number">1</span>' in page  # mails waiting
    assert 'lt-tile__number">12</span>' in page  # minutes the oldest waited
    assert "worker-1" in page
    assert "erika@example.org" not in page


@pytest.mark.django_db
def test_status_page_says_when_no_worker_ran_lately(client, participant_manager, settings):
    settings.TASKS = DATABASE_QUEUE
    WorkerHeartbeat.objects.create(
        worker_id="worker-1", beat_at=timezone.now() - datetime.timedelta(minutes=20)
    )
    client.force_login(participant_manager)

    page = client.get(reverse(STATUS)).content.decode()

    assert 'lt-tile__number">Nein</span>' in page
    assert "Ein Worker lief in den letzten 5 Minuten" in page


@pytest.mark.django_db
def test_healthz_stays_200_without_a_worker(client, settings):
    settings.TASKS = DATABASE_QUEUE

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content.decode().splitlines() == [
        "ok", "mail queue: 0 waiting", "worker: no heartbeat yet"
    ]
