"""What a staff change of an event does to its registrants: seats, the record, the mails.

``events.services.update_event`` stays the one entry for staff changes (the admin, the
documentation page, ``loaddemo`` and scripts call it) and sends ``event_updated`` inside
its transaction; this module receives it. A domain signal is the simpler way: every
caller of ``update_event`` informs the registrants without knowing of them, and none can
forget to, as a caller of an orchestrating function above both apps could. The signal
is synchronous, so all of it happens under the event lock and rolls back together.
"""

from django.dispatch import receiver

from events.models import EventChange
from events.services import event_updated

from . import services, tasks
from .notices import notice_fields, recipients


@receiver(event_updated, dispatch_uid="registrations.changes.inform_registrants")
def inform_registrants(sender, *, update, before, user, now, **kwargs):
    """More seats go to the waiting list; a change registrants must know is recorded, and
    its mails are queued, one task per person (``tasks.send_change_mails``)."""
    event = update.event
    if "format" in update.changed:
        services.follow_format(event=event)
    if {"capacity", "venue_capacity", "format"} & set(update.changed):
        update.promoted = services.promote_waitlisted(event, now=now)
    fields = notice_fields(update.changed, cancelled=event.is_cancelled)
    if fields:
        update.notice = record_notice(event, fields, before, user=user)


def record_notice(event, fields, before, *, user) -> EventChange:
    """Keep what changed in ``fields`` under the event's new revision; queue its mails."""
    notice = EventChange.objects.create(
        event=event,
        sequence=event.sequence,
        changes={name: [before[name], getattr(event, name)] for name in fields},
        cancelled="is_cancelled" in fields and event.is_cancelled,
        recipient_count=recipients(event, fields).count(),
        created_by=user if user is not None and user.is_authenticated else None,
    )
    if notice.recipient_count:
        tasks.enqueue_change_mails(change_id=notice.pk)
    return notice
