"""Changes registrants must know: confirmation in the admin, one mail each, calendar updates."""

import datetime
from email import message_from_bytes, policy
from email.utils import parseaddr

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events import services
from events.models import Event, EventChange
from registrations import mails, tasks
from registrations.models import Registration
from tests.admin_forms import change_event
from tests.factories import AgendaSlotFactory, EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status
JOIN_URL = "https://zoom.example.org/j/123456789"


@pytest.fixture
def event():
    starts = timezone.make_aware(datetime.datetime(2031, 4, 29, 18, 0))
    event = EventFactory(
        title="LandtagsTalk: Digital",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )
    AgendaSlotFactory(event=event, starts_at=starts, title="Begrüßung")
    AgendaSlotFactory(event=event, starts_at=starts + datetime.timedelta(minutes=5), title="Impuls")
    return event


@pytest.fixture
def people(event):
    return {
        "confirmed": RegistrationFactory(
            event=event, status=Status.CONFIRMED, email="conf@example.org",
            email_confirmed_at=timezone.now(),
        ),
        "waitlisted": RegistrationFactory(
            event=event, status=Status.WAITLISTED, email="wait@example.org", language="en"
        ),
        "pending": RegistrationFactory(
            event=event, status=Status.PENDING, email="pend@example.org"
        ),
        "cancelled": RegistrationFactory(
            event=event, status=Status.CANCELLED, email="gone@example.org"
        ),
    }


def to(address):
    [message] = [m for m in mail.outbox if m.to == [address]]
    return message


def calendar_of(message):
    [(name, content, mimetype)] = message.attachments
    calendar = Calendar.from_ical(content)
    assert mimetype == f"text/calendar; method={calendar['METHOD']}"
    return calendar


def move(event, capture, **kwargs):
    with capture(execute=True):
        return services.update_event(event=event, changes=kwargs)


