"""The one place where seats and registration statuses change.

Every function locks the event row first (``lock_event``) inside ``transaction.atomic()``,
then reads the event's counter of seats held (``Event.seats_held``, and for the hall of a
hybrid event ``Event.venue_seats_held``: ``selectors.seat_counter``) and changes it together
with the statuses (``_hold_seats``): on PostgreSQL this serialises all seat changes of one
event across processes and servers, and a registration costs the same whether 10 or 10,000
seats are held; SQLite serialises writes anyway. Each quota has its own waiting list: a
freed seat goes only to someone waiting for the same way of taking part. What the pages
read is in ``selectors.py``. Mails are enqueued with the change (``tasks.enqueue_mail``):
in the database queue inside the transaction, otherwise with ``transaction.on_commit``, so
that nothing is sent for a change that rolled back.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Greatest, Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from events.models import Event
from events.services import lock_event  # the one lock of an event, also of its seats
from landtagstalk import page_cache
from landtagstalk.security import client_group

from . import erasure, questions, tasks
from .mails import MailKind
from .models import Registration, RegistrationAnswer, mailbox, normalise_email
from .selectors import (
    RegistrationState,
    capacity,
    closed_because,
    mode_for,
    moves_up_from_waiting_list,
    quota_modes,
    real_seats_held,
    seat_counter,
    seats_left,
)

Status = Registration.Status
Mode = Registration.Mode
# At most one "already registered" mail per mailbox and event in this time.
ALREADY_REGISTERED_MAIL_EVERY = timedelta(hours=1)
# Unconfirmed registrations per mailbox (the address without its +tag) and event that get
# a confirmation mail: anyone can send the form, and one person's mailbox is not theirs
# to flood with victim+1@…, victim+2@… and so on.
MAX_UNCONFIRMED_PER_MAILBOX = 3


def _send_later(registration, kind):
    tasks.enqueue_mail(registration_id=registration.pk, kind=kind)


def _hold_seats(event, change, mode=None):
    """Add ``change`` to the counter of ``mode``'s seats; the caller holds the event lock."""
    _add_to_counter(event, seat_counter(event, mode), change)


def _full_quotas(event):
    return tuple(seats_left(event, mode) == 0 for mode in quota_modes(event))


def _add_to_counter(event, counter, change):
    """Add ``change`` to ``counter`` of the event's seats held.

    The cached public pages go stale only when a quota becomes full or takes
    registrations again: the seats they show are at most a few seconds old anyway
    (landtagstalk/page_cache.py).
    """
    if change:
        was_full = _full_quotas(event)
        # F(): even without the lock (the concurrency tests' negative control) no change
        # of the counter itself is lost. Never below 0: a counter that drifted (rows
        # changed by hand) must not stop a cancellation; recount_seats reports it.
        Event.objects.filter(pk=event.pk).update(
            **{counter: Greatest(F(counter) + change, Value(0))}
        )
        setattr(event, counter, max(getattr(event, counter) + change, 0))
        if _full_quotas(event) != was_full:
            page_cache.mark_stale_on_commit(event)


def client_hash(address: str | None) -> str:
    """A keyed hash (HMAC with SECRET_KEY) of a client address; "" when there is none.

    It recognises the same client among the unconfirmed registrations of an event and
    does not lead back to the address without the key. It counts by the client's group
    (``security.client_group``: an IPv6 client by its /64 network), as the rate limit does.
    """
    group = client_group(address)
    if not group:
        return ""
    return salted_hmac("registrations.client_hash", group, algorithm="sha256").hexdigest()


def _closed_message(code):
    Code = RegistrationState.Code
    return {
        Code.UNPUBLISHED: _("This event is not published."),
        Code.CANCELLED: _("This event has been cancelled."),
        Code.PAST: _("This event is over."),
        Code.NOT_OPEN: _("Registration has not opened yet."),
        Code.CLOSED: _("Registration is closed."),
    }[code]


def check_registration_open(event, *, now=None):
    """Raise a ValidationError saying why ``event`` takes no registrations now."""
    code = closed_because(event, now=now)
    if code is not None:
        raise ValidationError(_closed_message(code), code=code.value)


def _mode(event, mode):
    """The mode a new registration of ``event`` takes; a hybrid event needs a choice."""
    mode = mode_for(event, mode)
    if mode not in Mode.values:
        raise ValidationError(_("Please choose how you will take part."), code="mode")
    return mode


