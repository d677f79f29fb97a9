"""Events, their agenda and the people who speak at them."""

from datetime import timedelta
from urllib.parse import quote_plus

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from landtagstalk.validators import validate_visible

from . import images

# The counters only registrations/services.py changes (under the event lock).
SEAT_COUNTERS = ("seats_held", "venue_seats_held")


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at")

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at")

    def with_agenda(self):
        """Prefetch the slots with their people: three queries, however long the agenda."""
        return self.prefetch_related(agenda_prefetch())


def agenda_prefetch():
    """An event's slots with their people, for ``prefetch_related()``: two queries."""
    roles = SlotSpeaker.objects.select_related("speaker")
    slots = AgendaSlot.objects.prefetch_related(models.Prefetch("roles", queryset=roles))
    return models.Prefetch("slots", queryset=slots)


class EventManager(models.Manager.from_queryset(EventQuerySet)):
    # The SQL of published_by_slug(), built once per model and database alias.
    _published_by_slug = {}

    def published_by_slug(self, slug):
        """The published event with this slug, or None: what ``published().get(slug=…)`` finds.

        The public event page asks this on every request the page cache cannot serve (a
        cookie, a miss). Building the ORM's query of the event's forty columns costs several
        times the CPU the database needs to answer it (0.7 ms against 0.1 ms), so the ORM
        builds it once per database and process; ``raw()`` then converts the row exactly as
        a query would (aware datetimes on SQLite, JSON). The filter stays in ``published()``.
        """
        key = (self.model, self.db)
        statement = self._published_by_slug.get(key)
        if statement is None:
            query = self.published().filter(slug=_SLUG).order_by().query
            statement, params = query.get_compiler(self.db).as_sql()
            if tuple(params) != (_SLUG,):
                raise RuntimeError(f"published_by_slug() expects one parameter: {params!r}")
            self._published_by_slug[key] = statement
        found = list(self.raw(statement, [slug], using=self.db))
        return found[0] if found else None


# A value no slug can have, to find the slug's parameter in the built query.
_SLUG = "\x00slug"


