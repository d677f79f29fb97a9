"""How this app server and the mail queue are doing: /healthz and the staff status page.

``/healthz`` fails (503) only for what breaks pages on this server: the database, the
cache, the static files. The mail queue and the worker's heartbeat are reported as text:
a slow queue is no reason to take an app server out of the load balancer.
"""

import os
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import caches
from django.db import connection
from django.utils import timezone
from django_tasks import task

# The one file every page needs: the project's stylesheet.
STYLESHEET = "css/site.css"
# A worker that ran the heartbeat this recently counts as running (the timer enqueues
# it every minute).
WORKER_RECENT = timedelta(minutes=5)


def database_works():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return False
    return True


def cache_works():
    """A write and a read of the default cache (a missing redis package fails here too)."""
    key = f"healthz:{os.getpid()}"
    value = secrets.token_hex(8)
    try:
        cache = caches["default"]
        cache.set(key, value, 30)
        return cache.get(key) == value
    except Exception:
        return False


def static_works():
    """The stylesheet's manifest entry, and its file: what every page links."""
    if settings.WHITENOISE_USE_FINDERS:
        return finders.find(STYLESHEET) is not None
    try:
        name = (
            staticfiles_storage.stored_name(STYLESHEET)
            if hasattr(staticfiles_storage, "stored_name")
            else STYLESHEET
        )
        return staticfiles_storage.exists(name)
    except Exception:  # ValueError: no manifest entry; OSError: an unreadable folder
        return False


CHECKS = {"database": database_works, "cache": cache_works, "static": static_works}


@dataclass(frozen=True)
class QueueStatus:
    uses_queue: bool
    waiting: int = 0
    oldest_wait: timedelta | None = None
    last_heartbeat: object = None  # a WorkerHeartbeat, or None

    @property
    def oldest_wait_minutes(self):
        return None if self.oldest_wait is None else int(self.oldest_wait.total_seconds() // 60)

    @property
    def worker_recent(self):
        return bool(
            self.last_heartbeat and timezone.now() - self.last_heartbeat.beat_at <= WORKER_RECENT
        )


def queue_status(now=None):
    """The tasks waiting for a worker now, the longest wait, and the last heartbeat."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult, get_date_max

    from .models import WorkerHeartbeat

    now = now or timezone.now()
    if not isinstance(heartbeat.get_backend(), DatabaseBackend):
        return QueueStatus(uses_queue=False)
    due = DBTaskResult.objects.ready().exclude(task_path=heartbeat.module_path)
    waiting = due.count()
    starts = [
        due.filter(run_after=get_date_max()).order_by("enqueued_at").values_list(
            "enqueued_at", flat=True
        ).first(),
        due.exclude(run_after=get_date_max()).order_by("run_after").values_list(
            "run_after", flat=True
        ).first(),
    ]
    starts = [start for start in starts if start]
    return QueueStatus(
        uses_queue=True,
        waiting=waiting,
        oldest_wait=now - min(starts) if starts else None,
        last_heartbeat=WorkerHeartbeat.objects.order_by("-beat_at").first(),
    )


def seconds(delta):
    return f"{int(delta.total_seconds())} s"


def queue_lines(status):
    """The queue and the worker as text for /healthz (English: for operators' tools)."""
    if not status.uses_queue:
        return []
    lines = [
        f"mail queue: {status.waiting} waiting"
        + (f", oldest {seconds(status.oldest_wait)}" if status.oldest_wait else "")
    ]
    if status.last_heartbeat is None:
        lines.append("worker: no heartbeat yet")
    else:
        age = timezone.now() - status.last_heartbeat.beat_at
        state = "running" if status.worker_recent else "not seen recently"
        lines.append(f"worker: {state}, last heartbeat {seconds(age)} ago")
    return lines


_last = {"at": None, "answer": None}


def health():
    """(failed check names, text lines), reused for HEALTHZ_REUSE_SECONDS in this process."""
    now = time.monotonic()
    if _last["at"] is not None and now - _last["at"] < settings.HEALTHZ_REUSE_SECONDS:
        return _last["answer"]
    failed = [name for name, works in CHECKS.items() if not works()]
    lines = [f"{name} unavailable" for name in failed] or ["ok"]
    if "database" not in failed:
        try:
            lines += queue_lines(queue_status())
        except Exception:  # the queue's tables may be missing before migrate
            lines.append("mail queue: unknown")
    _last["at"], _last["answer"] = now, (failed, lines)
    return failed, lines


@task(priority=50, takes_context=True)
def heartbeat(context) -> str:
    """Record that a worker takes tasks; ``manage.py enqueue_heartbeat`` queues it."""
    from .models import WorkerHeartbeat

    worker_ids = context.task_result.worker_ids
    worker_id = (worker_ids[-1] if worker_ids else "") or "immediate"
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"beat_at": now})
    WorkerHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    return worker_id
