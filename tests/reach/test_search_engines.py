"""sitemap.xml, robots.txt, canonical addresses and the language versions of a page."""

import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone
from PIL import Image

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

SITE = "https://talk.example.org"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


def link(page, rel, hreflang=None):
    attrs = f'rel="{rel}"' + (f' hreflang="{hreflang}"' if hreflang else "")
    match = re.search(rf'<link {attrs} href="([^"]*)">', page)
    return match and match.group(1)


def test_sitemap_lists_published_events_and_pages_in_both_languages(client):
    event = EventFactory()
    draft = EventFactory(is_published=False)

    response = client.get("/sitemap.xml")

    root = ET.fromstring(response.content)
    locations = [loc.text for loc in root.findall("s:url/s:loc", NS)]
    assert f"{SITE}/events/{event.slug}/" in locations
    assert f"{SITE}/events/{event.slug}/?lang=en" in locations
    assert f"{SITE}/" in locations
    assert f"{SITE}/datenschutz/" in locations
    assert not any(draft.slug in location for location in locations)
    entry = next(
        url for url in root.findall("s:url", NS)
        if url.find("s:loc", NS).text == f"{SITE}/events/{event.slug}/"
    )
    alternates = {
        alt.get("hreflang"): alt.get("href") for alt in entry.findall("x:link", NS)
    }
    assert alternates == {
        "de": f"{SITE}/events/{event.slug}/",
        "en": f"{SITE}/events/{event.slug}/?lang=en",
        "x-default": f"{SITE}/events/{event.slug}/",
    }
    # The day of the change where the site is: after 23:00 UTC, Berlin has the next one.
    assert entry.find("s:lastmod", NS).text == f"{timezone.localdate(event.updated_at):%Y-%m-%d}"


def test_sitemap_x_default_keeps_every_address_whole(client):
    event = EventFactory(slug="de")

    root = ET.fromstring(client.get("/sitemap.xml").content)

    english = next(
        url for url in root.findall("s:url", NS)
        if url.find("s:loc", NS).text == f"{SITE}/events/de/?lang=en"
    )
    alternates = {alt.get("hreflang"): alt.get("href") for alt in english.findall("x:link", NS)}
    assert alternates["x-default"] == f"{SITE}{event.get_absolute_url()}"
    start = next(
        url for url in root.findall("s:url", NS) if url.find("s:loc", NS).text == f"{SITE}/"
    )
    assert {alt.get("hreflang") for alt in start.findall("x:link", NS)} == {"de", "en", "x-default"}


def test_robots_txt_points_to_the_sitemap_and_keeps_out_personal_pages(client):
    text = client.get("/robots.txt").content.decode()

    assert f"Sitemap: {SITE}/sitemap.xml" in text.splitlines()
    assert "Disallow: /r/" in text.splitlines()
    assert "Disallow: /admin/" in text.splitlines()


def test_pages_name_their_canonical_address_and_language_versions(client):
    event = EventFactory()
    url = f"{SITE}/events/{event.slug}/"

    page = client.get(event.get_absolute_url() + "?utm_source=x").content.decode()

    assert link(page, "canonical") == url
    assert link(page, "alternate", "de") == url
    assert link(page, "alternate", "en") == f"{url}?lang=en"
    assert link(page, "alternate", "x-default") == url


def test_lang_parameter_shows_english_and_names_itself_canonical(client):
    event = EventFactory()

    page = client.get(event.get_absolute_url() + "?lang=en").content.decode()

    assert '<html lang="en">' in page
    assert "Register now" in page
    assert link(page, "canonical") == f"{SITE}/events/{event.slug}/?lang=en"
    # The language switch goes back to the page without the parameter.
    assert f'href="/language/de/?next=/events/{event.slug}/"' in page


def test_lang_parameter_with_an_unknown_language_is_ignored(client):
    page = client.get("/?lang=xx%01").content.decode()

    assert '<html lang="de">' in page
    assert link(page, "canonical") == f"{SITE}/"


def test_sitemap_and_robots_queries_are_fixed(client, django_assert_max_num_queries):
    EventFactory.create_batch(3)
    with django_assert_max_num_queries(2):
        client.get("/sitemap.xml")
    with django_assert_max_num_queries(0):
        client.get("/robots.txt")


def test_favicon_ico_leads_to_our_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.ico"
    assert "max-age=86400" in response["Cache-Control"]
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    image = Image.open(io.BytesIO(b"".join(icon.streaming_content)))
    assert image.format == "ICO"
    assert (32, 32) in image.info["sizes"]