def _new_status(event, key, mode):
    """The status of a new registration; the caller holds the event lock."""
    if capacity(event, mode) is None:
        return Status.PENDING
    if seats_left(event, mode) == 0:
        return Status.WAITLISTED
    limit = settings.REGISTRATION_MAX_UNCONFIRMED_SEATS_PER_CLIENT
    if key and limit and _unconfirmed_seats(event, key) >= limit:
        return Status.WAITLISTED
    return Status.PENDING


def _unconfirmed_seats(event, key):
    """Seats the client ``key`` holds unconfirmed in ``event``: at most the limit's few rows.

    The same as ``Registration.objects.filter(event=event, status=PENDING,
    client_hash=key).count()``, written out because it runs under the event lock for every
    registration into an event with a seat limit, and compiling it with the ORM took ten
    times the CPU of running it (0.5 against 0.05 ms). It reads the partial index
    ``registration_client_pending``, whose condition the status literal matches.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {Registration._meta.db_table} "
            f"WHERE event_id = %s AND client_hash = %s AND status = '{Status.PENDING.value}'",
            [event.pk, key],
        )
        return cursor.fetchone()[0]


def _unconfirmed_in_mailbox(event, email):
    """Unconfirmed registrations of ``email``'s mailbox in ``event``: a few rows at most.

    Written out as ``_unconfirmed_seats`` is, for it runs under the event lock for every
    registration; it reads the index ``registration_event_mailbox``.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {Registration._meta.db_table} "
            "WHERE event_id = %s AND mailbox = %s AND email_confirmed_at IS NULL "
            f"AND status IN ('{Status.PENDING.value}', '{Status.WAITLISTED.value}')",
            [event.pk, mailbox(email)],
        )
        return cursor.fetchone()[0]


def _already_registered_mailed(event, email, *, now):
    """Whether ``email``'s mailbox got an "already registered" mail for ``event`` lately."""
    return Registration.objects.filter(
        event=event,
        mailbox=mailbox(email),
        already_registered_mail_at__gt=now - ALREADY_REGISTERED_MAIL_EVERY,
    ).exists()


def register(
    *,
    event: Event | QuerySet[Event],
    first_name: str,
    last_name: str,
    email: str,
    organisation: str = "",
    question: str = "",
    language: str = settings.LANGUAGE_CODE,
    mode: str | None = None,
    answers: dict | None = None,
    client_ip: str | None = None,
    now=None,
) -> tuple[Registration, bool]:
    """Register a person; return the registration and whether it is new.

    A new registration holds a seat while it is pending, or joins the waiting list
    when the event is full. The same address (in any case) gets its existing
    registration back and a mail with its personal link, never a second one.

    A mailbox (the address without its +tag) gets the confirmation mails of at most
    ``MAX_UNCONFIRMED_PER_MAILBOX`` unconfirmed registrations of an event, and one "already
    registered" mail an hour; a further registration goes to the waiting list without a
    mail (registering it again sends that mail, with the confirmation link).

    One client address (``client_ip``, kept only as a keyed hash) holds at most
    ``REGISTRATION_MAX_UNCONFIRMED_SEATS_PER_CLIENT`` unconfirmed seats of an event with a
    seat limit; its further registrations wait on the list until their address is
    confirmed, and then get a free seat at once.

    ``mode`` ("online" or "venue") is how the person takes part in a hybrid event, and
    which of its quotas and waiting lists they join; other events ignore it (their
    registrations take the event's format) and a hybrid event refuses a registration
    without it (ValidationError). ``answers`` ({RegistrationQuestion: text}) are the
    answers to the event's own questions, stored with a new registration.

    ``event`` may also be a queryset that selects the event, as the form's view has it
    (the published event of its URL): the event is then read once, under the lock, and
    ``Event.DoesNotExist`` is raised when there is none.
    """
    now = now or timezone.now()
    key = client_hash(client_ip)
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
            registration.event = event
            registration.mode = _mode(event, mode)
            mailbox_full = _unconfirmed_in_mailbox(event, email) >= MAX_UNCONFIRMED_PER_MAILBOX
            registration.status = (
                Status.WAITLISTED if mailbox_full else _new_status(event, key, registration.mode)
            )
            if (
                registration.status == Status.PENDING
                and capacity(event, registration.mode) is not None
            ):
                registration.client_hash = key
            # No lookup first: the unique constraint on the event and lower(email) of
            # active registrations finds a known address, and most addresses are new.
            registration.save(force_insert=True)
            _save_answers(registration, answers or {})
            questions.record_form_question(registration)
            if registration.holds_seat:
                _hold_seats(event, 1, registration.mode)
            if not mailbox_full:
                _send_later(registration, MailKind.CONFIRM_ADDRESS)
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
                    organisation=organisation, question=question, language=language,
                    mode=mode, answers=answers, client_ip=client_ip, now=now,
                )
            if not _already_registered_mailed(event, email, now=now):
                existing.already_registered_mail_at = now
                existing.save(update_fields=["already_registered_mail_at"])
                _send_later(existing, MailKind.ALREADY_REGISTERED)
        return existing, False


