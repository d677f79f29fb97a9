"""Who is told of a change of an event: the rules, read by ``changes``, ``tasks``, ``selectors``.

What happens on a change (the record, the mails) is in ``changes.py``; what the admin
shows of it (who would get it, who has it) in ``selectors.py``.
"""

from django.db.models import QuerySet

from events.models import Event
from events.services import ADDRESS_FIELDS

from .models import Registration

# What registrants must be told about; a change of text only (a typo) sends nothing.
# Each of them raises the event's revision (events.services.REVISION_FIELDS), under
# which the change is mailed once to each person.
NOTICE_FIELDS = (
    "starts_at", "ends_at", "format", "location", *ADDRESS_FIELDS, "online_url", "is_cancelled"
)
# Only confirmed people have the join link, so only they hear that it changed.
CONFIRMED_ONLY_FIELDS = ("online_url",)
# Who is told about a change: everyone whose registration is still alive.
INFORMED = (
    Registration.Status.PENDING,
    Registration.Status.CONFIRMED,
    Registration.Status.WAITLISTED,
)


def notice_fields(changed, *, cancelled: bool) -> list[str]:
    """The changed fields registrants must be told about; none while the event stays off."""
    fields = [name for name in NOTICE_FIELDS if name in changed]
    if cancelled and "is_cancelled" not in fields:
        return []
    return fields


def recipients(event: Event, fields) -> QuerySet[Registration]:
    """The registrations to tell about a change of ``fields``."""
    statuses = INFORMED
    if fields and all(name in CONFIRMED_ONLY_FIELDS for name in fields):
        statuses = (Registration.Status.CONFIRMED,)
    return Registration.objects.live().filter(event=event, status__in=statuses)
