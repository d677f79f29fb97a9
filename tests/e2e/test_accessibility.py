"""WCAG 2.1 AA (BITV 2.0): axe-core finds no violation on the public pages; keyboard works."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from events.models import Event
from registrations import services
from tests.factories import EventFactory

from . import axe


@pytest.fixture
def demo_event(settings, live_server):
    settings.SITE_URL = live_server.url
    call_command("loaddemo", "--force", "--date", "2031-04-29", stdout=StringIO())
    return Event.objects.get()


@pytest.fixture
def check_page(browser, live_server):
    """The axe violations of a public page. One page per width and language serves them all,
    without the cookies of the page before."""
    pages = {}

    def check(path, *, width=1280, language="de-DE", before_check=None):
        if (width, language) not in pages:
            context = axe.new_context(
                browser, viewport={"width": width, "height": 900}, locale=language
            )
            pages[width, language] = context.new_page()
        page = pages[width, language]
        page.context.clear_cookies()
        page.goto(live_server.url + path)
        if before_check:
            before_check(page)
        return axe.violations(page)

    return check


def registration_for(event):
    registration, _ = services.register(
        event=event, first_name="Erika", last_name="Mustermann", email="erika@example.org"
    )
    return registration


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("language", ["de-DE", "en-GB"])
def test_public_pages_have_no_axe_violations(demo_event, check_page, width, language):
    paths = [
        "/",
        demo_event.get_absolute_url(),
        f"/events/{demo_event.slug}/register/",
        f"/events/{demo_event.slug}/register/thanks/",
        "/datenschutz/",
        "/impressum/",
        "/barrierefreiheit/",
        "/leichte-sprache/",
        "/gebaerdensprache/",
        "/?q=digital",
        "/?q=nichts",
        "/embed/",
        f"/events/{demo_event.slug}/embed/",
        "/api/v1/docs/",
    ]
    for path in paths:
        assert check_page(path, width=width, language=language) == [], path


def test_registration_form_with_errors_has_no_axe_violations(demo_event, check_page):
    def submit_empty(page):
        page.get_by_role("button", name="Anmelden").click()
        page.get_by_role("alert").first.wait_for()

    violations = check_page(f"/events/{demo_event.slug}/register/", before_check=submit_empty)

    assert violations == []


def test_personal_and_confirmation_pages_have_no_axe_violations(demo_event, check_page):
    registration = registration_for(demo_event)
    token = registration.token

    assert check_page(f"/r/{token}/confirm/") == []
    assert check_page(f"/r/{token}/") == []
    services.confirm(registration=registration)
    assert check_page(f"/r/{token}/") == []
    assert check_page(f"/r/{token}/data/") == []
    assert check_page(f"/r/{token}/cancel/") == []
    assert check_page(f"/r/{token}/delete/") == []


def test_full_and_closed_event_pages_have_no_axe_violations(check_page, live_server):
    full = EventFactory(capacity=1)
    registration_for(full)
    closed = EventFactory(registration_closes_at=timezone.now() - timedelta(minutes=1))
    for event in (full, closed):
        assert check_page(event.get_absolute_url()) == [], event.slug
        assert check_page(f"/events/{event.slug}/embed/") == [], event.slug
    assert check_page("/embed/") == []


def test_archive_pages_have_no_axe_violations(check_page, live_server):
    for days in range(1, 25):
        EventFactory(starts_at=timezone.now() - timedelta(days=days), title=f"Vorbei {days}")
    assert check_page("/?page=2") == []
    assert check_page("/?q=vorbei&page=3", width=360) == []


def test_axe_check_catches_a_violation(demo_event, check_page):
    """The negative control: a page made inaccessible on purpose does not pass."""

    def break_page(page):
        page.evaluate("document.querySelector('#id_first_name').labels[0].remove()")

    violations = check_page(f"/events/{demo_event.slug}/register/", before_check=break_page)

    assert any(v.startswith("label ") for v in violations), violations


def test_registration_works_by_keyboard_alone(demo_event, browser, live_server):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page.goto(live_server.url + f"/events/{demo_event.slug}/register/")

    def tab_to(label):
        for _ in range(40):
            page.keyboard.press("Tab")
            focused = page.evaluate(
                "() => { const el = document.activeElement;"
                " return el.labels && el.labels.length ? el.labels[0].innerText : el.innerText; }"
            )
            if focused and focused.strip().startswith(label):
                return
        raise AssertionError(f"Tab never reached {label!r}")

    tab_to("Vorname")
    page.keyboard.type("Erika")
    tab_to("Nachname")
    page.keyboard.type("Mustermann")
    tab_to("E-Mail-Adresse")
    page.keyboard.type("erika@example.org")
    tab_to("Ich willige ausdrücklich ein")
    page.keyboard.press("Space")
    tab_to("Anmelden")
    page.keyboard.press("Enter")

    page.get_by_role("heading", name="Bitte sehen Sie in Ihr Postfach").wait_for()
    assert demo_event.registrations.get().email == "erika@example.org"
    assert re.search(r"/r/[\w-]+/confirm/", mail.outbox[0].body)
