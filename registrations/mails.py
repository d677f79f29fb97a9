"""The mails a registrant gets, rendered in the registrant's language."""

import datetime
import functools
import re
import smtplib
from email.header import Header
from email.message import Message
from email.mime.image import MIMEImage
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events.ical import Attendee, build_calendar
from events.models import Event, EventChange, agenda_prefetch
from events.templatetags.events_tags import time_span

from . import front_desk
from .models import MessageDelivery, Registration


class MailKind(models.TextChoices):
    """The mails a registrant gets; each names its templates ``registrations/email/<kind>``."""

    CONFIRM_ADDRESS = "confirm_address"
    ALREADY_REGISTERED = "already_registered"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    PROMOTED = "promoted"
    CANCELLED = "cancelled"
    REMINDER = "reminder"
    EVENT_CHANGED = "event_changed"
    EVENT_CANCELLED = "event_cancelled"
    MESSAGE = "message"


SUBJECTS = {
    MailKind.CONFIRM_ADDRESS: lambda: _("Please confirm your registration"),
    MailKind.ALREADY_REGISTERED: lambda: _("Your registration"),
    MailKind.CONFIRMED: lambda: _("Your registration is confirmed"),
    MailKind.WAITLISTED: lambda: _("You are on the waiting list"),
    MailKind.PROMOTED: lambda: _("A seat has become free for you"),
    MailKind.CANCELLED: lambda: _("Your registration has been cancelled"),
    MailKind.REMINDER: lambda: _("Reminder"),
}

# The QR code of the check-in, as an image the HTML part shows inline.
CHECKIN_QR_CID = "checkin-qr@landtagstalk"

# Mails that carry the join link and the personal calendar file.
WITH_JOIN_LINK = {MailKind.CONFIRMED, MailKind.PROMOTED, MailKind.REMINDER}
# The placeholders of a message staff write (outreach), filled in for each recipient.
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLACEHOLDERS = (
    "first_name", "personal_link", "join_link", "documentation_link", "feedback_link"
)


def personal_url(registration):
    return settings.SITE_URL + registration.personal_path


def confirm_url(registration):
    return settings.SITE_URL + reverse("registrations:confirm", args=[registration.token])


def one_line(text):
    """Header values on one line: no CR, LF or other line breaks can end a header."""
    return " ".join(str(text).split())


def fill_in(text, *, registration, personal_url):
    """``text`` with the placeholders of one registrant; nothing else is interpreted."""
    values = {
        "first_name": registration.first_name,
        "personal_link": personal_url,
        "join_link": registration.join_url,
        "documentation_link": settings.SITE_URL
        + registration.event.get_absolute_url()
        + "#documentation-heading",
        "feedback_link": settings.SITE_URL
        + reverse("registrations:feedback", args=[registration.token]),
    }
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def greeting_name(registration):
    """The name a mail greets with: none until the address is confirmed.

    Until then anyone may have typed the name: a mail to a stranger carries no text from
    the form, so it cannot carry a phishing line.
    """
    return registration.first_name if registration.email_confirmed_at else ""


def tidy(text):
    """Plain text as a person writes it: at most one empty line between paragraphs."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


class Mail(EmailMultiAlternatives):
    """Django's mail with a Subject folded as RFC 5322 folds it.

    Django encodes the subject without its header name, so a long one starts with a fold
    right after "Subject:", which mail programs read as a leading space.
    """

    def message(self):
        message = super().message()
        subject = one_line(self.subject)  # no line break of its own can end the header
        charset = "us-ascii" if subject.isascii() else "utf-8"
        del message["Subject"]
        # Past Django's __setitem__, which would encode it once more, without the name.
        Message.__setitem__(message, "Subject", Header(subject, charset, header_name="Subject"))
        return message


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
    return Mail(
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


# What a mail server answers to RCPT TO for an address that does not exist: no such
# mailbox (550), user not local (551), mailbox name not allowed (553).
BOUNCE_CODES = frozenset({550, 551, 553})


def is_bounce(error):
    """True when the server refused every recipient as not existing: a retry cannot help.

    Any other failure, a 5xx for the message or the sender included (a full disk, a
    greylisting or policy answer), is tried again like a refused connection.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        return all(code in BOUNCE_CODES for code, _message in error.recipients.values())
    return False


def records_bounces(registration_of):
    """Record a bounce after ``function`` failed with one, outside its rolled-back transaction."""

    def decorate(function):
        @functools.wraps(function)
        def send(**kwargs):
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
        Registration.objects.live().select_related("event").filter(pk=registration_id).first()
    )
    if registration is None:
        return False
    event = registration.event
    with translation.override(registration.language):
        join_url = registration.join_url if kind in WITH_JOIN_LINK else ""
        has_seat = registration.status == Registration.Status.CONFIRMED and not event.is_cancelled
        subject = SUBJECTS[kind]()
        checkin_qr = kind in WITH_JOIN_LINK and front_desk.has_qr_code(registration)
        message = render_mail(
            registration,
            kind,
            subject=subject,
            header_subject=f"{subject}: {event.title}",
            confirm_url=confirm_url(registration),
            register_url=settings.SITE_URL
            + reverse("registrations:register", args=[event.slug]),
            join_url=join_url,
            calendar_attached=kind in WITH_JOIN_LINK and has_seat,
            checkin_qr=checkin_qr,
            checkin_url=front_desk.checkin_url(registration) if checkin_qr else "",
            needs_confirmation=not registration.email_confirmed_at
            and registration.status != Registration.Status.CANCELLED,
        )
        if checkin_qr:
            image = MIMEImage(front_desk.qr_png(registration), "png")
            image.add_header("Content-ID", f"<{CHECKIN_QR_CID}>")
            image.add_header("Content-Disposition", "inline", filename="checkin.png")
            message.attach(image)
        if kind in WITH_JOIN_LINK and has_seat:
            # Also before the join link is known (and for a hall seat, which has none): the
            # personal page will show it.
            attach_calendar(message, registration, method="PUBLISH")
        elif kind == MailKind.CANCELLED:
            # Takes the entry out of a calendar the confirmation mail put it in.
            attach_calendar(message, registration, method="CANCEL")
        message.send()
    return True


