"""Search on the start page (?q=) and the paginated archive of past events."""

import datetime

import pytest
from django.utils import timezone

from events import search
from tests.factories import AgendaSlotFactory, EventFactory, SlotSpeakerFactory

pytestmark = pytest.mark.django_db


def past(days, **fields):
    return EventFactory(starts_at=timezone.now() - datetime.timedelta(days=days), **fields)


def titles(page):
    return [event.title for event in page.context["upcoming_events"]] + [
        event.title for event in page.context["past_events"]
    ]


def test_search_finds_words_in_title_subtitle_description_and_people(client):
    EventFactory(title="Kommune der Zukunft")
    EventFactory(title="Zweites", subtitle="Über Schulen und Kitas")
    past(10, title="Drittes", description="Wir sprechen über den Breitbandausbau.")
    with_person = EventFactory(title="Viertes")
    SlotSpeakerFactory(slot=AgendaSlotFactory(event=with_person), speaker__name="Ada Lovelace")
    EventFactory(title="Ganz anderes Thema")

    assert titles(client.get("/?q=kommune")) == ["Kommune der Zukunft"]
    assert titles(client.get("/?q=SCHULEN")) == ["Zweites"]
    assert titles(client.get("/?q=breitband")) == ["Drittes"]
    assert titles(client.get("/?q=lovelace")) == ["Viertes"]


def test_search_needs_every_word(client):
    event = EventFactory(title="Digitale Verwaltung")
    SlotSpeakerFactory(slot=AgendaSlotFactory(event=event), speaker__name="Ada Lovelace")
    EventFactory(title="Digitale Schule")

    assert titles(client.get("/?q=digitale+lovelace")) == ["Digitale Verwaltung"]
    assert titles(client.get("/?q=digitale")) == ["Digitale Verwaltung", "Digitale Schule"]


def test_search_highlights_matches_and_escapes_everything(client):
    EventFactory(
        title="<script>alert(1)</script> Kommune", description="Die <b>Kommune</b> von morgen"
    )

    page = client.get("/?q=kommune+%3Cscript%3E").content.decode()

    assert "<script>alert(1)" not in page
    marked = "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; <mark>Kommune</mark>"
    assert marked in page
    assert "Die &lt;b&gt;<mark>Kommune</mark>&lt;/b&gt; von morgen" in page
    assert 'value="kommune &lt;script&gt;"' in page


def test_search_shows_matching_people(client):
    event = EventFactory(title="Panel")
    SlotSpeakerFactory(
        slot=AgendaSlotFactory(event=event),
        speaker__name="Christina Kampmann",
        speaker__affix="MdL",
    )

    page = client.get("/?q=kampmann").content.decode()

    assert '<p class="people-match">Mit Christina <mark>Kampmann</mark> MdL</p>' in page
    assert "1 Veranstaltung passt zu „kampmann“." in page


def test_search_without_match_says_so(client):
    EventFactory(title="Kommune")

    page = client.get("/?q=raumfahrt").content.decode()

    assert "0 Veranstaltungen passen zu „raumfahrt“." in page
    assert "Keine kommende Veranstaltung passt zu Ihrer Suche." in page
    assert '<meta name="robots" content="noindex, follow">' in page


@pytest.mark.parametrize(
    "raw", ["a%01b", "%25%5F", "x" * 5000, "%F0%9F%99%82", "' OR 1=1 --", "&amp;", "e"]
)
def test_search_survives_odd_input(client, raw):
    EventFactory(title="Kommune")

    response = client.get(f"/?q={raw}")

    assert response.status_code == 200
    assert "\x01" not in response.content.decode()


@pytest.mark.parametrize("raw", ["%00", "a%00b"])
def test_search_with_a_nul_byte_is_a_bad_request_like_every_url(client, raw):
    # landtagstalk.errors.RefuseNulMiddleware answers before any view.
    assert client.get(f"/?q={raw}").status_code == 400


def test_search_ignores_wildcards(client):
    EventFactory(title="Kommune")
    assert titles(client.get("/?q=%25%25")) == ["Kommune"]  # no word: everything
    assert titles(client.get("/?q=Kom_une")) == []  # "_" is a letter here, not "any one"


def test_archive_is_paginated_newest_first(client):
    for days in range(1, 24):
        past(days, title=f"Vergangen {days:02d}")

    first = client.get("/")
    third = client.get("/?page=3")

    assert titles(first) == [f"Vergangen {days:02d}" for days in range(1, 11)]
    assert titles(third) == [f"Vergangen {days:02d}" for days in range(21, 24)]
    page = first.content.decode()
    assert "Seite 1 von 3" in page
    assert 'href="?page=2#past-heading" rel="next"' in page


def test_archive_pages_keep_the_search(client):
    for days in range(1, 13):
        past(days, title=f"Kommune {days:02d}")
    past(30, title="Anderes")

    page = client.get("/?q=kommune").content.decode()

    assert 'href="?q=kommune&amp;page=2#past-heading" rel="next"' in page
    assert titles(client.get("/?q=kommune&page=2")) == ["Kommune 11", "Kommune 12"]


@pytest.mark.parametrize("page", ["0", "-1", "999", "abc", "%01"])
def test_archive_page_out_of_range_shows_a_page(client, page):
    past(3, title="Vorbei")
    response = client.get(f"/?page={page}")
    assert response.status_code == 200
    assert "Vorbei" in response.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_search_queries_are_fixed(client, django_assert_max_num_queries, count):
    for _ in range(count):
        event = EventFactory(title="Kommune")
        SlotSpeakerFactory(slot=AgendaSlotFactory(event=event), speaker__name="Kommunal Person")
        past(5, title="Kommune alt")
    with django_assert_max_num_queries(4):
        response = client.get("/?q=kommune")
    assert len(titles(response)) == 2 * count


def test_highlight_marks_case_insensitively_and_escapes():
    assert search.highlight("Ärger & ÄRGER", "ärger") == (
        "<mark>Ärger</mark> &amp; <mark>ÄRGER</mark>"
    )
    assert search.highlight("<i>", "") == "&lt;i&gt;"


def test_clean_query_drops_control_characters_and_cuts_length():
    assert search.clean_query("a\x00b\tc\n") == "ab c"
    assert len(search.clean_query("x" * 1000)) == search.MAX_QUERY_LENGTH


def test_search_on_postgresql_finds_other_forms_of_a_german_word(client):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the German full-text configuration is PostgreSQL's")
    EventFactory(title="Die Kommune der Zukunft", description="Digitalisierung der Verwaltungen")

    assert titles(client.get("/?q=Kommunen")) == ["Die Kommune der Zukunft"]
    assert titles(client.get("/?q=Verwaltung")) == ["Die Kommune der Zukunft"]
