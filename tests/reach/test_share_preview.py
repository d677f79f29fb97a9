"""Share previews: OpenGraph and Twitter tags, and the picture drawn for each event."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from events import share_image
from tests.factories import AgendaSlotFactory, EventFactory, SlotSpeakerFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def meta(page, name):
    """The content of the meta tag with this property or name."""
    match = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">', page)
    return match and match.group(1)


@pytest.fixture
def event(settings):
    settings.SITE_URL = "https://talk.example.org"
    event = EventFactory(
        title="Kommune der Zukunft",
        subtitle="Wie wird die Verwaltung digital?",
        series="Bürgerdialog",
    )
    SlotSpeakerFactory(slot=AgendaSlotFactory(event=event), speaker__name="Ada Beispiel")
    return event


def test_event_page_has_share_tags(client, event):
    page = client.get(event.get_absolute_url()).content.decode()

    url = f"https://talk.example.org/events/{event.slug}/"
    assert meta(page, "og:title") == "Kommune der Zukunft"
    assert meta(page, "og:description") == "Wie wird die Verwaltung digital?"
    assert meta(page, "og:url") == url
    assert meta(page, "og:type") == "website"
    assert re.fullmatch(rf"{url}share\.png\?v=[0-9a-f]{{16}}", meta(page, "og:image"))
    assert meta(page, "twitter:card") == "summary_large_image"
    assert meta(page, "twitter:image") == meta(page, "og:image")


def test_start_page_has_share_tags(client, settings):
    settings.SITE_URL = "https://talk.example.org"
    page = client.get("/").content.decode()

    assert meta(page, "og:url") == "https://talk.example.org/"
    assert meta(page, "og:image").startswith("https://talk.example.org/share.png?v=")
    assert meta(page, "twitter:card") == "summary_large_image"


def test_share_image_is_a_1200_by_630_png(client, event):
    response = client.get(f"/events/{event.slug}/share.png")

    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size == (1200, 630)
    assert image.mode == "RGB"
    # The series' colour fills the background.
    assert image.getpixel((5, 5)) == Image.new("RGB", (1, 1), share_image.series_colours(
        "Bürgerdialog")[0]).getpixel((0, 0))


def test_site_share_image_is_a_png(client):
    image = Image.open(io.BytesIO(client.get("/share.png").content))
    assert image.size == (1200, 630)


def test_share_image_is_drawn_again_when_the_event_changes(client, event):
    first_page = client.get(event.get_absolute_url()).content.decode()
    first = client.get(f"/events/{event.slug}/share.png").content

    event.title = "Ein ganz anderer Titel"
    event.save()
    second_page = client.get(event.get_absolute_url()).content.decode()
    second = client.get(f"/events/{event.slug}/share.png").content

    assert meta(first_page, "og:image") != meta(second_page, "og:image")
    assert first != second


def test_share_image_is_drawn_once_while_the_event_is_unchanged(client, event, monkeypatch):
    drawn = []
    real_draw = share_image.draw
    monkeypatch.setattr(share_image, "draw", lambda card: drawn.append(card) or real_draw(card))

    client.get(f"/events/{event.slug}/share.png")
    client.get(f"/events/{event.slug}/share.png")

    assert len(drawn) == 1


def test_share_image_answers_not_modified_to_a_known_etag(client, event):
    etag = client.get(f"/events/{event.slug}/share.png")["ETag"]

    response = client.get(f"/events/{event.slug}/share.png", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304


def test_share_image_shows_speaker_photo(client, event, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = io.BytesIO()
    Image.new("RGB", (300, 400), "#00ff00").save(photo, "JPEG")
    speaker = SpeakerFactory(name="Grün Photo")
    speaker.photo.save("green.jpg", SimpleUploadedFile("green.jpg", photo.getvalue()))
    SlotSpeakerFactory(slot=AgendaSlotFactory(event=event), speaker=speaker)

    image = Image.open(io.BytesIO(client.get(f"/events/{event.slug}/share.png").content))

    colours = image.crop((0, 400, 1200, 630)).getcolors(maxcolors=1 << 20)
    greens = sum(n for n, (r, g, b) in colours if g > 200 and r < 60 and b < 60)
    assert greens > 5000


def test_share_image_survives_a_broken_photo_and_a_huge_title(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "speakers").mkdir()
    (tmp_path / "speakers" / "broken.jpg").write_bytes(b"\x00not an image")
    event = EventFactory(title="Überlange Überschrift " * 8 + "ÄÖÜ 漢字 🙂")
    SlotSpeakerFactory(slot=AgendaSlotFactory(event=event), speaker__photo="speakers/broken.jpg")

    response = client.get(f"/events/{event.slug}/share.png")

    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)


def test_share_image_of_unpublished_or_unknown_event_is_not_found(client):
    event = EventFactory(is_published=False)

    assert client.get(f"/events/{event.slug}/share.png").status_code == 404
    assert client.get("/events/nope/share.png").status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_share_image_queries_are_fixed(client, django_assert_num_queries, count):
    event = EventFactory()
    for _ in range(count):
        SlotSpeakerFactory(slot=AgendaSlotFactory(event=event))
    with django_assert_num_queries(3):
        client.get(f"/events/{event.slug}/share.png")
