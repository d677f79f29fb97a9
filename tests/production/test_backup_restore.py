"""Backup and restore as the README says: pg_dump -Fc, pg_restore into a new database,
migrate; the restored copy serves the event page and the speaker photo (uploads are in the
database now)."""

import subprocess
import sys
from contextlib import closing

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from events.models import Event, Speaker
from landtagstalk.models import StoredFile
from tests.factories import EventFactory, RegistrationFactory, SlotSpeakerFactory
from tests.production.conftest import BASE_DIR, Browser, free_port, is_postgresql
from tests.security.test_speaker_photos import image_bytes


@pytest.fixture
def restored_database(transactional_db):
    """The name of a database for the restore, dropped afterwards whoever still uses it."""
    if not is_postgresql():
        pytest.skip("pg_dump and pg_restore back up PostgreSQL; SQLite is a file to copy")
    name = f"{connection.settings_dict['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_args(name):
    db = connection.settings_dict
    return ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432),
            "-U", db["USER"], "-d", name]


def url_of(name):
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


def test_restored_dump_serves_the_event_page_and_the_photo(
    processes, restored_database, tmp_path
):
    speaker = Speaker(name="Ada Beispiel")
    speaker.photo = SimpleUploadedFile("ada.png", image_bytes("PNG"))
    speaker.save()
    event = SlotSpeakerFactory(
        speaker=speaker, slot__event=EventFactory(title="LandtagsTalk Digital")
    ).slot.event
    for number in range(3):
        RegistrationFactory(event=event, email=f"person{number}@example.org")
    dump = tmp_path / "landtagstalk.dump"

    subprocess.run(
        ["pg_dump", "-Fc", "-f", str(dump), *postgres_args(connection.settings_dict["NAME"])],
        check=True, timeout=120,
    )
    subprocess.run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner",
         *postgres_args(restored_database), str(dump)],
        check=True, timeout=120,
    )
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=BASE_DIR,
        env=processes.env(DATABASE_URL=url_of(restored_database)),
        capture_output=True, text=True, timeout=120,
    )
    assert migrate.returncode == 0, migrate.stderr
    # The original changes and loses its files: what is served comes from the copy.
    Event.objects.update(title="Geändert nach der Sicherung")
    StoredFile.objects.all().delete()
    port = free_port()
    processes.gunicorn(port, workers=1, DATABASE_URL=url_of(restored_database))
    browser = Browser(port)

    status, _, page = browser.get(event.get_absolute_url())
    photo_status, headers, _ = browser.get(speaker.photo_256.url)

    assert status == 200
    assert "LandtagsTalk Digital" in page
    assert f'src="{speaker.photo_256.url}"' in page
    assert photo_status == 200
    assert headers["Content-Type"] == "image/webp"
    with closing(psycopg2.connect(url_of(restored_database))) as copy, copy.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registrations_registration")
        assert cursor.fetchone() == (3,)
