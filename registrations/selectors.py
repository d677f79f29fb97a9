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
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event

from .models import Registration

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
        CANCELLED = "cancelled", _("Cancelled")
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
    """Registrations of ``event`` per status and the dashboard's other totals, in one query."""
    active = ~Q(status=Status.CANCELLED)
    return Registration.objects.filter(event=event).aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in Status.values},
        total=Count("pk"),
        questions=Count("pk", filter=active & ~Q(question="")),
        questions_selected=Count("pk", filter=active & Q(question_selected=True)),
        attended=Count("pk", filter=Q(attended=True)),
        reminded=Count("pk", filter=Q(reminder_sent_at__isnull=False)),
        purged=Count("pk", filter=Q(purged_at__isnull=False)),
        **{
            f"waitlisted_{mode}": Count("pk", filter=Q(status=Status.WAITLISTED, mode=mode))
            for mode in Mode.values
        },
    )


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


def questions_for_the_panel(event):
    """Questions for the moderator: only of people who confirmed their address, so that
    nobody can put words on the panel's list under someone else's address."""
    return (
        Registration.objects.filter(event=event, email_confirmed_at__isnull=False)
        .active()
        .exclude(question="")
    )
