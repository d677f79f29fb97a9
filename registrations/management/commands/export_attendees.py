"""Write the attendee list of an event to standard output, as the admin exports it."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from events.models import Event
from registrations import export
from registrations.models import Registration


class Command(BaseCommand):
    help = (
        "Write the attendee list of an event as CSV (UTF-8 with BOM, semicolons) to standard "
        "output. Every export is recorded."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Slug of the event.")
        parser.add_argument(
            "--status",
            action="append",
            choices=Registration.Status.values,
            default=[],
            help="Only registrations with this status; repeat for several.",
        )

    def handle(self, *args, slug, status, **options):
        event = Event.objects.filter(slug=slug).first()
        if event is None:
            raise CommandError(_("There is no event with the slug “%(slug)s”.") % {"slug": slug})
        queryset = Registration.objects.filter(event=event)
        if status:
            queryset = queryset.filter(status__in=status)
        export.log_export(
            user=None,
            event=event,
            queryset=queryset,
            description=export.describe(
                event=event, statuses=status, source="manage.py export_attendees"
            ),
        )
        for chunk in export.lines(queryset, questions=event.registration_questions.all()):
            self.stdout.write(chunk, ending="")
