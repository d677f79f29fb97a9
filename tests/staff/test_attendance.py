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


def test_read_german_report_skips_the_summary_with_its_participant_count():
    data = (DATA / "zoom_teilnehmer_de_mit_uebersicht.csv").read_bytes()

    participants = read_participant_report(data)

    # The summary's "Teilnehmer" is the number of participants, not a name.
    assert participants == [
        Participant("Christina Kampmann", "fraktion@example.org"),
        Participant("Jürgen Müller", "juergen.mueller@example.org"),
        Participant("Özdemir, Ayşe", "ayse@example.org"),
    ]
    assert participants[0].minutes == 129


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


def test_read_webinar_report_skips_hosts_panelists_and_absentees_and_sums_minutes():
    # A host and 8 panelists who joined twice: the attendee header is far below line 30.
    participants = read_participant_report(
        (DATA / "zoom_webinar_attendee_report_en.csv").read_bytes()
    )

    assert [(p.name, p.email.lower(), p.minutes) for p in participants] == [
        ("Jürgen Müller (Jürgen)", "juergen.mueller@example.org", 116),
        ("Ayşe Özdemir", "ayse@example.org", 4),
        ("Storniert Person", "storniert@example.org", 60),
    ]


def test_read_german_webinar_report_without_summary():
    participants = read_participant_report(
        (DATA / "zoom_webinar_teilnehmerbericht_de.csv").read_bytes()
    )
    assert [(p.name, p.email, p.minutes) for p in participants] == [
        ("Jürgen Müller", "juergen.mueller@example.org", 121)
    ]


def test_upload_webinar_report_marks_only_from_the_minimum_time_never_the_cancelled(
    client, participant_manager, event, settings
):
    settings.ATTENDANCE_MIN_MINUTES = 5
    RegistrationFactory(
        event=event, last_name="Person", email="storniert@example.org", status="cancelled"
    )
    client.force_login(participant_manager)

    html = upload(client, event, "zoom_webinar_attendee_report_en.csv").content.decode()

    assert attended(event) == ["Müller"]
    assert "Nicht markiert: weniger als 5 Minuten in der Sitzung" in html
    assert "<td>Ayşe Özdemir</td><td>ayse@example.org</td><td>4</td>" in html
    assert "Nicht markiert: die Anmeldung ist storniert" in html
    assert "<td>juergen.mueller@example.org</td><td>116</td>" in html
    assert "panel0@example.org" not in html


def test_participants_report_minimum_time_is_a_setting(client, participant_manager, event,
                                                        settings):
    settings.ATTENDANCE_MIN_MINUTES = 120
    client.force_login(participant_manager)
    upload(client, event, "zoom_participants_en.csv")
    assert attended(event) == []  # Müller 116, Özdemir 117 minutes


@pytest.mark.parametrize(
    "content",
    [
        b"Name,User Email\n" + b'"' + b"x" * 200_000 + b'",a@example.org\n',
        b"Name,User Email\n\"unclosed,a@example.org\n" * 3,
        "Name;E-Mail\nÄ;\u2028@x\n".encode("utf-16"),
        b"\xff\xfe" + b"Name,User Email\r\nX,x@example.org\r",
    ],
)
def test_upload_odd_files_gives_a_page_not_an_error(client, participant_manager, event, content):
    client.force_login(participant_manager)
    response = upload(client, event, "odd.csv", content)
    assert response.status_code == 200
    assert attended(event) == []
