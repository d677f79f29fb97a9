"""The mails: text and HTML, in the registrant's language, safe headers, no stray join links."""

import email
import email.policy
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from icalendar import Calendar

from registrations import mails, services
from registrations.models import Registration
from tests.factories import (
    AgendaSlotFactory,
    EventFactory,
    RegistrationFactory,
    SlotSpeakerFactory,
)

pytestmark = pytest.mark.django_db

Status = Registration.Status
JOIN_URL = "https://zoom.example.org/j/123456789"
KINDS = list(mails.SUBJECTS)


@pytest.fixture
def event():
    return EventFactory(title="LandtagsTalk: Digital", online_url=JOIN_URL)


def send(registration, kind):
    assert mails.deliver(registration_id=registration.pk, kind=kind)
    return mail.outbox[-1]


def html_of(message):
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return html


@pytest.mark.parametrize("kind", KINDS)
def test_every_mail_has_text_and_html_with_absolute_personal_link(event, kind):
    registration = RegistrationFactory(
        event=event, status=Status.CONFIRMED, email_confirmed_at=timezone.now()
    )

    message = send(registration, kind)

    personal = f"http://127.0.0.1:8000/r/{registration.token}/"
    assert personal in message.body
    assert f'href="{personal}"' in html_of(message)
    assert message.subject.endswith(": LandtagsTalk: Digital")
    assert "Guten Tag Erika," in message.body
    assert '<html lang="de">' in html_of(message)


@pytest.mark.parametrize("kind", KINDS)
def test_mail_in_english_for_english_registrant(event, kind):
    registration = RegistrationFactory(
        event=event, language="en", status=Status.CONFIRMED, email_confirmed_at=timezone.now()
    )
    message = send(registration, kind)
    assert "Hello Erika," in message.body
    assert "Kind regards" in message.body
    assert '<html lang="en">' in html_of(message)


def test_confirm_address_mail_links_confirmation_page(event):
    registration, _ = services.register(
        event=event, first_name="Erika", last_name="M", email="erika@example.org"
    )
    message = send(registration, "confirm_address")

    assert message.subject == "Bitte bestätigen Sie Ihre Anmeldung: LandtagsTalk: Digital"
    url = f"http://127.0.0.1:8000/r/{registration.token}/confirm/"
    assert url in message.body
    assert f'href="{url}"' in html_of(message)
    assert JOIN_URL not in message.body + html_of(message)
    assert message.attachments == []


@pytest.mark.parametrize("kind", ["confirmed", "promoted", "reminder"])
def test_seat_mails_carry_join_link_and_personal_calendar(event, kind):
    registration = RegistrationFactory(event=event, status=Status.CONFIRMED)

    message = send(registration, kind)

    assert JOIN_URL in message.body
    assert f'href="{JOIN_URL}"' in html_of(message)
    ((filename, content, mimetype),) = message.attachments
    assert (filename, mimetype) == (f"{event.slug}.ics", "text/calendar; method=PUBLISH")
    content = content if isinstance(content, str) else content.decode()
    assert "zoom.example.org" not in content
    (entry,) = Calendar.from_ical(content).walk("VEVENT")
    assert str(entry["URL"]) == f"http://127.0.0.1:8000/r/{registration.token}/"


@pytest.mark.parametrize("kind", ["confirmed", "promoted", "reminder"])
def test_seat_mails_carry_the_calendar_before_the_join_link_is_known(kind):
    event = EventFactory(online_url="")
    registration = RegistrationFactory(event=event, status=Status.CONFIRMED)

    message = send(registration, kind)

    sent = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    [part] = [part for part in sent.walk() if part.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "PUBLISH"
    assert part.get_filename() == f"{event.slug}.ics"
    calendar = Calendar.from_ical(part.get_content())
    assert str(calendar["METHOD"]) == "PUBLISH"
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["URL"]) == f"http://127.0.0.1:8000/r/{registration.token}/"
    assert "ATTENDEE" not in entry  # PUBLISH names no attendees (RFC 5546)
    assert "Der Zugangslink steht noch nicht fest." in message.body
    assert "wir schicken ihn Ihnen auch per E-Mail" in html_of(message)


