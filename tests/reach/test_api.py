"""The public read API under /api/v1/ and its OpenAPI document."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from openapi_spec_validator import validate

from events.models import Event
from registrations.models import Registration
from tests.factories import AgendaSlotFactory, EventFactory, RegistrationFactory, SlotSpeakerFactory

pytestmark = pytest.mark.django_db

SITE = "https://talk.example.org"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def seed():
    call_command("loaddemo", "--force", "--date", "2031-04-29", stdout=StringIO())
    event = Event.objects.get()
    event.capacity = 100
    event.online_url = "https://zoom.example.org/j/secret-room"
    event.save()
    RegistrationFactory(
        event=event, email="erika@example.org", status=Registration.Status.CONFIRMED
    )
    return event


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def past(days, **fields):
    return EventFactory(starts_at=timezone.now() - datetime.timedelta(days=days), **fields)


def test_openapi_document_is_valid_openapi_3(client):
    document = get_json(client, "/api/v1/openapi.json")

    validate(document)
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {"/api/v1/events/", "/api/v1/events/{slug}/"}
    assert "online_url" not in json.dumps(document)


def test_event_detail_has_agenda_people_roles_and_seats(client, seed):
    data = get_json(client, f"/api/v1/events/{seed.slug}/")

    assert data["title"] == seed.title
    assert data["starts_at"] == "2031-04-29T18:00:00+02:00"
    assert data["url"] == f"{SITE}/events/{seed.slug}/"
    assert data["registration"] == {
        "state": "open",
        "seats_left": 99,
        "quotas": [],
        "opens_at": None,
        "closes_at": "2031-04-29T18:00:00+02:00",
        "register_url": f"{SITE}/events/{seed.slug}/register/",
    }
    assert [slot["kind"] for slot in data["agenda"]] == [
        "welcome", "talk", "questions", "panel", "questions", "closing"
    ]
    panel = data["agenda"][3]
    assert {"name": "Christina Kampmann MdL", "role": "moderator"} in panel["people"]
    assert len(data["people"]) == 8
    kampmann = next(person for person in data["people"] if person["name"] == "Christina Kampmann")
    assert kampmann["affix"] == "MdL"
    assert "moderator" in kampmann["roles"]


def test_api_never_shows_personal_data_or_the_join_link(client, seed):
    for url in ("/api/v1/events/", f"/api/v1/events/{seed.slug}/", "/api/v1/openapi.json"):
        body = client.get(url).content.decode()
        assert "secret-room" not in body
        assert "zoom.example.org" not in body
        assert "erika@example.org" not in body
        assert "Mustermann" not in body


def test_event_list_upcoming_past_series_and_words(client):
    soon = EventFactory(title="Bald", series="Bürgerdialog")
    EventFactory(title="Später", starts_at=timezone.now() + datetime.timedelta(days=40))
    past(5, title="Vorbei", series="Bürgerdialog")
    EventFactory(title="Entwurf", is_published=False)

    def titles(query):
        return [event["title"] for event in get_json(client, f"/api/v1/events/{query}")["results"]]

    assert titles("") == ["Bald", "Später"]
    assert titles("?when=past") == ["Vorbei"]
    assert titles("?when=all") == ["Später", "Bald", "Vorbei"]
    assert titles("?when=all&series=Bürgerdialog") == ["Bald", "Vorbei"]
    assert titles("?q=sp%C3%A4ter") == ["Später"]
    summary = get_json(client, "/api/v1/events/")["results"][0]
    assert summary["slug"] == soon.slug
    assert summary["api_url"] == f"{SITE}/api/v1/events/{soon.slug}/"
    assert summary["registration"]["state"] == "open"


def test_event_list_is_paginated(client):
    for days in range(1, 46):
        past(days, title=f"Vorbei {days:02d}")

    first = get_json(client, "/api/v1/events/?when=past")
    last = get_json(client, "/api/v1/events/?when=past&page=3")

    assert (first["count"], first["pages"], len(first["results"])) == (45, 3, 20)
    assert first["next"] == f"{SITE}/api/v1/events/?when=past&page=2"
    assert first["previous"] is None
    assert [event["title"] for event in last["results"]] == [
        f"Vorbei {days:02d}" for days in range(41, 46)
    ]
    assert get_json(client, "/api/v1/events/?when=past&page=4", status=404)["detail"]


@pytest.mark.parametrize(
    "query",
    ["?page=0", "?page=abc", "?when=tomorrow", "?page=99999999999999999999", "?q=" + "x" * 300],
)
def test_event_list_refuses_bad_parameters_with_a_clear_answer(client, query):
    response = client.get(f"/api/v1/events/{query}")
    assert response.status_code == 422
    assert response.json()["detail"]


@pytest.mark.parametrize("query", ["?q=%F0%9F%99%82", "?series=%25", "?series=%C3%BC"])
def test_event_list_survives_odd_words(client, query):
    EventFactory()
    assert client.get(f"/api/v1/events/{query}").status_code == 200


def test_event_list_refuses_control_characters_in_the_series(client):
    response = client.get("/api/v1/events/?series=a%01b")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "series"]


@pytest.mark.parametrize(
    "url", ["/api/v1/events/?q=%00", "/api/v1/events/?series=a%00b", "/api/v1/events/a%00b/"]
)
def test_api_refuses_nul_bytes_with_a_json_400(client, url):
    # landtagstalk.errors.RefuseNulMiddleware answers before any view, here in JSON.
    assert get_json(client, url, status=400) == {"detail": "Diese Anfrage ist ungültig."}


def test_pages_refuse_nul_bytes_with_the_html_400(client):
    response = client.get("/?q=%00")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_openapi_document_describes_the_422_answer(client):
    document = get_json(client, "/api/v1/openapi.json")
    answer = client.get("/api/v1/events/?page=abc").json()

    described = document["paths"]["/api/v1/events/"]["get"]["responses"]["422"]
    schema = described["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/ValidationErrors"}
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "loc", "msg"}
    assert set(answer["detail"][0]) <= set(problem["properties"])
    validate(document)


def test_openapi_document_names_the_site_as_its_server(client, settings):
    settings.SITE_URL = "https://landtagstalk.example.net"

    document = get_json(client, "/api/v1/openapi.json")

    assert [server["url"] for server in document["servers"]] == ["https://landtagstalk.example.net"]


@pytest.mark.parametrize(
    "url", ["/api/v1/events/", "/api/v1/events/some-event/", "/api/v1/openapi.json"]
)
def test_api_answers_the_cors_preflight(client, url):
    response = client.options(
        url,
        HTTP_ORIGIN="https://fraktion.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]
    assert int(response["Access-Control-Max-Age"]) > 0


def test_api_lets_other_sites_read_the_etag(client):
    event = EventFactory()
    url = f"/api/v1/events/{event.slug}/"
    answer = client.get(url, HTTP_ORIGIN="https://fraktion.example.org")
    again = client.get(url, HTTP_IF_NONE_MATCH=answer["ETag"])

    assert answer["Access-Control-Expose-Headers"] == "ETag"
    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == "*"
    assert again["Access-Control-Expose-Headers"] == "ETag"


@pytest.mark.parametrize("slug", ["%C3%BC", "x" * 500, "a%01b"])
def test_event_detail_with_odd_slug_is_a_json_404(client, slug):
    assert get_json(client, f"/api/v1/events/{slug}/", status=404)["detail"]


def test_unknown_or_unpublished_event_is_a_json_404(client):
    draft = EventFactory(is_published=False)

    assert get_json(client, f"/api/v1/events/{draft.slug}/", status=404)["detail"]
    assert get_json(client, "/api/v1/events/nope/", status=404)["detail"]


def test_api_answers_not_modified_to_a_known_etag(client):
    event = EventFactory()
    url = f"/api/v1/events/{event.slug}/"
    etag = client.get(url)["ETag"]

    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    event.title = "Neu"
    event.save()
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_api_answer_is_kept_by_other_caches_no_longer_than_a_page(client):
    event = EventFactory()

    answer = client.get(f"/api/v1/events/{event.slug}/")
    page = client.get(event.get_absolute_url(), headers={"X-Forwarded-Proto": "https"})

    assert answer["Cache-Control"] == "public, max-age=1"
    assert page["Cache-Control"] == "public, max-age=1"


def test_full_event_shows_as_full(client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event, status=Registration.Status.PENDING)

    data = get_json(client, f"/api/v1/events/{event.slug}/")

    assert data["registration"]["state"] == "full"
    assert data["registration"]["seats_left"] == 0


def test_api_docs_page_is_ours_and_lists_the_addresses(client):
    page = client.get("/api/v1/docs/").content.decode()

    assert "<h1>API-Dokumentation</h1>" in page
    assert "<code>GET /api/v1/events/{slug}/</code>" in page
    assert 'href="/api/v1/openapi.json"' in page
    assert "<script" not in page
    assert client.get("/api/v1/").url == "/api/v1/docs/"


def test_api_answers_come_from_the_page_cache(client, settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 60
    event = EventFactory()
    first = client.get(f"/api/v1/events/{event.slug}/")

    with django_assert_num_queries(0):
        again = client.get(f"/api/v1/events/{event.slug}/")

    assert again.content == first.content
    event.title = "Geändert"
    event.save()
    assert client.get(f"/api/v1/events/{event.slug}/").json()["title"] == "Geändert"


@pytest.mark.parametrize("count", [1, 3])
def test_api_queries_are_fixed(client, django_assert_max_num_queries, count):
    events = []
    for _ in range(count):
        event = EventFactory(capacity=10)
        SlotSpeakerFactory(slot=AgendaSlotFactory(event=event))
        RegistrationFactory(event=event)
        events.append(event)
    with django_assert_max_num_queries(2):
        client.get("/api/v1/events/")
    with django_assert_max_num_queries(3):
        client.get(f"/api/v1/events/{events[0].slug}/")
