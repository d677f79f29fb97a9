"""The embed pages: framable by the faction's website only, registering in a new tab."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

FACTION = "https://www.fraktion.example"


@pytest.fixture(autouse=True)
def origins(settings):
    settings.EMBED_ORIGINS = [FACTION]
    settings.SITE_URL = "https://talk.example.org"


def frame_ancestors(response):
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    return directives["frame-ancestors"]


def test_embed_pages_are_framable_by_the_configured_origins_only(client):
    event = EventFactory()
    for url in ("/embed/", f"/events/{event.slug}/embed/"):
        response = client.get(url)
        assert response.status_code == 200
        assert frame_ancestors(response) == FACTION
        assert "X-Frame-Options" not in response


def test_every_other_page_stays_unframable(client):
    event = EventFactory()
    for url in ("/", event.get_absolute_url(), f"/events/{event.slug}/register/", "/api/v1/docs/"):
        response = client.get(url)
        assert frame_ancestors(response) == "'none'", url
        assert response["X-Frame-Options"] == "DENY", url


def test_embed_without_configured_origins_is_unframable(client, settings):
    settings.EMBED_ORIGINS = []
    response = client.get("/embed/")
    assert frame_ancestors(response) == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_embed_from_the_page_cache_keeps_its_frame_rules(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    EventFactory()
    client.get("/embed/")

    cached = client.get("/embed/")

    assert frame_ancestors(cached) == FACTION
    assert "X-Frame-Options" not in cached


def test_embed_list_shows_upcoming_events_and_registers_in_a_new_tab(client):
    event = EventFactory(title="Kommune der Zukunft", capacity=1)
    RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
    other = EventFactory(title="Zweite Runde")

    page = client.get("/embed/").content.decode()

    assert "Kommune der Zukunft" in page
    assert (
        f'<a class="btn btn-primary btn-sm" href="/events/{other.slug}/register/" '
        'target="_blank" rel="noopener">Jetzt anmelden'
    ) in page
    assert f'href="/events/{event.slug}/register/" target="_blank"' in page
    assert "Auf die Warteliste" in page
    assert "<form" not in page  # no form in a frame: its CSRF cookie would be blocked
    assert '<script src="/static/js/embed.js" defer></script>' in page
    assert '<meta name="robots" content="noindex, follow">' in page


def test_embed_event_shows_the_facts_and_never_the_join_link(client):
    event = EventFactory(capacity=20, online_url="https://zoom.example.org/j/secret")

    page = client.get(f"/events/{event.slug}/embed/").content.decode()

    assert "20 Plätze frei" in page
    assert "(öffnet in einem neuen Tab)" in page
    assert "secret" not in page
    assert f'<link rel="canonical" href="https://talk.example.org/events/{event.slug}/">' in page


def test_embed_of_unpublished_event_is_not_found(client):
    event = EventFactory(is_published=False)
    assert client.get(f"/events/{event.slug}/embed/").status_code == 404


def test_admin_shows_editors_the_snippet_to_copy(client, editor):
    event = EventFactory(title='Talk "mit" <Zeichen>')
    client.force_login(editor)

    page = client.get(f"/admin/events/event/{event.pk}/change/").content.decode()

    assert "Auf der Website der Fraktion zeigen" in page
    assert (
        f"&lt;iframe src=&quot;https://talk.example.org/events/{event.slug}/embed/&quot; "
        "title=&quot;Talk &amp;quot;mit&amp;quot; &amp;lt;Zeichen&amp;gt;&quot;"
    ) in page
    assert "https://talk.example.org/static/js/embed-host.js" in page


def check_with_embed_origins(value):
    env = {**os.environ, "DJANGO_DEBUG": "1", "DJANGO_EMBED_ORIGINS": value}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, check=False,
    )


@pytest.mark.parametrize(
    "value", ["https://a.example;script-src *", "javascript:alert(1)", "https://a.example/path"]
)
def test_embed_origins_setting_refuses_what_is_not_an_origin(value):
    result = check_with_embed_origins(value)
    assert result.returncode != 0
    assert "DJANGO_EMBED_ORIGINS" in result.stderr


@pytest.mark.parametrize("port", ["99999", "0", "65536"])
def test_embed_origins_setting_refuses_an_invalid_port(port):
    result = check_with_embed_origins(f"https://a.example, https://b.example:{port}")

    assert result.returncode != 0
    assert (
        f"DJANGO_EMBED_ORIGINS: 'https://b.example:{port}' has the port {port}; a port is a "
        "number from 1 to 65535"
    ) in result.stderr


def test_embed_origins_setting_takes_a_valid_port():
    result = check_with_embed_origins("https://a.example:8443,http://b.example:65535")

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("count", [1, 3])
def test_embed_queries_are_fixed(client, django_assert_max_num_queries, count):
    events = EventFactory.create_batch(count, capacity=5)
    with django_assert_max_num_queries(1):
        client.get("/embed/")
    with django_assert_max_num_queries(1):
        client.get(f"/events/{events[0].slug}/embed/")
