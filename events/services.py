"""Editorial steps on events: copying one as the template for the next."""

import datetime
import re

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .models import AgendaSlot, Event, SlotSpeaker

# The date a previous copy put at the end of a slug, so copies of copies don't pile up dates.
DATED_SLUG = re.compile(r"-\d{4}-\d{2}-\d{2}$")


def shift_days(value, days: int):
    """The same local wall-clock time ``days`` later, across a change of daylight saving."""
    if value is None:
        return None
    local = timezone.localtime(value)
    moved = datetime.datetime.combine(local.date() + datetime.timedelta(days=days), local.time())
    return timezone.make_aware(moved)


def unique_slug(base: str) -> str:
    base = slugify(base)[:110] or "event"
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def default_copy_date(event: Event, *, today=None) -> datetime.date:
    """Four weeks after the event, or four weeks from today for an event long past."""
    today = today or timezone.localdate()
    return max(timezone.localdate(event.starts_at), today) + datetime.timedelta(weeks=4)


def copy_event(*, event: Event, starts_on: datetime.date, title: str = "", slug: str = "") -> Event:
    """Copy ``event`` with its agenda and roles to the day ``starts_on``, unpublished.

    All times keep their local wall-clock time; registrations are not copied.
    """
    days = (starts_on - timezone.localdate(event.starts_at)).days
    with transaction.atomic():
        slots = list(event.slots.prefetch_related("roles"))
        copy = Event.objects.get(pk=event.pk)
        copy.pk = None
        copy.title = title or event.title
        copy.slug = slug or unique_slug(f"{DATED_SLUG.sub('', event.slug)}-{starts_on}")
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            setattr(copy, name, shift_days(getattr(event, name), days))
        copy.is_published = False
        copy.is_cancelled = False
        copy.sequence = 0
        copy.save(force_insert=True)
        for slot in slots:
            roles = list(slot.roles.all())
            new_slot = AgendaSlot.objects.create(
                event=copy,
                starts_at=shift_days(slot.starts_at, days),
                ends_at=shift_days(slot.ends_at, days),
                title=slot.title,
                kind=slot.kind,
                description=slot.description,
                is_parallel=slot.is_parallel,
                order=slot.order,
            )
            SlotSpeaker.objects.bulk_create(
                SlotSpeaker(slot=new_slot, speaker_id=r.speaker_id, role=r.role, order=r.order)
                for r in roles
            )
    return copy
