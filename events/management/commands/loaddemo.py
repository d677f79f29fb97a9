"""Load the seed event (LandtagsTalk of 27.04.2021) with its agenda and speakers, published.

Idempotent: running it again with the same date changes nothing. It is for trying the app
out: with debug off (production) it refuses unless given --force, since it publishes the
demo event on the live site.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from events import demo, services
from events.models import AgendaSlot, Event, SlotSpeaker, Speaker


def at(day, hhmm):
    hour, minute = map(int, hhmm.split(":"))
    return datetime.datetime.combine(day, datetime.time(hour, minute), ZoneInfo(settings.TIME_ZONE))


class Command(BaseCommand):
    help = "Load the demo LandtagsTalk event with agenda and speakers, published."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            default=demo.DATE,
            help="Day of the event as YYYY-MM-DD (default: its real date, %(default)s).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load it also with debug off, i.e. publish the demo event on this site.",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "loaddemo publishes a demo event; it is for trying LandtagsTalk out. "
                "With DJANGO_DEBUG off it refuses unless given --force."
            )
        try:
            day = datetime.date.fromisoformat(options["date"])
        except ValueError as error:
            raise CommandError(f"--date must be YYYY-MM-DD: {error}") from error

        data = dict(demo.EVENT)
        starts, ends = data.pop("starts"), data.pop("ends")
        wanted = {
            **data,
            "starts_at": at(day, starts),
            "ends_at": at(day, ends),
            "is_published": True,
        }
        event, created = Event.objects.get_or_create(slug=demo.SLUG, defaults=wanted)
        # A changed seed event changes as staff change one: revision, agenda, mails.
        changed = services.update_event(event=event, changes=wanted).changed

        speakers = {}
        for name, (affix, position, organisation) in demo.SPEAKERS.items():
            speakers[name], _ = Speaker.objects.update_or_create(
                name=name,
                defaults={"affix": affix, "position": position, "organisation": organisation},
            )

        existing = list(event.slots.order_by("starts_at", "pk"))
        for number, (start, end, kind, title, people) in enumerate(demo.SLOTS):
            slot = existing[number] if number < len(existing) else None
            values = {
                "starts_at": at(day, start),
                "ends_at": at(day, end),
                "kind": kind,
                "title": title,
                "order": number,
            }
            if slot is None:
                slot = AgendaSlot.objects.create(event=event, **values)
            elif any(getattr(slot, name) != value for name, value in values.items()):
                AgendaSlot.objects.filter(pk=slot.pk).update(**values)
            for order, (person, role) in enumerate(people):
                SlotSpeaker.objects.get_or_create(
                    slot=slot, speaker=speakers[person], role=role, defaults={"order": order}
                )

        verb = "Created" if created else ("Updated" if changed else "Unchanged:")
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {event.title} on {day:%d.%m.%Y} ({event.get_absolute_url()})"
            )
        )
