"""The mails a registrant gets, rendered in the registrant's language."""

import datetime
import functools
import re
import smtplib
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events.ical import build_calendar
from events.models import Event, EventChange
from events.templatetags.events_tags import time_span

from .models import Registration

SUBJECTS = {
    "confirm_address": lambda: _("Please confirm your registration"),
    "already_registered": lambda: _("Your registration"),
    "confirmed": lambda: _("Your registration is confirmed"),
    "waitlisted": lambda: _("You are on the waiting list"),
    "promoted": lambda: _("A seat has become free for you"),
    "cancelled": lambda: _("Your registration has been cancelled"),
    "reminder": lambda: _("Reminder"),
}

# Mails that carry the join link and the personal calendar file.
WITH_JOIN_LINK = {"confirmed", "promoted", "reminder"}


def personal_url(registration):
    return settings.SITE_URL + registration.personal_path


def confirm_url(registration):
    return settings.SITE_URL + reverse("registrations:confirm", args=[registration.token])


def one_line(text):
    """Header values on one line: no CR, LF or other line breaks can end a header."""
    return " ".join(str(text).split())


def greeting_name(registration):
    """The name a mail greets with: none until the address is confirmed.

    Until then anyone may have typed the name: a mail to a stranger carries no text from
    the form, so it cannot carry a phishing line.
    """
    return registration.first_name if registration.email_confirmed_at else ""


def tidy(text):
    """Plain text as a person writes it: at most one empty line between paragraphs."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def new_message(*, subject, body, to):
    """A mail with the headers every mail of ours carries.

    ``Auto-Submitted`` keeps out-of-office replies away (RFC 3834), ``Reply-To`` sends
    real answers to people who read them, the Message-ID names the site's domain.
    """
    headers = {
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
        "Message-ID": make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "localhost"),
    }
    return EmailMultiAlternatives(
        subject=one_line(subject),
        body=body,
        to=to,
        reply_to=[settings.REPLY_TO_EMAIL] if settings.REPLY_TO_EMAIL else None,
        headers=headers,
    )


def mail_context(registration, *, subject, **extra):
    """What every mail's templates get: the person, the event, the links, the greeting."""
    event = registration.event
    return {
        "registration": registration,
        "greeting_name": greeting_name(registration),
        "event": event,
        "personal_url": personal_url(registration),
        "event_url": settings.SITE_URL + event.get_absolute_url(),
        "site_url": settings.SITE_URL,
        "subject": subject,
        **extra,
    }


def render_mail(registration, template, *, subject, header_subject, **extra):
    """Mail ``template`` (its .txt and .html) to ``registration``, in the active language."""
    context = mail_context(registration, subject=subject, **extra)
    message = new_message(
        subject=header_subject,
        body=tidy(render_to_string(f"registrations/email/{template}.txt", context)),
        to=[registration.email],
    )
    message.attach_alternative(
        render_to_string(f"registrations/email/{template}.html", context), "text/html"
    )
    return message


def mask_email(address):
    """``m***@example.org``: enough for staff to tell addresses apart, never the address."""
    local, at, domain = (address or "").rpartition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


def record_bounce(*, registration_id, error):
    """Note on the registration that the mail server says its address does not exist."""
    registration = Registration.objects.filter(pk=registration_id).first()
    if registration is None:
        return
    reason = "; ".join(
        f"{code} {message.decode(errors='replace') if isinstance(message, bytes) else message}"
        for code, message in error.recipients.values()
    )
    if registration.email:
        reason = reason.replace(registration.email, mask_email(registration.email))
    Registration.objects.filter(pk=registration_id).update(
        bounced_at=timezone.now(), bounce_reason=one_line(reason)[:300]
    )


def records_bounces(registration_of):
    """Record a bounce after ``function`` failed with one, outside its rolled-back transaction."""

    def decorate(function):
        @functools.wraps(function)
        def send(**kwargs):
            from .tasks import is_bounce

            try:
                return function(**kwargs)
            except smtplib.SMTPRecipientsRefused as error:
                if is_bounce(error):
                    record_bounce(registration_id=registration_of(kwargs), error=error)
                raise

        return send

    return decorate


@records_bounces(lambda kwargs: kwargs["registration_id"])
def deliver(*, registration_id, kind):
    """Render mail ``kind`` for a registrant and send it; False when there is no one to mail."""
    registration = (
        Registration.objects.select_related("event").filter(pk=registration_id).first()
    )
    if registration is None or registration.purged_at or not registration.token:
        return False
    event = registration.event
    with translation.override(registration.language):
        join_url = registration.join_url if kind in WITH_JOIN_LINK else ""
        subject = SUBJECTS[kind]()
        message = render_mail(
            registration,
            kind,
            subject=subject,
            header_subject=f"{subject}: {event.title}",
            confirm_url=confirm_url(registration),
            register_url=settings.SITE_URL
            + reverse("registrations:register", args=[event.slug]),
            join_url=join_url,
            needs_confirmation=not registration.email_confirmed_at
            and registration.status != Registration.Status.CANCELLED,
        )
        if join_url:
            message.attach(
                f"{event.slug}.ics", personal_calendar(registration), "text/calendar"
            )
        elif kind == "cancelled":
            # Takes the entry out of a calendar the confirmation mail put it in.
            message.attach(
                f"{event.slug}.ics",
                personal_calendar(registration, method="CANCEL"),
                "text/calendar",
            )
        message.send()
    return True


