"""Speaker photos: JPEG, PNG or WebP only, checked, bounded, re-encoded, and shown as
small renditions on public pages."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from events.models import Speaker
from tests.factories import SlotSpeakerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("chef", "c@example.org", None))
    return client


def stored(name):
    """The bytes the site stores under ``name`` (in the database by default)."""
    with default_storage.open(name) as file:
        return file.read()


def image_bytes(image_format, size=(300, 200), mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, "red").save(buffer, format=image_format)
    return buffer.getvalue()


def upload(admin_client, name, content):
    return admin_client.post(
        "/admin/events/speaker/add/",
        {"name": "Ada Beispiel", "photo": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize(
    ("name", "image_format"), [("ada.jpg", "JPEG"), ("ada.PNG", "PNG"), ("ada.webp", "WEBP")]
)
def test_photo_is_stored_with_square_renditions(admin_client, name, image_format):
    response = upload(admin_client, name, image_bytes(image_format))

    assert response.status_code == 302
    speaker = Speaker.objects.get()
    for field, size in (("photo_256", 256), ("photo_512", 512)):
        with Image.open(io.BytesIO(stored(getattr(speaker, field).name))) as rendition:
            assert (rendition.format, rendition.size) == ("WEBP", (size, size))
    with Image.open(io.BytesIO(stored(speaker.photo.name))) as photo:
        assert photo.format == image_format


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ok.pdf", image_bytes("PNG"), "die Datei ist aber ein PNG-Bild"),
        ("ok.jpg", image_bytes("PNG"), "die Datei ist aber ein PNG-Bild"),
        ("ok.eps", image_bytes("EPS", mode="RGB"), "als JPEG, PNG oder WebP"),
        ("ok.gif", image_bytes("GIF"), "als JPEG, PNG oder WebP"),
        ("ok.png", image_bytes("GIF"), "Bitte laden Sie ein Foto als JPEG, PNG oder WebP hoch"),
        ("ok.png", image_bytes("PNG", size=(12000, 12000), mode="1"), "mehr als 25 Megapixel"),
        ("ok.png", image_bytes("PNG")[:60], "kein lesbares Foto"),
        ("ok.jpg", b"<html><script>alert(1)</script></html>", "kein lesbares Foto"),
    ],
)
def test_other_files_are_refused_with_a_message(admin_client, name, content, message):
    response = upload(admin_client, name, content)

    assert response.status_code == 200
    assert message in response.text
    assert not Speaker.objects.exists()


def test_larger_than_five_megabytes_is_refused(admin_client):
    content = image_bytes("PNG") + b"\0" * (5 * 1024 * 1024)

    response = upload(admin_client, "big.png", content)

    assert "größer als 5 MB" in response.text
    assert not Speaker.objects.exists()


def test_bytes_appended_to_a_photo_are_not_stored(admin_client):
    content = image_bytes("JPEG") + b"<script>alert(1)</script>"

    upload(admin_client, "ada.jpg", content)

    content = stored(Speaker.objects.get().photo.name)
    assert b"<script>" not in content
    assert content.startswith(b"\xff\xd8")


def test_event_page_shows_the_small_rendition(admin_client, client):
    upload(admin_client, "ada.png", image_bytes("PNG", size=(4000, 3000)))
    speaker = Speaker.objects.get()
    event = SlotSpeakerFactory(speaker=speaker).slot.event

    page = client.get(event.get_absolute_url()).text

    assert f'src="/media/{speaker.photo_256.name}"' in page
    assert speaker.photo.name not in page


def test_removing_the_photo_removes_the_renditions(admin_client):
    upload(admin_client, "ada.png", image_bytes("PNG"))
    speaker = Speaker.objects.get()

    speaker.photo = ""
    speaker.save()

    speaker.refresh_from_db()
    assert (speaker.photo_256.name, speaker.photo_512.name) == ("", "")
