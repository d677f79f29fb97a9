"""Registrations of citizens for events, and the records staff work leaves behind."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult


def new_token():
    return secrets.token_urlsafe(32)


def normalise_email(address):
    """One spelling per mailbox: lower case, the domain in IDNA's Unicode form.

    ``anna@Bücher.de`` and ``anna@xn--bcher-kva.de`` are the same mailbox; stored alike
    (``anna@bücher.de``, as the person reads it), the unique rule sees it on PostgreSQL
    and on SQLite (whose lower() is ASCII only). The domain goes through its ASCII form
    with the IDNA codec that Django's mail sending uses, so mails go where they went.
    """
    local, at, domain = address.strip().rpartition("@")
    if not at:
        return address.strip().lower()
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:  # no valid domain name; the form refuses those anyway
        return f"{local}@{domain}".lower()
    try:
        domain = ascii_domain.encode("ascii").decode("idna")
    except UnicodeError:  # an ASCII label that is no valid punycode stays as it is
        domain = ascii_domain
    return f"{local}@{domain}".lower()


class EmailAddressField(models.EmailField):
    """An EmailField that stores and looks up addresses in their normal form."""

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value:
            value = normalise_email(value)
            setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return normalise_email(value) if isinstance(value, str) and value else value


# What erasing a person's data leaves of a registration: blank fields, no personal link.
PERSONAL_FIELDS = {
    "first_name": "",
    "last_name": "",
    "email": "",
    "organisation": "",
    "question": "",
    "token": None,
    "client_hash": "",
    "bounce_reason": "",
}


class RegistrationQuerySet(models.QuerySet):
    def holding_seats(self):
        return self.filter(status__in=Registration.SEAT_HOLDING)

    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)


class Registration(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("Waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class CancelReason(models.TextChoices):
        BY_REGISTRANT = "registrant", _("Cancelled by the registrant")
        BY_STAFF = "staff", _("Cancelled by staff")
        EXPIRED = "expired", _("Address not confirmed in time")

    SEAT_HOLDING = (Status.PENDING, Status.CONFIRMED)

    event = models.ForeignKey(
        "events.Event",
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("event"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = EmailAddressField(_("e-mail address"), max_length=254)
    organisation = models.CharField(_("organisation or municipality"), max_length=200, blank=True)
    question = models.TextField(_("question for the panel"), max_length=1000, blank=True)
    question_selected = models.BooleanField(_("question selected"), default=False)
    question_answered = models.BooleanField(_("question answered"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    cancel_reason = models.CharField(
        _("reason for cancellation"), max_length=20, choices=CancelReason.choices, blank=True
    )
    # The key to the personal page; cleared (NULL, so that uniqueness holds) when
    # personal data is purged.
    token = models.CharField(  # noqa: DJ001
        _("token"), max_length=64, unique=True, null=True, default=new_token, editable=False
    )
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    consent_at = models.DateTimeField(_("consent given at"), null=True)
    privacy_version = models.CharField(_("privacy notice version"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    email_confirmed_at = models.DateTimeField(_("address confirmed at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("seat confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    expires_at = models.DateTimeField(
        _("confirmation due by"), null=True, blank=True, db_index=True
    )
    attended = models.BooleanField(_("attended"), default=False)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    # Registering a known address again mails its owner, at most once an hour: anyone
    # can send the form, and the owner's mailbox is not theirs to flood.
    already_registered_mail_at = models.DateTimeField(
        _("last “already registered” mail at"), null=True, blank=True
    )
    # The calendar revision of the last event change mailed to this person: a rerun of
    # the change mails skips whoever has it already.
    change_mailed_sequence = models.PositiveIntegerField(
        _("last change mailed (revision)"), default=0, editable=False
    )
    purged_at = models.DateTimeField(_("personal data deleted at"), null=True, blank=True)
    # The mail server said the address does not exist (550, 551, 553): mails to it are not
    # tried again, and staff see it (tasks.is_bounce, mails.record_bounce).
    bounced_at = models.DateTimeField(_("address bounced at"), null=True, blank=True)
    bounce_reason = models.CharField(_("bounce reason"), max_length=300, blank=True)
    # A keyed hash of the client address (services.client_hash), never the address: kept
    # only while the registration holds a seat unconfirmed, to limit seats per client.
    client_hash = models.CharField(
        _("client address (keyed hash)"), max_length=64, blank=True, default="", editable=False
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at"]
        permissions = [("export_registration", _("Can export the attendee list"))]
        indexes = [
            models.Index(fields=["event", "status"], name="registration_event_status"),
            # The unconfirmed seats of one client, counted under the event lock.
            models.Index(
                fields=["event", "client_hash"],
                condition=Q(status="pending"),
                name="registration_client_pending",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=~Q(status="cancelled") & Q(purged_at__isnull=True),
                name="registration_unique_active_email",
                violation_error_message=_("This address is already registered for the event."),
            ),
        ]

    def __str__(self):
        # Without the name: Django's admin keeps str() in its history (LogEntry), where it
        # would outlive the purge of the personal data.
        return gettext("Registration no. %(pk)s") % {"pk": self.pk}

    # Deliberately no get_absolute_url(): the admin's "view on site" shortcut would lead any
    # staff account to the personal page, which only its owner may open.
    @property
    def personal_path(self):
        """The path of the personal page: the token is the key, so only its owner gets it."""
        return reverse("registrations:manage", kwargs={"token": self.token})

    @property
    def holds_seat(self):
        return self.status in self.SEAT_HOLDING

    @property
    def join_url(self):
        """The join link, for a confirmed registrant of an event that takes place; else ""."""
        if self.status == self.Status.CONFIRMED and not self.event.is_cancelled:
            return self.event.online_url
        return ""


class ExportLog(models.Model):
    """Who exported which attendee list, and when: accountability under the DSGVO."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        verbose_name=_("user"),
    )
    event = models.ForeignKey(
        "events.Event", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("event")
    )
    row_count = models.PositiveIntegerField(_("rows"))
    description = models.CharField(_("what was exported"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("export record")
        verbose_name_plural = _("export records")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user}"


class PurgeLog(models.Model):
    """When personal data of an event was deleted, and how much."""

    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="purges", verbose_name=_("event")
    )
    anonymised_count = models.PositiveIntegerField(_("registrations anonymised"))
    deleted_count = models.PositiveIntegerField(_("expired registrations deleted"))
    created_at = models.DateTimeField(_("purged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deletion record")
        verbose_name_plural = _("deletion records")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.event} {self.created_at:%Y-%m-%d}"


