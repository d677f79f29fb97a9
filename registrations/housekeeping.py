"""Staff work on registrations that changes no seat and no status.

Question flags, attendance, reminders and the retention purge. Seats and statuses
change in ``services.py`` only.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from events.models import Event

from . import services, tasks
from .models import PERSONAL_FIELDS, Feedback, PurgeLog, Registration

Status = Registration.Status


def set_question_flags(
    *, registration: Registration, selected: bool | None = None, answered: bool | None = None
) -> Registration:
    """Mark a question as selected for the panel and/or as answered."""
    changes = {}
    if selected is not None:
        changes["question_selected"] = selected
    if answered is not None:
        changes["question_answered"] = answered
    if changes:
        Registration.objects.filter(pk=registration.pk).update(**changes)
        for field, value in changes.items():
            setattr(registration, field, value)
    return registration


def mark_attended(*, registrations) -> int:
    """Mark the given registrations (a queryset or ids) as attended; return how many changed."""
    queryset = (
        registrations
        if hasattr(registrations, "filter")
        else Registration.objects.filter(pk__in=list(registrations))
    )
    return queryset.filter(attended=False).update(attended=True)


def due_reminders(*, now=None, lead_hours: int | None = None):
    """Confirmed registrations of published events that start within the lead time."""
    now = now or timezone.now()
    if lead_hours is None:
        lead_hours = settings.REMINDER_LEAD_HOURS
    return Registration.objects.filter(
        event__is_published=True,
        event__is_cancelled=False,
        event__starts_at__gt=now,
        event__starts_at__lte=now + timedelta(hours=lead_hours),
    )


def send_reminders(registrations, *, now=None) -> list[int]:
    """Send each confirmed registrant in ``registrations`` one reminder; return their ids.

    Rows are claimed by setting ``reminder_sent_at`` in the same transaction that
    enqueues the mail: a second run, or a second process at the same time
    (``skip_locked`` on PostgreSQL, the write lock on SQLite), finds nothing to claim.
    """
    now = now or timezone.now()
    with transaction.atomic():
        claimable = registrations.filter(
            status=Status.CONFIRMED,
            reminder_sent_at__isnull=True,
            purged_at__isnull=True,
            event__is_cancelled=False,
            event__ends_at__gt=now,
        )
        ids = list(
            claimable.select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Registration.objects.filter(pk__in=ids, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now
        )
        for registration_id in ids:
            tasks.enqueue_mail(registration_id=registration_id, kind="reminder")
    return ids


def events_to_purge(*, now=None, days: int | None = None):
    """Events that ended more than ``days`` ago and still hold personal data."""
    now = now or timezone.now()
    if days is None:
        days = settings.PERSONAL_DATA_RETENTION_DAYS
    holding_data = Registration.objects.filter(event=OuterRef("pk"), purged_at__isnull=True)
    return Event.objects.filter(
        Exists(holding_data), ends_at__lt=now - timedelta(days=days)
    ).order_by("ends_at", "pk")


def purge_personal_data(*, event: Event, now=None, dry_run: bool = False) -> tuple[int, int]:
    """Delete the personal data of an event's registrations; return (anonymised, deleted).

    Status, timestamps and attendance stay, so the counts of the event stay too;
    registrations that expired before their address was confirmed go entirely.
    Writes a PurgeLog. With ``dry_run`` nothing changes and only the counts come back.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Locked like a seat change, so that no registration of the event comes in meanwhile.
        event = services.lock_event(event.pk)
        remaining = Registration.objects.filter(event=event, purged_at__isnull=True)
        expired = remaining.filter(
            status=Status.CANCELLED, cancel_reason=Registration.CancelReason.EXPIRED
        )
        if dry_run:
            deleted = expired.count()
            return remaining.count() - deleted, deleted
        deleted, _by_model = expired.delete()
        # Written feedback is personal data; the ratings stay, like the counts.
        Feedback.objects.filter(event=event).update(next_topic="", comment="")
        anonymised = remaining.update(purged_at=now, **PERSONAL_FIELDS)
        if anonymised or deleted:
            PurgeLog.objects.create(
                event=event, anonymised_count=anonymised, deleted_count=deleted
            )
        return anonymised, deleted
