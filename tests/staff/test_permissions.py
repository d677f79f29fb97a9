"""Group boundaries of every staff tool: Redaktion never sees a person, anonymous users log in."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from registrations.models import ExportLog, Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event = EventFactory()
    RegistrationFactory(
        event=event,
        last_name="Geheim",
        question="Geheime Frage?",
        email_confirmed_at=timezone.now(),
    )
    return event


def tool_urls(event):
    return {
        "export": reverse("admin:registrations_registration_event_export", args=[event.pk]),
        "questions": reverse("admin:registrations_registration_event_questions", args=[event.pk]),
        "print": reverse("admin:registrations_registration_event_questions_print", args=[event.pk]),
        "attendance": reverse("admin:registrations_registration_event_attendance", args=[event.pk]),
    }


@pytest.mark.parametrize("tool", ["export", "questions", "print", "attendance"])
def test_anonymous_is_sent_to_login(client, event, tool):
    response = client.get(tool_urls(event)[tool])

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_anonymous_copy_page_is_sent_to_login(client, event):
    response = client.get(reverse("admin:events_event_copy", args=[event.pk]))
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("tool", ["export", "questions", "print", "attendance"])
def test_editor_gets_403_and_no_personal_data(client, editor, event, tool):
    client.force_login(editor)

    response = client.get(tool_urls(event)[tool])

    assert response.status_code == 403
    assert b"Geheim" not in response.content
    assert not ExportLog.objects.exists()


def test_editor_cannot_post_question_flags_or_upload(client, editor, event):
    client.force_login(editor)
    registration = Registration.objects.get()
    urls = tool_urls(event)

    question = registration.panel_questions.get()
    flag = client.post(urls["questions"], {"question": question.pk, "action": "release"})
    upload = client.post(urls["attendance"], {})

    assert (flag.status_code, upload.status_code) == (403, 403)
    question.refresh_from_db()
    assert not question.is_released


@pytest.mark.parametrize(
    ("tool", "text"),
    [
        ("questions", "Geheime Frage?"),
        ("print", "Geheime Frage?"),
        ("attendance", "Teilnehmerbericht hochladen"),
    ],
)
def test_participant_manager_may_use_every_tool(client, participant_manager, event, tool, text):
    client.force_login(participant_manager)

    response = client.get(tool_urls(event)[tool])

    assert text in response.content.decode()


def test_participant_manager_may_not_copy_events(client, participant_manager, event):
    client.force_login(participant_manager)

    response = client.get(reverse("admin:events_event_copy", args=[event.pk]))

    assert response.status_code == 403


def test_staff_without_export_permission_gets_403_and_no_action(client, staff_user, event):
    moderator = staff_user(username="moderation")
    for codename in ("view_registration", "change_registration", "view_event"):
        moderator.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(moderator)

    export = client.post(tool_urls(event)["export"])
    questions = client.get(tool_urls(event)["questions"]).content.decode()
    changelist = client.get(reverse("admin:registrations_registration_changelist"))

    assert export.status_code == 403
    assert "Geheime Frage?" in questions
    assert 'value="export_csv"' not in changelist.content.decode()
    assert 'value="mark_attended"' in changelist.content.decode()


def test_moderator_with_view_only_sees_questions_without_buttons(client, staff_user, event):
    moderator = staff_user()
    moderator.user_permissions.add(Permission.objects.get(codename="view_registration"))
    client.force_login(moderator)
    registration = Registration.objects.get()

    html = client.get(tool_urls(event)["questions"]).content.decode()
    post = client.post(
        tool_urls(event)["questions"],
        {"question": registration.panel_questions.get().pk, "action": "release"},
    )

    assert "Geheime Frage?" in html
    assert "Freigeben" not in html
    assert post.status_code == 403


def test_export_log_visible_to_superusers_only(client, participant_manager, superuser, event):
    client.force_login(participant_manager)
    b"".join(client.post(tool_urls(event)["export"]).streaming_content)
    url = reverse("admin:registrations_exportlog_changelist")

    denied = client.get(url)
    client.force_login(superuser)
    shown = client.get(url).content.decode()

    assert denied.status_code == 403
    assert "staff-Teilnehmermanagement" in shown
    assert event.title in shown


def test_registration_list_links_to_questions_of_filtered_event(client, participant_manager, event):
    client.force_login(participant_manager)

    html = client.get(
        reverse("admin:registrations_registration_changelist") + f"?event__id__exact={event.pk}"
    ).content.decode()

    assert tool_urls(event)["questions"] in html
    assert f"Fragen: {event.title}" in html
