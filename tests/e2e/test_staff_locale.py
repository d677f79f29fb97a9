"""Staff elsewhere see Berlin's times without a time-zone warning, and can switch language."""

import pytest
from django.urls import reverse

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)


def staff_page(browser, live_server, client, user, *, timezone_id="Europe/Berlin"):
    client.force_login(user)
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="de-DE", timezone_id=timezone_id
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value,
          "url": live_server.url}]
    )
    return context.new_page()


def test_staff_in_another_time_zone_see_no_warning(browser, live_server, client, editor):
    event = EventFactory()
    page = staff_page(browser, live_server, client, editor, timezone_id="America/New_York")

    page.goto(live_server.url + reverse("admin:events_event_change", args=[event.pk]))

    # DateTimeShortcuts still knows the offset, so "Jetzt" gives Berlin's time.
    assert page.locator(".timezonewarning").count() > 0
    assert not page.locator(".timezonewarning").first.is_visible()
    assert page.get_by_text("Alle Zeiten sind Berliner Zeit (Europe/Berlin).").is_visible()
    page.context.close()


def test_staff_switch_the_admin_to_english_and_back(browser, live_server, client, editor):
    page = staff_page(browser, live_server, client, editor)
    page.goto(live_server.url + reverse("admin:events_event_changelist"))

    page.locator(".lt-languages a", has_text="EN").click()
    english = page.locator("h1").inner_text()
    page.locator(".lt-languages a", has_text="DE").click()
    german = page.locator("h1").inner_text()

    page.context.close()
    assert page.url.endswith(reverse("admin:events_event_changelist"))
    assert (english, german) == ("Select event to change", "Veranstaltung zur Änderung auswählen")
