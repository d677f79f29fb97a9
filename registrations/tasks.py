"""Background tasks of registrations: the mails to registrants, tried again on failure.

In production the database backend (``DJANGO_TASKS_BACKEND=database``) stores each mail
as a task row that ``db_worker`` delivers. A mail the SMTP server does not take is
enqueued again with ``run_after`` after 1, 2, 4, ... minutes, until it is delivered or
``MAIL_RETRY_MAX_ATTEMPTS`` is reached. Delivery is at least once: a worker killed after
the server took a mail but before the task was marked done sends it again once the task
is requeued (``requeue_stale_tasks``).

The immediate backend of development and tests sends at once and cannot defer: a
failure is logged and the mail is not tried again.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend

from events.models import EventChange

from . import mails
from .mails import is_bounce
from .models import MessageDelivery
from .notices import notice_fields, recipients

logger = logging.getLogger(__name__)
# What a mail server or the network raise; anything else is a bug, not tried again.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


def is_retried(error, *, attempt) -> bool:
    """Whether a mail that failed with ``error`` on ``attempt`` is tried again later."""
    return not is_bounce(error) and attempt < settings.MAIL_RETRY_MAX_ATTEMPTS


def retry_delay(attempt):
    """The wait before attempt ``attempt + 1``: doubling from the first delay, capped."""
    delay = settings.MAIL_RETRY_DELAY_SECONDS * 2 ** (attempt - 1)
    return timedelta(seconds=min(delay, settings.MAIL_RETRY_MAX_DELAY_SECONDS))


def _send(mail_task, send, *, attempt, **kwargs):
    """``send(**kwargs)``; on a mail server error ``mail_task`` is enqueued again, and the
    error raised, so that the task result records the failure (the retry is a task of its
    own)."""
    try:
        return send(**kwargs)
    except MAIL_ERRORS as error:
        _retry_later(mail_task, error, attempt=attempt, **kwargs)
        raise


def _retry_later(mail_task, error, *, attempt, **kwargs):
    """Enqueue ``mail_task`` again after a back-off, or log why it is not tried again."""
    kind = kwargs.get("kind") or mail_task.name
    registration_id = kwargs.get("registration_id") or f"(delivery {kwargs.get('delivery_id')})"
    backend = mail_task.get_backend()
    if not is_retried(error, attempt=attempt):
        logger.error(
            "Mail %s to registration %s failed for good after %s attempt(s): %r",
            kind, registration_id, attempt, error,
        )
    elif not backend.supports_defer:
        logger.error(
            "Mail %s to registration %s failed: %r; the %s backend cannot try again "
            "later (use DJANGO_TASKS_BACKEND=database in production)",
            kind, registration_id, error, type(backend).__name__,
        )
    else:
        run_after = timezone.now() + retry_delay(attempt)
        mail_task.using(run_after=run_after).enqueue(attempt=attempt + 1, **kwargs)
        logger.warning(
            "Mail %s to registration %s failed (attempt %s): %r; trying again at %s",
            kind, registration_id, attempt, error, run_after.isoformat(),
        )


def _enqueue_with_the_change(mail_task, **kwargs):
    """Queue ``mail_task`` inside the caller's transaction.

    A queue in the database commits or rolls back with the change that caused the mail,
    so a committed registration always has its mail queued and a rolled-back one never
    has. Other backends run or send the task elsewhere, so they get it only after the
    commit; an error there is logged and does not undo the registration.
    """

    def enqueue():
        mail_task.enqueue(**kwargs)

    if isinstance(send_registration_mail.get_backend(), DatabaseBackend):
        enqueue()
    else:
        transaction.on_commit(enqueue, robust=True)


@task()
def send_registration_mail(*, registration_id: int, kind: str, attempt: int = 1) -> bool:
    """Send mail ``kind`` (a ``mails.MailKind``) to a registrant; False when there is no one."""
    return _send(
        send_registration_mail, mails.deliver,
        attempt=attempt, registration_id=registration_id, kind=kind,
    )


def enqueue_mail(*, registration_id, kind):
    """Queue mail ``kind`` for a registration with the change that caused it."""
    _enqueue_with_the_change(send_registration_mail, registration_id=registration_id, kind=kind)


@task()
def send_change_mails(*, change_id: int) -> int:
    """Queue the mail of an event change for each registrant who does not have it yet.

    Resumable: run again, it queues only those still without the mail, and each
    person's task checks again under a row lock, so nobody gets it twice.
    """
    change = EventChange.objects.select_related("event").filter(pk=change_id).first()
    if change is None:
        return 0
    fields = notice_fields(change.changes, cancelled=change.cancelled)
    waiting = recipients(change.event, fields).filter(change_mailed_sequence__lt=change.sequence)
    count = 0
    for registration_id in waiting.values_list("pk", flat=True).order_by("pk").iterator():
        send_change_mail.enqueue(registration_id=registration_id, change_id=change_id)
        count += 1
    return count


@task()
def send_change_mail(*, registration_id: int, change_id: int, attempt: int = 1) -> bool:
    """Send one registrant the mail of an event change, unless they have it already."""
    return _send(
        send_change_mail, mails.send_change_mail,
        attempt=attempt, registration_id=registration_id, change_id=change_id,
    )


@task()
def send_access_request(*, registration_id: int, attempt: int = 1) -> bool:
    """Tell the organiser about a registrant's access needs, once."""
    return _send(
        send_access_request, mails.send_access_request,
        attempt=attempt, registration_id=registration_id,
    )


def enqueue_access_request(*, registration_id):
    """Queue the organiser's mail about access needs with the registration."""
    _enqueue_with_the_change(send_access_request, registration_id=registration_id)


def enqueue_change_mails(*, change_id):
    """Queue the mails of an event change with the change (see ``enqueue_mail``)."""
    _enqueue_with_the_change(send_change_mails, change_id=change_id)


@task()
def send_registrant_messages(*, message_id: int) -> int:
    """Queue one task per recipient of a staff message who does not have it yet."""
    waiting = MessageDelivery.objects.filter(message_id=message_id, sent_at__isnull=True)
    count = 0
    for delivery_id in waiting.values_list("pk", flat=True).order_by("pk").iterator():
        send_registrant_message.enqueue(delivery_id=delivery_id)
        count += 1
    return count


@task()
def send_registrant_message(*, delivery_id: int, attempt: int = 1) -> bool:
    """Send one recipient a staff message, unless they have it already."""
    return _send(
        send_registrant_message, mails.send_registrant_message,
        attempt=attempt, delivery_id=delivery_id,
    )


def enqueue_registrant_message(*, message_id):
    """Queue the mails of a staff message with the message (see ``enqueue_mail``)."""
    _enqueue_with_the_change(send_registrant_messages, message_id=message_id)
