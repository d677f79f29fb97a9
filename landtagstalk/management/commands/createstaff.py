"""Create or update a staff account and print a one-time link where its person sets a password.

No password is ever given on the command line (it would stay in the shell's history and
in the process list): the link, valid 72 hours and only once, lets the person choose it.
Run it again for a new link, e.g. after a forgotten password.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from landtagstalk import permissions
from landtagstalk.staff_accounts import link_valid_hours, set_password_url

GROUPS = (permissions.EDITORIAL, permissions.PARTICIPANTS)


class Command(BaseCommand):
    help = (
        "Create or update a staff account and print a one-time link (valid 72 hours, "
        "PASSWORD_RESET_TIMEOUT) where its person sets a password."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", required=True, help="The person's e-mail address.")
        parser.add_argument(
            "--group",
            action="append",
            default=[],
            metavar="|".join(GROUPS),
            help="Staff group; give it twice for both. Needed unless --superuser.",
        )
        parser.add_argument(
            "--superuser", action="store_true", help="May do everything, also manage staff."
        )

    @transaction.atomic
    def handle(self, *args, username, email, group, superuser, **options):
        user_model = get_user_model()
        for name, validate, value in [
            ("USERNAME", user_model.username_validator, username),
            ("--email", validate_email, email),
        ]:
            try:
                validate(value)
            except ValidationError as error:
                raise CommandError(f"{name} {value!r}: {' '.join(error.messages)}") from error
        unknown = sorted(set(group) - set(GROUPS))
        if unknown:
            raise CommandError(
                f"Unknown group {', '.join(unknown)}. Choose from: {', '.join(GROUPS)}."
            )
        if not group and not superuser:
            raise CommandError(f"Name a --group ({' or '.join(GROUPS)}) or give --superuser.")
        groups = list(Group.objects.filter(name__in=group))
        if len(groups) != len(set(group)):
            raise CommandError("The staff groups do not exist yet: run `manage.py migrate` first.")

        user = user_model.objects.filter(username=username).first()
        created = user is None
        if created:
            user = user_model(username=username)
            user.set_unusable_password()
        user.email = email
        user.is_staff = user.is_active = True
        user.is_superuser = superuser
        user.save()
        user.groups.set(groups)

        roles = ", ".join([*(["superuser"] if superuser else []), *sorted(group)])
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} staff account {username} ({roles}).")
        self.stdout.write(
            f"Link to set the password (once, valid {link_valid_hours()} hours; pass it on "
            f"only to {email}):"
        )
        self.stdout.write(set_password_url(user))
