"""The one place where seats and registration statuses change.

Every function locks the event row first (``select_for_update``) inside
``transaction.atomic()``, then counts seats: on PostgreSQL this serialises all
seat changes of one event across processes and servers; SQLite serialises writes
anyway. Mails are enqueued with the change (``tasks.enqueue_mail``): in the database
queue inside the transaction, otherwise with ``transaction.on_commit``, so that nothing
is sent for a change that rolled back.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event

from . import tasks
from .models import Registration

Status = Registration.Status


def _lock_event(event_id):
    return Event.objects.select_for_update().get(pk=event_id)


def _send_later(registration, kind):
    tasks.enqueue_mail(registration_id=registration.pk, kind=kind)


def seats_held(event):
    return Registration.objects.filter(event=event).holding_seats().count()


def seats_left(event):
    """Free seats, or None for an event without a capacity."""
    if event.capacity is None:
        return None
    return max(event.capacity - seats_held(event), 0)


def check_registration_open(event, *, now=None):
    """Raise a ValidationError saying why ``event`` takes no registrations now."""
    now = now or timezone.now()
    if not event.is_published:
        raise ValidationError(_("This event is not published."), code="unpublished")
    if event.is_cancelled:
        raise ValidationError(_("This event has been cancelled."), code="cancelled")
    if event.ends_at <= now:
        raise ValidationError(_("This event is over."), code="past")
    if event.registration_opens_at and now < event.registration_opens_at:
        raise ValidationError(_("Registration has not opened yet."), code="not_open")
    if now >= event.registration_closes:
        raise ValidationError(_("Registration is closed."), code="closed")


def register(
    *,
    event: Event,
    first_name: str,
    last_name: str,
    email: str,
    organisation: str = "",
    question: str = "",
    language: str = settings.LANGUAGE_CODE,
    now=None,
) -> tuple[Registration, bool]:
    """Register a person; return the registration and whether it is new.

    A new registration holds a seat while it is pending, or joins the waiting list
    when the event is full. The same address (in any case) gets its existing
    registration back and a mail with its personal link, never a second one.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            event = _lock_event(event.pk)
            check_registration_open(event, now=now)
            # lower() on both sides and no ordering, as in the unique constraint, so
            # that its index answers instead of a scan of the event's registrations.
            existing = (
                Registration.objects.active()
                .alias(email_lower=Lower("email"))
                .filter(event=event, email_lower=Lower(Value(email)), purged_at__isnull=True)
                .order_by()[:1]
            )
            existing = existing[0] if existing else None
            if existing:
                _send_later(existing, "already_registered")
                return existing, False
            has_seat = event.capacity is None or seats_held(event) < event.capacity
            registration = Registration.objects.create(
                event=event,
                first_name=first_name,
                last_name=last_name,
                email=email,
                organisation=organisation,
                question=question,
                language=language,
                status=Status.PENDING if has_seat else Status.WAITLISTED,
                consent_at=now,
                privacy_version=settings.PRIVACY_NOTICE_VERSION,
                expires_at=now + timedelta(hours=settings.REGISTRATION_HOLD_HOURS),
            )
            _send_later(registration, "confirm_address")
            return registration, True
    except IntegrityError:
        # Only reachable when two requests for one address slip past each other
        # without the lock; the constraint keeps one, and that one is the answer.
        existing = Registration.objects.active().get(event=event, email__iexact=email)
        return existing, False


def confirm(*, registration: Registration, now=None) -> Registration:
    """Confirm the e-mail address: a pending seat becomes confirmed.

    Idempotent: a second click changes nothing. A link used after the
    confirmation window releases the seat and raises a ValidationError.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Status.CANCELLED:
            raise ValidationError(_("This registration has been cancelled."), code="cancelled")
        if registration.email_confirmed_at:
            return registration
        expired = registration.expires_at is not None and registration.expires_at <= now
        if expired:
            # Committed before the error is raised: the seat is free either way.
            _expire([registration], event=event, now=now)
        else:
            _confirm_address(registration, event=event, now=now)
    if expired:
        raise ValidationError(
            _("The confirmation link has expired. Please register again."), code="expired"
        )
    registration.refresh_from_db()
    return registration


def _confirm_address(registration, *, event, now):
    registration.email_confirmed_at = now
    registration.expires_at = None
    if registration.status == Status.PENDING:
        registration.status = Status.CONFIRMED
        registration.confirmed_at = now
        registration.save()
        _send_later(registration, "confirmed")
    else:
        registration.save()
        _send_later(registration, "waitlisted")
        _promote(event, now=now)


def cancel(
    *,
    registration: Registration,
    reason: str = Registration.CancelReason.BY_REGISTRANT,
    now=None,
) -> Registration:
    """Cancel a registration; a freed seat goes to the waiting list."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Status.CANCELLED:
            return registration
        registration.status = Status.CANCELLED
        registration.cancel_reason = reason
        registration.cancelled_at = now
        registration.expires_at = None
        registration.save()
        _send_later(registration, "cancelled")
        _promote(event, now=now)
        return registration


def promote_waitlisted(event: Event, *, now=None) -> list[Registration]:
    """Give free seats to the oldest waitlisted people with a confirmed address."""
    with transaction.atomic():
        return _promote(_lock_event(event.pk), now=now or timezone.now())


def expire_pending(*, now=None) -> int:
    """Cancel registrations whose address was not confirmed in time; free their seats."""
    now = now or timezone.now()
    overdue = Registration.objects.filter(
        status__in=[Status.PENDING, Status.WAITLISTED],
        email_confirmed_at__isnull=True,
        expires_at__lte=now,
    )
    count = 0
    for event_id in overdue.values_list("event_id", flat=True).distinct().order_by():
        with transaction.atomic():
            event = _lock_event(event_id)
            registrations = list(overdue.filter(event=event).select_for_update())
            count += _expire(registrations, event=event, now=now)
    return count


def _expire(registrations, *, event, now):
    for registration in registrations:
        registration.status = Status.CANCELLED
        registration.cancel_reason = Registration.CancelReason.EXPIRED
        registration.cancelled_at = now
        registration.expires_at = None
    Registration.objects.bulk_update(
        registrations, ["status", "cancel_reason", "cancelled_at", "expires_at"]
    )
    _promote(event, now=now)
    return len(registrations)


def _promote(event, *, now):
    """Fill free seats from the waiting list. The caller holds the event lock."""
    if event.capacity is None:
        free = None
    else:
        free = event.capacity - seats_held(event)
        if free <= 0:
            return []
    waiting = (
        Registration.objects.filter(
            event=event, status=Status.WAITLISTED, email_confirmed_at__isnull=False
        )
        .order_by("created_at", "pk")
        .select_for_update()
    )
    promoted = list(waiting if free is None else waiting[:free])
    for registration in promoted:
        registration.status = Status.CONFIRMED
        registration.confirmed_at = now
        _send_later(registration, "promoted")
    Registration.objects.bulk_update(promoted, ["status", "confirmed_at"])
    return promoted