def send_access_request(*, registration_id):
    """Mail the organiser (``DJANGO_REPLY_TO_EMAIL``) a registrant's access needs, once.

    The registration is marked in the transaction that sends, so a retry or a second
    worker sends nothing more. False when there is nobody to tell or it was sent.
    """
    if not settings.REPLY_TO_EMAIL:
        return False
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .select_related("event")
            .filter(pk=registration_id, access_request_mailed_at__isnull=True)
            .first()
        )
        if registration is None or registration.purged_at:
            return False
        registration.access_request_mailed_at = timezone.now()
        registration.save(update_fields=["access_request_mailed_at"])
        answers = registration.answers.filter(question__is_access_needs=True).select_related(
            "question"
        )
        event = registration.event
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Access needs for “%(title)s”") % {"title": event.title}
            body = render_to_string(
                "registrations/email/access_request.txt",
                {
                    "event": event,
                    "registration": registration,
                    "answers": answers,
                    "admin_url": settings.SITE_URL
                    + reverse("admin:registrations_registration_change", args=[registration.pk]),
                },
            )
        new_message(subject=subject, body=tidy(body), to=[settings.REPLY_TO_EMAIL]).send()
    return True


def attach_calendar(message, registration, *, method):
    """Attach the personal calendar file, its Content-Type naming its ``method`` (RFC 6047).

    Mail clients (Outlook, Gmail, Apple Mail) offer "add", "update" or "remove" only
    when the part's ``method`` is the VCALENDAR's METHOD.
    """
    message.attach(
        f"{registration.event.slug}.ics",
        personal_calendar(registration, method=method),
        f"text/calendar; method={method}",
    )


# How a registration takes part, in an invitation's ATTENDEE (RFC 5545, PARTSTAT).
PARTICIPATION = {
    Registration.Status.CONFIRMED: "ACCEPTED",
    Registration.Status.WAITLISTED: "TENTATIVE",
    Registration.Status.PENDING: "NEEDS-ACTION",
    Registration.Status.CANCELLED: "DECLINED",
}


def personal_calendar(registration, *, method="PUBLISH"):
    """The personal calendar file: links the personal page, never the join link.

    A waiting list place is a tentative entry; ``method`` is REQUEST or CANCEL in the
    mail of an event change, so calendar clients update or remove their entry; then the
    registrant is its ATTENDEE (by name only once the address is confirmed: until then
    the name is anyone's typing).
    """
    # The registration's event as the mail read it (a change mail: the change's), with its
    # agenda; each worker task reads it once.
    event = registration.event
    models.prefetch_related_objects([event], agenda_prefetch())
    name = f"{registration.first_name} {registration.last_name}".strip()
    return build_calendar(
        [event],
        personal_url=personal_url(registration),
        cancelled=registration.status == Registration.Status.CANCELLED,
        tentative=registration.status == Registration.Status.WAITLISTED,
        method=method,
        mode=registration.mode if event.is_hybrid else None,
        attendee=Attendee(
            email=registration.email,
            name=one_line(name) if registration.email_confirmed_at else "",
            status=PARTICIPATION[registration.status],
        ),
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
    if any(name in values for name in ADDRESS):
        event = change.event
        old, new = (
            [values.get(name, [getattr(event, name)] * 2)[i] for name in ADDRESS] for i in (0, 1)
        )
        lines.append((_("Address"), _address(*old) or "–", _address(*new) or "–"))
    if "online_url" in values and confirmed:
        before, after = values["online_url"]
        lines.append(
            (
                _("Join link"),
                _("the previous link") if before else _("not known yet"),
                _("a new link (below)") if after else _("none for now"),
            )
        )
    return lines


ADDRESS = ("street_address", "postal_code", "locality")


def _address(street, postal_code, locality):
    return ", ".join(part for part in (street, f"{postal_code} {locality}".strip()) if part)


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
        # The update locks the row: a second worker waits here, then marks nothing.
        marked = Registration.objects.filter(
            pk=registration_id, change_mailed_sequence__lt=change.sequence
        ).update(change_mailed_sequence=change.sequence)
        if not marked:
            return False
        registration = Registration.objects.mailable().filter(pk=registration_id).first()
        if registration is None:
            return False
        registration.event = change.event
        _send_change(registration, change)
    return True


def _send_change(registration, change):
    event = registration.event
    kind = MailKind.EVENT_CANCELLED if change.cancelled else MailKind.EVENT_CHANGED
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
        attach_calendar(
            message, registration, method="CANCEL" if change.cancelled else "REQUEST"
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
            Registration.objects.mailable()
            .select_related("event")
            .filter(pk=delivery.registration_id)
            .first()
        )
        if registration is None:
            return False
        message = delivery.message
        link = personal_url(registration)
        with translation.override(registration.language):
            subject = fill_in(message.subject, registration=registration, personal_url=link)
            mail = render_mail(
                registration,
                MailKind.MESSAGE,
                subject=subject,
                header_subject=subject,
                body=fill_in(message.body, registration=registration, personal_url=link),
            )
            mail.send()
    return True
