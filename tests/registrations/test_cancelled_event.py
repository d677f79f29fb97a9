"""A cancelled event as a registrant meets it: page, calendar file, the claim of being told."""

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from events import services as event_services
from registrations import mails
from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status
INFORMED = "Die angemeldeten Teilnehmenden wurden informiert."


def entry(content):
    calendar = Calendar.from_ical(content)
    [vevent] = calendar.walk("VEVENT")
    return calendar, vevent


def cancel_event(event, capture):
    with capture(execute=True):
        event_services.update_event(event=event, changes={"is_cancelled": True})


def test_personal_page_of_cancelled_event_offers_no_cancel_but_the_cancelled_calendar(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    registration = RegistrationFactory(event=event, status=Status.CONFIRMED)
    cancel_event(event, django_capture_on_commit_callbacks)

    page = client.get(f"/r/{registration.token}/").content.decode()

    assert "Diese Veranstaltung wurde abgesagt." in page
    assert "Anmeldung stornieren" not in page
    assert "Aus dem Kalender entfernen (.ics)" in page
    _, vevent = entry(client.get(f"/r/{registration.token}/calendar.ics").content)
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert vevent["SEQUENCE"] == 1


def test_cancel_page_of_cancelled_event_leads_back_and_changes_nothing(client):
    event = EventFactory(is_cancelled=True)
    registration = RegistrationFactory(event=event, status=Status.CONFIRMED)

    get = client.get(f"/r/{registration.token}/cancel/")
    post = client.post(f"/r/{registration.token}/cancel/")

    assert get.status_code == post.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_informed_claim_only_once_the_mails_were_queued(
    client, django_capture_on_commit_callbacks
):
    quiet = EventFactory(is_cancelled=True)  # cancelled without the service: nobody told
    RegistrationFactory(event=quiet, status=Status.CONFIRMED)
    told = EventFactory()
    RegistrationFactory(event=told, status=Status.CONFIRMED)
    cancel_event(told, django_capture_on_commit_callbacks)

    quiet_page = client.get(f"/events/{quiet.slug}/").content.decode()
    told_page = client.get(f"/events/{told.slug}/").content.decode()

    assert "Diese Veranstaltung wurde abgesagt." in quiet_page
    assert INFORMED not in quiet_page
    assert INFORMED in told_page
    assert len(mail.outbox) == 1


def test_waitlisted_person_calendar_is_tentative(client):
    registration = RegistrationFactory(
        status=Status.WAITLISTED, email_confirmed_at=timezone.now()
    )
    _, vevent = entry(client.get(f"/r/{registration.token}/calendar.ics").content)
    assert str(vevent["STATUS"]) == "TENTATIVE"


def test_registrant_cancellation_mail_carries_the_cancelling_calendar():
    registration = RegistrationFactory(status=Status.CANCELLED)

    mails.deliver(registration_id=registration.pk, kind="cancelled")

    [(name, content, mimetype)] = mail.outbox[-1].attachments
    calendar, vevent = entry(content)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_called_off_event_says_abgesagt_on_every_public_page(client):
    event = EventFactory(is_cancelled=True)
    past = EventFactory(starts_at=timezone.now() - timezone.timedelta(days=3), is_cancelled=True)

    for url in (
        "/",
        event.get_absolute_url(),
        past.get_absolute_url(),
        f"/events/{event.slug}/embed/",
        "/embed/",
    ):
        page = client.get(url).content.decode()
        assert '<span class="state state-cancelled">Abgesagt</span>' in page, url
        assert "Storniert" not in page, url
    start_page = client.get("/").content.decode()
    assert start_page.count('<span class="state state-cancelled">Abgesagt</span>') == 2
