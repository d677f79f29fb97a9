"""The Django admin works in a real browser under the strict Content-Security-Policy."""

import os
from pathlib import Path

import pytest

from tests.factories import AgendaSlotFactory, EventFactory

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's Chromium is not installed"),
]
SHOTS = Path(os.environ.get("LT_SHOTS", "/tmp/prod-shots"))


@pytest.fixture
def browser_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the
    # test are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        page = browser.new_page(locale="de-DE")
        page.violations = []
        page.on(
            "console",
            lambda message: "Content Security Policy" in message.text
            and page.violations.append(message.text),
        )
        yield page
        browser.close()


def log_in(page, live_server, client, user):
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value,
          "url": live_server.url}]
    )


def test_event_change_page_with_inlines_and_widgets_has_no_csp_violation(
    browser_page, live_server, client, admin_user
):
    page = browser_page
    event = EventFactory(title="LandtagsTalk Digital")
    AgendaSlotFactory(event=event, title="Begrüßung")
    log_in(page, live_server, client, admin_user)

    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/change/")
    # inlines.js adds the row, calendar.js and DateTimeShortcuts.js draw the shortcuts.
    slot_titles = page.locator("input[name^='slots-'][name$='-title']:not([name*='prefix'])")
    assert slot_titles.count() == 1
    page.locator("#slots-group .add-row a", has_text="Programmpunkt hinzufügen").click()
    new_row = page.locator("#slots-group tr.dynamic-slots").last
    new_row.locator("input[name$='-title']").fill("Impulsvortrag")
    new_row.locator(".datetimeshortcuts a", has_text="Heute").first.click()  # calendar.js
    new_row.locator(".datetimeshortcuts a", has_text="Jetzt").first.click()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "admin-event-change.png", full_page=True)
    assert slot_titles.count() == 2
    assert new_row.locator("input[name$='-starts_at_0']").input_value() != ""
    page.locator("input[name='_continue']").first.click()

    assert "wurde erfolgreich geändert" in page.locator(".messagelist").inner_text()
    assert sorted(event.slots.values_list("title", flat=True)) == ["Begrüßung", "Impulsvortrag"]
    assert page.violations == []


def test_event_add_page_fills_the_slug_from_the_title_without_csp_violation(
    browser_page, live_server, client, admin_user
):
    page = browser_page
    log_in(page, live_server, client, admin_user)

    page.goto(f"{live_server.url}/admin/events/event/add/")
    page.locator("#id_title").press_sequentially("LandtagsTalk Bildung")  # prepopulate.js

    assert page.locator("#id_slug").input_value() == "landtagstalk-bildung"
    assert page.violations == []


def test_violation_listener_notices_an_inline_script(browser_page, live_server):
    page = browser_page

    page.goto(f"{live_server.url}/healthz")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.x = 1'; document.head.appendChild(s); }"
    )

    assert page.violations and "script-src" in page.violations[0]
