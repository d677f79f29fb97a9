"""Cancel registrations whose e-mail address was not confirmed in time; free their seats.

Unconfirmed series subscriptions past the same hold time are deleted too.

Run every few minutes (deploy/ has a systemd timer and a crontab line). Freed seats go
to the waiting list at once.
"""

from django.core.management.base import BaseCommand

from registrations import services, subscriptions


class Command(BaseCommand):
    help = "Cancel unconfirmed registrations whose hold has run out and free their seats."

    def handle(self, *args, **options):
        count = services.expire_pending()
        deleted = subscriptions.delete_unconfirmed()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{count} unconfirmed registration(s) expired.")
            self.stdout.write(f"{deleted} unconfirmed subscription(s) deleted.")
