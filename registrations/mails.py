"""The mails a registrant gets, rendered in the registrant's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

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


def personal_url(registration):
    return settings.SITE_URL + registration.get_absolute_url()


def send_registration_mail(*, registration_id, kind):
    registration = (
        Registration.objects.select_related("event").filter(pk=registration_id).first()
    )
    if registration is None or registration.purged_at or not registration.token:
        return False
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "event": registration.event,
            "personal_url": personal_url(registration),
            "site_url": settings.SITE_URL,
        }
        subject = f"{SUBJECTS[kind]()}: {registration.event.title}"
        text = render_to_string(f"registrations/email/{kind}.txt", context)
        message = EmailMultiAlternatives(
            subject=subject.replace("\n", " ").replace("\r", " "),
            body=text,
            to=[registration.email],
        )
        message.send()
    return True
