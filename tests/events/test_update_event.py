"""events.services.update_event: the one home of what follows a change of an event."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from events import services
from events.models import EventChange
from registrations import notices, selectors
from registrations.models import Registration
from tests.factories import AgendaSlotFactory, EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
Status = Registration.Status


def at(day, hour, minute=0):
    return datetime.datetime(2031, 3, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def event():
    event = EventFactory(starts_at=at(25, 18), ends_at=at(25, 20))
    for minute in (0, 5, 20):
        AgendaSlotFactory(event=event, starts_at=at(25, 18, minute), ends_at=at(25, 18, minute + 5))
    return event


def slot_times(event):
    return [
        f"{timezone.localtime(slot.starts_at):%d.%m. %H:%M}" for slot in event.slots.order_by("pk")
    ]


def test_update_event_text_only_changes_no_revision_and_mails_nobody(event):
    RegistrationFactory(event=event, status=Status.CONFIRMED)

    result = services.update_event(event=event, changes={"description": "Tippfehler behoben"})

    event.refresh_from_db()
    assert (event.description, event.sequence) == ("Tippfehler behoben", 0)
    assert result.notice is None
    assert EventChange.objects.count() == 0
    assert mail.outbox == []


def test_update_event_same_values_change_nothing(event):
    result = services.update_event(event=event, changes={"starts_at": event.starts_at})
    assert result.changed == []
    event.refresh_from_db()
    assert event.sequence == 0


def test_update_event_title_raises_revision_without_mail(event):
    RegistrationFactory(event=event, status=Status.CONFIRMED)
    result = services.update_event(event=event, changes={"title": "Neuer Titel"})
    event.refresh_from_db()
    assert event.sequence == 1
    assert result.notice is None
    assert mail.outbox == []


def test_update_event_moving_the_start_moves_the_agenda_by_the_same_offset(event):
    result = services.update_event(
        event=event, changes={"starts_at": at(25, 18, 30), "ends_at": at(25, 20, 30)}
    )

    assert result.moved_slots == 3
    assert result.offset == datetime.timedelta(minutes=30)
    assert slot_times(event) == ["25.03. 18:30", "25.03. 18:35", "25.03. 18:50"]
    assert [s.ends_at for s in event.slots.order_by("pk")][0] == at(25, 18, 35)


def test_update_event_moving_across_daylight_saving_keeps_wall_clock_times(event):
    # 25.03.2031 is winter time, 01.04.2031 summer time.
    services.update_event(
        event=event,
        changes={
            "starts_at": datetime.datetime(2031, 4, 1, 18, 0, tzinfo=BERLIN),
            "ends_at": datetime.datetime(2031, 4, 1, 20, 0, tzinfo=BERLIN),
        },
    )
    assert slot_times(event) == ["01.04. 18:00", "01.04. 18:05", "01.04. 18:20"]


def test_update_event_end_only_leaves_the_agenda(event):
    result = services.update_event(event=event, changes={"ends_at": at(25, 21)})
    assert result.moved_slots == 0
    assert slot_times(event) == ["25.03. 18:00", "25.03. 18:05", "25.03. 18:20"]


def test_update_event_more_seats_promote_the_waiting_list(event):
    event.capacity = 1
    event.save()
    RegistrationFactory(event=event, status=Status.CONFIRMED, email_confirmed_at=timezone.now())
    waiting = RegistrationFactory(
        event=event, status=Status.WAITLISTED, email_confirmed_at=timezone.now()
    )

    result = services.update_event(event=event, changes={"capacity": 2})

    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert [r.pk for r in result.promoted] == [waiting.pk]


def test_update_event_records_the_change_with_old_and_new_values(
    event, admin_user, django_capture_on_commit_callbacks
):
    for status in (Status.PENDING, Status.CONFIRMED, Status.WAITLISTED, Status.CANCELLED):
        RegistrationFactory(event=event, status=status)

    with django_capture_on_commit_callbacks(execute=True):
        result = services.update_event(
            event=event, changes={"location": "Landtag, Raum E3"}, user=admin_user
        )

    notice = result.notice
    assert notice.changes == {"location": ["Zoom-Konferenz", "Landtag, Raum E3"]}
    assert (notice.sequence, notice.cancelled, notice.recipient_count) == (1, False, 3)
    assert notice.created_by == admin_user
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Registration.objects.active().values_list("email", flat=True)
    )


def test_recipient_counts_per_status_and_join_link_for_confirmed_only(event):
    RegistrationFactory.create_batch(2, event=event, status=Status.CONFIRMED)
    RegistrationFactory(event=event, status=Status.WAITLISTED)
    RegistrationFactory(event=event, status=Status.CANCELLED)

    moved = selectors.recipient_counts(event=event, changes={"starts_at": at(25, 19)})
    link = selectors.recipient_counts(event=event, changes={"online_url": "https://zoom.example.org/j/2"})
    text = selectors.recipient_counts(event=event, changes={"description": "x"})

    assert moved == {"confirmed": 2, "waitlisted": 1}
    assert link == {"confirmed": 2}
    assert text == {}


def test_changes_to_a_cancelled_event_mail_nobody(event, django_capture_on_commit_callbacks):
    RegistrationFactory(event=event, status=Status.CONFIRMED)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_event(event=event, changes={"is_cancelled": True})
    assert len(mail.outbox) == 1
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        result = services.update_event(event=event, changes={"location": "Anderswo"})

    assert result.notice is None
    assert mail.outbox == []


def test_every_change_registrants_are_told_of_raises_the_revision():
    """Each registrant gets a change once per revision (change_mailed_sequence)."""
    assert set(notices.NOTICE_FIELDS) <= set(services.REVISION_FIELDS)
