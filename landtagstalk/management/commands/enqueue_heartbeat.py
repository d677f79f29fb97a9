"""Queue the heartbeat task; the worker that runs it records the time (landtagstalk.status).

Run every minute by ``landtagstalk-heartbeat.timer``: the status page and /healthz then
say whether a worker takes tasks. A heartbeat still waiting is not queued twice.
"""

from django.core.management.base import BaseCommand
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from landtagstalk.status import heartbeat


class Command(BaseCommand):
    help = "Queue the heartbeat task for a background worker."

    def handle(self, *args, **options):
        if not isinstance(heartbeat.get_backend(), DatabaseBackend):
            heartbeat.enqueue()  # runs at once: there is no worker to wait for
            return
        if DBTaskResult.objects.filter(task_path=heartbeat.module_path, status="READY").exists():
            if options["verbosity"] >= 2:
                self.stdout.write("A heartbeat is still waiting for a worker.")
            return
        heartbeat.enqueue()
        if options["verbosity"] >= 2:
            self.stdout.write("Heartbeat queued.")
