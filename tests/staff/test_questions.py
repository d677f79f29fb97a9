"""The questions for the panel: the moderator's page per event, its print view and the wall."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registrations.models import PanelQuestion, QuestionVote, Registration
from tests.factories import EventFactory, PanelQuestionFactory, RegistrationFactory

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
        email_confirmed_at=base,
    )
    RegistrationFactory(
        event=event,
        first_name="Neueste",
        email="neueste@example.org",
        organisation="Köln",
        question="Was kostet <b>Smart City</b>?",
        email_confirmed_at=base,
    )
    PanelQuestion.objects.filter(text__startswith="Was kostet").update(is_released=True)
    RegistrationFactory(event=event, question="Abgemeldete Frage", status="cancelled")
    RegistrationFactory(event=event, question="")
    RegistrationFactory(question="Frage zu einer anderen Veranstaltung")
    # created_at is auto_now_add: set it afterwards.
    PanelQuestion.objects.filter(text="Wie weit ist das OZG?").update(created_at=base)
    return event


def url(event, name="questions", **params):
    path = reverse(f"admin:registrations_registration_event_{name}", args=[event.pk])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def question(text):
    return PanelQuestion.objects.get(text__startswith=text)


def votes_for(question, count):
    voters = RegistrationFactory.create_batch(
        count, event=question.event, status="confirmed", email_confirmed_at=timezone.now()
    )
    QuestionVote.objects.bulk_create(QuestionVote(question=question, registration=r)
                                     for r in voters)


def test_questions_page_lists_questions_by_votes_without_email(client, participant_manager, event):
    votes_for(question("Wie weit"), 2)
    client.force_login(participant_manager)

    html = client.get(url(event)).content.decode()

    assert html.index("Wie weit ist das OZG?") < html.index("Was kostet")
    assert "<strong>2</strong> Stimmen" in html
    assert "<strong>0</strong> Stimmen" in html
    assert "Neueste, Köln" in html
    assert "Älteste, Stadt Bochum" in html
    assert "&lt;b&gt;Smart City&lt;/b&gt;" in html
    assert "@example.org" not in html
    assert "Abgemeldete Frage" not in html
    assert "anderen Veranstaltung" not in html
    assert "2 Fragen, 1 freigegeben, 0 beantwortet." in html


def test_questions_page_newest_and_oldest_first(client, participant_manager, event):
    votes_for(question("Wie weit"), 2)
    client.force_login(participant_manager)

    newest = client.get(url(event, order="newest")).content.decode()
    oldest = client.get(url(event, order="oldest")).content.decode()

    assert newest.index("Was kostet") < newest.index("Wie weit ist das OZG?")
    assert oldest.index("Wie weit ist das OZG?") < oldest.index("Was kostet")


def test_questions_page_filters_released_only(client, participant_manager, event):
    client.force_login(participant_manager)

    html = client.get(url(event, selected=1)).content.decode()

    assert "Was kostet" in html
    assert "Wie weit ist das OZG?" not in html


def test_moderator_releases_hides_and_answers_by_post(client, participant_manager, event):
    client.force_login(participant_manager)
    asked = question("Wie weit")

    response = client.post(
        url(event),
        {"question": asked.pk, "action": "release", "query": "order=oldest"},
        follow=True,
    )
    client.post(url(event), {"question": asked.pk, "action": "answer"})
    client.post(url(event), {"question": asked.pk, "action": "hide"})

    asked.refresh_from_db()
    assert (asked.is_released, asked.is_answered, asked.is_hidden) == (True, True, True)
    assert response.redirect_chain[-1][0].endswith("?order=oldest")
    assert f"Frage Nr. {asked.pk} ist freigegeben." in response.content.decode()
    client.post(url(event), {"question": asked.pk, "action": "show"})
    client.post(url(event), {"question": asked.pk, "action": "reopen"})
    client.post(url(event), {"question": asked.pk, "action": "unrelease"})
    asked.refresh_from_db()
    assert (asked.is_released, asked.is_answered, asked.is_hidden) == (False, False, False)


def test_merging_a_duplicate_carries_its_votes_over_once(client, participant_manager, event):
    original, duplicate = question("Wie weit"), question("Was kostet")
    both = RegistrationFactory(event=event, status="confirmed", email_confirmed_at=timezone.now())
    QuestionVote.objects.create(question=original, registration=both)
    QuestionVote.objects.create(question=duplicate, registration=both)
    votes_for(duplicate, 2)
    # The asker of the original voted for the duplicate: no vote for their own question.
    QuestionVote.objects.create(question=duplicate, registration=original.registration)
    client.force_login(participant_manager)

    response = client.post(
        url(event), {"question": duplicate.pk, "action": "merge", "into": original.pk}, follow=True
    )

    duplicate.refresh_from_db()
    assert duplicate.merged_into == original
    # both (once) + 2 voters + the duplicate's asker
    assert original.votes.count() == 4
    assert not original.votes.filter(registration=original.registration).exists()
    assert duplicate.votes.count() == 0
    html = response.content.decode()
    assert "Was kostet" not in html.split('class="lt-questions"')[1]
    assert "<strong>4</strong> Stimmen" in html


def test_merge_refuses_itself_another_event_and_nonsense(client, participant_manager, event):
    asked = question("Wie weit")
    other = question("Frage zu einer anderen")
    client.force_login(participant_manager)

    itself = client.post(url(event), {"question": asked.pk, "action": "merge", "into": asked.pk})
    foreign = client.post(url(event), {"question": asked.pk, "action": "merge", "into": other.pk})
    junk = client.post(url(event), {"question": asked.pk, "action": "merge", "into": "\x00"})
    unknown = client.post(url(event), {"question": asked.pk, "action": "delete-all"})

    assert [r.status_code for r in (itself, foreign, junk)] == [302, 302, 302]
    assert unknown.status_code == 403
    asked.refresh_from_db()
    assert asked.merged_into is None


def test_moderating_a_question_of_another_event_is_not_found(client, participant_manager, event):
    client.force_login(participant_manager)
    other = question("Frage zu einer anderen")

    response = client.post(url(event), {"question": other.pk, "action": "release"})
    garbage = client.post(url(event), {"question": "abc", "action": "release"})

    assert (response.status_code, garbage.status_code) == (404, 404)
    other.refresh_from_db()
    assert not other.is_released


def test_questions_print_view_follows_the_votes(client, participant_manager, event):
    votes_for(question("Wie weit"), 1)
    client.force_login(participant_manager)

    html = client.get(url(event, "questions_print")).content.decode()
    released = client.get(url(event, "questions_print", selected=1)).content.decode()

    assert "css/questions-print.css" in html
    assert html.index("Wie weit ist das OZG?") < html.index("Was kostet")
    assert "1 Stimme ·" in html
    assert "Was kostet" in released
    assert "Wie weit ist das OZG?" not in released
    assert "Freigegebene Fragen (1)" in released
    assert 'id="header"' not in html  # not the admin chrome
    assert "style=" not in html


def test_wall_shows_released_open_questions_by_votes_without_names(
    client, participant_manager, event
):
    second = PanelQuestionFactory(event=event, registration__event=event, text="Zweite Frage?",
                                  place="Dortmund", is_released=True)
    votes_for(second, 3)
    PanelQuestionFactory(event=event, registration__event=event, text="Beantwortet?",
                         is_released=True, is_answered=True)
    PanelQuestionFactory(event=event, registration__event=event, text="Versteckt?",
                         is_released=True, is_hidden=True)
    client.force_login(participant_manager)

    response = client.get(url(event, "questions_wall"))
    html = response.content.decode()

    assert html.index("Zweite Frage?") < html.index("Was kostet")
    assert "aus Dortmund" in html
    assert "Wie weit ist das OZG?" not in html  # not released
    assert "Beantwortet?" not in html and "Versteckt?" not in html
    assert "Neueste" not in html and "Köln" not in html
    assert 'data-refresh-seconds="15"' in html and "js/questions-wall.js" in html
    assert 'http-equiv="refresh"' not in html  # WCAG 2.2.1: a script that pauses
    assert "css/questions-wall.css" in html
    assert "no-store" in response["Cache-Control"]


def test_questions_page_handles_purged_registrations(client, participant_manager, event):
    from registrations import retention

    event.starts_at = timezone.now() - datetime.timedelta(days=60)
    event.ends_at = event.starts_at + datetime.timedelta(hours=2)
    event.save()
    retention.purge_personal_data(event=event)
    client.force_login(participant_manager)

    html = client.get(url(event)).content.decode()

    assert "Es wurden noch keine Fragen eingereicht." in html
    assert not PanelQuestion.objects.filter(event=event).exists()


def test_questions_page_query_count_does_not_grow(client, participant_manager, event):
    client.force_login(participant_manager)
    client.get(url(event))  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        client.get(url(event))
    for asked in PanelQuestionFactory.create_batch(10, event=event, registration__event=event,
                                                   text="Noch eine Frage"):
        votes_for(asked, 1)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url(event)).content.decode()

    assert len(many.captured_queries) == len(few.captured_queries) <= 10
    assert html.count("Noch eine Frage</blockquote>") == 10


def test_questions_of_unconfirmed_addresses_stay_off_the_list_and_print_view(
    client, participant_manager, event
):
    RegistrationFactory(event=event, question="Frage ohne bestätigte Adresse")
    unconfirmed = question("Frage ohne")
    client.force_login(participant_manager)

    listed = client.get(url(event)).content.decode()
    printed = client.get(url(event, "questions_print")).content.decode()
    flagged = client.post(url(event), {"question": unconfirmed.pk, "action": "release"})

    assert "Frage ohne bestätigte Adresse" not in listed
    assert "Frage ohne bestätigte Adresse" not in printed
    assert "Wie weit ist das OZG?" in printed
    assert flagged.status_code == 404
    unconfirmed.refresh_from_db()
    assert not unconfirmed.is_released


def test_dashboard_counts_questions_as_the_list_does(client, participant_manager, event):
    from registrations import selectors

    RegistrationFactory(event=event, question="Frage ohne bestätigte Adresse")

    figures = selectors.counts(event)

    assert (figures["questions"], figures["questions_selected"]) == (2, 1)
    assert Registration.objects.filter(event=event).exclude(question="").count() == 4
