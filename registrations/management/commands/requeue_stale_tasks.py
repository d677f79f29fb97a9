"""Put background tasks back in the queue whose worker died while running them.

``db_worker`` marks a task as running when it takes it; a worker killed then (power
loss, out of memory, SIGKILL) leaves the task running for ever. This command gives such
tasks to the next worker, which makes delivery at least once. A task is taken as stale
after ``--minutes`` (default 15): far longer than a mail takes with EMAIL_TIMEOUT.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


class Command(BaseCommand):
    help = "Requeue background tasks left running by a worker that died."

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutes",
            type=float,
            default=15,
            help="Requeue tasks running for longer than this (default: %(default)s).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say what would be requeued."
        )

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(minutes=options["minutes"])
        with transaction.atomic():
            stale = list(
                DBTaskResult.objects.running()
                .filter(started_at__lt=cutoff)
                .select_for_update(skip_locked=True)
            )
            for result in stale:
                if options["verbosity"] >= 2:
                    self.stdout.write(f"{result.id} {result.task_path} since {result.started_at}")
                result.status = TaskResultStatus.READY
                result.started_at = None
            if not options["dry_run"]:
                DBTaskResult.objects.bulk_update(stale, ["status", "started_at"])
        if options["verbosity"] >= 1:
            verb = "would be requeued" if options["dry_run"] else "requeued"
            self.stdout.write(f"{len(stale)} stale task(s) {verb}.")