class RegistrantMessage(models.Model):
    """A message staff wrote to the registrants of an event: kept as sent, with its reach."""

    class Audience(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("Waiting list")
        PENDING = "pending", _("Pending confirmation")
        ATTENDED = "attended", _("Attended")
        NOT_ATTENDED = "not_attended", _("Confirmed, did not attend")

    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="messages", verbose_name=_("event")
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        verbose_name=_("sent by"),
    )
    audiences = models.JSONField(_("recipients chosen"), default=list)
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("text"), max_length=10000)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message to registrants")
        verbose_name_plural = _("messages to registrants")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject

    def audience_labels(self):
        labels = dict(self.Audience.choices)
        return [labels.get(value, value) for value in self.audiences]


class MessageDelivery(models.Model):
    """One recipient of a message; ``sent_at`` makes a rerun skip whoever has it."""

    message = models.ForeignKey(
        RegistrantMessage, on_delete=models.CASCADE, related_name="deliveries"
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="message_deliveries"
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message", "registration"], name="messagedelivery_unique_recipient"
            )
        ]

    def __str__(self):
        return f"{self.message_id} → {self.registration_id}"


class Feedback(models.Model):
    """One registrant's answer to the feedback form after the event.

    The texts are personal data and are blanked by the retention purge; the rating stays.
    """

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback"
    )
    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="feedback", verbose_name=_("event")
    )
    rating = models.PositiveSmallIntegerField(_("overall rating"))
    next_topic = models.CharField(
        _("Which topic should we discuss next?"), max_length=300, blank=True
    )
    comment = models.TextField(_("anything else you want to tell us"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("answered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_1_to_5",
                violation_error_message=_("The rating is a number from 1 to 5."),
            ),
        ]

    def __str__(self):
        return f"{self.event_id}: {self.rating}"


class FailedMail(DBTaskResult):
    """A mail task that failed for good (no retry after it), as staff see and resend it.

    A view of django-tasks-db's task results; which ones count is decided in
    ``registrations.failed_mails``.
    """

    class Meta:
        proxy = True
        verbose_name = _("failed mail")
        verbose_name_plural = _("failed mails")
