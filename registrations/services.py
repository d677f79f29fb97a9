"""The one place where seats and registration statuses change.

Every function locks the event row first (``select_for_update``) inside
``transaction.atomic()``, then counts seats: on PostgreSQL this serialises all
seat changes of one event across processes and servers; SQLite serialises writes
anyway. Mails are enqueued with the change (``tasks.enqueue_mail``): in the database
queue inside the transaction, otherwise with ``transaction.on_commit``, so that nothing
is sent for a change that rolled back.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event
from landtagstalk import page_cache

from . import tasks
from .models import PERSONAL_FIELDS, Registration, normalise_email

Status = Registration.Status
# At most one "already registered" mail per address and event in this time.
ALREADY_REGISTERED_MAIL_EVERY = timedelta(hours=1)


def lock_event(event):
    """Read the event again with its row locked; ``event`` is its pk or a queryset of it.

    The one lock of all seat changes, and of the purge, which must not race with them.
    """
    events = event if isinstance(event, QuerySet) else Event.objects.filter(pk=event)
    return events.select_for_update().get()


def _send_later(registration, kind):
    tasks.enqueue_mail(registration_id=registration.pk, kind=kind)


def seats_held(event):
    return Registration.objects.filter(event=event).holding_seats().count()


def seats_left(event, *, held=None):
    """Free seats, or None for an event without a capacity.

    ``held`` is the number of seats held when the caller has counted them already;
    otherwise the ``seats_held_count`` annotation is used, or the seats are counted.
    """
    if event.capacity is None:
        return None
    if held is None:
        held = getattr(event, "seats_held_count", None)
    if held is None:
        held = seats_held(event)
    return max(event.capacity - held, 0)


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


@dataclass(frozen=True)
class RegistrationState:
    """Whether and how an event takes registrations now, for the public pages."""

    code: str  # open, full, not_open, closed, past, cancelled or unpublished
    seats_left: int | None
    opens_at: datetime | None = None

    @property
    def accepts_registrations(self):
        """True while the form is open; when full, registrations join the waiting list."""
        return self.code in ("open", "full")


def with_seats_held(events):
    """Annotate an Event queryset with ``seats_held_count``: one query for a whole list."""
    return events.annotate(
        seats_held_count=Count(
            "registrations", filter=Q(registrations__status__in=Registration.SEAT_HOLDING)
        )
    )


def registration_state(event, *, now=None) -> RegistrationState:
    """The registration state of ``event``; uses ``seats_held_count`` when annotated."""
    left = seats_left(event)
    try:
        check_registration_open(event, now=now)
    except ValidationError as error:
        return RegistrationState(error.code, left, event.registration_opens_at)
    return RegistrationState("full" if left == 0 else "open", left, event.registration_opens_at)


def register(
    *,
    event: Event | QuerySet[Event],
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

    ``event`` may also be a queryset that selects the event, as the form's view has it
    (the published event of its URL): the event is then read once, under the lock, and
    ``Event.DoesNotExist`` is raised when there is none.
    """
    now = now or timezone.now()
    # Built before the lock, so that other registrations wait for as little as possible.
    registration = Registration(
        first_name=first_name,
        last_name=last_name,
        email=email,
        organisation=organisation,
        question=question,
        language=language,
        consent_at=now,
        privacy_version=settings.PRIVACY_NOTICE_VERSION,
        expires_at=now + timedelta(hours=settings.REGISTRATION_HOLD_HOURS),
    )
    try:
        with transaction.atomic():
            event = lock_event(event.pk if isinstance(event, Event) else event)
            check_registration_open(event, now=now)
            has_seat = event.capacity is None or seats_held(event) < event.capacity
            registration.event = event
            registration.status = Status.PENDING if has_seat else Status.WAITLISTED
            # No lookup first: the unique constraint on the event and lower(email) of
            # active registrations finds a known address, and most addresses are new.
            registration.save(force_insert=True)
            _send_later(registration, "confirm_address")
            return registration, True
    except IntegrityError:
        with transaction.atomic():
            event = lock_event(event.pk)
            existing = _active_registration(event, email)
            if existing is None:
                # Cancelled between the failed insert and this lock: the address is free
                # again, and under the lock nobody else can take it before this call.
                return register(
                    event=event, first_name=first_name, last_name=last_name, email=email,
                    organisation=organisation, question=question, language=language, now=now,
                )
            last_mail = existing.already_registered_mail_at
            if last_mail is None or last_mail <= now - ALREADY_REGISTERED_MAIL_EVERY:
                existing.already_registered_mail_at = now
                existing.save(update_fields=["already_registered_mail_at"])
                _send_later(existing, "already_registered")
        return existing, False


def _active_registration(event, email):
    """The registration of ``email`` (in any case) that the unique constraint covers."""
    # lower() on both sides and no ordering, as in the constraint, so that its index
    # answers instead of a scan of the event's registrations.
    found = (
        Registration.objects.active()
        .alias(email_lower=Lower("email"))
        .filter(
            event=event,
            email_lower=Lower(Value(normalise_email(email))),
            purged_at__isnull=True,
        )
        .order_by()[:1]
    )
    return found[0] if found else None


def confirm(*, registration: Registration, now=None) -> Registration:
    """Confirm the e-mail address: a pending seat becomes confirmed.

    Idempotent: a second click changes nothing. A link used after the
    confirmation window releases the seat and raises a ValidationError.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(registration.event_id)
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
        event = lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        _cancel(registration, event=event, reason=reason, now=now, notify=True)
        return registration


def erase_personal_data(*, registration: Registration, now=None) -> Registration:
    """Cancel a registration and erase its personal data (Art. 17 DSGVO).

    The seat goes to the waiting list as with any cancellation. What stays is what
    counts: the event, the status and the timestamps, without a person behind them.
    No mail is sent, for there is no address left to send it to.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        _cancel(
            registration,
            event=event,
            reason=registration.CancelReason.BY_REGISTRANT,
            now=now,
            notify=False,
        )
        for field, value in PERSONAL_FIELDS.items():
            setattr(registration, field, value)
        registration.purged_at = now
        registration.save()
        return registration


def _cancel(registration, *, event, reason, now, notify):
    if registration.status == Status.CANCELLED:
        return
    registration.status = Status.CANCELLED
    registration.cancel_reason = reason
    registration.cancelled_at = now
    registration.expires_at = None
    registration.save()
    if notify:
        _send_later(registration, "cancelled")
    _promote(event, now=now)


def promote_waitlisted(event: Event, *, now=None) -> list[Registration]:
    """Give free seats to the oldest waitlisted people with a confirmed address."""
    with transaction.atomic():
        return _promote(lock_event(event.pk), now=now or timezone.now())


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
            event = lock_event(event_id)
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
    _seats_changed()
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
    if promoted:
        _seats_changed()
    return promoted


def _seats_changed():
    # bulk_update sends no post_save signal; the cached public pages show seats left.
    transaction.on_commit(page_cache.bump_content_version)
