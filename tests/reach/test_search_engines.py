"""sitemap.xml, robots.txt, canonical addresses and the language versions of a page."""

import re
import xml.etree.ElementTree as ET

import pytest

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
    }
    assert entry.find("s:lastmod", NS).text == f"{event.updated_at:%Y-%m-%d}"


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
