"""Access needs: switched on per event, asked until 7 days before, mailed once, booked, shown."""

import datetime
import json
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events import access_needs
from events.models import RegistrationQuestion
from registrations import mails
from registrations.models import Registration, RegistrationAnswer
from tests.admin_forms import change_event
from tests.factories import EventFactory
from tests.registrations.test_hybrid_pages import form_data, text

pytestmark = pytest.mark.django_db

ORGANISER = "buergerdialog@example.org"


@pytest.fixture
def event(settings):
    settings.REPLY_TO_EMAIL = ORGANISER
    event = EventFactory(slug="talk", starts_at=timezone.now() + datetime.timedelta(days=14))
    access_needs.switch(event=event, on=True)
    return event


def fields(event):
    services, other = RegistrationQuestion.objects.filter(event=event, is_access_needs=True)
    return f"answer_{services.pk}", f"answer_{other.pk}"


def test_editor_switches_access_needs_on_and_off_on_the_event_page(client, editor):
    event = EventFactory(slug="talk")
    client.force_login(editor)

    change_event(client, event, asks_access_needs="on")

    assert "Gebärdensprachdolmetschung" in text(client.get("/events/talk/register/"))
    labels = list(event.registration_questions.values_list("label", flat=True))
    assert labels == [
        "Brauchen Sie für Ihre Teilnahme eine dieser Unterstützungen?",
        "Andere Unterstützung",
    ]
    change_event(client, event)
    assert "Gebärdensprachdolmetschung" not in text(client.get("/events/talk/register/"))
    assert event.registration_questions.filter(is_hidden=True).count() == 2


def test_a_request_mails_the_organiser_once(client, event, django_capture_on_commit_callbacks):
    services_field, other_field = fields(event)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/events/talk/register/",
            form_data(**{
                services_field: ["Gebärdensprachdolmetschung", "Induktionsschleife"],
                other_field: "Platz für einen Assistenzhund",
            }),
        )

    to_organiser = [m for m in mail.outbox if m.to == [ORGANISER]]
    assert len(to_organiser) == 1
    body = to_organiser[0].body
    assert "Gebärdensprachdolmetschung, Induktionsschleife" in body
    assert "Platz für einen Assistenzhund" in body
    assert "Erika Mustermann" in body
    registration = Registration.objects.get()
    assert registration.access_request_mailed_at is not None
    # A retry of the task, or a second worker, sends nothing more.
    assert mails.send_access_request(registration_id=registration.pk) is False
    assert len([m for m in mail.outbox if m.to == [ORGANISER]]) == 1


def test_a_registration_without_needs_mails_nobody_but_the_person(
    client, event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/events/talk/register/", form_data())

    assert [m.to for m in mail.outbox] == [["erika@example.org"]]


def test_the_questions_are_not_asked_within_seven_days(client, settings):
    settings.REPLY_TO_EMAIL = ORGANISER
    soon = EventFactory(slug="soon", starts_at=timezone.now() + datetime.timedelta(days=6))
    access_needs.switch(event=soon, on=True)

    assert "Gebärdensprachdolmetschung" not in text(client.get("/events/soon/register/"))


def test_dashboard_counts_the_requests(client, participant_manager, event):
    services_field, _ = fields(event)
    client.post("/events/talk/register/", form_data(**{services_field: ["Live-Untertitel"]}))
    client.force_login(participant_manager)

    page = text(client.get(reverse("admin:events_event_change", args=[event.pk])))

    assert "Angefragte Unterstützung" in page
    assert "<li>Live-Untertitel: 1</li>" in page


def test_booked_services_are_named_on_the_public_page_and_in_json_ld(client, editor, event):
    client.force_login(editor)
    change_event(
        client, event, asks_access_needs="on",
        access_services_booked=["sign_language", "step_free"],
    )
    client.logout()

    page = client.get("/events/talk/").content.decode()

    assert re.search(
        r"Barrierefreiheit</dt>\s*<dd>Gebärdensprachdolmetschung, Stufenloser Zugang</dd>", page
    )
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["accessibilityFeature"] == ["signLanguage", "stepFreeAccess"]


def test_without_booked_services_the_page_promises_nothing(client, event):
    page = client.get("/events/talk/").content.decode()

    assert "accessibilityFeature" not in page
    assert "Barrierefreiheit</dt>" not in page


def test_delete_my_data_erases_the_needs(client, event):
    services_field, _ = fields(event)
    client.post("/events/talk/register/", form_data(**{services_field: ["Live-Untertitel"]}))
    registration = Registration.objects.get()

    client.post(reverse("registrations:delete", args=[registration.token]))

    assert not RegistrationAnswer.objects.exists()