def test_admin_asks_to_confirm_with_counts_per_status_and_saves_nothing(
    client, admin_user, event, people
):
    client.force_login(admin_user)
    url = reverse("admin:events_event_change", args=[event.pk])
    data = {
        "series": "", "title": event.title, "subtitle": "", "slug": event.slug,
        "organiser": event.organiser, "description": "",
        "starts_at_0": "29.04.2031", "starts_at_1": "18:30:00",
        "ends_at_0": "29.04.2031", "ends_at_1": "20:00:00",
        "format": "online", "location": event.location, "capacity": "",
        "online_url": event.online_url, "is_published": "on",
        "slots-TOTAL_FORMS": "0", "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0", "slots-MAX_NUM_FORMS": "1000",
        "registration_questions-TOTAL_FORMS": "0", "registration_questions-INITIAL_FORMS": "0",
    }

    response = client.post(url, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Diese Änderung geht per Mail an die Angemeldeten" in html
    assert (
        "<td>Beginn</td><td>29. April 2031, 18:00 Uhr</td><td>29. April 2031, 18:30 Uhr</td>"
        in html
    )
    assert "<td>Bestätigt</td><td>1</td>" in html
    assert "<td>Warteliste</td><td>1</td>" in html
    assert "<td>Unbestätigt</td><td>1</td>" in html
    event.refresh_from_db()
    assert timezone.localtime(event.starts_at).hour == 18
    assert timezone.localtime(event.starts_at).minute == 0
    assert mail.outbox == []


def test_admin_confirmed_change_mails_everyone_once_and_moves_the_agenda(
    client, admin_user, event, people, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        change_event(client, event, starts_at_1="18:30:00", ends_at_1="20:30:00",
                     inform_registrants="on")

    assert sorted(m.to[0] for m in mail.outbox) == [
        "conf@example.org", "pend@example.org", "wait@example.org",
    ]
    assert [f"{timezone.localtime(s.starts_at):%H:%M}" for s in event.slots.all()] == [
        "18:30", "18:35",
    ]
    page = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert (
        "Das Programm wurde mit der Veranstaltung um +30 Minuten verschoben (2 Programmpunkte)."
        in page
    )
    assert "Die Änderung wird an 3 Angemeldete gemailt" in page
    assert "3 von 3" in page  # progress of the mails


def test_admin_text_only_change_needs_no_confirmation_and_sends_nothing(
    client, admin_user, event, people
):
    client.force_login(admin_user)
    change_event(client, event, description="Ein Tippfehler weniger")
    assert mail.outbox == []
    assert EventChange.objects.count() == 0


def test_change_mail_says_old_and_new_time_in_german_with_updated_calendar(
    event, people, django_capture_on_commit_callbacks
):
    start = event.starts_at + datetime.timedelta(minutes=30)
    move(event, django_capture_on_commit_callbacks, starts_at=start)

    message = to("conf@example.org")
    assert message.subject == "Die Veranstaltung hat sich geändert: LandtagsTalk: Digital"
    assert "Datum und Uhrzeit:" in message.body
    assert "vorher: Dienstag, 29. April 2031, 18:00–20:00 Uhr" in message.body
    assert "jetzt: Dienstag, 29. April 2031, 18:30–20:00 Uhr" in message.body
    assert JOIN_URL in message.body
    [entry] = calendar_of(message).walk("VEVENT")
    calendar = calendar_of(message)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(entry["UID"]) == f"event-{event.pk}@127.0.0.1"
    assert entry["SEQUENCE"] == 1
    assert entry.decoded("DTSTART") == timezone.localtime(start)
    assert str(entry["STATUS"]) == "CONFIRMED"
    assert "mailto:" in str(entry["ORGANIZER"])
    assert JOIN_URL not in calendar.to_ical().decode()


def test_change_mail_in_english_without_join_link_for_the_waiting_list(
    event, people, django_capture_on_commit_callbacks
):
    move(event, django_capture_on_commit_callbacks, location="Landtag NRW, Raum E3")

    message = to("wait@example.org")
    assert message.subject == "The event has changed: LandtagsTalk: Digital"
    assert "Place:" in message.body
    assert "before: Zoom-Konferenz" in message.body
    assert "now: Landtag NRW, Raum E3" in message.body
    assert JOIN_URL not in message.body
    assert JOIN_URL not in message.alternatives[0][0]
    [entry] = calendar_of(message).walk("VEVENT")
    assert str(entry["STATUS"]) == "TENTATIVE"


def test_join_link_change_goes_to_confirmed_people_only(
    event, people, django_capture_on_commit_callbacks
):
    move(event, django_capture_on_commit_callbacks, online_url="https://zoom.example.org/j/999")

    assert [m.to[0] for m in mail.outbox] == ["conf@example.org"]
    assert "https://zoom.example.org/j/999" in mail.outbox[0].body


def test_cancellation_mail_removes_the_calendar_entry(
    event, people, django_capture_on_commit_callbacks
):
    move(event, django_capture_on_commit_callbacks, is_cancelled=True)

    message = to("pend@example.org")
    assert message.subject == "Die Veranstaltung wurde abgesagt: LandtagsTalk: Digital"
    assert "abgesagt" in message.body
    calendar = calendar_of(message)
    [entry] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(entry["STATUS"]) == "CANCELLED"
    assert entry["SEQUENCE"] == 1
    assert JOIN_URL not in to("conf@example.org").body
    assert len(mail.outbox) == 3


def test_join_link_set_later_is_mailed_to_every_confirmed_person_once(
    event, people, django_capture_on_commit_callbacks
):
    Event.objects.filter(pk=event.pk).update(online_url="")
    event.refresh_from_db()
    RegistrationFactory(
        event=event, status=Status.CONFIRMED, email="conf2@example.org",
        email_confirmed_at=timezone.now(),
    )

    result = move(event, django_capture_on_commit_callbacks, online_url=JOIN_URL)
    tasks.send_change_mails.call(change_id=result.notice.pk)

    assert sorted(m.to[0] for m in mail.outbox) == ["conf2@example.org", "conf@example.org"]
    assert all(JOIN_URL in m.body and JOIN_URL in m.alternatives[0][0] for m in mail.outbox)


def test_rerun_of_the_change_mails_sends_nothing_twice(
    event, people, django_capture_on_commit_callbacks
):
    result = move(event, django_capture_on_commit_callbacks, location="Anderswo")
    assert len(mail.outbox) == 3

    assert tasks.send_change_mails.call(change_id=result.notice.pk) == 0
    for registration in people.values():
        assert not mails.send_change_mail(
            registration_id=registration.pk, change_id=result.notice.pk
        )
    assert len(mail.outbox) == 3
    assert set(
        Registration.objects.active().values_list("change_mailed_sequence", flat=True)
    ) == {1}


def test_failed_send_is_not_recorded_and_goes_out_on_the_retry(
    event, people, monkeypatch
):
    notice = EventChange.objects.create(
        event=event, sequence=1, changes={"location": ["A", "B"]}, recipient_count=3
    )
    registration = people["confirmed"]

    def refuse(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(mails, "_send_change", refuse)
    with pytest.raises(OSError):
        mails.send_change_mail(registration_id=registration.pk, change_id=notice.pk)
    registration.refresh_from_db()
    assert registration.change_mailed_sequence == 0

    monkeypatch.undo()
    assert mails.send_change_mail(registration_id=registration.pk, change_id=notice.pk)
    assert len(mail.outbox) == 1


def test_every_mail_carries_auto_submitted_reply_to_and_site_message_id(settings, event, people):
    settings.REPLY_TO_EMAIL = "Fraktion <buergerdialog@example.org>"
    settings.SITE_URL = "https://veranstaltungen.example.org"
    mails.deliver(registration_id=people["confirmed"].pk, kind="confirmed")

    message = mail.outbox[-1].message()
    assert message["Auto-Submitted"] == "auto-generated"
    assert parseaddr(message["Reply-To"])[1] == "buergerdialog@example.org"
    assert message["Message-ID"].endswith("@veranstaltungen.example.org>")
    assert "\n-- \n" in mail.outbox[-1].body


def test_english_dates_in_mails_are_day_first_without_double_full_stop(event):
    registration = RegistrationFactory(
        event=event, language="en",
        expires_at=timezone.make_aware(datetime.datetime(2026, 12, 2, 3, 5)),
    )
    mails.deliver(registration_id=registration.pk, kind="confirm_address")
    body = mail.outbox[-1].body
    assert "valid until 02/12/2026, 03:05." in body
    assert ".." not in body.replace("...", "")


def test_german_dates_in_mails_read_uhr(event):
    registration = RegistrationFactory(
        event=event, expires_at=timezone.make_aware(datetime.datetime(2026, 12, 2, 3, 5))
    )
    mails.deliver(registration_id=registration.pk, kind="confirm_address")
    assert "02.12.2026, 03:05 Uhr" in mail.outbox[-1].body


def test_join_link_known_at_last_says_so_without_a_previous_link(
    event, people, django_capture_on_commit_callbacks
):
    event.online_url = ""
    event.save()

    move(event, django_capture_on_commit_callbacks, online_url="https://zoom.example.org/j/999")

    [message] = mail.outbox
    assert "der bisherige Link" not in message.body
    assert "der bisherige Link" not in message.alternatives[0][0]
    assert "vorher: noch nicht bekannt" in message.body
    assert "jetzt: ein neuer Link (siehe unten)" in message.body


def test_join_link_replaced_says_the_previous_link(
    event, people, django_capture_on_commit_callbacks
):
    move(event, django_capture_on_commit_callbacks, online_url="https://zoom.example.org/j/999")

    assert "vorher: der bisherige Link" in mail.outbox[0].body


def calendar_part(message):
    """The text/calendar part of the mail as it is sent, with its MIME headers."""
    sent = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    [part] = [part for part in sent.walk() if part.get_content_type() == "text/calendar"]
    return part, Calendar.from_ical(part.get_content())


def test_change_mail_is_an_invitation_update_for_the_registrant(
    event, people, django_capture_on_commit_callbacks
):
    people["confirmed"].first_name, people["confirmed"].last_name = "Erika", "Muster"
    people["confirmed"].save()
    move(event, django_capture_on_commit_callbacks, location="Landtag NRW, Raum E3")

    part, calendar = calendar_part(to("conf@example.org"))

    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST" == str(calendar["METHOD"])
    assert part.get_param("charset") == "utf-8"
    [entry] = calendar.walk("VEVENT")
    attendee = entry["ATTENDEE"]
    assert str(attendee) == "mailto:conf@example.org"
    assert dict(attendee.params) == {
        "CUTYPE": "INDIVIDUAL", "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "ACCEPTED",
        "RSVP": "FALSE", "CN": "Erika Muster",
    }
    assert "mailto:" in str(entry["ORGANIZER"])
    assert (str(entry["UID"]), entry["SEQUENCE"]) == (f"event-{event.pk}@127.0.0.1", 1)


def test_cancellation_mail_is_an_invitation_cancel_without_typed_names(
    event, people, django_capture_on_commit_callbacks
):
    move(event, django_capture_on_commit_callbacks, is_cancelled=True)

    part, calendar = calendar_part(to("pend@example.org"))
    waiting_part, waiting = calendar_part(to("wait@example.org"))

    assert part.get_param("method") == "CANCEL" == str(calendar["METHOD"])
    [entry] = calendar.walk("VEVENT")
    assert str(entry["ATTENDEE"]) == "mailto:pend@example.org"
    # Not confirmed: the name is anyone's typing, and stays out of the mail.
    assert entry["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
    assert "CN" not in entry["ATTENDEE"].params
    [waiting_entry] = waiting.walk("VEVENT")
    assert waiting_part.get_param("method") == "CANCEL"
    assert waiting_entry["ATTENDEE"].params["PARTSTAT"] == "TENTATIVE"


def test_invitation_names_the_attendee_by_the_ascii_form_of_the_domain(
    event, django_capture_on_commit_callbacks
):
    RegistrationFactory(event=event, status=Status.CONFIRMED, email="anna@bücher.de")
    move(event, django_capture_on_commit_callbacks, location="Landtag NRW")

    _part, calendar = calendar_part(mail.outbox[0])

    [entry] = calendar.walk("VEVENT")
    assert str(entry["ATTENDEE"]) == "mailto:anna@xn--bcher-kva.de"
