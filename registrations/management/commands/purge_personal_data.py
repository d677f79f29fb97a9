"""Delete the personal data of registrations some days after their event (DSGVO).

Names, addresses, organisations, questions and personal links go; status,
timestamps and attendance stay, so the counts of past events stay too.
Registrations that expired unconfirmed are deleted. One transaction per event.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from registrations import retention


class Command(BaseCommand):
    help = "Delete personal data of registrations for events that ended some days ago."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.PERSONAL_DATA_RETENTION_DAYS,
            help="Days after the end of an event (default: PERSONAL_DATA_RETENTION_DAYS, "
            "%(default)s).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say what would be deleted."
        )

    def handle(self, *args, days, dry_run, **options):
        now = timezone.now()
        verb = "would be" if dry_run else "were"
        total_anonymised = total_deleted = 0
        for event in retention.events_to_purge(now=now, days=days):
            anonymised, deleted = retention.purge_personal_data(
                event=event, now=now, dry_run=dry_run
            )
            total_anonymised += anonymised
            total_deleted += deleted
            if options["verbosity"] >= 1:
                self.stdout.write(
                    f"{event.slug}: {anonymised} registrations {verb} anonymised, "
                    f"{deleted} expired registrations {verb} deleted"
                )
        if options["verbosity"] >= 1:
            prefix = "Dry run: " if dry_run else ""
            self.stdout.write(
                f"{prefix}{total_anonymised} registrations {verb} anonymised, "
                f"{total_deleted} expired registrations {verb} deleted."
            )
