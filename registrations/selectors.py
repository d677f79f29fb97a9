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
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event

from .models import Registration

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
        CANCELLED = "cancelled", _("Cancelled")
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
        bounced=Count("pk", filter=Q(bounced_at__isnull=False)),
    )


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


def questions_for_the_panel(event):
    """Questions for the moderator: only of people who confirmed their address, so that
    nobody can put words on the panel's list under someone else's address."""
    return (
        Registration.objects.filter(event=event, email_confirmed_at__isnull=False)
        .active()
        .exclude(question="")
    )