def _save_answers(registration, answers):
    given = [
        RegistrationAnswer(registration=registration, question=question, value=value)
        for question, value in answers.items()
        if value and question.event_id == registration.event_id
    ]
    RegistrationAnswer.objects.bulk_create(given)
    if any(answer.question.is_access_needs for answer in given):
        tasks.enqueue_access_request(registration_id=registration.pk)


def _active_registration(event, email):
    """The registration of ``email`` (in any case) that the unique constraint covers."""
    # lower() on both sides and no ordering, as in the constraint, so that its index
    # answers instead of a scan of the event's registrations.
    found = (
        Registration.objects.mailable()
        .alias(email_lower=Lower("email"))
        .filter(event=event, email_lower=Lower(Value(normalise_email(email))))
        .order_by()[:1]
    )
    return found[0] if found else None


def confirm(*, registration: Registration, now=None) -> Registration:
    """Confirm the e-mail address: a pending seat becomes confirmed.

    A waitlisted registration gets a free seat at once if there is one (the oldest
    confirmed addresses on the list first). Idempotent: a second click changes nothing.
    A link used after the confirmation window releases the seat and raises a
    ValidationError.
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
    registration.client_hash = ""
    if registration.status == Status.PENDING:
        registration.status = Status.CONFIRMED
        registration.confirmed_at = now
        registration.save()
        _send_later(registration, MailKind.CONFIRMED)
    else:
        registration.save()
        promoted = _promote(event, now=now, confirming=registration)
        if registration.pk not in {moved.pk for moved in promoted}:
            _send_later(registration, MailKind.WAITLISTED)


def cancel(
    *,
    registration: Registration,
    reason: str = Registration.CancelReason.BY_REGISTRANT,
    now=None,
) -> Registration:
    """Cancel a registration; a freed seat goes to the waiting list.

    Not after the event: what took place stays as it was (and the seat would go to nobody).
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(registration.event_id)
        if event.is_over(now):
            raise ValidationError(
                _("The event is over: the registration can no longer be cancelled."),
                code="over",
            )
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        _cancel(registration, event=event, reason=reason, now=now, notify=True)
        return registration


