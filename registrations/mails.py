"""The mails a registrant gets, rendered in the registrant's language."""

import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from events.ical import build_calendar
from events.models import Event

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


def tidy(text):
    """Plain text as a person writes it: at most one empty line between paragraphs."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


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
        context = {
            "registration": registration,
            # Until the address is confirmed, anyone may have typed the name: a mail to a
            # stranger carries no text from the form, so it cannot carry a phishing line.
            "greeting_name": registration.first_name if registration.email_confirmed_at else "",
            "event": event,
            "personal_url": personal_url(registration),
            "confirm_url": confirm_url(registration),
            "event_url": settings.SITE_URL + event.get_absolute_url(),
            "register_url": settings.SITE_URL
            + reverse("registrations:register", args=[event.slug]),
            "join_url": join_url,
            "needs_confirmation": not registration.email_confirmed_at
            and registration.status != Registration.Status.CANCELLED,
            "site_url": settings.SITE_URL,
            "subject": subject,
        }
        message = EmailMultiAlternatives(
            subject=one_line(f"{subject}: {event.title}"),
            body=tidy(render_to_string(f"registrations/email/{kind}.txt", context)),
            to=[registration.email],
        )
        message.attach_alternative(
            render_to_string(f"registrations/email/{kind}.html", context), "text/html"
        )
        if join_url:
            message.attach(
                f"{event.slug}.ics", personal_calendar(registration), "text/calendar"
            )
        message.send()
    return True


def personal_calendar(registration):
    """The personal calendar file: links the personal page, never the join link."""
    event = Event.objects.with_agenda().get(pk=registration.event_id)
    return build_calendar(
        [event],
        personal_url=personal_url(registration),
        cancelled=registration.status == Registration.Status.CANCELLED,
    )
