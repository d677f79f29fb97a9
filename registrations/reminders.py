"""Reminders before an event: each confirmed registrant gets one, with the join link."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import tasks
from .mails import MailKind
from .models import Registration

Status = Registration.Status


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
        claimable = registrations.live().filter(
            status=Status.CONFIRMED,
            reminder_sent_at__isnull=True,
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
            tasks.enqueue_mail(registration_id=registration_id, kind=MailKind.REMINDER)
    return ids
