"""Send the confirmed registrants of events that start soon their reminder, once each.

Safe to run every few minutes from cron or a systemd timer: a registration that got
its reminder is never claimed again, also not by a second run at the same time.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from registrations import reminders
from registrations.models import Registration


class Command(BaseCommand):
    help = "Send reminders to confirmed registrants of events starting within the lead time."

    def add_arguments(self, parser):
        parser.add_argument(
            "--lead-hours",
            type=int,
            default=settings.REMINDER_LEAD_HOURS,
            help="Remind for events starting within this many hours "
            "(default: REMINDER_LEAD_HOURS, %(default)s).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say who would get a reminder."
        )

    def handle(self, *args, lead_hours, dry_run, **options):
        now = timezone.now()
        due = reminders.due_reminders(now=now, lead_hours=lead_hours)
        if dry_run:
            waiting = due.filter(
                status=Registration.Status.CONFIRMED,
                reminder_sent_at__isnull=True,
                purged_at__isnull=True,
            )
            for event_title, count in self._per_event(waiting):
                self.stdout.write(f"{event_title}: {count} reminders would be sent")
            self.stdout.write(f"Dry run: {waiting.count()} reminders would be sent.")
            return
        sent = reminders.send_reminders(due, now=now)
        if options["verbosity"] >= 2:
            for event_title, count in self._per_event(Registration.objects.filter(pk__in=sent)):
                self.stdout.write(f"{event_title}: {count} reminders sent")
        if options["verbosity"] >= 1:
            self.stdout.write(f"{len(sent)} reminders sent.")

    def _per_event(self, registrations):
        rows = registrations.values_list("event__title").order_by("event__title")
        counts = {}
        for (title,) in rows:
            counts[title] = counts.get(title, 0) + 1
        return counts.items()
