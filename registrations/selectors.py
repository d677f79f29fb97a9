"""What the pages read about registrations: seats left, the registration state, counts.

Reads only; every change is in ``services.py``. Which statuses hold a seat is
``Registration.SEAT_HOLDING`` (with ``Registration.objects.holding_seats()``), and how
many seats an event holds is its counter ``Event.seats_held``, which the services keep
under the event lock and ``manage.py recount_seats`` checks against the rows.

A hybrid event has two quotas: the hall's seats (``venue_capacity``, counted in
``venue_seats_held``) for its registrations of mode "venue", the online seats
(``capacity``, ``seats_held``) for the others. Every other event has one quota, the
first, whatever its registrations' mode: ``seat_counter`` is the one home of that rule.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from events.models import Event, EventChange

from .models import PanelQuestion, PurgeLog, QuestionVote, Registration, RegistrationAnswer
from .notices import NOTICE_FIELDS as NOTICE_FIELDS  # for the admin's confirmation box
from .notices import notice_fields, recipients

Status = Registration.Status
Mode = Registration.Mode
# The registrations whose seat counts in the hall's counter, as a filter on registrations.
IN_VENUE_QUOTA = Q(event__format=Event.Format.HYBRID, mode=Mode.VENUE)


def seat_counter(event, mode=None) -> str:
    """The name of the counter a seat of ``mode`` counts in: the hall's only in a hybrid event."""
    if event.format == Event.Format.HYBRID and mode == Mode.VENUE:
        return "venue_seats_held"
    return "seats_held"


def quota_modes(event) -> tuple:
    """The modes with a quota of their own: both in a hybrid event, else the first only."""
    return (Mode.ONLINE, Mode.VENUE) if event.format == Event.Format.HYBRID else (None,)


def mode_for(event, mode=None) -> str:
    """The mode a registration of ``event`` takes: the one chosen in a hybrid event, else
    the event's format."""
    if event.format == Event.Format.HYBRID:
        return mode
    return Mode.VENUE if event.format == Event.Format.IN_PERSON else Mode.ONLINE


def capacity(event, mode=None) -> int | None:
    if seat_counter(event, mode) == "venue_seats_held":
        return event.venue_capacity
    return event.capacity


def seats_left(event, mode=None) -> int | None:
    """Free seats of ``mode``'s quota, or None without a limit. No query: the event's counter."""
    limit = capacity(event, mode)
    if limit is None:
        return None
    return max(limit - getattr(event, seat_counter(event, mode)), 0)


class ModeSeats(NamedTuple):
    """The seats left of one way of taking part in a hybrid event (None: no limit)."""

    mode: str
    label: str
    seats_left: int | None


def seats_by_mode(event) -> list[ModeSeats]:
    """Each mode of a hybrid event with its seats left; empty for any other event."""
    if event.format != Event.Format.HYBRID:
        return []
    return [ModeSeats(mode, Mode(mode).label, seats_left(event, mode)) for mode in Mode.values]


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
    # A hybrid event's quotas, each with its seats left; seats_left is then their sum
    # (None when one of them has no limit).
    modes: tuple = ()

    @property
    def accepts_registrations(self):
        """True while the form is open; when full, registrations join the waiting list."""
        return self.code in (self.Code.OPEN, self.Code.FULL)

    @property
    def key(self) -> str:
        """All the state shows, as text: a fragment kept under it is exact, whatever the
        number of seats left."""
        modes = ",".join(f"{mode.mode}:{mode.seats_left}" for mode in self.modes)
        return f"{self.code}|{self.seats_left}|{self.opens_at}|{modes}"


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
    """The registration state of ``event``, without a query.

    A hybrid event is full when both its quotas are.
    """
    modes = tuple(seats_by_mode(event))
    if modes:
        lefts = [mode.seats_left for mode in modes]
        left = None if None in lefts else sum(lefts)
    else:
        left = seats_left(event)
    code = closed_because(event, now=now)
    if code is None:
        code = RegistrationState.Code.FULL if left == 0 else RegistrationState.Code.OPEN
    return RegistrationState(code, left, event.registration_opens_at, modes)


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
        **{
            f"waitlisted_{mode}": Count("pk", filter=Q(status=Status.WAITLISTED, mode=mode))
            for mode in Mode.values
        },
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


class SeatDrift(NamedTuple):
    event: Event
    counter: str  # the field: "seats_held" or "venue_seats_held"
    held: int  # what the counter says
    real: int  # the registrations holding a seat in its quota


def real_seats_held(registrations):
    """The seats ``registrations`` (of one event) hold, per counter, as ``seat_counter`` says."""
    holding = registrations.holding_seats()
    return {
        "seats_held": holding.exclude(IN_VENUE_QUOTA).count(),
        "venue_seats_held": holding.filter(IN_VENUE_QUOTA).count(),
    }


def seat_drift(events=None) -> list[SeatDrift]:
    """Every counter of every event that differs from its rows, both quotas.

    One statement, so that counters and rows are read at the same moment: a seat service
    changes both in one transaction.
    """

    def held(in_venue):
        rows = Registration.objects.holding_seats().filter(event=OuterRef("pk"))
        rows = rows.filter(IN_VENUE_QUOTA) if in_venue else rows.exclude(IN_VENUE_QUOTA)
        count = rows.order_by().values("event").annotate(count=Count("pk")).values("count")
        return Coalesce(Subquery(count), Value(0))

    events = (Event.objects.all() if events is None else events).annotate(
        real_seats_held=held(False), real_venue_seats_held=held(True)
    )
    drifted = events.exclude(
        seats_held=F("real_seats_held"), venue_seats_held=F("real_venue_seats_held")
    ).order_by("pk")
    return [
        SeatDrift(event, counter, getattr(event, counter), getattr(event, f"real_{counter}"))
        for event in drifted
        for counter in ("seats_held", "venue_seats_held")
        if getattr(event, counter) != getattr(event, f"real_{counter}")
    ]


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


def access_requests(event):
    """(need, how many live registrations ask for it) of the event's access-needs questions."""
    answers = (
        RegistrationAnswer.objects.filter(question__event=event, question__is_access_needs=True)
        .exclude(registration__status=Status.CANCELLED)
        .select_related("question")
    )
    counts = {}
    for answer in answers:
        needs = answer.value.splitlines() if answer.question.has_choices else [gettext("Other")]
        for need in needs:
            counts[need] = counts.get(need, 0) + 1
    return sorted(counts.items())
