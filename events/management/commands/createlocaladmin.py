"""Create a superuser for local development and print its credentials (never in production)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"
PASSWORD = "landtagstalk-admin"


class Command(BaseCommand):
    help = "Create (or reset) the local admin account 'admin' for development. Needs DJANGO_DEBUG."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("createlocaladmin only runs with DJANGO_DEBUG=1.")
        user, _ = get_user_model().objects.get_or_create(
            username=USERNAME, defaults={"email": "admin@localhost"}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(PASSWORD)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin: http://127.0.0.1:8000/admin/  user: {USERNAME}  password: {PASSWORD}"
            )
        )