class Event(models.Model):
    class Format(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("Hybrid")

    title = models.CharField(_("title"), max_length=200)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    series = models.CharField(
        _("series"), max_length=100, blank=True, help_text=_("For example “LandtagsTalk”.")
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    organiser = models.CharField(_("organiser"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.ONLINE
    )
    location = models.CharField(
        _("location"),
        max_length=200,
        blank=True,
        help_text=_(
            "For example “Zoom-Konferenz”; for an event in a hall, the hall’s name, such as "
            "“Landtag NRW, Plenarsaal”."
        ),
    )
    # The hall's address, for events in person and hybrid events: calendar entries,
    # mails and search engines (schema.org PostalAddress) read it.
    street_address = models.CharField(
        _("street and number"), max_length=200, blank=True, help_text=_("Of the hall.")
    )
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    locality = models.CharField(_("town"), max_length=100, blank=True)
    online_url = models.URLField(
        _("join link"),
        max_length=500,
        blank=True,
        help_text=_("Shown only to confirmed registrants, never on a public page."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty for unlimited seats. For a hybrid event: the online seats."
        ),
    )
    venue_capacity = models.PositiveIntegerField(
        _("seats in the hall"),
        null=True,
        blank=True,
        help_text=_("Hybrid events only: the seats in the hall. Leave empty for unlimited."),
    )
    registration_opens_at = models.DateTimeField(
        _("registration opens at"),
        null=True,
        blank=True,
        help_text=_("Leave empty to open registration as soon as the event is published."),
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes at"),
        null=True,
        blank=True,
        help_text=_("Leave empty to close registration when the event starts."),
    )
    # The documentation, shown on the public page once the event is over.
    recording_url = models.URLField(_("recording"), max_length=500, blank=True)
    summary = models.TextField(
        _("short summary"),
        max_length=5000,
        blank=True,
        help_text=_("Shown on the public page under “Documentation” after the event."),
    )
    easy_summary = models.TextField(
        _("summary in Leichte Sprache"),
        max_length=3000,
        blank=True,
        help_text=_(
            "Optional: what the event is about, in Leichte Sprache (short sentences, one "
            "statement each, no abbreviations). Shown on the public page in its own section."
        ),
    )
    questions_moderated = models.BooleanField(
        _("questions are moderated"),
        default=True,
        help_text=_(
            "Questions from registrants are shown to other registrants only after staff "
            "release them. Untick to show them at once."
        ),
    )
    is_published = models.BooleanField(_("published"), default=False)
    # "called off", not "cancelled": that word belongs to registrations.
    is_cancelled = models.BooleanField(_("called off"), default=False)
    # The start before the last move of a published event (events.services.update_event),
    # for search engines: only a new date or time is a rescheduling.
    previous_starts_at = models.DateTimeField(
        _("previously announced start"), null=True, blank=True, editable=False
    )
    # Raised whenever the date or place changes, so calendar clients replace their copy.
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)
    # Seats held (Registration.SEAT_HOLDING), changed only by registrations/services.py
    # under this row's lock, so that a registration never counts the registrations. It
    # lives on the event row, not in registrations, because it is what that lock
    # protects: the counter and the lock are one row, read and written together.
    seats_held = models.PositiveIntegerField(_("seats held"), default=0, editable=False)
    # Which access services (events/access_needs.py) staff have booked for the event: the
    # public page and its JSON-LD name them.
    access_services_booked = models.JSONField(
        _("access services booked"), default=list, blank=True
    )
    # The same for the hall's seats of a hybrid event (Registration.mode "venue"); the
    # seats of every other registration count in seats_held.
    venue_seats_held = models.PositiveIntegerField(
        _("seats held in the hall"), default=0, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EventManager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("The event must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="event_capacity_positive",
                violation_error_message=_("The capacity must be at least 1, or empty."),
            ),
            models.CheckConstraint(
                condition=Q(venue_capacity__isnull=True) | Q(venue_capacity__gt=0),
                name="event_venue_capacity_positive",
                violation_error_message=_("The seats in the hall must be at least 1, or empty."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if (
            self.pk is not None
            and not self._state.adding
            and not kwargs.get("force_insert")
            and kwargs.get("update_fields") is None
        ):
            # The seat services change the counters under the row lock while a form that
            # read them earlier may be open: writing an old value back would lose seats.
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.name not in SEAT_COUNTERS
                and field.attname not in deferred
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    @property
    def is_hybrid(self):
        return self.format == self.Format.HYBRID

    @property
    def has_venue(self):
        return self.format != self.Format.ONLINE

    @property
    def venue_address(self):
        """The hall's address on one line: "Platz des Landtags 1, 40221 Düsseldorf"."""
        town = f"{self.postal_code} {self.locality}".strip()
        return ", ".join(part for part in (self.street_address, town) if part)

    @property
    def venue_location(self):
        """The hall's name and address on one line, for calendars and mails."""
        return ", ".join(part for part in (self.location, self.venue_address) if part)

    @property
    def venue_map_url(self):
        """A link to a map of the hall at the provider the operator chose; "" without one.

        Only ever a link the person follows: no page of ours loads anything from there.
        """
        template = settings.MAP_URL_TEMPLATE
        if not template or not self.venue_address:
            return ""
        return template.replace("{address}", quote_plus(self.venue_location))

    @property
    def registration_closes(self):
        return self.registration_closes_at or self.starts_at

    def is_over(self, now=None):
        return self.ends_at < (now or timezone.now())

    @property
    def has_documentation(self):
        return bool(self.recording_url or self.summary or self.documents.exists())

    @property
    def cancellation_mailed(self):
        """True once the mails of the event's cancellation are queued, not before."""
        if not self.is_cancelled:
            return False
        latest = self.changes.order_by("-sequence").first()
        return latest is not None and latest.cancelled and latest.recipient_count > 0


    def people(self):
        """Everyone on the agenda once, in the order they first appear (uses ``with_agenda``).

        Each carries ``event_roles``: the names of their roles in this event, once each.
        """
        people = {}
        for role in (role for slot in self.slots.all() for role in slot.roles.all()):
            person = people.setdefault(role.speaker.pk, role.speaker)
            person.event_roles = getattr(person, "event_roles", [])
            if role.get_role_display() not in person.event_roles:
                person.event_roles.append(role.get_role_display())
        return list(people.values())


def validate_document(file):
    """Slides and papers only, at most 20 MB: the files are served to everyone."""
    extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    if extension not in DOCUMENT_EXTENSIONS:
        raise ValidationError(
            _("Please upload a PDF, PowerPoint or OpenDocument file (%(types)s).")
            % {"types": ", ".join(DOCUMENT_EXTENSIONS)},
            code="extension",
        )
    if file.size > DOCUMENT_MAX_SIZE:
        raise ValidationError(_("The file is larger than 20 MB."), code="too_large")


DOCUMENT_EXTENSIONS = ("pdf", "pptx", "odp")
DOCUMENT_MAX_SIZE = 20 * 1024 * 1024


class EventDocument(models.Model):
    """A file of an event's documentation, such as the slides of a talk."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="documents", verbose_name=_("event")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="documents/", validators=[validate_document])
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class EventChange(models.Model):
    """A change of an event its registrants are told about, and the mails it causes.

    Each registrant's ``change_mailed_sequence`` says which revision they were sent, so
    a rerun of the mails skips everyone already told.
    """

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="changes", verbose_name=_("event")
    )
    sequence = models.PositiveIntegerField(_("calendar revision"))
    # {field: [old, new]}, datetimes as ISO text; rendered in each registrant's language.
    changes = models.JSONField(_("changes"), encoder=DjangoJSONEncoder)
    cancelled = models.BooleanField(_("cancellation"), default=False)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("changed by"),
    )
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("event change")
        verbose_name_plural = _("event changes")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.event} #{self.sequence}"

    def field_labels(self):
        return ", ".join(str(Event._meta.get_field(name).verbose_name) for name in self.changes)


class Speaker(models.Model):
    name = models.CharField(_("name"), max_length=200, validators=[validate_visible])
    affix = models.CharField(
        _("affix"), max_length=50, blank=True, help_text=_("For example “MdL”.")
    )
    position = models.CharField(
        _("position"),
        max_length=300,
        blank=True,
        help_text=_("For example “Chief Digital Officer der Stadt Bochum”."),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    bio = models.TextField(_("short biography"), blank=True)
    photo = images.PhotoField(
        _("photo"),
        upload_to="speakers/",
        blank=True,
        help_text=_("JPEG, PNG or WebP, at most 5 MB and 25 megapixels."),
    )
    # What public pages show: small squares made from the photo when it is stored.
    photo_256 = models.ImageField(upload_to="speakers/256/", blank=True, editable=False)
    photo_512 = models.ImageField(upload_to="speakers/512/", blank=True, editable=False)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        # Here rather than in one admin form, so that every form that stores a photo
        # (the speaker's own page, the event's one-page editor) makes the renditions.
        if self.photo and not self.photo._committed:
            self.photo, renditions = images.prepare_photo(self.photo)
            self.photo_256, self.photo_512 = renditions[256], renditions[512]
        elif not self.photo:
            self.photo_256 = self.photo_512 = ""
        super().save(*args, **kwargs)

    @property
    def display_name(self):
        return f"{self.name} {self.affix}".strip()

    @property
    def affiliation(self):
        return ", ".join(part for part in (self.position, self.organisation) if part)


class AgendaSlot(models.Model):
    class Kind(models.TextChoices):
        WELCOME = "welcome", _("Welcome")
        TALK = "talk", _("Talk")
        QUESTIONS = "questions", _("Questions from the chat")
        PANEL = "panel", _("Panel discussion")
        DISCUSSION = "discussion", _("Discussion")
        BREAK = "break", _("Break")
        CLOSING = "closing", _("Closing")
        OTHER = "other", _("Other")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="slots", verbose_name=_("event")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TALK)
    description = models.TextField(_("description"), blank=True)
    # Overlapping the slots before it is an error, unless the editor says it runs in parallel.
    is_parallel = models.BooleanField(
        _("runs in parallel"),
        default=False,
        help_text=_("May overlap the slots before it, for example a second room."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    speakers = models.ManyToManyField(
        Speaker, through="SlotSpeaker", related_name="slots", verbose_name=_("people")
    )

    class Meta:
        verbose_name = _("agenda slot")
        verbose_name_plural = _("agenda slots")
        ordering = ["starts_at", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="agendaslot_ends_after_start",
                violation_error_message=_("The slot must end after it starts."),
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{local:%H:%M} {self.title}"


class SlotSpeaker(models.Model):
    """The role a person has in one agenda slot, such as moderator of the panel."""

    class Role(models.TextChoices):
        HOST = "host", _("Host")
        SPEAKER = "speaker", _("Speaker")
        PANELIST = "panelist", _("Panelist")
        MODERATOR = "moderator", _("Moderator")

    slot = models.ForeignKey(
        AgendaSlot, on_delete=models.CASCADE, related_name="roles", verbose_name=_("agenda slot")
    )
    speaker = models.ForeignKey(
        Speaker, on_delete=models.PROTECT, related_name="roles", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SPEAKER)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("role in the agenda")
        verbose_name_plural = _("roles in the agenda")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "speaker", "role"],
                name="slotspeaker_unique_role",
                violation_error_message=_("This person already has this role in this slot."),
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.speaker}"


class RegistrationQuestion(models.Model):
    """A question of the event's own that its registration form asks."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        CHOICE = "choice", _("One of several choices")
        MULTIPLE = "multiple", _("Several choices")
        BOOLEAN = "boolean", _("Yes or no")

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="registration_questions",
        verbose_name=_("event"),
    )
    label = models.CharField(_("question"), max_length=200, validators=[validate_visible])
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(_("required"), default=False)
    choices = models.TextField(
        _("choices"),
        max_length=2000,
        blank=True,
        help_text=_("One choice per line; for the kinds with choices only."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    asked_until_days_before = models.PositiveSmallIntegerField(
        _("asked until (days before the event)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to ask as long as registration is open."),
    )
    # One of the ready-made questions about access needs (events/access_needs.py).
    is_access_needs = models.BooleanField(_("access needs"), default=False, editable=False)
    # A question with answers is hidden rather than deleted: the answers stay readable.
    is_hidden = models.BooleanField(
        _("hidden"),
        default=False,
        help_text=_("No longer asked on the form; the answers given stay."),
    )

    class Meta:
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.label

    @property
    def choice_list(self):
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    @property
    def has_choices(self):
        return self.kind in (self.Kind.CHOICE, self.Kind.MULTIPLE)

    def is_asked(self, now=None):
        """Whether the form still asks it: not hidden, and not after its deadline."""
        if self.is_hidden:
            return False
        if self.asked_until_days_before is None:
            return True
        deadline = self.event.starts_at - timedelta(days=self.asked_until_days_before)
        return (now or timezone.now()) < deadline
VIDEO_MAX_SIZE = 50 * 1024 * 1024
CAPTIONS_MAX_SIZE = 1024 * 1024


def validate_video(file):
    """MP4 or WebM by their first bytes, not only by name: the file is served to everyone."""
    head = file.read(12)
    file.seek(0)
    is_mp4 = head[4:8] == b"ftyp"
    is_webm = head[:4] == b"\x1a\x45\xdf\xa3"
    if not (is_mp4 or is_webm) or file.name.rsplit(".", 1)[-1].lower() not in ("mp4", "webm"):
        raise ValidationError(_("Please upload an MP4 or WebM video."), code="format")
    if file.size > VIDEO_MAX_SIZE:
        raise ValidationError(_("The video is larger than 50 MB."), code="too_large")


def validate_captions(file):
    """A WebVTT file: it starts with “WEBVTT” and is UTF-8 text."""
    if file.size > CAPTIONS_MAX_SIZE:
        raise ValidationError(_("The captions file is larger than 1 MB."), code="too_large")
    content = file.read()
    file.seek(0)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = ""
    if (
        file.name.rsplit(".", 1)[-1].lower() != "vtt"
        or not text.startswith("WEBVTT")
        or "\x00" in text
    ):
        raise ValidationError(
            _("Please upload a WebVTT file (.vtt) that starts with “WEBVTT”."), code="format"
        )


class LegalPage(models.Model):
    """A page every public body must have, such as the privacy notice; staff edit its text."""

    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Privacy notice")
        IMPRINT = "imprint", _("Imprint")
        ACCESSIBILITY = "accessibility", _("Accessibility statement")
        EASY_LANGUAGE = "easy_language", _("Easy-to-read German (Leichte Sprache)")
        SIGN_LANGUAGE = "sign_language", _("German Sign Language")

    kind = models.CharField(_("page"), max_length=20, choices=Kind.choices, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Paragraphs are separated by an empty line. A line starting with “## ” is a "
            "heading, lines starting with “- ” form a list. Web and e-mail addresses become links. "
            "{retention_days} and {hold_hours} show the configured deletion periods."
        ),
    )
    # The sign-language page only: the video and its captions, from our own storage.
    video = models.FileField(
        _("video"),
        upload_to="sign-language/",
        blank=True,
        validators=[validate_video],
        help_text=_("MP4 or WebM, at most 50 MB."),
    )
    captions = models.FileField(
        _("captions (WebVTT)"),
        upload_to="sign-language/",
        blank=True,
        validators=[validate_captions],
        help_text=_("The spoken or signed content as text: a WebVTT file (.vtt), at most 1 MB."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("legal page")
        verbose_name_plural = _("legal pages")
        ordering = ["kind"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(f"events:{self.kind}")
