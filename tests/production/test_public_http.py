"""HTTP for public pages: ETag and 304, public caching only of what holds nothing
personal, compression only without secrets (BREACH), framing by the settings of now."""

import gzip

import pytest

from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[60, 0], ids=["page cache", "no page cache"])
def page_cache_seconds(request, settings):
    settings.PAGE_CACHE_SECONDS = request.param
    return request.param


def get(client, url, **headers):
    return client.get(url, headers={"X-Forwarded-Proto": "https", **headers})


def test_event_page_has_an_etag_and_answers_304_to_a_client_that_has_it(
    client, page_cache_seconds
):
    event = EventFactory(title="Kommune der Zukunft")
    first = get(client, event.get_absolute_url())

    again = get(client, event.get_absolute_url(), **{"If-None-Match": first["ETag"]})
    other = get(client, event.get_absolute_url(), **{"If-None-Match": '"anderes"'})

    assert first.status_code == 200 and first["ETag"]
    assert again.status_code == 304 and again.content == b""
    assert other.status_code == 200 and "Kommune der Zukunft" in other.text


def test_public_pages_may_be_kept_by_browsers_and_proxies(client, page_cache_seconds):
    event = EventFactory()

    for url in ("/", event.get_absolute_url(), "/datenschutz/", "/feeds/events.atom"):
        response = get(client, url)
        assert response["Cache-Control"].startswith("public, max-age="), url


def test_form_token_and_staff_pages_are_never_public(client, editor, page_cache_seconds):
    event = EventFactory()
    registration = RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
    form = get(client, f"/events/{event.slug}/register/")
    personal = get(client, f"/r/{registration.token}/")
    client.force_login(editor)
    staff = get(client, f"/admin/events/event/{event.pk}/change/")
    preview_by_staff = get(client, event.get_absolute_url())

    for response in (form, personal, staff, preview_by_staff):
        assert "public" not in response.get("Cache-Control", ""), response.request["PATH_INFO"]


def test_html_is_compressed_when_the_client_asks(client, page_cache_seconds):
    event = EventFactory(title="Kommune der Zukunft")
    plain = get(client, event.get_absolute_url())

    compressed = get(client, event.get_absolute_url(), **{"Accept-Encoding": "gzip, br"})

    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == plain.content


def test_page_with_a_csrf_token_is_never_compressed(client, page_cache_seconds):
    event = EventFactory()

    form = get(client, f"/events/{event.slug}/register/", **{"Accept-Encoding": "gzip"})

    assert "csrfmiddlewaretoken" in form.text
    assert "Content-Encoding" not in form


def test_personal_page_is_never_compressed(client, page_cache_seconds):
    registration = RegistrationFactory(status=Registration.Status.CONFIRMED)

    page = get(client, f"/r/{registration.token}/", **{"Accept-Encoding": "gzip"})

    assert page.status_code == 200
    assert "Content-Encoding" not in page


def test_cached_embed_is_unframable_once_its_origins_are_switched_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    settings.EMBED_ORIGINS = ["https://www.spd-fraktion.example"]
    event = EventFactory()
    for url in ("/embed/", f"/events/{event.slug}/embed/"):
        framable = get(client, url)
        assert "frame-ancestors https://www.spd-fraktion.example" in framable[
            "Content-Security-Policy"
        ]
        assert "X-Frame-Options" not in framable

    settings.EMBED_ORIGINS = []

    for url in ("/embed/", f"/events/{event.slug}/embed/"):
        cached = get(client, url)
        assert "frame-ancestors 'none'" in cached["Content-Security-Policy"], url
        assert cached["X-Frame-Options"] == "DENY", url


def test_embed_switched_on_later_is_framable_from_the_cache(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    settings.EMBED_ORIGINS = []
    get(client, "/embed/")

    settings.EMBED_ORIGINS = ["https://www.spd-fraktion.example"]
    cached = get(client, "/embed/")

    assert "frame-ancestors https://www.spd-fraktion.example" in cached["Content-Security-Policy"]
    assert "X-Frame-Options" not in cached


def test_embed_answered_with_304_stays_framable(client, settings, page_cache_seconds):
    settings.EMBED_ORIGINS = ["https://www.spd-fraktion.example"]
    first = get(client, "/embed/")

    again = get(client, "/embed/", **{"If-None-Match": first["ETag"]})

    assert again.status_code == 304
    assert "frame-ancestors https://www.spd-fraktion.example" in again["Content-Security-Policy"]
    assert "X-Frame-Options" not in again


def test_page_in_the_language_of_a_cookie_is_for_that_browser_only(client, page_cache_seconds):
    event = EventFactory()
    get(client, event.get_absolute_url())
    client.cookies["django_language"] = "en"

    english = get(client, event.get_absolute_url())

    assert english["Content-Language"] == "en"
    assert english["Cache-Control"].startswith("private, max-age=")
