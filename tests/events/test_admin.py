"""Every admin page renders for a superuser and for each staff group, within its bounds."""

from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from events.models import Event
from registrations.models import Registration
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("loaddemo", "--force", stdout=StringIO())
    event = Event.objects.get()
    RegistrationFactory(event=event, first_name="<b>Max</b>", last_name="Ölmann")
    return event


def admin_urls(obj_by_model, request):
    """Changelist, add and change page of every model in the admin that the user may open."""
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        yield model, reverse("admin:{}_{}_changelist".format(*info))
        if model_admin.has_add_permission(request):
            yield model, reverse("admin:{}_{}_add".format(*info))
        obj = obj_by_model.get(model)
        if obj is not None:
            yield model, reverse("admin:{}_{}_change".format(*info), args=[obj.pk])


def rf_for(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def objects(event):
    return {
        type(o): o
        for o in [
            event,
            event.slots.first(),
            event.slots.first().roles.first(),
            event.slots.first().roles.first().speaker,
            Registration.objects.first(),
        ]
    }


def test_every_admin_page_renders_for_superuser(client, admin_user, demo):
    client.force_login(admin_user)
    for _model, url in admin_urls(objects(demo), rf_for(admin_user)):
        assert client.get(url).status_code == 200, url


def test_admin_index_in_german(client, admin_user, demo):
    client.force_login(admin_user)
    response = client.get(reverse("admin:index"))
    assert "Veranstaltungen" in response.content.decode()


def test_background_task_admin_in_german(client, admin_user):
    # django-tasks-db brings no German; the project's catalogue and app config do.
    client.force_login(admin_user)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Hintergrundaufgaben" in index
    assert "Tasks Database Backend" not in index
    tasks = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
    page = tasks.content.decode()
    assert "Aufgaben" in page
    assert "Fehlgeschlagen" in page  # the status filter


def test_event_list_shows_counts_per_status(client, admin_user, demo):
    client.force_login(admin_user)
    RegistrationFactory(event=demo, status="confirmed")
    RegistrationFactory(event=demo, status="confirmed")
    response = client.get(reverse("admin:events_event_changelist"))
    html = response.content.decode()
    assert '<td class="field-confirmed_count">2</td>' in html
    assert '<td class="field-pending_count">1</td>' in html


def test_markup_in_names_is_escaped_in_admin(client, admin_user, demo):
    client.force_login(admin_user)
    html = client.get(reverse("admin:registrations_registration_changelist")).content.decode()
    assert "&lt;b&gt;Max&lt;/b&gt;" in html
    assert "<b>Max</b>" not in html


def test_editor_sees_events_but_not_registrations(client, editor, admin_user, demo):
    client.force_login(editor)
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:events_event_changelist") in index
    assert f'href="{reverse("admin:registrations_registration_changelist")}"' not in index
    for model, url in admin_urls(objects(demo), rf_for(admin_user)):
        expected = 200 if model._meta.app_label == "events" else 403
        assert client.get(url).status_code == expected, url


def test_editor_does_not_see_registration_counts_hide_names(client, editor, demo):
    client.force_login(editor)
    html = client.get(reverse("admin:events_event_change", args=[demo.pk])).content.decode()
    assert "Ölmann" not in html


def test_participant_manager_sees_registrations_not_event_editing(
    client, participant_manager, demo
):
    client.force_login(participant_manager)
    registration = Registration.objects.first()
    changelist = client.get(reverse("admin:registrations_registration_changelist"))
    assert "Ölmann" in changelist.content.decode()
    assert client.get(
        reverse("admin:registrations_registration_change", args=[registration.pk])
    ).status_code == 200
    assert client.get(reverse("admin:events_event_add")).status_code == 403
    assert client.get(reverse("admin:events_speaker_add")).status_code == 403
    assert client.get(reverse("admin:registrations_exportlog_changelist")).status_code == 403


def test_staff_without_group_sees_nothing(client, staff_user, demo):
    client.force_login(staff_user())
    assert client.get(reverse("admin:events_event_changelist")).status_code == 403
    assert client.get(reverse("admin:registrations_registration_changelist")).status_code == 403


def test_speaker_page_lists_events(client, admin_user, demo):
    client.force_login(admin_user)
    speaker = demo.slots.first().roles.first().speaker
    html = client.get(reverse("admin:events_speaker_change", args=[speaker.pk])).content.decode()
    assert demo.title in html




def test_a_line_break_typed_into_the_title_is_a_space(client, editor):
    from tests.admin_forms import change_event
    from tests.factories import EventFactory

    event = EventFactory(title="Alt")
    client.force_login(editor)

    changed = change_event(client, event, title="LandtagsTalk:\r\nDigital  vor Ort")

    assert changed.title == "LandtagsTalk: Digital vor Ort"
