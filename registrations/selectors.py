"""What the pages read about registrations: seats left, the registration state, counts.

Reads only; every change is in ``services.py``. Which statuses hold a seat is
``Registration.SEAT_HOLDING`` (with ``Registration.objects.holding_seats()``), and how
many seats an event holds is its counter ``Event.seats_held``, which the services keep
under the event lock and ``manage.py recount_seats`` checks against the rows.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.models import Event, EventChange

from .models import PanelQuestion, PurgeLog, QuestionVote, Registration
from .notices import NOTICE_FIELDS as NOTICE_FIELDS  # for the admin's confirmation box
from .notices import notice_fields, recipients

Status = Registration.Status


def seats_left(event) -> int | None:
    """Free seats, or None for an event without a capacity. No query: the event's counter."""
    if event.capacity is None:
        return None
    return max(event.capacity - event.seats_held, 0)


@dataclass(frozen=True)
class RegistrationState:
    """Whether and how an event takes registrations now, for the public pages."""

    class Code(models.TextChoices):
        OPEN = "open", _("Registration open")
        FULL = "full", _("Fully booked – waiting list")
        NOT_OPEN = "not_open", _("Registration not open yet")
        CLOSED = "closed", _("Registration closed")
        PAST = "past", _("Took place")
        CANCELLED = "cancelled", pgettext_lazy("event", "Cancelled")
        UNPUBLISHED = "unpublished", _("Not published")

    code: Code
    seats_left: int | None
    opens_at: datetime | None = None

    @property
    def accepts_registrations(self):
        """True while the form is open; when full, registrations join the waiting list."""
        return self.code in (self.Code.OPEN, self.Code.FULL)


def closed_because(event, *, now=None) -> RegistrationState.Code | None:
    """Why ``event`` takes no registrations now, or None when it takes them."""
    now = now or timezone.now()
    Code = RegistrationState.Code
    if not event.is_published:
        return Code.UNPUBLISHED
    if event.is_cancelled:
        return Code.CANCELLED
    if event.ends_at <= now:
        return Code.PAST
    if event.registration_opens_at and now < event.registration_opens_at:
        return Code.NOT_OPEN
    if now >= event.registration_closes:
        return Code.CLOSED
    return None


def registration_state(event, *, now=None) -> RegistrationState:
    """The registration state of ``event``, without a query."""
    left = seats_left(event)
    code = closed_because(event, now=now)
    if code is None:
        code = RegistrationState.Code.FULL if left == 0 else RegistrationState.Code.OPEN
    return RegistrationState(code, left, event.registration_opens_at)


def moves_up_from_waiting_list(event, *, now=None) -> bool:
    """Whether freed seats go to the waiting list: not once an event is cancelled or over."""
    return not event.is_cancelled and event.ends_at > (now or timezone.now())


def counts(event) -> dict:
    """Registrations of ``event`` per status and the dashboard's other totals, in two queries.

    The questions are counted as the moderator's list shows them (``questions_for_the_panel``).
    """
    figures = Registration.objects.filter(event=event).aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in Status.values},
        total=Count("pk"),
        attended=Count("pk", filter=Q(attended=True)),
        reminded=Count("pk", filter=Q(reminder_sent_at__isnull=False)),
        purged=Count("pk", filter=Q(purged_at__isnull=False)),
        bounced=Count("pk", filter=Q(bounced_at__isnull=False)),
    )
    figures.update(
        PanelQuestion.objects.filter(event=event)
        .listed()
        .aggregate(
            questions=Count("pk"),
            questions_selected=Count("pk", filter=Q(is_released=True)),
        )
    )
    return figures


def registrations_by_day(event) -> dict:
    """{local day: registrations made that day} of ``event``, days without any left out."""
    rows = (
        Registration.objects.filter(event=event)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by("day")
    )
    return {row["day"]: row["count"] for row in rows}


def last_purge(event) -> PurgeLog | None:
    """The latest deletion of personal data of ``event``, or None."""
    return PurgeLog.objects.filter(event=event).first()


