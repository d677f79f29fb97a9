"""The Atom feeds of upcoming events and the calendar subscription link."""

import datetime

import feedparser
import pytest
from django.utils import timezone

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

SITE = "https://talk.example.org"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def test_feed_lists_upcoming_published_events_in_order(client):
    later = EventFactory(title="Später", starts_at=timezone.now() + datetime.timedelta(days=30))
    sooner = EventFactory(title="Bald", subtitle="Untertitel", description="Mehr <b>Text</b>")
    EventFactory(title="Vorbei", starts_at=timezone.now() - datetime.timedelta(days=3))
    EventFactory(title="Entwurf", is_published=False)

    feed = parse(client, "/feeds/events.atom")

    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == ["Bald", "Später"]
    first = feed.entries[0]
    assert first.link == f"{SITE}/events/{sooner.slug}/"
    assert first.id == f"tag:talk.example.org,2021:event:{sooner.pk}"
    assert "Untertitel" in first.summary
    # The staff's text is escaped: it reads as text, never as markup.
    assert "Mehr &lt;b&gt;Text&lt;/b&gt;" in first.summary
    assert first.updated
    assert feed.entries[1].link.endswith(f"/events/{later.slug}/")


def test_feed_is_announced_on_every_page(client):
    event = EventFactory()
    for url in ("/", event.get_absolute_url(), "/datenschutz/"):
        page = client.get(url).content.decode()
        assert (
            '<link rel="alternate" type="application/atom+xml" '
            'title="LandtagsTalk: kommende Veranstaltungen" href="/feeds/events.atom">'
        ) in page, url


def test_series_feed_has_only_that_series(client):
    EventFactory(title="Dialog eins", series="Bürgerdialog")
    EventFactory(title="Talk eins", series="LandtagsTalk")

    feed = parse(client, "/feeds/series/burgerdialog.atom")

    assert [entry.title for entry in feed.entries] == ["Dialog eins"]
    assert feed.feed.title == "Bürgerdialog: kommende Veranstaltungen"


def test_event_page_announces_its_series_feed(client):
    event = EventFactory(series="Bürgerdialog")
    page = client.get(event.get_absolute_url()).content.decode()
    assert 'href="/feeds/series/burgerdialog.atom"' in page


def test_unknown_series_feed_is_not_found(client):
    EventFactory(series="Bürgerdialog", is_published=False)
    assert client.get("/feeds/series/burgerdialog.atom").status_code == 404
    assert client.get("/feeds/series/nichts.atom").status_code == 404


def test_calendar_subscription_is_a_webcal_link(client):
    page = client.get("/").content.decode()
    assert '<a href="webcal://talk.example.org/calendar.ics">Kalender-Abo</a>' in page


@pytest.mark.parametrize("count", [1, 3])
def test_feed_queries_are_fixed(client, django_assert_max_num_queries, count):
    EventFactory.create_batch(count, series="Bürgerdialog")
    with django_assert_max_num_queries(1):
        client.get("/feeds/events.atom")
    with django_assert_max_num_queries(2):
        client.get("/feeds/series/burgerdialog.atom")
