"""Leichte Sprache and German Sign Language: two pages linked from every page, editable by staff."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from events.models import LegalPage
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

# The smallest files that pass for what they claim to be.
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
WEBM = b"\x1a\x45\xdf\xa3" + b"\x00" * 64
VTT = b"WEBVTT\n\n00:00.000 --> 00:04.000\nWillkommen bei LandtagsTalk.\n"


def change_url(kind):
    return reverse("admin:events_legalpage_change", args=[LegalPage.objects.get(kind=kind).pk])


@override_settings(PERSONAL_DATA_RETENTION_DAYS=30, REGISTRATION_HOLD_HOURS=24)
def test_easy_language_page_explains_register_cancel_delete_and_contact(client):
    html = client.get("/leichte-sprache/").content.decode()

    assert '<h1 lang="de">Leichte Sprache</h1>' in html
    assert "<h2>Wie melde ich mich an?</h2>" in html
    assert "<h2>Wie sage ich ab?</h2>" in html
    assert "<h2>Wie lösche ich meine Daten?</h2>" in html
    assert "<h2>Wen kann ich fragen?</h2>" in html
    assert "Sie haben dafür 24 Stunden Zeit." in html
    assert "Das machen wir 30 Tage nach der Veranstaltung." in html


def test_easy_language_text_keeps_sentences_short_and_spells_out_words():
    body = LegalPage.objects.get(kind=LegalPage.Kind.EASY_LANGUAGE).body
    sentences = [
        s for line in body.splitlines() if not line.startswith("## ")
        for s in re.split(r"(?<=[.?!:])\s+", line.removeprefix("- ")) if s
    ]

    assert max(len(s.split()) for s in sentences) <= 15
    for abbreviation in ("z. B.", "bzw.", "ggf.", "usw.", "d. h.", "DSGVO", "Art. "):
        assert abbreviation not in body


def test_every_page_links_both_pages_in_the_footer(client):
    event = EventFactory()
    for path in ("/", event.get_absolute_url(), "/impressum/", "/gebaerdensprache/"):
        html = client.get(path).content.decode()
        footer = html[html.index('<footer'):]
        assert 'href="/leichte-sprache/" lang="de">Leichte Sprache</a>' in footer, path
        assert 'href="/gebaerdensprache/">Gebärdensprache</a>' in footer, path


def test_sign_language_page_explains_in_text_until_a_video_is_there(client):
    html = client.get("/gebaerdensprache/").content.decode()

    assert "<video" not in html
    assert "Das Video in Deutscher Gebärdensprache ist in Vorbereitung" in html
    assert "<h2>Was steht im Video?</h2>" in html


def test_staff_upload_the_video_with_captions_and_the_page_shows_both(
    client, editor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(editor)

    response = client.post(
        change_url("sign_language"),
        {
            "title": "Gebärdensprache",
            "body": "Erklärung im Video.",
            "video": SimpleUploadedFile("erklaerung.mp4", MP4, "video/mp4"),
            "captions": SimpleUploadedFile("erklaerung.vtt", VTT, "text/vtt"),
        },
    )
    assert response.status_code == 302

    html = client.get("/gebaerdensprache/").content.decode()
    page = LegalPage.objects.get(kind="sign_language")
    assert f'<source src="{page.video.url}" type="video/mp4">' in html
    track = f'<track kind="captions" src="{page.captions.url}" srclang="de" label="Deutsch"'
    assert track in html
    assert "in Vorbereitung" not in html
    with page.captions.open("rb") as captions:
        assert captions.read().startswith(b"WEBVTT")


def test_a_webm_video_is_announced_as_webm(client, editor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(editor)
    client.post(
        change_url("sign_language"),
        {"title": "G", "body": "B", "video": SimpleUploadedFile("v.webm", WEBM, "video/webm")},
    )

    assert 'type="video/webm"' in client.get("/gebaerdensprache/").content.decode()


@pytest.mark.parametrize(
    ("field", "name", "content", "message"),
    [
        ("video", "film.mp4", b"<html>not a video</html>", "MP4- oder WebM-Video"),
        ("video", "film.exe", MP4, "MP4- oder WebM-Video"),
        ("captions", "untertitel.vtt", b"1\n00:00:01,000 --> 00:00:02,000\nSRT\n", "WEBVTT"),
        ("captions", "untertitel.vtt", b"WEBVTT\n\xff\xfe", "WEBVTT"),
        ("captions", "untertitel.vtt", b"WEBVTT\n\x00", "WEBVTT"),
        ("captions", "untertitel.txt", VTT, "WEBVTT"),
    ],
)
def test_wrong_files_get_a_message_at_the_field(
    client, editor, settings, tmp_path, field, name, content, message
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(editor)

    response = client.post(
        change_url("sign_language"),
        {"title": "G", "body": "B", field: SimpleUploadedFile(name, content)},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not getattr(LegalPage.objects.get(kind="sign_language"), field)


def test_only_the_sign_language_page_offers_a_video_field(client, editor):
    client.force_login(editor)

    assert 'name="video"' in client.get(change_url("sign_language")).content.decode()
    assert 'name="video"' not in client.get(change_url("easy_language")).content.decode()
    assert 'name="video"' not in client.get(change_url("imprint")).content.decode()


def test_event_summary_in_easy_language_has_its_own_german_section(client):
    event = EventFactory(
        easy_summary="Es geht um Städte und Gemeinden.\n\nSie können Fragen stellen."
    )
    client.cookies["django_language"] = "en"

    html = client.get(event.get_absolute_url()).content.decode()

    section = html[html.index('class="section prose easy-language"'):]
    section = section[: section.index("</section>")]
    assert 'lang="de"' in section
    assert '<h2 id="easy-language-heading">Das Wichtigste in Leichter Sprache</h2>' in section
    assert "<p>Es geht um Städte und Gemeinden.</p>" in section


def test_event_without_easy_summary_shows_no_such_section(client):
    html = client.get(EventFactory().get_absolute_url()).content.decode()

    assert "easy-language-heading" not in html


def test_both_pages_are_in_the_sitemap_in_both_languages(client, settings):
    settings.SITE_URL = "https://veranstaltungen.example.org"
    xml = client.get("/sitemap.xml").content.decode()

    for path in ("/leichte-sprache/", "/gebaerdensprache/"):
        assert f"<loc>https://veranstaltungen.example.org{path}</loc>" in xml
        assert f"<loc>https://veranstaltungen.example.org{path}?lang=en</loc>" in xml
