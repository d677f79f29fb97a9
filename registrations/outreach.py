"""Messages staff write to the registrants of an event: who gets them, placeholders, queue."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import mails, tasks
from .mails import PLACEHOLDER, PLACEHOLDERS, fill_in
from .models import MessageDelivery, RegistrantMessage, Registration

Audience = RegistrantMessage.Audience
Status = Registration.Status

AUDIENCE_FILTERS = {
    Audience.CONFIRMED: Q(status=Status.CONFIRMED),
    Audience.WAITLISTED: Q(status=Status.WAITLISTED),
    Audience.PENDING: Q(status=Status.PENDING),
    Audience.ATTENDED: Q(attended=True),
    Audience.NOT_ATTENDED: Q(status=Status.CONFIRMED, attended=False),
}
# Audiences of confirmed people only: only they may get the join link.
CONFIRMED_ONLY = {Audience.CONFIRMED, Audience.NOT_ATTENDED}


def recipients(*, event, audiences):
    """The living registrations of ``event`` in any of ``audiences``, oldest first."""
    chosen = Q(pk__in=[])
    for audience in audiences:
        chosen |= AUDIENCE_FILTERS[audience]
    return Registration.objects.mailable().filter(chosen, event=event).order_by("pk")


def check_text(text, *, audiences):
    """Raise a ValidationError for an unknown placeholder or a join link for the unconfirmed."""
    names = set(PLACEHOLDER.findall(text))
    unknown = sorted(names - set(PLACEHOLDERS))
    if unknown:
        raise ValidationError(
            _("Unknown placeholder: %(names)s. Possible are %(known)s.")
            % {
                "names": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            },
            code="placeholder",
        )
    if "join_link" in names and not set(audiences) <= CONFIRMED_ONLY:
        raise ValidationError(
            _(
                "The join link is only for confirmed people: choose only “Confirmed” or "
                "“Confirmed, did not attend”, or remove {join_link}."
            ),
            code="join_link",
        )


def join_link_missing(text, *, event) -> bool:
    """Whether ``text`` asks for the join link of ``event``, which has none to give yet."""
    return "join_link" in mails.PLACEHOLDER.findall(text) and not (
        event.online_url and not event.is_cancelled
    )


def check_fillable(text, *, event):
    """Raise a ValidationError while a placeholder of ``text`` would stay empty."""
    if join_link_missing(text, event=event):
        raise ValidationError(
            _(
                "The event has no join link yet, so {join_link} would stay empty. Add the "
                "join link to the event first, or remove {join_link}."
            ),
            code="join_link_missing",
        )


def send_message(*, event, sender, subject, body, audiences) -> RegistrantMessage:
    """Keep the message, one delivery per recipient, and queue the mails."""
    check_text(subject + body, audiences=audiences)
    check_fillable(subject + body, event=event)
    with transaction.atomic():
        message = RegistrantMessage.objects.create(
            event=event, sender=sender, subject=subject, body=body, audiences=list(audiences)
        )
        ids = list(recipients(event=event, audiences=audiences).values_list("pk", flat=True))
        MessageDelivery.objects.bulk_create(
            (MessageDelivery(message=message, registration_id=pk) for pk in ids),
            batch_size=1000,
        )
        message.recipient_count = len(ids)
        message.save(update_fields=["recipient_count"])
        if ids:
            tasks.enqueue_registrant_message(message_id=message.pk)
    return message


def follow_up_draft(kind):
    """Initial recipients, subject and text of the thank-you mails after the event."""
    if kind == "thanks":
        return {
            "audiences": [Audience.ATTENDED],
            "subject": _("Thank you for taking part"),
            "body": _(
                "thank you for taking part in our event. The recording, the slides and a "
                "short summary are here:\n{documentation_link}\n\nWe would like to know "
                "how you liked it. Three short questions, one minute:\n{feedback_link}"
            ),
        }
    if kind == "noshow":
        return {
            "audiences": [Audience.NOT_ATTENDED],
            "subject": _("Sorry we missed you"),
            "body": _(
                "we are sorry you could not be there. The recording, the slides and a short "
                "summary are here:\n{documentation_link}\n\nWhat should we discuss next "
                "time? Tell us in one minute:\n{feedback_link}"
            ),
        }
    return None


def sent_just_now(*, event, sender, subject, body, audiences) -> bool:
    """The same text by the same person in the last minutes: a second click, not a message."""
    return event.messages.filter(
        sender=sender,
        subject=subject,
        body=body,
        created_at__gte=timezone.now() - timedelta(minutes=10),
    ).exists()


def preview(*, event, subject, body, audiences) -> dict:
    """What the message looks like for one real recipient, and how many get it."""
    chosen = recipients(event=event, audiences=audiences)
    count = chosen.count()
    example = chosen.select_related("event").first()
    if example is None:
        return {"count": 0}
    missing = join_link_missing(subject + body, event=event)
    link = mails.personal_url(example)
    with translation.override(example.language):
        subject = fill_in(subject, registration=example, personal_url=link)
        body = fill_in(body, registration=example, personal_url=link)
        text = render_to_string(
            "registrations/email/message.txt",
            mails.mail_context(example, subject=subject, body=body),
        )
    return {
        "count": count,
        "example": example,
        "subject": subject,
        "text": mails.tidy(text),
        "join_link_missing": missing,
    }
