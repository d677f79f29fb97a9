"""Every mail fits a 320 px phone without sideways scrolling, in HTML and in plain text."""

import datetime
import html

import pytest
from django.core import mail
from django.utils import timezone

from events import services as event_services
from registrations import mails, outreach
from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status
PHONE = 320
# How mail apps show a plain-text part: the lines as they are, a long word (a link) broken
# where it must (Gmail, Apple Mail and Outlook on phones do).
TEXT_PAGE = (
    '<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width">'
    "</head><body style=\"margin:8px;font:16px Arial,sans-serif\"><div style=\"white-space:"
    'pre-wrap;overflow-wrap:break-word">{}</div></body></html>'
)


def send_all_mails():
    """One mail of each kind the templates in registrations/email/ make, in German."""
    starts = timezone.now() + datetime.timedelta(days=10)
    event = EventFactory(
        title="LandtagsTalk: Digital.Bürgernah.Effizient. – Wie gestalten wir die Kommune "
        "der Zukunft?",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        online_url="https://zoom.example.org/j/12345678901?pwd=abcdefghijklmnopqrstuvwxyz0123",
    )
    person = RegistrationFactory(
        event=event, status=Status.CONFIRMED, email_confirmed_at=timezone.now(),
        first_name="Maximiliane", email="maximiliane.mustermann-schulze@rathaus.example.org",
    )
    for kind in mails.SUBJECTS:
        mails.deliver(registration_id=person.pk, kind=kind)
    outreach.send_message(
        event=event, sender=None, subject="Neue Startzeit",
        body="Die Aufzeichnung: {documentation_link}\nIhre Rückmeldung: {feedback_link}",
        audiences=["confirmed"],
    )
    event_services.update_event(
        event=event,
        changes={"starts_at": starts + datetime.timedelta(minutes=30),
                 "ends_at": starts + datetime.timedelta(hours=2, minutes=30),
                 "location": "Landtag Nordrhein-Westfalen, Platz des Landtags 1, Düsseldorf",
                 "online_url": "https://zoom.example.org/j/98765432109?pwd=zyxwvutsrqponmlkjih"},
    )
    event_services.update_event(event=event, changes={"is_cancelled": True})


def width_of(page, content):
    page.set_content(content)
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    # Before the browser starts: beside Playwright's event loop the ORM would open a
    # connection of its own, outside the test's transaction.
    with django_capture_on_commit_callbacks(execute=True):
        send_all_mails()
    return list(mail.outbox)


def test_every_mail_fits_a_phone_of_320_px(sent, browser):
    page = browser.new_page(viewport={"width": PHONE, "height": 640})
    widths = {
        message.subject.split(":")[0]: (
            width_of(page, message.alternatives[0][0]),
            width_of(page, TEXT_PAGE.format(html.escape(message.body))),
        )
        for message in sent
    }

    assert len(widths) == len(mails.SUBJECTS) + 3  # and a message, a change, a cancellation
    assert {subject: w for subject, w in widths.items() if max(w) > PHONE} == {}