def erase_personal_data(*, registration: Registration, now=None) -> Registration:
    """Cancel a registration and erase its personal data (Art. 17 DSGVO), in one transaction.

    The seat goes to the waiting list as with any cancellation; what is erased is decided
    in ``erasure``. No mail is sent, for there is no address left to send it to.
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
        erasure.erase(Registration.objects.filter(pk=registration.pk), now=now)
    registration.refresh_from_db()
    return registration


def _cancel(registration, *, event, reason, now, notify):
    if registration.status == Status.CANCELLED:
        return
    freed = int(registration.holds_seat)
    registration.status = Status.CANCELLED
    registration.cancel_reason = reason
    registration.cancelled_at = now
    registration.expires_at = None
    registration.client_hash = ""
    registration.save()
    _hold_seats(event, -freed, registration.mode)
    if notify:
        _send_later(registration, MailKind.CANCELLED)
    _promote(event, now=now)


def recount_seats(*, event: Event) -> dict[str, tuple[int, int]]:
    """Set the event's counters to the seats its registrations hold.

    Returns (was, is) per counter (``seats_held``, ``venue_seats_held``). For
    ``manage.py recount_seats --fix`` after a drift, after a change of the event's format
    (which moves the hall's seats between the counters), and for test data made without
    these services. Nobody is promoted: a fix changes no registration.
    """
    with transaction.atomic():
        locked = lock_event(event.pk)
        result = {}
        for counter, real in real_seats_held(Registration.objects.filter(event=locked)).items():
            result[counter] = (getattr(locked, counter), real)
            _add_to_counter(locked, counter, real - getattr(locked, counter))
            setattr(event, counter, real)
        page_cache.mark_stale_on_commit(locked)
    return result


def follow_format(*, event: Event) -> None:
    """After a change of the event's format: modes and counters as the new format has them.

    A single-format event's registrations take its format; a hybrid event keeps the
    modes they have. Either way the hall's seats may move between the counters.
    """
    with transaction.atomic():
        locked = lock_event(event.pk)
        if not locked.is_hybrid:
            Registration.objects.filter(event=locked).exclude(
                mode=mode_for(locked)
            ).update(mode=mode_for(locked))
        recount_seats(event=locked)
    for counter in ("seats_held", "venue_seats_held"):
        setattr(event, counter, getattr(locked, counter))


def change_mode(*, registration: Registration, mode: str, now=None) -> Registration:
    """Move a registration of a hybrid event to the other way of taking part.

    Into a free seat of the other quota if there is one, else onto that quota's waiting
    list; a seat it leaves goes to someone waiting for the same way. The person gets the
    mail of their new state (with the hall's address or the join link).
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if not event.is_hybrid or mode not in Mode.values:
            raise ValidationError(
                _("This event offers no choice of how to take part."), code="no_choice"
            )
        if registration.status == Status.CANCELLED:
            raise ValidationError(_("This registration has been cancelled."), code="cancelled")
        if not moves_up_from_waiting_list(event, now=now):
            raise ValidationError(
                _("This event is over or has been called off."), code="over"
            )
        if registration.mode == mode:
            return registration
        was_holding, left = registration.holds_seat, registration.mode
        registration.mode = mode
        if was_holding:
            _hold_seats(event, -1, left)
            if seats_left(event, mode) == 0:
                registration.status = Status.WAITLISTED
                registration.confirmed_at = None
                registration.client_hash = ""
            else:
                _hold_seats(event, 1, mode)
        registration.save()
        promoted = {moved.pk for moved in _promote(event, now=now)}
        # Someone promoted by the change is told so by the promotion's mail.
        if registration.pk not in promoted and registration.email_confirmed_at:
            confirmed = registration.status == Status.CONFIRMED
            _send_later(registration, MailKind.CONFIRMED if confirmed else MailKind.WAITLISTED)
        registration.refresh_from_db()
        return registration


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
    freed = {}
    for registration in registrations:
        mode = registration.mode
        freed[mode] = freed.get(mode, 0) + registration.holds_seat
        registration.status = Status.CANCELLED
        registration.cancel_reason = Registration.CancelReason.EXPIRED
        registration.cancelled_at = now
        registration.expires_at = None
        registration.client_hash = ""
    Registration.objects.bulk_update(
        registrations, ["status", "cancel_reason", "cancelled_at", "expires_at", "client_hash"]
    )
    for mode, count in freed.items():
        _hold_seats(event, -count, mode)
    _promote(event, now=now)
    return len(registrations)


def _promote(event, *, now, confirming=None):
    """Fill free seats from the waiting list, oldest confirmed address first.

    Each quota from its own list: a hybrid event's hall seats only from those waiting for
    the hall, its online seats only from those waiting online. Not in a cancelled or
    ended event: nobody moves up to an event that does not take place. ``confirming`` is
    a registration whose address is being confirmed: if it gets a seat, it is told so
    with the mail of a confirmation. The caller holds the event lock.
    """
    if not moves_up_from_waiting_list(event, now=now):
        return []
    promoted = []
    for mode in quota_modes(event):
        free = seats_left(event, mode)
        if free == 0:
            continue
        waiting = Registration.objects.filter(
            event=event, status=Status.WAITLISTED, email_confirmed_at__isnull=False
        )
        if mode is not None:
            waiting = waiting.filter(mode=mode)
        waiting = waiting.order_by("created_at", "pk").select_for_update()
        moved = list(waiting if free is None else waiting[:free])
        for registration in moved:
            registration.status = Status.CONFIRMED
            registration.confirmed_at = now
            is_confirming = confirming is not None and registration.pk == confirming.pk
            _send_later(registration, MailKind.CONFIRMED if is_confirming else MailKind.PROMOTED)
        Registration.objects.bulk_update(moved, ["status", "confirmed_at"])
        _hold_seats(event, len(moved), mode)
        promoted += moved
    return promoted
