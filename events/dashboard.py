"""The figures on an event's admin page: counts only, never a person."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from registrations import selectors

from . import access_needs

Status = selectors.Status

CHART_WIDTH = 640
CHART_HEIGHT = 220
# Room for the axis labels.
PLOT_LEFT, PLOT_TOP, PLOT_RIGHT, PLOT_BOTTOM = 36, 16, 8, 40


@dataclass
class Bar:
    day: datetime.date
    count: int
    x: float
    y: float
    width: float
    height: float
    show_label: bool

    @property
    def centre(self):
        return round(self.x + self.width / 2, 1)

    @property
    def count_y(self):
        return round(self.y - 4, 1)


def per_day(event):
    """(day, registrations made that day) for every day from the first to the last one."""
    found = selectors.registrations_by_day(event)
    if not found:
        return []
    first, last = min(found), max(found)
    return [
        (first + datetime.timedelta(days=n), found.get(first + datetime.timedelta(days=n), 0))
        for n in range((last - first).days + 1)
    ]


def chart(days):
    """Bars of an SVG chart for ``per_day()``; coordinates are computed here, not in the page."""
    if not days:
        return None
    peak = max(count for _day, count in days) or 1
    plot_width = CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT
    plot_height = CHART_HEIGHT - PLOT_TOP - PLOT_BOTTOM
    slot = plot_width / len(days)
    width = max(min(slot * 0.7, 40), 1)
    label_every = max(1, round(len(days) / 8))
    bars = []
    for index, (day, count) in enumerate(days):
        height = plot_height * count / peak
        bars.append(
            Bar(
                day=day,
                count=count,
                x=round(PLOT_LEFT + index * slot + (slot - width) / 2, 1),
                y=round(PLOT_TOP + plot_height - height, 1),
                width=round(width, 1),
                height=round(height, 1),
                # Counted back from the latest day, which staff look at first.
                show_label=(len(days) - 1 - index) % label_every == 0,
            )
        )
    return {
        "bars": bars,
        "peak": peak,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": PLOT_LEFT,
        "tick_x": PLOT_LEFT - 6,
        "peak_y": PLOT_TOP + 4,
        "right": CHART_WIDTH - PLOT_RIGHT,
        "top": PLOT_TOP,
        "baseline": PLOT_TOP + plot_height,
        "label_y": PLOT_TOP + plot_height + 18,
        "show_counts": len(days) <= 31,
    }


def dashboard(event, *, now=None):
    """Everything the event page shows about its registrations (three queries)."""
    now = now or timezone.now()
    figures = selectors.counts(event)
    is_over = event.ends_at <= now
    attendance_rate = None
    if is_over and figures[Status.CONFIRMED]:
        attendance_rate = round(100 * figures["attended"] / figures[Status.CONFIRMED])
    days = per_day(event)
    return {
        "figures": figures,
        "statuses": [(status, label, figures[status]) for status, label in Status.choices],
        "seats_held": event.seats_held,
        "seats_left": selectors.seats_left(event),
        # A hybrid event's two quotas: (label, seats left, capacity, waiting).
        "quotas": [
            (label, left, selectors.capacity(event, mode), figures[f"waitlisted_{mode}"])
            for mode, label, left in selectors.seats_by_mode(event)
        ],
        "is_over": is_over,
        "attendance_rate": attendance_rate,
        "days": days,
        "chart": chart(days),
        "last_purge": selectors.last_purge(event),
        # (need, registrations asking): read only for an event that asks.
        "access_requests": selectors.access_requests(event)
        if access_needs.is_switched_on(event)
        else [],
    }
