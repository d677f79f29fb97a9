"""Registrations of citizens for events, and the records staff work leaves behind."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Concat, Left, Lower, StrIndex, Substr
from django.db.models.lookups import GreaterThan, LessThan
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


def mailbox(address):
    """The mailbox an address reaches: its normal form without a ``+tag`` in the local part.

    ``Anna+x@Bücher.de`` and ``anna@bücher.de`` reach one person. The same rule as the
    database's ``Registration.mailbox`` (``MAILBOX``), so a value from here finds its rows.
    """
    address = normalise_email(address)
    plus, at = address.find("+"), address.find("@")
    if 0 <= plus < at:
        return address[:plus] + address[at:]
    return address


# Registration.mailbox, computed by the database from the stored (normalised) address.
_PLUS, _AT = StrIndex("email", Value("+")), StrIndex("email", Value("@"))
MAILBOX = Case(
    When(
        Q(GreaterThan(_PLUS, 0)) & Q(LessThan(_PLUS, _AT)),
        then=Concat(Left("email", _PLUS - 1), Substr("email", _AT)),
    ),
    default=F("email"),
    output_field=models.CharField(max_length=254),
)


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
    "checkin_token": None,
    "client_hash": "",
    "bounce_reason": "",
}


class Status(models.TextChoices):
    """``Registration.Status``; at module level so that the constraints in Meta name it."""

    PENDING = "pending", _("Pending confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waiting list")
    CANCELLED = "cancelled", _("Cancelled")


# A live registration still has its person: the purge sets purged_at and clears the token.
LIVE = Q(purged_at__isnull=True)
# A mailable one is live and not cancelled; an address has one per event (the constraint).
MAILABLE = ~Q(status=Status.CANCELLED) & LIVE


class RegistrationQuerySet(models.QuerySet):
    def holding_seats(self):
        return self.filter(status__in=Registration.SEAT_HOLDING)

    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)

    def live(self):
        """Registrations whose personal data (and personal link) are not erased."""
        return self.filter(LIVE)

    def mailable(self):
        """Live registrations not cancelled: those a mail about the event may reach."""
        return self.filter(MAILABLE)


class Registration(models.Model):
    Status = Status

    class CancelReason(models.TextChoices):
        BY_REGISTRANT = "registrant", _("Cancelled by the registrant")
        BY_STAFF = "staff", _("Cancelled by staff")
        EXPIRED = "expired", _("Address not confirmed in time")

    class Mode(models.TextChoices):
        ONLINE = "online", _("Online")
        VENUE = "venue", _("In the hall")

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
    # As asked in the form; it joins the event's list of questions (PanelQuestion) too.
    question = models.TextField(_("question for the panel"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    # How the person takes part: chosen in a hybrid event's form, else the event's format.
    mode = models.CharField(
        _("taking part"), max_length=10, choices=Mode.choices, default=Mode.ONLINE
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
    # The key of the front desk's check-in page in the QR code of a seat in the hall:
    # a page for staff, never the personal page, so never the personal token.
    checkin_token = models.CharField(  # noqa: DJ001
        _("check-in token"),
        max_length=64,
        unique=True,
        null=True,
        default=new_token,
        editable=False,
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
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
    # The organiser is told about a request for access needs once, whatever retries happen.
    access_request_mailed_at = models.DateTimeField(
        _("access needs mailed to the organiser at"), null=True, blank=True, editable=False
    )
    # The mail server said the address does not exist (550, 551, 553): mails to it are not
    # tried again, and staff see it (tasks.is_bounce, mails.record_bounce).
    bounced_at = models.DateTimeField(_("address bounced at"), null=True, blank=True)
    bounce_reason = models.CharField(_("bounce reason"), max_length=300, blank=True)
    # A keyed hash of the client address (services.client_hash), never the address: kept
    # only while the registration holds a seat unconfirmed, to limit seats per client.
    client_hash = models.CharField(
        _("client address (keyed hash)"), max_length=64, blank=True, default="", editable=False
    )
    # The address without its +tag: a few unconfirmed registrations per mailbox and event.
    mailbox = models.GeneratedField(
        expression=MAILBOX,
        output_field=models.CharField(max_length=254),
        db_persist=True,
        verbose_name=_("mailbox (the address without +tag)"),
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
                condition=Q(status=Status.PENDING),
                name="registration_client_pending",
            ),
            # The registrations and mails of one mailbox, counted under the event lock.
            models.Index(fields=["event", "mailbox"], name="registration_event_mailbox"),
        ]
        constraints = [
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=MAILABLE,
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
    def in_venue(self):
        return self.mode == self.Mode.VENUE

    @property
    def join_url(self):
        """The join link, for a confirmed registrant of an event that takes place; else ""."""
        if (
            self.status == self.Status.CONFIRMED
            and not self.in_venue
            and not self.event.is_cancelled
        ):
            return self.event.online_url
        return ""

    @property
    def awaits_join_link(self):
        """Confirmed for an event held online that is still to come, whose link is not set.

        The link goes to them by mail once staff set it (the change notice of
        ``online_url``), and their personal page says so meanwhile.
        """
        event = self.event
        return (
            self.status == self.Status.CONFIRMED
            and not event.online_url
            and not event.is_cancelled
            and event.format != event.Format.IN_PERSON
            and not event.is_over()
        )


class RegistrationAnswer(models.Model):
    """A registrant's answer to one of the event's own questions: personal data.

    Deleted with the rest of the person's data (``services.erase_personal_data``, the
    retention purge); the question stays.
    """

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        "events.RegistrationQuestion", on_delete=models.PROTECT, related_name="answers"
    )
    # Text as typed; a choice as its text; several choices one per line; "yes" or "no".
    value = models.TextField(_("answer"), max_length=2000)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "question"], name="registrationanswer_unique"
            )
        ]

    def __str__(self):
        return f"{self.registration_id}: {self.question_id}"

    @property
    def shown(self):
        """The answer as a person reads it: choices separated by commas, yes and no translated."""
        if self.value in ("yes", "no") and self.question.kind == "boolean":
            return gettext("yes") if self.value == "yes" else gettext("no")
        return ", ".join(self.value.splitlines())


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


class PanelQuestionQuerySet(models.QuerySet):
    def with_votes(self):
        return self.annotate(vote_count=models.Count("votes", distinct=True))

    def by_votes(self):
        return self.with_votes().order_by("-vote_count", "created_at", "pk")

    def listed(self):
        """On the moderator's list: not merged into another, asked from a confirmed address
        (nobody puts words on the list under someone else's address), not withdrawn."""
        return self.filter(
            merged_into__isnull=True,
            registration__email_confirmed_at__isnull=False,
            registration__purged_at__isnull=True,
        ).exclude(registration__status=Registration.Status.CANCELLED)

    def shown_to_registrants(self, event):
        """What other registrants see: listed, not hidden, and released where moderated."""
        shown = self.listed().filter(event=event, is_hidden=False)
        if event.questions_moderated:
            shown = shown.filter(is_released=True)
        return shown


class PanelQuestion(models.Model):
    """A question for the panel, asked in the form or on the personal page; others vote for it.

    Other registrants see the text, the place the asker chose to show and the votes, never
    a name. Staff moderate: release, hide, merge a duplicate into another, mark answered.
    """

    TEXT_MAX_LENGTH = 500
    PER_REGISTRATION = 3

    event = models.ForeignKey(
        "events.Event",
        on_delete=models.CASCADE,
        related_name="panel_questions",
        verbose_name=_("event"),
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="panel_questions",
        verbose_name=_("registration"),
    )
    # Questions from the form may be as long as the form allows (1000).
    text = models.TextField(_("question"), max_length=1000)
    place = models.CharField(
        _("place shown"),
        max_length=100,
        blank=True,
        help_text=_("Shown with the question, for example “Köln”. Never the name."),
    )
    from_form = models.BooleanField(_("asked in the registration form"), default=False)
    is_released = models.BooleanField(_("released"), default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    is_answered = models.BooleanField(_("answered"), default=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    objects = PanelQuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question for the panel")
        verbose_name_plural = _("questions for the panel")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["event", "is_released"], name="panelquestion_event")]

    def __str__(self):
        return gettext("Question no. %(pk)s") % {"pk": self.pk}


class QuestionVote(models.Model):
    """One registration's vote for a question: at most one, withdrawable; the count is exact
    because it is counted, not kept (no lock on the event row while hundreds vote)."""

    question = models.ForeignKey(
        PanelQuestion, on_delete=models.CASCADE, related_name="votes", verbose_name=_("question")
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="question_votes",
        verbose_name=_("registration"),
    )
    created_at = models.DateTimeField(_("voted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                "question", "registration", name="questionvote_one_per_registration"
            )
        ]

    def __str__(self):
        return gettext("Vote no. %(pk)s") % {"pk": self.pk}


class SeriesSubscription(models.Model):
    """A citizen's wish to hear of new events (of one series, or of all), by e-mail.

    Its own double opt-in and consent record, apart from any registration. Unconfirmed
    ones are deleted after the hold time; an unsubscription deletes the row with its data.
    """

    email = EmailAddressField(_("e-mail address"), max_length=254)
    # "" for every series.
    series = models.CharField(_("series"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_token, editable=False
    )
    consent_at = models.DateTimeField(_("consent given at"))
    consent_version = models.CharField(_("consent text version"), max_length=20)
    created_at = models.DateTimeField(_("subscribed at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("address confirmed at"), null=True, blank=True)
    # At most one confirmation mail an hour, however often the form is sent.
    confirmation_mailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "series", name="seriessubscription_unique_email_series"
            )
        ]

    def __str__(self):
        # Without the address: the admin's history keeps str().
        return gettext("Subscription no. %(pk)s") % {"pk": self.pk}


class SeriesAnnouncement(models.Model):
    """That an event's publication was announced to the subscribers: once per event."""

    event = models.OneToOneField(
        "events.Event", on_delete=models.CASCADE, related_name="announcement"
    )
    queued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.event_id} @ {self.queued_at:%Y-%m-%d %H:%M}"


class SeriesNotice(models.Model):
    """One subscriber's mail about one event: sent once, however often the task runs."""

    subscription = models.ForeignKey(
        SeriesSubscription, on_delete=models.CASCADE, related_name="notices"
    )
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("subscription", "event", name="seriesnotice_once")
        ]

    def __str__(self):
        return f"{self.subscription_id} → {self.event_id}"


class FailedMail(DBTaskResult):
    """A mail task that failed for good (no retry after it), as staff see and resend it.

    A view of django-tasks-db's task results; which ones count is decided in
    ``registrations.failed_mails``.
    """

    class Meta:
        proxy = True
        verbose_name = _("failed mail")
        verbose_name_plural = _("failed mails")
