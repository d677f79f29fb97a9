"""The Django admin works in a real browser under the strict Content-Security-Policy."""

import os
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils.timezone import localtime

from tests.factories import AgendaSlotFactory, EventFactory

from .conftest import wait_until

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's Chromium is not installed"),
]
SHOTS = Path(os.environ.get("LT_SHOTS", "/tmp/prod-shots"))


@pytest.fixture
def app_server():
    """A server thread for this test only, whose database connections end with it.

    pytest-django's live_server lives for the whole session and keeps an SQLite
    connection open past the test database's deletion, leaving its WAL file behind.
    """
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    threads_before = set(threading.enumerate())
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait(timeout=30)
    if thread.error:
        raise thread.error
    thread.url = f"http://127.0.0.1:{thread.port}"
    yield thread
    thread.terminate()

    # Request threads close their database connection when their client hangs up.
    # (The run's Chromium keeps threads of its own: its event loop's.)
    def request_threads():
        return [
            t for t in set(threading.enumerate()) - threads_before
            if not t.name.startswith("asyncio")
        ]

    wait_until(
        lambda: not request_threads(),
        timeout=10,
        message="the server's request threads to end",
    )


def in_browser(browser, steps, *, url, session=None):
    """Run ``steps(page)`` in a fresh page of Chromium; its result with the CSP violations."""
    page = browser.new_page(locale="de-DE")
    violations = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text
        and violations.append(message.text),
    )
    if session:
        page.context.add_cookies([{"name": "sessionid", "value": session, "url": url}])
    try:
        return steps(page), violations
    finally:
        # Before the server stops: it waits for its connections to end.
        page.context.close()


def session_of(client, user):
    client.force_login(user)
    return client.cookies["sessionid"].value


def test_event_change_page_with_inlines_and_widgets_has_no_csp_violation(
    app_server, browser, client, admin_user
):
    event = EventFactory(title="LandtagsTalk Digital")
    AgendaSlotFactory(
        event=event, title="Begrüßung", ends_at=event.starts_at + timedelta(minutes=15)
    )

    def edit_agenda(page):
        page.goto(f"{app_server.url}/admin/events/event/{event.pk}/change/")
        # nested_admin.js adds the slot, calendar.js and DateTimeShortcuts.js draw the shortcuts
        # of the event's dates, editor.js prefills the new slot's start.
        slots = page.locator(
            "#slots-group .djn-inline-form[data-inline-model='events-agendaslot']"
            ":not(.djn-empty-form)"
        )
        before = slots.count()
        add = page.locator("#slots-group .djn-add-item a", has_text="Programmpunkt hinzufügen")
        add.last.click()
        row = slots.last
        row.locator("input[name$='-title']").fill("Impulsvortrag")
        end = localtime(event.starts_at + timedelta(minutes=45)).strftime("%H:%M")
        row.locator("input[name$='-end_time']").fill(end)
        opens = page.locator(".field-registration_opens_at")
        opens.locator(".datetimeshortcuts a", has_text="Heute").first.click()
        opens.locator(".datetimeshortcuts a", has_text="Jetzt").first.click()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / "admin-event-change.png", full_page=True)
        filled_date = page.locator("#id_registration_opens_at_0").input_value()
        prefilled_start = row.locator("input[name$='-start_time']").input_value()
        after = slots.count()
        page.locator("input[name='_continue']").first.click()
        message = page.locator(".messagelist").inner_text()
        return before, after, filled_date, prefilled_start, message

    (before, after, filled_date, prefilled_start, message), violations = in_browser(
        browser, edit_agenda, url=app_server.url, session=session_of(client, admin_user)
    )

    assert (before, after) == (1, 2)
    assert filled_date != ""
    assert prefilled_start == localtime(event.starts_at + timedelta(minutes=15)).strftime("%H:%M")
    assert "wurde erfolgreich geändert" in message
    assert sorted(event.slots.values_list("title", flat=True)) == ["Begrüßung", "Impulsvortrag"]
    assert violations == []


def test_event_add_page_fills_the_slug_from_the_title_without_csp_violation(
    app_server, browser, client, admin_user
):
    def type_title(page):
        page.goto(f"{app_server.url}/admin/events/event/add/")
        page.locator("#id_title").press_sequentially("LandtagsTalk Bildung")  # prepopulate.js
        return page.locator("#id_slug").input_value()

    slug, violations = in_browser(
        browser, type_title, url=app_server.url, session=session_of(client, admin_user)
    )

    assert slug == "landtagstalk-bildung"
    assert violations == []


def test_violation_listener_notices_an_inline_script(app_server, browser):
    def inject_script(page):
        page.goto(f"{app_server.url}/healthz")
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.x = 1'; document.head.appendChild(s); }"
        )

    _, violations = in_browser(browser, inject_script, url=app_server.url)

    assert violations and "script-src" in violations[0]
