"""Deleting personal data on schedule: what the retention purge takes, and what stays."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from events.models import Event

from . import erasure, services
from .models import PurgeLog, Registration

Status = Registration.Status


def events_to_purge(*, now=None, days: int | None = None):
    """Events that ended more than ``days`` ago and still hold personal data."""
    now = now or timezone.now()
    if days is None:
        days = settings.PERSONAL_DATA_RETENTION_DAYS
    holding_data = Registration.objects.live().filter(event=OuterRef("pk"))
    return Event.objects.filter(
        Exists(holding_data), ends_at__lt=now - timedelta(days=days)
    ).order_by("ends_at", "pk")


def purge_personal_data(*, event: Event, now=None, dry_run: bool = False) -> tuple[int, int]:
    """Delete the personal data of an event's registrations; return (anonymised, deleted).

    Status, timestamps and attendance stay, so the counts of the event stay too (what is
    erased is decided in ``erasure``); registrations that expired before their address
    was confirmed go entirely. Writes a PurgeLog, counting registrations. With
    ``dry_run`` nothing changes and only the counts come back.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Locked like a seat change, so that no registration of the event comes in meanwhile.
        event = services.lock_event(event.pk)
        remaining = Registration.objects.live().filter(event=event)
        expired = remaining.filter(
            status=Status.CANCELLED, cancel_reason=Registration.CancelReason.EXPIRED
        )
        if dry_run:
            deleted = expired.count()
            return remaining.count() - deleted, deleted
        # delete() counts the rows it took along (feedback, deliveries) too.
        _all, by_model = expired.delete()
        deleted = by_model.get(Registration._meta.label, 0)
        anonymised = erasure.erase(remaining, now=now)
        if anonymised or deleted:
            PurgeLog.objects.create(
                event=event, anonymised_count=anonymised, deleted_count=deleted
            )
        return anonymised, deleted
