"""Whole public pages from the cache, and never a stale one after a change."""

from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from landtagstalk import page_cache as cache_module
from landtagstalk.page_cache import PublicPageCacheMiddleware
from registrations import services
from tests.factories import AgendaSlotFactory, EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60


def get(client, url, **extra):
    return client.get(url, headers={"X-Forwarded-Proto": "https"}, **extra)


def test_event_page_comes_from_the_cache_the_second_time(
    client, django_assert_num_queries
):
    event = EventFactory(title="LandtagsTalk Digital")
    first = get(client, event.get_absolute_url())

    with django_assert_num_queries(0):
        second = get(client, event.get_absolute_url())

    assert second.content == first.content
    assert "LandtagsTalk Digital" in second.text
    assert "default-src 'self'" in second["Content-Security-Policy"]
    assert second["Content-Language"] == "de"


def test_change_of_the_event_shows_at_once(client):
    event = EventFactory(title="Alter Titel")
    slot = AgendaSlotFactory(event=event, title="Begrüßung")
    get(client, event.get_absolute_url())

    event.title = "Neuer Titel"
    event.save()
    slot.title = "Grußwort"
    slot.save()
    page = get(client, event.get_absolute_url()).text

    assert "Neuer Titel" in page and "Alter Titel" not in page
    assert "Grußwort" in page


def test_registration_that_changes_no_state_keeps_the_pages(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=100)
    get(client, "/")
    get(client, event.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        services.register(event=event, first_name="E", last_name="M", email="e@example.org")

    with django_assert_num_queries(0):
        get(client, "/")
        get(client, event.get_absolute_url())


def test_registration_that_fills_the_event_shows_at_once(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=2)
    services.register(event=event, first_name="A", last_name="M", email="a@example.org")
    assert "Noch 1 Platz frei" in get(client, event.get_absolute_url()).text
    assert "Freie Plätze: 1" in get(client, "/").text

    with django_capture_on_commit_callbacks(execute=True):
        services.register(event=event, first_name="B", last_name="M", email="b@example.org")

    assert "Alle Plätze sind vergeben" in get(client, event.get_absolute_url()).text
    assert "Ausgebucht – Warteliste" in get(client, "/").text


def test_visitor_with_csrf_and_language_cookies_gets_the_cached_page(
    client, django_assert_num_queries
):
    event = EventFactory()
    get(client, event.get_absolute_url())
    client.cookies["csrftoken"] = "x" * 32
    client.cookies["django_language"] = "de"

    with django_assert_num_queries(0):
        get(client, event.get_absolute_url())


def test_pages_differ_by_language(client):
    event = EventFactory()
    german = get(client, event.get_absolute_url())
    english = get(client, event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")

    assert german["Content-Language"] == "de"
    assert english["Content-Language"] == "en"


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_visitor_with_a_session_or_message_gets_a_fresh_page(
    client, django_assert_num_queries, cookie
):
    event = EventFactory()
    get(client, event.get_absolute_url())
    client.cookies[cookie] = "abc"

    # The event; its agenda comes from the fragment kept under the event's version.
    with django_assert_num_queries(1):
        get(client, event.get_absolute_url())


def test_health_check_is_never_cached(client, monkeypatch):
    from django.db import connection

    assert client.get("/healthz").status_code == 200

    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("gone")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    assert client.get("/healthz").status_code == 503


def test_foreign_host_refused_even_for_a_cached_page(client):
    event = EventFactory()
    get(client, event.get_absolute_url())

    response = get(client, event.get_absolute_url(), HTTP_HOST="evil.example.com")

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("headers", "cookie", "status", "cacheable"),
    [
        ({}, None, 200, True),
        ({"Vary": "Cookie"}, None, 200, False),  # a page with a CSRF token
        ({"Vary": "Accept-Language, Cookie"}, None, 200, False),
        ({}, "csrftoken", 200, False),
        ({}, None, 404, False),
    ],
)
def test_only_responses_without_cookies_are_kept(headers, cookie, status, cacheable):
    response = HttpResponse("page", status=status, headers=headers)
    if cookie:
        response.set_cookie(cookie, "x")

    assert PublicPageCacheMiddleware.cacheable_response(response) is cacheable


def test_expired_seats_show_at_once_on_the_cached_page(client, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    services.register(event=event, first_name="A", last_name="B", email="a@example.org")
    assert "Alle Plätze sind vergeben" in get(client, event.get_absolute_url()).text

    with django_capture_on_commit_callbacks(execute=True):
        services.expire_pending(now=timezone.now() + timedelta(hours=49))

    assert "Noch 1 Platz frei" in get(client, event.get_absolute_url()).text


def test_edit_of_a_legal_page_shows_at_once(client):
    from events.models import LegalPage

    privacy = LegalPage.objects.get(kind=LegalPage.Kind.PRIVACY)
    privacy.body = "Alte Fassung der Datenschutzhinweise."
    privacy.save()
    assert "Alte Fassung" in get(client, "/datenschutz/").text

    privacy.body = "Neue Fassung der Datenschutzhinweise."
    privacy.save()
    page = get(client, "/datenschutz/").text

    assert "Neue Fassung" in page and "Alte Fassung" not in page


def test_a_cached_answer_with_an_etag_gives_304_to_a_client_that_has_it(client):
    EventFactory(title="Kommune der Zukunft")
    first = get(client, "/api/v1/events/")
    etag = first["ETag"]

    again = get(client, "/api/v1/events/", HTTP_IF_NONE_MATCH=etag)
    other = get(client, "/api/v1/events/", HTTP_IF_NONE_MATCH='"something-else"')

    assert first.status_code == 200
    assert again.status_code == 304
    assert again.content == b""
    assert other.status_code == 200 and "Kommune der Zukunft" in other.text


def other_view(request, slug):
    return HttpResponse(f"another site’s {slug}")


# The URLconf of test_a_changed_urlconf_is_not_answered_from_remembered_matches.
urlpatterns = [path("events/<slug:slug>/", other_view)]


def test_a_changed_urlconf_is_not_answered_from_remembered_matches(client, settings):
    event = EventFactory(title="Kommune der Zukunft")
    url = event.get_absolute_url()
    assert "Kommune der Zukunft" in get(client, url).text

    settings.ROOT_URLCONF = __name__
    page = get(client, url)

    assert page.text == f"another site’s {event.slug}"


def test_remembered_matches_stay_bounded(client, monkeypatch):
    monkeypatch.setattr(cache_module, "MAX_MATCHES", 5)
    cache_module._matches.clear()
    for number in range(12):
        assert get(client, f"/nirgendwo-{number}/").status_code == 404

    assert 0 < len(cache_module._matches) <= 5

    cache_module._matches.clear()
    assert get(client, "/" + "x" * 600 + "/").status_code == 404
    assert cache_module._matches == {}


def test_a_cached_answer_honours_if_match(client):
    event = EventFactory()
    etag = get(client, event.get_absolute_url())["ETag"]

    assert get(client, event.get_absolute_url(), HTTP_IF_MATCH=etag).status_code == 200
    assert get(client, event.get_absolute_url(), HTTP_IF_MATCH='"other"').status_code == 412
