"""A hybrid event in the browser: its pages have no axe violation at phone and desktop width."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from registrations import services
from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory

from . import axe

pytestmark = pytest.mark.django_db(transaction=True)

# Set to a folder to keep a screenshot of every page checked, for a person to look at.
SCREENSHOTS = os.environ.get("LT_SCREENSHOTS")


@pytest.fixture
def hybrid(settings, live_server):
    settings.SITE_URL = live_server.url
    settings.MAP_URL_TEMPLATE = "https://www.openstreetmap.org/search?query={address}"
    return EventFactory(
        slug="hybrid",
        title="LandtagsTalk im Saal und online",
        format=Event.Format.HYBRID,
        capacity=10,
        venue_capacity=2,
        location="Landtag NRW, Raum E3 D01",
        street_address="Platz des Landtags 1",
        postal_code="40221",
        locality="Düsseldorf",
    )


def violations(browser, url, *, width, name, cookies=(), before_check=None):
    context = axe.new_context(browser, viewport={"width": width, "height": 900}, locale="de-DE")
    context.add_cookies(list(cookies))
    page = context.new_page()
    response = page.goto(url)
    assert response.status == 200, url
    if before_check:
        before_check(page)
    found = axe.violations(page, targets=5)
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS, f"{name}-{width}.png")), full_page=True)
    context.close()
    return found


@pytest.mark.parametrize("width", [375, 1280])
def test_hybrid_public_and_personal_pages_have_no_axe_violations(
    browser, live_server, hybrid, width
):
    RegistrationFactory(event=hybrid, mode="venue", email="full@example.org")
    hall = RegistrationFactory(
        event=hybrid, mode="venue", status=Registration.Status.CONFIRMED,
        email_confirmed_at=timezone.now(),
    )
    online = RegistrationFactory(
        event=hybrid, mode="online", status=Registration.Status.CONFIRMED,
        email_confirmed_at=timezone.now(),
    )
    services.recount_seats(event=hybrid)

    def submit_empty(page):
        page.get_by_role("button", name="Anmelden").click()
        page.get_by_role("alert").first.wait_for()

    pages = {
        "detail": ("/events/hybrid/", None),
        "form": ("/events/hybrid/register/", None),
        "form-errors": ("/events/hybrid/register/", submit_empty),
        "personal-hall": (hall.personal_path, None),
        "personal-online": (online.personal_path, None),
    }
    for name, (path, before_check) in pages.items():
        found = violations(
            browser, live_server.url + path, width=width, name=name, before_check=before_check
        )
        assert found == [], name


def test_choosing_the_hall_with_the_keyboard_registers_for_the_hall(browser, live_server, hybrid):
    page = browser.new_page(viewport={"width": 375, "height": 900}, locale="de-DE")
    page.goto(live_server.url + "/events/hybrid/register/")

    page.get_by_label("Im Saal (noch 2 Plätze frei)").check()
    page.get_by_label("Vorname").fill("Erika")
    page.get_by_label("Nachname").fill("Mustermann")
    page.get_by_label("E-Mail-Adresse").fill("erika@example.org")
    page.get_by_label("Ich willige ausdrücklich ein", exact=False).check()
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/thanks/")
    page.close()

    assert Registration.objects.get().mode == "venue"


@pytest.mark.parametrize("width", [375, 1280])
def test_dashboard_of_a_hybrid_event_has_no_axe_violations(
    browser, live_server, client, participant_manager, hybrid, width
):
    RegistrationFactory(event=hybrid, mode="venue")
    client.force_login(participant_manager)
    cookie = {
        "name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url
    }
    url = live_server.url + reverse("admin:events_event_change", args=[hybrid.pk])

    assert violations(browser, url, width=width, name="dashboard", cookies=[cookie]) == []
