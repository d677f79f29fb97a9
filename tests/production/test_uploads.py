"""Uploads live in the database and the app serves them: any app server, long cache headers,
ETags, a new URL for a changed file, 404 for a name that is not there."""

import io
import secrets

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from events.models import EventDocument, Speaker
from landtagstalk.models import StoredFile
from tests.factories import EventFactory, SlotSpeakerFactory
from tests.production.conftest import Browser, free_port

pytestmark = pytest.mark.django_db


def image_bytes(color="red", image_format="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), color).save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("chef", "c@example.org", None))
    return client


def upload_photo(admin_client, color="red", speaker=None):
    url = f"/admin/events/speaker/{speaker.pk}/change/" if speaker else "/admin/events/speaker/add/"
    response = admin_client.post(
        url, {"name": "Ada Beispiel", "photo": SimpleUploadedFile("ada.png", image_bytes(color))}
    )
    assert response.status_code == 302, response.content[:500]
    return Speaker.objects.get()


def test_uploaded_photo_is_stored_in_the_database_and_served_with_long_cache_headers(
    admin_client, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    speaker = upload_photo(admin_client)

    response = client.get(speaker.photo_256.url)

    assert list(tmp_path.iterdir()) == []  # nothing on disk
    assert StoredFile.objects.count() == 3  # the photo and its two renditions
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    with Image.open(io.BytesIO(response.content)) as rendition:
        assert rendition.size == (256, 256)
    stored = StoredFile.objects.get(name=speaker.photo_256.name)
    assert response["ETag"] == f'"{stored.sha256}"'


def test_photo_url_is_shown_on_the_event_page(admin_client, client):
    speaker = upload_photo(admin_client)
    event = SlotSpeakerFactory(speaker=speaker).slot.event

    page = client.get(event.get_absolute_url()).text

    assert f'src="{speaker.photo_256.url}"' in page
    assert speaker.photo_256.url.startswith("/media/speakers/256/ada-256.")


def test_browser_with_the_file_gets_304(admin_client, client, django_assert_num_queries):
    speaker = upload_photo(admin_client)
    etag = client.get(speaker.photo_256.url)["ETag"]

    with django_assert_num_queries(1):  # the hash, not the content
        response = client.get(speaker.photo_256.url, headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""


def test_changed_photo_gets_a_new_url(admin_client, client):
    first = upload_photo(admin_client, "red").photo_256.url
    second = upload_photo(admin_client, "blue", speaker=Speaker.objects.get()).photo_256.url

    assert first != second
    assert client.get(first).status_code == 200  # a page cached elsewhere still finds it
    assert client.get(second).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/media/nothing.png", "/media/speakers/", "/media/../settings.py", "/media/%2e%2e/x",
     "/media/" + "a" * 3000, "/media/speakers/256/ada.x.webp"],
)
def test_unknown_names_are_404(client, path):
    assert client.get(path).status_code == 404


def test_media_refuses_writes(admin_client, client):
    speaker = upload_photo(admin_client)

    assert client.post(speaker.photo_256.url).status_code == 405


def test_event_document_is_served_from_the_database(client):
    pdf = b"%PDF-1.4\n%slides " + secrets.token_bytes(16)
    document = EventDocument.objects.create(
        event=EventFactory(), title="Folien", file=SimpleUploadedFile("folien.pdf", pdf)
    )

    response = client.get(document.file.url)

    assert document.file.url.startswith("/media/documents/folien.")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == pdf


def test_operator_may_choose_the_file_system(settings, tmp_path, client):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = tmp_path
    document = EventDocument.objects.create(
        event=EventFactory(), title="Folien", file=SimpleUploadedFile("folien.pdf", b"%PDF-1.4")
    )

    response = client.get(document.file.url)

    assert (tmp_path / document.file.name).read_bytes() == b"%PDF-1.4"
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4"


def multipart(fields, files):
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            .encode()
        )
    for name, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + content + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def csrf_token(page):
    return page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]


def test_photo_uploaded_through_server_a_is_served_by_server_b(
    processes, client, django_user_model, tmp_path, settings
):
    # Each server has a media folder of its own: they share nothing but the database.
    port_a, port_b = free_port(), free_port()
    # Server A reads the session this test logs in with.
    processes.gunicorn(
        port_a, workers=1, DJANGO_MEDIA_ROOT=tmp_path / "a", DJANGO_SECRET_KEY=settings.SECRET_KEY
    )
    processes.gunicorn(port_b, workers=1, DJANGO_MEDIA_ROOT=tmp_path / "b")
    client.force_login(django_user_model.objects.create_superuser("chef", "c@example.org", None))
    server_a = Browser(port_a)
    server_a.cookies["sessionid"] = client.cookies["sessionid"].value
    _, _, form = server_a.get("/admin/events/speaker/add/")
    body, content_type = multipart(
        {"csrfmiddlewaretoken": csrf_token(form), "name": "Ada Beispiel"},
        {"photo": ("ada.png", image_bytes("green"))},
    )
    status, _, page = server_a.request(
        "POST", "/admin/events/speaker/add/", body=body, headers={
            "Content-Type": content_type,
            "Origin": f"https://127.0.0.1:{port_a}",
            "Referer": f"https://127.0.0.1:{port_a}/admin/events/speaker/add/",
        },
    )
    assert status == 302, page[:1000]
    url = Speaker.objects.get().photo_256.url

    status, headers, _ = Browser(port_b).get(url)

    assert status == 200
    assert headers["Content-Type"] == "image/webp"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_file_saved_again_keeps_its_name():
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    first = default_storage.save("documents/folien.pdf", ContentFile(b"%PDF-1.4 a"))
    again = default_storage.save(first, ContentFile(b"%PDF-1.4 a"))

    assert again == first
    assert StoredFile.objects.count() == 1
