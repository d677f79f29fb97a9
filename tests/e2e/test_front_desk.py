"""The front desk on a phone: from the QR code in the mail to checked in, in one tap after login."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from registrations import front_desk, mails
from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory

from .test_hybrid import violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hall_guest(settings, live_server):
    settings.SITE_URL = live_server.url
    event = EventFactory(
        slug="hybrid", title="LandtagsTalk im Saal und online", format=Event.Format.HYBRID,
        capacity=10, venue_capacity=40, location="Landtag NRW, Raum E3 D01",
        street_address="Platz des Landtags 1", postal_code="40221", locality="Düsseldorf",
    )
    return RegistrationFactory(
        event=event, mode="venue", status=Registration.Status.CONFIRMED,
        email_confirmed_at=timezone.now(), first_name="Erika", last_name="Mustermann",
        organisation="Stadt Bochum",
    )


def url_in_the_mails_qr_code(registration):
    """The check-in URL whose QR code the confirmation mail carries."""
    mails.deliver(registration_id=registration.pk, kind="confirmed")
    (image,) = [part for part in mail.outbox[-1].attachments if not isinstance(part, tuple)]
    url = front_desk.checkin_url(registration)
    assert image.get_payload(decode=True) == front_desk.qr_png(registration)
    return url


def test_phone_checks_in_from_the_mails_qr_code_in_one_tap_after_login(
    browser, live_server, participant_manager, hall_guest
):
    url = url_in_the_mails_qr_code(hall_guest)
    page = browser.new_page(viewport={"width": 375, "height": 812}, locale="de-DE")
    page.goto(url)

    # Not logged in: the login page, which returns to the code's page.
    page.get_by_label("Benutzername").fill(participant_manager.username)
    page.get_by_label("Passwort").fill("pw-for-tests-only")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(url)
    assert page.get_by_role("heading", name="Erika Mustermann").is_visible()

    page.get_by_role("button", name="Einchecken").click()  # the one tap

    page.get_by_text("Eingecheckt um", exact=False).first.wait_for()
    hall_guest.refresh_from_db()
    assert hall_guest.attended and hall_guest.checked_in_at
    page.goto(url)  # a second scan
    local = timezone.localtime(hall_guest.checked_in_at)
    assert page.get_by_text(f"Bereits eingecheckt um {local:%H:%M}.").is_visible()
    page.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_front_desk_pages_have_no_axe_violations(
    browser, live_server, client, participant_manager, hall_guest, width
):
    client.force_login(participant_manager)
    cookie = {
        "name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url
    }
    event = hall_guest.event
    checkin = reverse("admin:registrations_registration_event_checkin", args=[event.pk])
    pages = {
        "checkin-code": front_desk.checkin_url(hall_guest),
        "checkin-search": f"{live_server.url}{checkin}?q=muster",
        "guest-list": live_server.url
        + reverse("admin:registrations_registration_event_guests", args=[event.pk]),
    }
    for name, url in pages.items():
        assert violations(browser, url, width=width, name=name, cookies=[cookie]) == [], name
    personal = live_server.url + hall_guest.personal_path
    assert violations(browser, personal, width=width, name="personal-qr") == []
