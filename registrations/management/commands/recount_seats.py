"""Compare every event's counter of seats held with its registrations; report any drift.

The seat services change ``Event.seats_held`` (and a hybrid event's ``venue_seats_held``)
together with the statuses, under the event lock, so the two differ only if rows were
changed around them (by hand in the database, a partly restored backup). Run daily from a
timer (deploy/): it exits with status 1 when a counter is wrong, so that the timer's unit
fails and shows up. ``--fix`` sets each wrong counter to the real count, under the event
lock; nobody is promoted by it.
"""

from django.core.management.base import BaseCommand, CommandError

from registrations import selectors, services


class Command(BaseCommand):
    help = "Recount the seats held of every event and report counters that differ."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="Set wrong counters to the real count."
        )

    def handle(self, *args, fix, **options):
        drift = selectors.seat_drift()
        fixed = {}
        for event, name, counter, real in drift:
            if fix:
                if event.pk not in fixed:
                    fixed[event.pk] = services.recount_seats(event=event)
                counter, real = fixed[event.pk][name]
            where = " in the hall" if name == "venue_seats_held" else ""
            self.stderr.write(
                f"{event.slug}: counter{where} {counter}, registrations holding a seat {real}"
                + (" (fixed)" if fix else "")
            )
        if drift and not fix:
            events = len({entry.event.pk for entry in drift})
            raise CommandError(
                f"{events} event(s) with a wrong seat counter; run with --fix to correct."
            )
        if options["verbosity"] >= 1:
            verb = "fixed" if fix else "found"
            self.stdout.write(f"Seats recounted: {len(drift)} wrong counter(s) {verb}.")
