"""After the event: documentation for everyone, thank-you mails, feedback and its results."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from registrations import retention
from registrations.models import Feedback, Registration
from tests.factories import EventFactory, RegistrationFactory
from tests.staff.conftest import read_csv

pytestmark = pytest.mark.django_db

Status = Registration.Status
PDF = b"%PDF-1.4\n%slides\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def past_event():
    starts = timezone.now() - datetime.timedelta(days=2)
    return EventFactory(
        title="LandtagsTalk: Digital",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )


def save_documentation(client, event, **extra):
    url = reverse("admin:events_event_documentation", args=[event.pk])
    data = {
        "recording_url": "https://video.example.org/landtagstalk",
        "summary": "Drei Thesen zur Kommune der Zukunft.",
        "documents-TOTAL_FORMS": "1",
        "documents-INITIAL_FORMS": "0",
        "documents-0-title": "Folien Impulsvortrag",
        "documents-0-file": SimpleUploadedFile("folien.pdf", PDF, "application/pdf"),
        "documents-0-order": "0",
        **extra,
    }
    return client.post(url, data)


def test_documentation_shows_publicly_only_after_the_event(client, editor, past_event):
    future = EventFactory()
    client.force_login(editor)
    assert save_documentation(client, past_event).status_code == 302
    save_documentation(client, future)
    client.logout()

    past_page = client.get(past_event.get_absolute_url()).content.decode()
    future_page = client.get(future.get_absolute_url()).content.decode()

    assert "Dokumentation" in past_page
    assert "Drei Thesen zur Kommune der Zukunft." in past_page
    assert 'href="https://video.example.org/landtagstalk"' in past_page
    document = past_event.documents.get()
    assert f'href="{document.file.url}">Folien Impulsvortrag</a>' in past_page
    assert "Drei Thesen" not in future_page
    assert "Folien Impulsvortrag" not in future_page


def test_documentation_refuses_other_files(client, editor, past_event):
    client.force_login(editor)
    response = save_documentation(
        client,
        past_event,
        **{"documents-0-file": SimpleUploadedFile("virus.exe", b"MZ", "application/octet-stream")},
    )
    assert response.status_code == 200
    assert "Bitte laden Sie eine PDF-, PowerPoint- oder OpenDocument-Datei hoch" in (
        response.content.decode()
    )
    assert past_event.documents.count() == 0


def test_documentation_page_is_closed_to_participant_managers(
    client, participant_manager, past_event
):
    client.force_login(participant_manager)
    url = reverse("admin:events_event_documentation", args=[past_event.pk])
    assert client.get(url).status_code == 403


def test_thank_you_draft_goes_to_attendees_with_documentation_and_feedback_links(
    client, participant_manager, past_event, django_capture_on_commit_callbacks
):
    came = RegistrationFactory(event=past_event, status=Status.CONFIRMED, attended=True)
    RegistrationFactory(event=past_event, status=Status.CONFIRMED, attended=False)
    client.force_login(participant_manager)
    url = reverse("admin:registrations_registration_event_messages", args=[past_event.pk])

    page = client.get(url + "?draft=thanks").content.decode()
    assert 'value="attended" id="id_audiences_3" checked' in page
    form = {
        "audiences": ["attended"],
        "subject": "Vielen Dank für Ihre Teilnahme",
        "body": "Dokumentation: {documentation_link}\nFeedback: {feedback_link}",
        "send": "1",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form)

    [message] = mail.outbox
    assert message.to == [came.email]
    assert f"/events/{past_event.slug}/#documentation-heading" in message.body
    assert f"http://127.0.0.1:8000/r/{came.token}/feedback/" in message.body


def test_feedback_once_per_registration(client, past_event):
    registration = RegistrationFactory(event=past_event, status=Status.CONFIRMED, attended=True)
    url = f"/r/{registration.token}/feedback/"

    page = client.get(url).content.decode()
    assert "Welches Thema sollen wir als Nächstes diskutieren?" in page
    answer = {"rating": "4", "next_topic": "Breitband", "comment": "Gern wieder."}
    first = client.post(url, answer, follow=True).content.decode()
    second = client.post(url, {**answer, "rating": "1"}, follow=True).content.decode()

    assert "Vielen Dank für Ihre Rückmeldung!" in first
    assert "Wir haben Ihre Antwort." in second
    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.next_topic, feedback.event) == (4, "Breitband", past_event)


@pytest.mark.parametrize("rating", ["0", "6", "", "3.5", "\x00"])
def test_feedback_rating_must_be_one_to_five(client, past_event, rating):
    registration = RegistrationFactory(event=past_event, status=Status.CONFIRMED)
    response = client.post(f"/r/{registration.token}/feedback/", {"rating": rating})
    assert response.status_code == 200
    assert "Bitte prüfen Sie Ihre Angaben" in response.content.decode()
    assert Feedback.objects.count() == 0


def test_feedback_closed_before_the_event_and_for_cancelled(client):
    future = RegistrationFactory(status=Status.CONFIRMED)
    response = client.post(f"/r/{future.token}/feedback/", {"rating": "5"})
    assert response.status_code == 302
    assert Feedback.objects.count() == 0
    assert "Rückmeldung geben" not in client.get(f"/r/{future.token}/").content.decode()


def test_feedback_results_on_the_dashboard_and_as_csv(client, superuser, past_event):
    for rating, topic in [(5, "Breitband"), (4, ""), (4, "=HYPERLINK(1)")]:
        Feedback.objects.create(
            registration=RegistrationFactory(event=past_event),
            event=past_event,
            rating=rating,
            next_topic=topic,
        )
    client.force_login(superuser)

    html = client.get(reverse("admin:events_event_change", args=[past_event.pk])).content.decode()
    rows = read_csv(
        client.post(reverse("admin:events_event_feedback_csv", args=[past_event.pk])).content
    )

    assert '<span class="lt-tile__number">4,3</span>' in html
    assert "<svg role=\"img\"" in html and "Verteilung von 3 Bewertungen" in html
    # Numbers in SVG attributes stay unlocalised, or the bars vanish ("320,0").
    assert '<rect x="28" y="30" width="320.0" height="22"' in html
    assert '<tr><th scope="row">4</th><td>2</td><td>67 %</td></tr>' in html
    assert "Breitband" in html
    assert rows[0] == ["Bewertung", "Nächstes Thema", "Kommentar", "Beantwortet am"]
    assert sorted(row[1] for row in rows[1:]) == ["", "'=HYPERLINK(1)", "Breitband"]


def test_editor_sees_figures_but_not_the_written_feedback(client, editor, past_event):
    Feedback.objects.create(
        registration=RegistrationFactory(event=past_event), event=past_event, rating=2,
        comment="Persönliche Bemerkung",
    )
    client.force_login(editor)
    html = client.get(reverse("admin:events_event_change", args=[past_event.pk])).content.decode()
    assert "Persönliche Bemerkung" not in html
    assert '<span class="lt-tile__number">2,0</span>' in html
    url = reverse("admin:events_event_feedback_csv", args=[past_event.pk])
    assert client.post(url).status_code == 403


def test_purge_blanks_feedback_text_and_keeps_the_rating(past_event):
    registration = RegistrationFactory(event=past_event)
    Feedback.objects.create(
        registration=registration, event=past_event, rating=3, next_topic="x", comment="y"
    )
    retention.purge_personal_data(event=past_event)
    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.next_topic, feedback.comment) == (3, "", "")


def test_deleting_my_data_blanks_my_feedback_text(client, past_event):
    registration = RegistrationFactory(event=past_event, status=Status.CONFIRMED)
    Feedback.objects.create(
        registration=registration, event=past_event, rating=5, comment="Mein Name ist Erika"
    )
    client.post(f"/r/{registration.token}/delete/")
    assert Feedback.objects.get().comment == ""


def test_purge_command_still_runs(past_event):
    call_command("purge_personal_data", "--days", "0", verbosity=0)


def test_show_my_data_includes_my_feedback(client, past_event):
    registration = RegistrationFactory(event=past_event, status=Status.CONFIRMED)
    Feedback.objects.create(
        registration=registration, event=past_event, rating=4, next_topic="Mobilität"
    )
    page = client.get(f"/r/{registration.token}/data/").content.decode()
    assert "Gesamtbewertung" in page
    assert "Mobilität" in page


def test_documentation_with_thousands_of_forms_is_refused_with_a_message(
    client, editor, past_event
):
    client.force_login(editor)

    response = save_documentation(client, past_event, **{"documents-TOTAL_FORMS": "2000"})

    assert response.status_code == 200
    assert "Eine Veranstaltung hat höchstens 20 Dokumente." in response.content.decode()
    assert past_event.documents.count() == 0
    past_event.refresh_from_db()
    assert past_event.summary == ""
