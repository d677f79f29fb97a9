"""The Atom feeds of upcoming events and the calendar subscription link."""

import datetime

import feedparser
import pytest
from django.utils import timezone

from events.models import Event
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
    # One query for Last-Modified (If-Modified-Since), then the events.
    with django_assert_max_num_queries(2):
        since = client.get("/feeds/events.atom")["Last-Modified"]
    with django_assert_max_num_queries(3):
        client.get("/feeds/series/burgerdialog.atom")
    with django_assert_max_num_queries(1):
        client.get("/feeds/events.atom", HTTP_IF_MODIFIED_SINCE=since)


def test_each_feed_has_its_own_id(client):
    EventFactory(series="Bürgerdialog")

    ids = [
        parse(client, url).feed.id
        for url in (
            "/feeds/events.atom",
            "/feeds/series/burgerdialog.atom",
            "/feeds/events.atom?lang=en",
            "/feeds/series/burgerdialog.atom?lang=en",
        )
    ]

    assert ids[0] == "tag:talk.example.org,2021:feed:events"
    assert len(set(ids)) == 4
    assert f"{SITE}/" not in ids


def self_link(feed):
    return next(link.href for link in feed.feed.links if link.rel == "self")


def test_english_feed_points_to_itself(client):
    EventFactory(series="Bürgerdialog")

    english = parse(client, "/feeds/events.atom?lang=en")
    series = parse(client, "/feeds/series/burgerdialog.atom?lang=en")
    german = parse(client, "/feeds/events.atom")

    assert english.feed.title == "LandtagsTalk: upcoming events"
    assert self_link(english) == f"{SITE}/feeds/events.atom?lang=en"
    assert english.feed.link == f"{SITE}/?lang=en"
    assert self_link(series) == f"{SITE}/feeds/series/burgerdialog.atom?lang=en"
    assert self_link(german) == f"{SITE}/feeds/events.atom"


def saved_days_ago(days):
    Event.objects.update(updated_at=timezone.now() - datetime.timedelta(days=days))


def test_feed_answers_not_modified_since_the_last_change(client):
    event = EventFactory()
    saved_days_ago(2)
    since = client.get("/feeds/events.atom")["Last-Modified"]

    again = client.get("/feeds/events.atom", HTTP_IF_MODIFIED_SINCE=since)
    assert again.status_code == 304
    assert again["Last-Modified"] == since
    assert again.content == b""

    event.title = "Neuer Titel"
    event.save()
    changed = client.get("/feeds/events.atom", HTTP_IF_MODIFIED_SINCE=since)
    assert changed.status_code == 200
    assert "Neuer Titel" in changed.content.decode()


def test_feed_is_modified_when_an_event_has_ended(client):
    soon = EventFactory(title="Bald")
    EventFactory(title="Später", starts_at=timezone.now() + datetime.timedelta(days=30))
    saved_days_ago(2)
    since = client.get("/feeds/events.atom")["Last-Modified"]

    # The event ends without anybody saving it: the feed changes all the same.
    now = timezone.now()
    Event.objects.filter(pk=soon.pk).update(
        starts_at=now - datetime.timedelta(hours=3), ends_at=now - datetime.timedelta(hours=1)
    )
    answer = client.get("/feeds/events.atom", HTTP_IF_MODIFIED_SINCE=since)

    assert answer.status_code == 200
    assert [entry.title for entry in feedparser.parse(answer.content).entries] == ["Später"]


def test_called_off_event_says_so_in_the_feed(client):
    EventFactory(title="Digitale Kommune", is_cancelled=True)

    entry = parse(client, "/feeds/events.atom").entries[0]
    english = parse(client, "/feeds/events.atom?lang=en").entries[0]

    assert entry.title == "Abgesagt: Digitale Kommune"
    assert entry.summary.startswith("<p>Abgesagt</p>")
    assert "Storniert" not in entry.summary
    assert english.title == "Cancelled: Digitale Kommune"
