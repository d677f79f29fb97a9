"""What happens when staff change an event, and copying one as the template for the next."""

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from landtagstalk import page_cache
from registrations import services as seat_services
from registrations import tasks
from registrations.models import Registration

from .models import AgendaSlot, Event, EventChange, SlotSpeaker

# A change to one of these is a change to the calendar entry: its SEQUENCE goes up, so
# calendar clients replace their copy.
CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "format", "location", "is_cancelled")
# What registrants must be told about; a change of text only (a typo) sends nothing.
NOTICE_FIELDS = ("starts_at", "ends_at", "format", "location", "online_url", "is_cancelled")
# Only confirmed people have the join link, so only they hear that it changed.
CONFIRMED_ONLY_FIELDS = ("online_url",)
# Who is told about a change: everyone whose registration is still alive.
INFORMED = (
    Registration.Status.PENDING,
    Registration.Status.CONFIRMED,
    Registration.Status.WAITLISTED,
)


@dataclass
class EventUpdate:
    """What ``update_event`` did, for the caller to report."""

    event: Event
    changed: list[str] = field(default_factory=list)
    promoted: list[Registration] = field(default_factory=list)
    moved_slots: int = 0
    offset: datetime.timedelta = datetime.timedelta(0)
    notice: EventChange | None = None


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


def notice_fields(changed, *, cancelled: bool) -> list[str]:
    """The changed fields registrants must be told about; none while the event stays off."""
    fields = [name for name in NOTICE_FIELDS if name in changed]
    if cancelled and "is_cancelled" not in fields:
        return []
    return fields


def recipients(event: Event, fields) -> QuerySet[Registration]:
    """The registrations to tell about a change of ``fields``."""
    statuses = INFORMED
    if fields and all(name in CONFIRMED_ONLY_FIELDS for name in fields):
        statuses = (Registration.Status.CONFIRMED,)
    return Registration.objects.filter(
        event=event, status__in=statuses, purged_at__isnull=True
    )


def recipient_counts(*, event: Event, changes: dict) -> dict[str, int]:
    """Per status, how many registrants a change of ``event`` to ``changes`` would mail.

    Empty when the change needs no mail: the admin asks to confirm only otherwise.
    """
    changed = [name for name, value in changes.items() if getattr(event, name) != value]
    fields = notice_fields(changed, cancelled=changes.get("is_cancelled", event.is_cancelled))
    if not fields or event.pk is None:
        return {}
    rows = recipients(event, fields).values("status").annotate(n=Count("pk")).order_by()
    return {row["status"]: row["n"] for row in rows if row["n"]}


def update_event(*, event: Event, changes: dict, user=None, now=None) -> EventUpdate:
    """Change ``event`` to ``changes`` (field name → new value), with all that follows.

    In one transaction under the event lock: the calendar revision goes up for a change
    of the calendar entry; a new start moves the agenda by the same wall-clock offset;
    more seats go to the waiting list; a change registrants must know is recorded and
    its mails are queued, one task per person (``registrations.tasks``).
    """
    with transaction.atomic():
        stored = seat_services.lock_event(event.pk)
        before = {name: getattr(stored, name) for name in changes}
        changed = [name for name, value in changes.items() if before[name] != value]
        result = EventUpdate(event=stored, changed=changed)
        if not changed:
            return result
        for name in changed:
            setattr(stored, name, changes[name])
        if set(changed) & (set(CALENDAR_FIELDS) | set(NOTICE_FIELDS)):
            stored.sequence += 1
        stored.save()
        if "starts_at" in changed:
            result.offset = wall_clock_offset(before["starts_at"], stored.starts_at)
            result.moved_slots = _move_agenda(stored, result.offset)
        if "capacity" in changed:
            result.promoted = seat_services.promote_waitlisted(stored, now=now)
        fields = notice_fields(changed, cancelled=stored.is_cancelled)
        if fields:
            result.notice = _record_notice(stored, fields, before, user=user)
    _copy_back(stored, event)
    return result


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
    page_cache.mark_stale_on_commit()
    return len(slots)


def _record_notice(event, fields, before, *, user):
    notice = EventChange.objects.create(
        event=event,
        sequence=event.sequence,
        changes={name: [before[name], getattr(event, name)] for name in fields},
        cancelled="is_cancelled" in fields and event.is_cancelled,
        recipient_count=recipients(event, fields).count(),
        created_by=user if user is not None and user.is_authenticated else None,
    )
    if notice.recipient_count:
        tasks.enqueue_change_mails(change_id=notice.pk)
    return notice


def mailed_count(notice: EventChange) -> int:
    """How many registrants have the mail of ``notice`` (or of a later change) by now."""
    mailed = Registration.objects.filter(
        event_id=notice.event_id, change_mailed_sequence__gte=notice.sequence
    ).count()
    return min(mailed, notice.recipient_count)


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
        copy.slug = slug or copy_slug(event, starts_on)
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            setattr(copy, name, shift_days(getattr(event, name), days))
        copy.is_published = False
        copy.is_cancelled = False
        copy.sequence = 0
        copy.seats_held = 0
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
