"""What happens when staff change an event, and copying one as the template for the next."""

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.text import slugify

from landtagstalk import page_cache

from .models import AgendaSlot, Event, EventChange, RegistrationQuestion, SlotSpeaker

# A change to one of these is a change to the calendar entry: its SEQUENCE goes up, so
# calendar clients replace their copy.
ADDRESS_FIELDS = ("street_address", "postal_code", "locality")
CALENDAR_FIELDS = (
    "title", "starts_at", "ends_at", "format", "location", *ADDRESS_FIELDS, "is_cancelled"
)
# The revision also goes up for a new join link: registrants are told of a change under
# its revision (registrations.notices.NOTICE_FIELDS is a subset of these).
REVISION_FIELDS = (*CALENDAR_FIELDS, "online_url")

# Sent by ``update_event`` inside its transaction, under the event lock, once the change
# is saved: ``update`` (the EventUpdate so far), ``before`` (field name → old value),
# ``user`` and ``now``. A receiver adds what it did to ``update`` (``promoted``,
# ``notice``); an error in it rolls the whole change back. ``registrations.changes``
# receives it: the events app knows nothing of registrants.
event_updated = Signal()


@dataclass
class EventUpdate:
    """What ``update_event`` did, for the caller to report."""

    event: Event
    changed: list[str] = field(default_factory=list)
    # The registrations that moved up from the waiting list (registrations.changes).
    promoted: list = field(default_factory=list)
    moved_slots: int = 0
    offset: datetime.timedelta = datetime.timedelta(0)
    notice: EventChange | None = None


def lock_event(event):
    """Read the event again with its row locked; ``event`` is its pk or a queryset of it.

    The one lock of an event: of staff changes (``update_event``), of every seat change
    (``registrations.services``) and of the purge, which must not race with them.
    """
    events = event if isinstance(event, QuerySet) else Event.objects.filter(pk=event)
    return events.select_for_update().get()


# The date a previous copy put at the end of a slug, so copies of copies don't pile up dates.
DATED_SLUG = re.compile(r"-\d{4}-\d{2}-\d{2}$")


def shift_wall_clock(value, offset: datetime.timedelta):
    """Move ``value`` by ``offset`` of local wall-clock time, across daylight saving."""
    if value is None:
        return None
    local = timezone.localtime(value).replace(tzinfo=None)
    return timezone.make_aware(local + offset)


def wall_clock_offset(old, new) -> datetime.timedelta:
    """How far the local wall-clock time moved from ``old`` to ``new``."""
    return timezone.localtime(new).replace(tzinfo=None) - timezone.localtime(old).replace(
        tzinfo=None
    )


def shift_days(value, days: int):
    """The same local wall-clock time ``days`` later, across a change of daylight saving."""
    return shift_wall_clock(value, datetime.timedelta(days=days))


def unique_slug(base: str) -> str:
    base = slugify(base)[:110] or "event"
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def copy_slug(event: Event, starts_on: datetime.date) -> str:
    """The slug of a copy: the original's without its date, the new date, unique."""
    return unique_slug(f"{DATED_SLUG.sub('', event.slug)}-{starts_on}")


def update_event(*, event: Event, changes: dict, user=None, now=None) -> EventUpdate:
    """Change ``event`` to ``changes`` (field name → new value), with all that follows.

    In one transaction under the event lock: the calendar revision goes up for a change
    of the calendar entry; a new start moves the agenda by the same wall-clock offset;
    then ``event_updated`` is sent, on which ``registrations.changes`` gives more seats
    to the waiting list and records and mails a change registrants must know.
    """
    with transaction.atomic():
        stored = lock_event(event.pk)
        before = {name: getattr(stored, name) for name in changes}
        changed = [name for name, value in changes.items() if before[name] != value]
        result = EventUpdate(event=stored, changed=changed)
        if not changed:
            return result
        for name in changed:
            setattr(stored, name, changes[name])
        # Only a published event had its start announced; a draft's moves are no news.
        if "starts_at" in changed and before.get("is_published", stored.is_published):
            _record_previous_start(stored, before["starts_at"])
        if set(changed) & set(REVISION_FIELDS):
            stored.sequence += 1
        stored.save()
        if "starts_at" in changed:
            result.offset = wall_clock_offset(before["starts_at"], stored.starts_at)
            result.moved_slots = _move_agenda(stored, result.offset)
        event_updated.send(sender=Event, update=result, before=before, user=user, now=now)
    _copy_back(stored, event)
    return result


def _record_previous_start(event, old_start):
    # Moved back to the start announced before: then it is no longer rescheduled.
    event.previous_starts_at = None if event.starts_at == event.previous_starts_at else old_start


def _copy_back(stored, event):
    # The caller's instance (the admin's form object) goes on to save inlines.
    if stored is not event:
        for f in Event._meta.concrete_fields:
            setattr(event, f.attname, getattr(stored, f.attname))


def moved_slot_times(slot: AgendaSlot, offset: datetime.timedelta):
    """Where ``slot`` starts and ends once its event has moved by ``offset`` (wall clock)."""
    return shift_wall_clock(slot.starts_at, offset), shift_wall_clock(slot.ends_at, offset)


def _move_agenda(event, offset):
    """The one place the agenda moves with its event; the editor's page leaves it to this."""
    if not offset:
        return 0
    slots = list(event.slots.all())
    for slot in slots:
        slot.starts_at, slot.ends_at = moved_slot_times(slot, offset)
    AgendaSlot.objects.bulk_update(slots, ["starts_at", "ends_at"])
    # bulk_update sends no post_save: the cached agenda must go stale all the same.
    page_cache.mark_stale_on_commit(event)
    return len(slots)


def default_copy_date(event: Event, *, today=None) -> datetime.date:
    """Four weeks after the event, or four weeks from today for an event long past."""
    today = today or timezone.localdate()
    return max(timezone.localdate(event.starts_at), today) + datetime.timedelta(weeks=4)


def copy_event(*, event: Event, starts_on: datetime.date, title: str = "", slug: str = "") -> Event:
    """Copy ``event`` with its agenda and roles to the day ``starts_on``, unpublished.

    All times keep their local wall-clock time; registrations are not copied, the
    questions of the registration form are (without their answers).
    """
    days = (starts_on - timezone.localdate(event.starts_at)).days
    with transaction.atomic():
        slots = list(event.slots.prefetch_related("roles"))
        copy = Event.objects.get(pk=event.pk)
        copy.pk = None
        copy.title = title or event.title
        copy.slug = slug or copy_slug(event, starts_on)
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            setattr(copy, name, shift_days(getattr(event, name), days))
        copy.is_published = False
        copy.is_cancelled = False
        copy.sequence = 0
        copy.previous_starts_at = None
        copy.seats_held = copy.venue_seats_held = 0
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
        # The questions of the form, never their answers.
        questions = list(event.registration_questions.all())
        for question in questions:
            question.pk, question.event = None, copy
        RegistrationQuestion.objects.bulk_create(questions)
    return copy