def personal_calendar(registration, *, method="PUBLISH"):
    """The personal calendar file: links the personal page, never the join link.

    A waiting list place is a tentative entry; ``method`` is REQUEST or CANCEL in the
    mail of an event change, so calendar clients update or remove their entry.
    """
    event = Event.objects.with_agenda().get(pk=registration.event_id)
    return build_calendar(
        [event],
        personal_url=personal_url(registration),
        cancelled=registration.status == Registration.Status.CANCELLED,
        tentative=registration.status == Registration.Status.WAITLISTED,
        method=method,
    )


def change_lines(change, *, confirmed):
    """(what, before, after) of an event change, in the active language."""
    values = change.changes
    lines = []
    if "starts_at" in values or "ends_at" in values:
        event = change.event
        old, new = ({}, {})
        for name in ("starts_at", "ends_at"):
            before, after = values.get(name, [getattr(event, name)] * 2)
            old[name], new[name] = _datetime(before), _datetime(after)
        lines.append((_("Date and time"), time_span(_Span(**old)), time_span(_Span(**new))))
    if "format" in values:
        label = dict(Event.Format.choices)
        before, after = values["format"]
        lines.append((_("Format"), label.get(before, before), label.get(after, after)))
    if "location" in values:
        before, after = values["location"]
        lines.append((_("Place"), before or "–", after or "–"))
    if "online_url" in values and confirmed:
        lines.append((_("Join link"), _("the previous link"), _("a new link (below)")))
    return lines


class _Span:
    def __init__(self, *, starts_at, ends_at):
        self.starts_at, self.ends_at = starts_at, ends_at


def _datetime(value):
    return datetime.datetime.fromisoformat(value) if isinstance(value, str) else value


@records_bounces(lambda kwargs: kwargs["registration_id"])
def send_change_mail(*, registration_id, change_id):
    """Tell one registrant about an event change, once: False when there is nothing to send.

    The registration row is locked and marked with the change's revision in the same
    transaction that sends, so a rerun (or a second worker) skips it. A mail server
    failure rolls the mark back and the task is tried again.
    """
    change = EventChange.objects.select_related("event").filter(pk=change_id).first()
    if change is None:
        return False
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .filter(pk=registration_id, change_mailed_sequence__lt=change.sequence)
            .first()
        )
        if registration is None:
            return False
        registration.change_mailed_sequence = change.sequence
        registration.save(update_fields=["change_mailed_sequence"])
        if (
            registration.purged_at
            or not registration.token
            or registration.status == Registration.Status.CANCELLED
        ):
            return False
        registration.event = change.event
        _send_change(registration, change)
    return True


def _send_change(registration, change):
    event = registration.event
    kind = "event_cancelled" if change.cancelled else "event_changed"
    confirmed = registration.status == Registration.Status.CONFIRMED
    with translation.override(registration.language):
        subject = (
            _("The event has been cancelled") if change.cancelled else _("The event has changed")
        )
        message = render_mail(
            registration,
            kind,
            subject=subject,
            header_subject=f"{subject}: {event.title}",
            changes=change_lines(change, confirmed=confirmed),
            join_url=registration.join_url,
        )
        method = "CANCEL" if change.cancelled else "REQUEST"
        message.attach(
            f"{event.slug}.ics",
            personal_calendar(registration, method=method),
            "text/calendar",
        )
        message.send()


def _registration_of_delivery(kwargs):
    from .models import MessageDelivery

    return (
        MessageDelivery.objects.filter(pk=kwargs["delivery_id"])
        .values_list("registration_id", flat=True)
        .first()
    )


@records_bounces(_registration_of_delivery)
def send_registrant_message(*, delivery_id):
    """Send one recipient a message staff wrote, once: False when there is nothing to send."""
    from .models import MessageDelivery
    from .outreach import fill_in

    with transaction.atomic():
        delivery = (
            MessageDelivery.objects.select_for_update()
            .filter(pk=delivery_id, sent_at__isnull=True)
            .first()
        )
        if delivery is None:
            return False
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["sent_at"])
        registration = (
            Registration.objects.select_related("event").filter(pk=delivery.registration_id)
        ).first()
        if (
            registration is None
            or registration.purged_at
            or not registration.token
            or registration.status == Registration.Status.CANCELLED
        ):
            return False
        message = delivery.message
        link = personal_url(registration)
        with translation.override(registration.language):
            subject = fill_in(message.subject, registration=registration, personal_url=link)
            mail = render_mail(
                registration,
                "message",
                subject=subject,
                header_subject=subject,
                body=fill_in(message.body, registration=registration, personal_url=link),
            )
            mail.send()
    return True
