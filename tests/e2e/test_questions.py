"""The event's own questions in the browser: on the form and on the editor's page, axe 0."""

import pytest
from django.urls import reverse

from events.models import RegistrationQuestion
from tests.factories import EventFactory, RegistrationFactory

from .test_hybrid import violations

pytestmark = pytest.mark.django_db(transaction=True)

Kind = RegistrationQuestion.Kind


@pytest.fixture
def event(settings, live_server):
    settings.SITE_URL = live_server.url
    event = EventFactory(slug="talk", title="LandtagsTalk mit eigenen Fragen")
    questions = [
        ("Ernährung", Kind.CHOICE, "vegetarisch\nvegan\nkeine Angabe", True),
        ("Wie kommen Sie?", Kind.MULTIPLE, "Bus\nBahn\nAuto", False),
        ("Bringen Sie eine Begleitung mit?", Kind.BOOLEAN, "", False),
        ("Kommune", Kind.TEXT, "", True),
    ]
    for order, (label, kind, choices, required) in enumerate(questions):
        RegistrationQuestion.objects.create(
            event=event, label=label, kind=kind, choices=choices, required=required,
            help_text="Damit wir planen können." if order == 0 else "", order=order,
        )
    return event


@pytest.mark.parametrize("width", [375, 1280])
def test_form_with_questions_has_no_axe_violations_before_and_after_errors(
    browser, live_server, event, width
):
    def submit_empty(page):
        page.get_by_role("button", name="Anmelden").click()
        page.get_by_role("alert").first.wait_for()

    url = live_server.url + "/events/talk/register/"
    assert violations(browser, url, width=width, name="questions-form") == []
    found = violations(
        browser, url, width=width, name="questions-form-errors", before_check=submit_empty
    )
    assert found == []


@pytest.mark.parametrize("width", [375, 1280])
def test_editor_page_with_questions_has_no_axe_violations(
    browser, live_server, client, editor, event, width
):
    question = event.registration_questions.first()
    question.answers.create(registration=RegistrationFactory(event=event), value="vegan")
    client.force_login(editor)
    cookie = {
        "name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url
    }
    url = live_server.url + reverse("admin:events_event_change", args=[event.pk])

    assert violations(browser, url, width=width, name="questions-editor", cookies=[cookie]) == []