@pytest.mark.parametrize("kind", ["waitlisted", "cancelled", "already_registered"])
def test_other_mails_never_carry_join_link(event, kind):
    registration = RegistrationFactory(event=event, status=Status.CONFIRMED)
    message = send(registration, kind)
    assert JOIN_URL not in message.body + html_of(message)


def test_reminder_to_someone_not_confirmed_has_no_join_link(event):
    registration = RegistrationFactory(event=event, status=Status.WAITLISTED)
    message = send(registration, "reminder")
    assert JOIN_URL not in message.body
    assert message.attachments == []


def test_already_registered_mail_offers_confirmation_while_unconfirmed(event):
    registration = RegistrationFactory(event=event)
    message = send(registration, "already_registered")
    assert f"/r/{registration.token}/confirm/" in message.body


def test_markup_in_names_is_escaped_in_html_and_plain_in_text(event):
    registration = RegistrationFactory(
        event=event, first_name="<b>Erika</b>", email_confirmed_at=timezone.now()
    )
    message = send(registration, "waitlisted")
    assert "Guten Tag <b>Erika</b>," in message.body
    assert "&lt;b&gt;Erika&lt;/b&gt;" in html_of(message)
    assert "<b>Erika</b>" not in html_of(message)


def test_line_breaks_in_title_cannot_inject_headers(event):
    event.title = "Talk\r\nBcc: victim@example.org\nX-Evil: 1"
    event.save()
    registration = RegistrationFactory(event=event)

    message = send(registration, "confirm_address")

    headers = message.message().as_string().split("\n\n")[0]
    assert "\nBcc:" not in headers
    assert "\nX-Evil:" not in headers
    assert message.subject == (
        "Bitte bestätigen Sie Ihre Anmeldung: Talk Bcc: victim@example.org X-Evil: 1"
    )
    assert message.recipients() == [registration.email]


@override_settings(SITE_URL="https://veranstaltungen.example.org")
def test_links_use_the_public_address(event):
    registration = RegistrationFactory(event=event)
    message = send(registration, "confirm_address")
    assert f"https://veranstaltungen.example.org/r/{registration.token}/confirm/" in message.body


def test_no_mail_for_erased_registration(event):
    registration = RegistrationFactory(event=event)
    services.erase_personal_data(registration=registration)
    assert not mails.deliver(registration_id=registration.pk, kind="cancelled")
    assert mail.outbox == []


def test_date_header_carries_the_local_offset(event):
    registration = RegistrationFactory(event=event)

    message = send(registration, "confirm_address").message()

    sent = parsedate_to_datetime(message["Date"])
    assert not message["Date"].endswith("-0000")
    assert sent.utcoffset() == timezone.localtime().utcoffset()


@pytest.mark.parametrize(
    "title",
    [
        "LandtagsTalk: Digital.Bürgernah.Effizient. – Wie gestalten wir die Kommune der Zukunft?",
        "LandtagsTalk: Digital Buergernah Effizient - Wie gestalten wir die Kommune der Zukunft",
    ],
)
def test_long_subject_is_folded_without_a_leading_space(event, title):
    event.title = title
    event.save()
    registration = RegistrationFactory(event=event)

    raw = send(registration, "confirm_address").message().as_bytes()

    headers = raw.split(b"\n\n")[0].decode("ascii").splitlines()
    subject_line = next(line for line in headers if line.startswith("Subject:"))
    assert subject_line.strip() != "Subject:"
    assert all(len(line) <= 78 for line in headers)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == f"Bitte bestätigen Sie Ihre Anmeldung: {title}"


def test_personal_calendar_reads_the_agenda_onto_the_loaded_event(event, django_assert_num_queries):
    slot = AgendaSlotFactory(event=event, title="Podium")
    SlotSpeakerFactory(slot=slot)
    registration = Registration.objects.select_related("event").get(
        pk=RegistrationFactory(event=event, status=Status.CONFIRMED).pk
    )

    # The slots and their people; the event itself is not read again, mail after mail.
    with django_assert_num_queries(2):
        calendar = Calendar.from_ical(mails.personal_calendar(registration, method="REQUEST"))

    (entry,) = calendar.walk("VEVENT")
    assert "Podium" in str(entry["DESCRIPTION"])
