"""Cancel registrations whose e-mail address was not confirmed in time; free their seats.

Run every few minutes (deploy/ has a systemd timer and a crontab line). Freed seats go
to the waiting list at once.
"""

from django.core.management.base import BaseCommand

from registrations import services


class Command(BaseCommand):
    help = "Cancel unconfirmed registrations whose hold has run out and free their seats."

    def handle(self, *args, **options):
        count = services.expire_pending()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{count} unconfirmed registration(s) expired.")
