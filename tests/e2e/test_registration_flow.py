"""A citizen registers in a real browser, confirms from the mail, sees the join link, cancels."""

import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django.db import connections

from tests.factories import EventFactory

CHROMIUM = Path("/usr/bin/chromium")
JOIN_URL = "https://zoom.example.org/j/123456789"


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), (
        "Browser tests need Debian's Chromium at /usr/bin/chromium: apt-get install chromium"
    )
    # Playwright's sync API runs an event loop; Django's ORM in the test refuses to run
    # beside one unless told that this thread is fine.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
        # The ORM calls made beside Playwright's event loop opened their own connection;
        # closed here, or PostgreSQL cannot drop the test database at the end.
        connections.close_all()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def test_register_confirm_join_and_cancel(live_server, browser, settings):
    settings.SITE_URL = live_server.url
    event = EventFactory(title="LandtagsTalk: Digital", capacity=20, online_url=JOIN_URL)
    page = browser.new_page(viewport={"width": 360, "height": 800}, locale="de-DE")

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="LandtagsTalk: Digital").click()
    page.get_by_role("link", name="Jetzt anmelden").click()
    page.get_by_label("Vorname").fill("Erika")
    page.get_by_label("Nachname").fill("Mustermann")
    page.get_by_label("E-Mail-Adresse").fill("erika@example.org")
    page.get_by_label("Ihre Frage an das Podium").fill("Wie geht es weiter?")
    page.get_by_label("Ich willige ausdrücklich ein").check()
    page.get_by_role("button", name="Anmelden").click()

    page.get_by_role("heading", name="Bitte sehen Sie in Ihr Postfach").wait_for()
    (message,) = mail.outbox
    confirm_url = re.search(r"(http\S+/confirm/)", message.body).group(1)

    page.goto(confirm_url)
    page.get_by_role("button", name="Anmeldung bestätigen").click()

    page.get_by_text("Vielen Dank: Ihre Anmeldung ist bestätigt.").wait_for()
    join = page.get_by_role("link", name="Zur Veranstaltung")
    assert join.get_attribute("href") == JOIN_URL
    assert JOIN_URL in mail.outbox[-1].body

    page.get_by_role("link", name="Anmeldung stornieren").click()
    page.get_by_role("button", name="Ja, Anmeldung stornieren").click()

    page.get_by_text("Status: Storniert.").wait_for()
    assert page.get_by_role("link", name="Zur Veranstaltung").count() == 0
    assert event.registrations.get().status == "cancelled"
