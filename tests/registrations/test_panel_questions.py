"""Questions with votes on the personal page: ask, vote, see others' questions without names."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registrations import questions, retention, selectors, services
from registrations.models import PanelQuestion, QuestionVote, Registration
from tests.factories import EventFactory, PanelQuestionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status


def confirmed(event, first_name, **kwargs):
    registration, _ = services.register(
        event=event, first_name=first_name, last_name="Muster",
        email=f"{first_name.lower()}@example.org", **kwargs,
    )
    return services.confirm(registration=registration)


def ask(client, registration, text, place=""):
    return client.post(
        reverse("registrations:ask", args=[registration.token]), {"text": text, "place": place}
    )


def vote(client, registration, question, value="1"):
    return client.post(
        reverse("registrations:vote", args=[registration.token, question.pk]), {"vote": value},
        follow=True,
    )


@pytest.fixture
def event():
    return EventFactory(questions_moderated=False)


def test_three_registrants_ask_and_vote_and_the_moderator_sees_the_order(
    client, event, participant_manager
):
    a, b, c = (confirmed(event, name) for name in ("Anna", "Bernd", "Carla"))

    ask(client, a, "Wie kommt das Glasfaser aufs Land?", place="Köln")
    asked_by_a = PanelQuestion.objects.get(registration=a)
    vote(client, b, asked_by_a)
    vote(client, c, asked_by_a)
    twice = vote(client, c, asked_by_a)
    ask(client, b, "Was macht das Land für Schulen?")

    assert "Sie haben schon für diese Frage gestimmt." in twice.content.decode()
    assert asked_by_a.votes.count() == 2
    client.force_login(participant_manager)
    html = client.get(
        reverse("admin:registrations_registration_event_questions", args=[event.pk])
    ).content.decode()
    assert html.index("Glasfaser") < html.index("Schulen")
    assert "<strong>2</strong> Stimmen" in html


def test_after_the_event_no_vote_and_no_question_is_taken(client, event):
    a, b = confirmed(event, "Anna"), confirmed(event, "Bernd")
    asked = questions.ask_question(registration=a, text="Noch offen?")
    event.starts_at = timezone.now() - datetime.timedelta(hours=3)
    event.ends_at = timezone.now() - datetime.timedelta(minutes=1)
    event.save()

    response = vote(client, b, asked)
    page = client.get(b.personal_path).content.decode()

    assert "Die Veranstaltung ist vorbei: Fragen und Abstimmung sind geschlossen." in (
        response.content.decode()
    )
    assert asked.votes.count() == 0
    assert "Dafür stimmen" not in page
    assert 'name="text"' not in page
    with pytest.raises(ValidationError):
        questions.ask_question(registration=b, text="Zu spät?")


def test_others_see_text_place_and_votes_never_a_name(client, event):
    a, b = confirmed(event, "Anna"), confirmed(event, "Bernd")
    ask(client, a, "Wie geht es weiter mit dem OZG?", place="Bochum")

    page = client.get(b.personal_path).content.decode()
    section = page[page.index('id="questions"'):]

    assert "Wie geht es weiter mit dem OZG?" in section
    assert "aus Bochum" in section
    assert "0 Stimmen" in section
    assert "Anna" not in section
    assert "anna@example.org" not in section


def test_moderated_questions_reach_others_only_once_released(client):
    event = EventFactory()
    a, b = confirmed(event, "Anna"), confirmed(event, "Bernd")
    ask(client, a, "Erst nach Freigabe?")
    asked = PanelQuestion.objects.get(registration=a)

    before = client.get(b.personal_path).content.decode()
    own = client.get(a.personal_path).content.decode()
    refused = vote(client, b, asked)
    questions.moderate(question=asked, action="release")
    after = client.get(b.personal_path).content.decode()

    assert "Erst nach Freigabe?" not in before
    assert "Erst nach Freigabe?" in own and "wartet auf Freigabe" in own
    assert "Für diese Frage kann man nicht abstimmen." in refused.content.decode()
    assert "Erst nach Freigabe?" in after


def test_the_question_from_the_form_joins_the_list(client, event):
    a = confirmed(event, "Anna", question="Aus dem Formular?")
    b = confirmed(event, "Bernd")

    asked = PanelQuestion.objects.get(registration=a)

    assert (asked.text, asked.from_form) == ("Aus dem Formular?", True)
    assert "Aus dem Formular?" in client.get(b.personal_path).content.decode()


def test_a_pending_registrants_form_question_waits_for_the_confirmation(client, event):
    pending, _ = services.register(
        event=event, first_name="Paul", last_name="P", email="paul@example.org",
        question="Unbestätigt?",
    )
    b = confirmed(event, "Bernd")

    assert "Unbestätigt?" not in client.get(b.personal_path).content.decode()
    assert "Unbestätigt?" not in [q.text for q in selectors.questions_for_the_panel(event)]
    assert 'name="text"' not in client.get(pending.personal_path).content.decode()


def test_at_most_three_questions_per_person_and_event(client, event):
    a = confirmed(event, "Anna", question="Erste aus dem Formular?")
    ask(client, a, "Zweite?")
    ask(client, a, "Dritte?")

    fourth = ask(client, a, "Vierte?")

    assert fourth.status_code == 200
    assert "Sie haben schon 3 Fragen gestellt" in fourth.content.decode()
    assert "Vierte?" in fourth.content.decode()  # what was typed stays in the form
    assert PanelQuestion.objects.filter(registration=a).count() == 3


@pytest.mark.parametrize(
    ("text", "place", "message"),
    [
        ("x" * 501, "", "höchstens 500 Zeichen"),
        ("", "", "Dieses Feld ist zwingend erforderlich."),
        ("Mit\x00NUL?", "", "Nullzeichen sind nicht erlaubt."),
        ("Frage?", "Köln\nBonn", "in einer Zeile"),
        ("Frage?", "x" * 101, "höchstens 100 Zeichen"),
        ("Unsichtbar\u200b?", "", "unsichtbaren Zeichen"),
    ],
)
def test_bad_questions_get_a_message_at_the_field_and_store_nothing(
    client, event, text, place, message
):
    a = confirmed(event, "Anna")

    response = ask(client, a, text, place)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PanelQuestion.objects.filter(registration=a).exists()


@pytest.mark.parametrize("case", ["hidden", "other_event", "own", "merged", "answered"])
def test_votes_that_cannot_count_get_a_message(client, event, case):
    a, b = confirmed(event, "Anna"), confirmed(event, "Bernd")
    target = questions.ask_question(registration=a, text="Ziel?")
    voter = b
    if case == "hidden":
        questions.moderate(question=target, action="hide")
    elif case == "other_event":
        target = PanelQuestionFactory(is_released=True)
    elif case == "own":
        voter = a
    elif case == "merged":
        questions.merge_question(
            duplicate=target, into=questions.ask_question(registration=b, text="Andere?")
        )
        voter = confirmed(event, "Carla")
    elif case == "answered":
        questions.moderate(question=target, action="answer")

    response = vote(client, voter, target)

    assert response.status_code == 200
    assert QuestionVote.objects.filter(question=target).count() == 0
    assert "alert" in response.content.decode()


@pytest.mark.parametrize("status", [Status.CANCELLED, Status.WAITLISTED, Status.PENDING])
def test_only_confirmed_registrants_vote(client, event, status):
    a = confirmed(event, "Anna")
    target = questions.ask_question(registration=a, text="Ziel?")
    other = RegistrationFactory(event=event, status=status, email_confirmed_at=timezone.now())

    response = vote(client, other, target)

    assert "Fragen stellen und abstimmen können nur bestätigte Angemeldete." in (
        response.content.decode()
    )
    assert target.votes.count() == 0


def test_a_vote_is_withdrawn_and_can_be_given_again(client, event):
    a, b = confirmed(event, "Anna"), confirmed(event, "Bernd")
    target = questions.ask_question(registration=a, text="Ziel?")

    vote(client, b, target)
    withdrawn = vote(client, b, target, value="0")
    assert "Ihre Stimme ist zurückgenommen." in withdrawn.content.decode()
    assert target.votes.count() == 0
    vote(client, b, target)
    assert target.votes.count() == 1
    assert "Meine Stimme zurücknehmen" in client.get(b.personal_path).content.decode()


def test_a_vote_for_an_unknown_question_is_a_message_not_a_500(client, event):
    b = confirmed(event, "Bernd")

    response = client.post(
        reverse("registrations:vote", args=[b.token, 999999]), {"vote": "1"}, follow=True
    )

    assert response.status_code == 200
    assert "Für diese Frage kann man nicht abstimmen." in response.content.decode()


def test_deleting_my_data_erases_my_questions_and_votes(client, event):
    a, b = confirmed(event, "Anna"), confirmed(event, "Bernd")
    mine = questions.ask_question(registration=a, text="Meine Frage?")
    theirs = questions.ask_question(registration=b, text="Deren Frage?")
    questions.vote(registration=a, question_id=theirs.pk)
    questions.vote(registration=b, question_id=mine.pk)

    client.post(reverse("registrations:delete", args=[a.token]))

    assert not PanelQuestion.objects.filter(pk=mine.pk).exists()
    assert not QuestionVote.objects.filter(registration=a).exists()
    assert PanelQuestion.objects.filter(pk=theirs.pk).exists()


def test_the_purge_erases_the_questions_with_the_rest():
    event = EventFactory(questions_moderated=False)
    a, b = confirmed(event, "Anna"), confirmed(event, "Bernd")
    asked = questions.ask_question(registration=a, text="Frage?", place="Köln")
    questions.vote(registration=b, question_id=asked.pk)
    event.starts_at = timezone.now() - datetime.timedelta(days=60)
    event.ends_at = event.starts_at + datetime.timedelta(hours=2)
    event.save()

    retention.purge_personal_data(event=event)

    assert not PanelQuestion.objects.filter(event=event).exists()
    assert not QuestionVote.objects.filter(registration__event=event).exists()


def test_show_my_data_lists_my_questions(client, event):
    a = confirmed(event, "Anna")
    questions.ask_question(registration=a, text="Meine Frage?", place="Köln")

    html = client.get(reverse("registrations:data", args=[a.token])).content.decode()

    assert "Meine Frage? (Köln)" in html


def test_personal_page_query_count_does_not_grow_with_questions(client, event):
    b = confirmed(event, "Bernd")
    client.get(b.personal_path)
    with CaptureQueriesContext(connection) as one:
        client.get(b.personal_path)
    for n in range(5):
        asker = confirmed(event, f"Person{n}")
        questions.ask_question(registration=asker, text=f"Frage {n}?")
        questions.vote(registration=b, question_id=PanelQuestion.objects.latest("pk").pk)
    with CaptureQueriesContext(connection) as many:
        html = client.get(b.personal_path).content.decode()

    assert len(many.captured_queries) == len(one.captured_queries)
    assert html.count("Meine Stimme zurücknehmen") == 5
