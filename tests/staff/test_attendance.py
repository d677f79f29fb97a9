"""Attendance: the admin action, and the Zoom participant report upload."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from registrations.attendance import Participant, read_participant_report
from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory
from tests.staff.conftest import tile

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


@pytest.fixture
def event():
    event = EventFactory()
    RegistrationFactory(
        event=event,
        first_name="Jürgen",
        last_name="Müller",
        email="juergen.mueller@example.org",
        status="confirmed",
    )
    RegistrationFactory(
        event=event,
        first_name="Ayşe",
        last_name="Özdemir",
        email="Ayse@Example.org",
        status="confirmed",
    )
    RegistrationFactory(event=event, last_name="Nichtda", email="absent@example.org")
    RegistrationFactory(email="fremd@example.net")  # another event
    return event


def upload(client, event, name, content=None):
    content = content if content is not None else (DATA / name).read_bytes()
    return client.post(
        reverse("admin:registrations_registration_event_attendance", args=[event.pk]),
        {"report": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def attended(event):
    return sorted(
        Registration.objects.filter(event=event, attended=True).values_list("last_name", flat=True)
    )


def test_read_english_report_skips_summary_and_merges_rejoins():
    participants = read_participant_report((DATA / "zoom_participants_en.csv").read_bytes())

    assert participants == [
        Participant("Christina Kampmann", "fraktion@example.org"),
        Participant("Jürgen Müller (Jürgen)", "JUERGEN.MUELLER@Example.org"),
        Participant("Özdemir, Ayşe", "ayse@example.org"),
        Participant("iPhone von Tom", ""),
        Participant("Unbekannte Person", "fremd@example.net"),
    ]


@pytest.mark.parametrize(
    ("name", "emails"),
    [
        (
            "zoom_teilnehmer_de_semikolon.csv",
            ["juergen.mueller@example.org", "AYSE@EXAMPLE.ORG", "gast@example.net"],
        ),
        ("zoom_teilnehmer_de_komma.csv", ["juergen.mueller@example.org"]),
        ("zoom_excel_cp1252.csv", ["ayse@example.org"]),
    ],
)
def test_read_report_variants(name, emails):
    participants = read_participant_report((DATA / name).read_bytes())
    assert [p.email for p in participants] == emails


def test_read_report_keeps_umlauts_of_windows_excel_file():
    [participant] = read_participant_report((DATA / "zoom_excel_cp1252.csv").read_bytes())
    assert participant.name == "Ayse Özdemir"


def test_upload_marks_attendance_and_reports_unmatched(client, participant_manager, event):
    client.force_login(participant_manager)

    html = upload(client, event, "zoom_participants_en.csv").content.decode()

    assert attended(event) == ["Müller", "Özdemir"]
    assert "Ergebnis des Uploads" in html
    assert tile(html, "einer Anmeldung zugeordnet") == "2"
    assert tile(html, "nicht zugeordnet") == "2"
    assert tile(html, "ohne E-Mail-Adresse") == "1"
    assert "Unbekannte Person" in html and "fremd@example.net" in html
    assert "Christina Kampmann" in html
    assert "iPhone von Tom" in html
    assert "Bisher als teilgenommen markierte Anmeldungen: 2." in html


def test_upload_german_semicolon_report(client, participant_manager, event):
    client.force_login(participant_manager)

    html = upload(client, event, "zoom_teilnehmer_de_semikolon.csv").content.decode()

    assert attended(event) == ["Müller", "Özdemir"]
    assert "gast@example.net" in html


def test_upload_twice_marks_nobody_anew(client, participant_manager, event):
    client.force_login(participant_manager)
    upload(client, event, "zoom_teilnehmer_de_komma.csv")

    html = upload(client, event, "zoom_teilnehmer_de_komma.csv").content.decode()

    assert tile(html, "neu als teilgenommen markiert") == "0"
    assert attended(event) == ["Müller"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("no_email_column.csv", None, "Keine Spalte mit E-Mail-Adressen gefunden."),
        ("bericht.pdf", b"%PDF-1.4\x00\x01\x02binary", "Das ist keine CSV-Datei."),
        ("leer.csv", b"", "Die übertragene Datei ist leer."),
        ("riesig.csv", b"Name,User Email\n" + b"x" * (5 * 1024 * 1024 + 1), "größer als 5 MB"),
    ],
)
def test_upload_bad_file_says_why_in_german(
    client, participant_manager, event, name, content, message
):
    client.force_login(participant_manager)

    response = upload(client, event, name, content)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Die Datei konnte nicht gelesen werden." in html
    assert attended(event) == []


def test_mark_attended_action(client, participant_manager, event):
    client.force_login(participant_manager)
    absent = Registration.objects.get(last_name="Nichtda")

    response = client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": "mark_attended", "_selected_action": [absent.pk]},
        follow=True,
    )

    assert attended(event) == ["Nichtda"]
    assert "1 Anmeldungen als teilgenommen markiert." in response.content.decode()


def test_upload_ignores_purged_registrations(client, participant_manager, event):
    Registration.objects.filter(event=event).update(purged_at=timezone.now())
    client.force_login(participant_manager)

    html = upload(client, event, "zoom_teilnehmer_de_komma.csv").content.decode()

    assert attended(event) == []
    assert "juergen.mueller@example.org" in html
