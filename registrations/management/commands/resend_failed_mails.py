"""Queue again the mails that failed for good, e.g. after a long outage of the mail server.

The same as the admin action "Send again" on the list of failed mails: each mail once,
however often this runs; addresses are printed masked.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from events.models import Event
from registrations import failed_mails


class Command(BaseCommand):
    help = "Queue again the mails that failed for good."

    def add_arguments(self, parser):
        parser.add_argument("--event", metavar="SLUG", help="Only the mails of this event.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Only list what would be queued."
        )

    def handle(self, *args, **options):
        results = failed_mails.failed_for_good().order_by("enqueued_at")
        if options["event"]:
            event = Event.objects.filter(slug=options["event"]).first()
            if event is None:
                raise CommandError(f"No event with the slug {options['event']!r}.")
            results = results.filter(event_id=event.pk)
        results = list(results)
        if options["verbosity"] >= 2 or options["dry_run"]:
            for result in results:
                self.stdout.write(
                    f"{timezone.localtime(result.finished_at):%Y-%m-%d %H:%M} "
                    f"{failed_mails.kind_label(result)} "
                    f"{failed_mails.masked_address(result)} ({result.event_title or '–'})"
                )
        if options["dry_run"]:
            self.stdout.write(f"{len(results)} failed mail(s) would be queued again.")
            return
        queued = failed_mails.resend(results)
        if options["verbosity"] >= 1:
            self.stdout.write(f"{len(queued)} failed mail(s) queued again.")
