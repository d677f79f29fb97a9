"""The embed pages in Chromium, framed by a page from another origin."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from events.embed import snippet
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)


class Website:
    """A page of another website, served from its own port (so its own origin)."""

    def __init__(self):
        self.html = ""
        website = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = website.html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def show(self, body):
        self.html = (
            '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Fraktion</title>'
            f"</head><body><h1>Website der Fraktion</h1>{body}<p>Ende</p></body></html>"
        )


@pytest.fixture
def websites():
    made = []

    def make():
        made.append(Website())
        return made[-1]

    yield make
    for website in made:
        website.server.shutdown()
        website.server.server_close()


@pytest.fixture
def faction(websites, settings, live_server):
    website = websites()
    settings.EMBED_ORIGINS = [website.origin]
    settings.SITE_URL = live_server.url
    return website


def test_allowed_website_shows_the_events_and_the_frame_grows_with_them(browser, faction):
    EventFactory.create_batch(6, subtitle="Ein Untertitel, der auf dem Telefon umbricht")
    faction.show(snippet())
    page = browser.new_page(viewport={"width": 390, "height": 800}, locale="de-DE")

    page.goto(faction.origin)
    frame = page.frame_locator("iframe[data-landtagstalk-embed]")
    frame.get_by_role("heading", name="Kommende Veranstaltungen").wait_for()
    page.wait_for_function("document.querySelector('iframe').style.height !== '480px'")

    frame_height = page.evaluate("document.querySelector('iframe').getBoundingClientRect().height")
    content_height = frame.locator("html").evaluate("el => el.getBoundingClientRect().height")
    assert abs(frame_height - content_height) <= 2
    assert frame_height > 1000


def test_registering_from_the_frame_opens_the_full_page_in_a_new_tab(
    browser, faction, live_server
):
    event = EventFactory(title="Kommune der Zukunft")
    faction.show(snippet(event))
    page = browser.new_page(locale="de-DE")
    page.goto(faction.origin)
    frame = page.frame_locator("iframe[data-landtagstalk-embed]")

    with page.context.expect_page() as opened:
        frame.get_by_role("link", name="Jetzt anmelden").click()

    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url == f"{live_server.url}/events/{event.slug}/register/"
    assert tab.get_by_label("Vorname").is_visible()


def refused_frame(browser, website, body):
    website.show(body)
    page = browser.new_page(locale="de-DE")
    refusals = []
    page.on("console", lambda message: refusals.append(message.text))
    page.goto(website.origin)
    page.wait_for_timeout(1500)
    shown = page.frame_locator("iframe").get_by_role("heading").count()
    page.close()
    return shown, " ".join(refusals)


def test_another_website_may_not_frame_the_embed(browser, faction, websites):
    EventFactory()
    stranger = websites()

    shown, refusals = refused_frame(browser, stranger, snippet())

    assert shown == 0
    assert "frame-ancestors" in refusals


def test_the_allowed_website_may_not_frame_the_other_pages(browser, faction, live_server):
    event = EventFactory()

    shown, refusals = refused_frame(
        browser,
        faction,
        f'<iframe title="Seite" src="{live_server.url}{event.get_absolute_url()}"></iframe>',
    )

    assert shown == 0
    assert "frame-ancestors" in refusals


def test_frame_of_a_short_page_shrinks_to_it(browser, faction):
    event = EventFactory(title="Kurz")
    faction.show(snippet(event))
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="de-DE")

    page.goto(faction.origin)
    page.frame_locator("iframe").get_by_role("heading", name="Kurz").wait_for()
    page.wait_for_function("document.querySelector('iframe').style.height !== '480px'")

    assert page.evaluate("document.querySelector('iframe').getBoundingClientRect().height") < 480
