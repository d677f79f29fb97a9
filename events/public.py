"""The registration state as the share preview, the feeds, the embed and the API read it.

One place that asks the registrations app, so that moving the read side there changes
one import.
"""

from registrations import services


def with_seats(events):
    """Annotate an Event queryset with the seats held: one query for a whole list."""
    return services.with_seats_held(events)


def registration_state(event, *, now=None):
    """Whether ``event`` takes registrations now (code, seats left, opening time)."""
    return services.registration_state(event, now=now)
