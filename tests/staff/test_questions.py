"""The questions for the panel: a staff page per event, and its print view."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event = EventFactory(title="Kommune der Zukunft")
    base = timezone.now() - datetime.timedelta(days=3)
    RegistrationFactory(
        event=event,
        first_name="Älteste",
        email="aelteste@example.org",
        organisation="Stadt Bochum",
        question="Wie weit ist das OZG?",
        created_at=base,
        email_confirmed_at=base,
    )
    RegistrationFactory(
        event=event,
        first_name="Neueste",
        email="neueste@example.org",
        organisation="Köln",
        question="Was kostet <b>Smart City</b>?",
        question_selected=True,
        email_confirmed_at=base,
    )
    RegistrationFactory(event=event, question="Abgemeldete Frage", status="cancelled")
    RegistrationFactory(event=event, question="")
    RegistrationFactory(question="Frage zu einer anderen Veranstaltung")
    # created_at is auto_now_add: set it afterwards.
    Registration.objects.filter(first_name="Älteste").update(created_at=base)
    return event


def url(event, **params):
    path = reverse("admin:registrations_registration_event_questions", args=[event.pk])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_questions_page_lists_questions_newest_first_without_email(
    client, participant_manager, event
):
    client.force_login(participant_manager)

    html = client.get(url(event)).content.decode()

    assert html.index("Was kostet") < html.index("Wie weit ist das OZG?")
    assert "Neueste, Köln" in html
    assert "Älteste, Stadt Bochum" in html
    assert "&lt;b&gt;Smart City&lt;/b&gt;" in html
    assert "@example.org" not in html
    assert "Abgemeldete Frage" not in html
    assert "anderen Veranstaltung" not in html
    assert "2 Fragen, 1 ausgewählt, 0 beantwortet." in html


def test_questions_page_oldest_first(client, participant_manager, event):
    client.force_login(participant_manager)

    html = client.get(url(event, order="oldest")).content.decode()

    assert html.index("Wie weit ist das OZG?") < html.index("Was kostet")


def test_questions_page_filters_selected_only(client, participant_manager, event):
    client.force_login(participant_manager)

    html = client.get(url(event, selected=1)).content.decode()

    assert "Was kostet" in html
    assert "Wie weit ist das OZG?" not in html


def test_questions_select_and_answer_by_post(client, participant_manager, event):
    client.force_login(participant_manager)
    oldest = Registration.objects.get(first_name="Älteste")

    response = client.post(
        url(event),
        {"registration": oldest.pk, "flag": "selected", "value": "1", "query": "order=oldest"},
        follow=True,
    )
    client.post(url(event), {"registration": oldest.pk, "flag": "answered", "value": "1"})

    oldest.refresh_from_db()
    assert (oldest.question_selected, oldest.question_answered) == (True, True)
    assert response.redirect_chain[-1][0].endswith("?order=oldest")
    assert "Die Frage von Älteste ist für das Podium ausgewählt." in response.content.decode()
    html = client.get(url(event, selected=1)).content.decode()
    assert "Wie weit ist das OZG?" in html


def test_questions_flag_of_other_event_is_not_found(client, participant_manager, event):
    client.force_login(participant_manager)
    other = Registration.objects.get(question__startswith="Frage zu einer anderen")

    response = client.post(url(event), {"registration": other.pk, "flag": "selected", "value": "1"})

    assert response.status_code == 404
    other.refresh_from_db()
    assert not other.question_selected


def test_questions_print_view_is_a_clean_page_with_print_css(client, participant_manager, event):
    client.force_login(participant_manager)
    path = reverse("admin:registrations_registration_event_questions_print", args=[event.pk])

    html = client.get(path + "?selected=1").content.decode()

    assert "css/questions-print.css" in html
    assert "Was kostet" in html
    assert "Wie weit ist das OZG?" not in html
    assert "Ausgewählte Fragen (1)" in html
    assert 'id="header"' not in html  # not the admin chrome
    assert "style=" not in html


def test_questions_page_handles_purged_registrations(client, participant_manager, event):
    Registration.objects.filter(event=event).update(
        first_name="",
        last_name="",
        email="",
        organisation="",
        question="",
        token=None,
        purged_at=timezone.now(),
    )
    client.force_login(participant_manager)

    html = client.get(url(event)).content.decode()

    assert "Es wurden noch keine Fragen eingereicht." in html


def test_questions_page_query_count_does_not_grow(client, participant_manager, event):
    client.force_login(participant_manager)
    client.get(url(event))  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        client.get(url(event))
    RegistrationFactory.create_batch(
            10, event=event, question="Noch eine Frage", email_confirmed_at=timezone.now()
        )
    with CaptureQueriesContext(connection) as many:
        html = client.get(url(event)).content.decode()

    assert len(many.captured_queries) == len(few.captured_queries) <= 10
    assert html.count("Noch eine Frage") == 10


def test_questions_of_unconfirmed_addresses_stay_off_the_list_and_print_view(
    client, participant_manager, event
):
    unconfirmed = RegistrationFactory(event=event, question="Frage ohne bestätigte Adresse")
    client.force_login(participant_manager)

    listed = client.get(url(event)).content.decode()
    printed = client.get(
        reverse("admin:registrations_registration_event_questions_print", args=[event.pk])
    ).content.decode()
    flagged = client.post(
        url(event), {"registration": unconfirmed.pk, "flag": "selected", "value": "1"}
    )

    assert "Frage ohne bestätigte Adresse" not in listed
    assert "Frage ohne bestätigte Adresse" not in printed
    assert "Wie weit ist das OZG?" in printed
    assert flagged.status_code == 404
    unconfirmed.refresh_from_db()
    assert not unconfirmed.question_selected
