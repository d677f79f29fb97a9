"""A citizen registers in a real browser, confirms from the mail, sees the join link, cancels."""

import re

from django.core import mail

from tests.factories import EventFactory

JOIN_URL = "https://zoom.example.org/j/123456789"


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