def with_status_counts(events):
    """Annotate an Event queryset with ``<status>_total`` per status: one query for a list."""
    return events.annotate(
        **{
            f"{status}_total": Count("registrations", filter=Q(registrations__status=status))
            for status in Status.values
        }
    )


def seat_drift(events=None) -> list[tuple[Event, int, int]]:
    """(event, counter, real count) of every event whose counter differs from its rows.

    One statement, so that counter and rows are read at the same moment: a seat service
    changes both in one transaction.
    """
    held = (
        Registration.objects.holding_seats()
        .filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(count=Count("pk"))
        .values("count")
    )
    events = (Event.objects.all() if events is None else events).annotate(
        real_seats_held=Coalesce(Subquery(held), Value(0))
    )
    drifted = events.exclude(seats_held=F("real_seats_held")).order_by("pk")
    return [(event, event.seats_held, event.real_seats_held) for event in drifted]


def questions_for_the_panel(event, *, order="votes"):
    """Questions for the moderator, with their votes: most votes first, or by time.

    Only of people who confirmed their address, so that nobody can put words on the
    panel's list under someone else's address (``PanelQuestionQuerySet.listed``).
    """
    questions = (
        PanelQuestion.objects.filter(event=event)
        .listed()
        .with_votes()
        .select_related("registration")
    )
    ordering = {
        "votes": ["-vote_count", "created_at", "pk"],
        "newest": ["-created_at", "-pk"],
        "oldest": ["created_at", "pk"],
    }[order]
    return questions.order_by(*ordering)


def questions_on_the_wall(event):
    """The presenter view: released, not hidden, not answered, most votes first."""
    return (
        PanelQuestion.objects.filter(event=event)
        .listed()
        .filter(is_released=True, is_hidden=False, is_answered=False)
        .by_votes()
    )


def questions_for_registrant(registration):
    """The questions a registrant sees: the event's shown ones and their own, by votes,
    each with ``vote_count``, ``voted`` (by this registration) and ``is_own``."""
    event = registration.event
    shown = PanelQuestion.objects.shown_to_registrants(event)
    own = PanelQuestion.objects.filter(registration=registration, merged_into__isnull=True)
    questions = (
        (shown | own)
        .distinct()
        .with_votes()
        .annotate(
            voted=models.Exists(
                QuestionVote.objects.filter(
                    question=OuterRef("pk"), registration_id=registration.pk
                )
            )
        )
        .order_by("is_answered", "-vote_count", "created_at", "pk")
    )
    result = list(questions)
    for question in result:
        question.is_own = question.registration_id == registration.pk
    return result


def recipient_counts(*, event: Event, changes: dict) -> dict[str, int]:
    """Per status, how many registrants a change of ``event`` to ``changes`` would mail.

    Empty when the change needs no mail: the admin asks to confirm only otherwise.
    """
    changed = [name for name, value in changes.items() if getattr(event, name) != value]
    fields = notice_fields(changed, cancelled=changes.get("is_cancelled", event.is_cancelled))
    if not fields or event.pk is None:
        return {}
    rows = recipients(event, fields).values("status").annotate(n=Count("pk")).order_by()
    return {row["status"]: row["n"] for row in rows if row["n"]}


def mailed_count(notice: EventChange) -> int:
    """How many registrants have the mail of ``notice`` (or of a later change) by now."""
    mailed = Registration.objects.filter(
        event_id=notice.event_id, change_mailed_sequence__gte=notice.sequence
    ).count()
    return min(mailed, notice.recipient_count)


def sent_messages(event, *, limit):
    """The latest messages of ``event`` as (message, mails sent so far): one query."""
    messages = (
        event.messages.select_related("sender")
        .annotate(sent=Count("deliveries", filter=Q(deliveries__sent_at__isnull=False)))
        .order_by("-created_at", "-pk")[:limit]
    )
    return [(message, message.sent) for message in messages]
