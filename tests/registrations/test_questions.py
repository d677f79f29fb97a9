"""The event's own registration questions: asked on its form, answered, exported, erased."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from events import services as event_services
from events.models import Event, RegistrationQuestion
from registrations import retention
from registrations.models import Registration, RegistrationAnswer
from tests.admin_forms import change_event
from tests.factories import EventFactory, RegistrationFactory
from tests.registrations.test_hybrid_pages import form_data, text
from tests.staff.conftest import read_csv

pytestmark = pytest.mark.django_db

Kind = RegistrationQuestion.Kind
DIET = "vegetarisch\nvegan\nkeine Angabe"


def question_data(index, *, label, kind="text", choices="", pk="", **extra):
    prefix = f"registration_questions-{index}"
    return {
        f"{prefix}-id": pk,
        f"{prefix}-event": "",
        f"{prefix}-label": label,
        f"{prefix}-kind": kind,
        f"{prefix}-choices": choices,
        f"{prefix}-help_text": "",
        f"{prefix}-order": str(index),
        **{f"{prefix}-{name}": value for name, value in extra.items()},
    }


def questions_management(total, initial=0):
    return {
        "registration_questions-TOTAL_FORMS": str(total),
        "registration_questions-INITIAL_FORMS": str(initial),
    }


def field(question):
    return f"answer_{question.pk}"


def test_ernaehrung_added_on_the_editor_page_is_asked_exported_shown_and_erased(
    client, editor, participant_manager
):
    event = EventFactory(slug="talk")
    other = EventFactory(slug="other")
    client.force_login(editor)

    change_event(
        client,
        event,
        **questions_management(1),
        **question_data(0, label="Ernährung", kind="choice", choices=DIET, required="on"),
    )

    question = RegistrationQuestion.objects.get()
    assert (question.event, question.kind, question.choice_list) == (
        event, Kind.CHOICE, ["vegetarisch", "vegan", "keine Angabe"]
    )
    client.logout()
    assert "Ernährung" in text(client.get("/events/talk/register/"))
    assert "Ernährung" not in text(client.get("/events/other/register/"))

    response = client.post("/events/talk/register/", form_data(**{field(question): "vegan"}))
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.answers.get().value == "vegan"
    RegistrationFactory(event=other, email="andere@example.org")

    client.force_login(participant_manager)
    url = reverse("admin:registrations_registration_event_export", args=[event.pk])
    rows = read_csv(b"".join(client.post(url).streaming_content))
    assert rows[0][-1] == "Ernährung"
    assert rows[1][-1] == "vegan"
    url = reverse("admin:registrations_registration_event_export", args=[other.pk])
    assert "Ernährung" not in read_csv(b"".join(client.post(url).streaming_content))[0]

    client.logout()
    page = text(client.get(reverse("registrations:data", args=[registration.token])))
    assert '<th scope="row">Ernährung</th><td>vegan</td>' in page

    client.post(reverse("registrations:delete", args=[registration.token]))
    assert not RegistrationAnswer.objects.exists()
    assert RegistrationQuestion.objects.filter(pk=question.pk).exists()


def test_the_purge_erases_the_answers():
    event = EventFactory(starts_at=timezone.now() - datetime.timedelta(days=40))
    question = RegistrationQuestion.objects.create(event=event, label="Kommune")
    registration = RegistrationFactory(event=event)
    RegistrationAnswer.objects.create(registration=registration, question=question, value="Bochum")

    anonymised, _ = retention.purge_personal_data(event=event)

    assert anonymised == 1
    assert not RegistrationAnswer.objects.exists()


def test_a_required_question_unanswered_is_refused_at_its_field(client):
    event = EventFactory(slug="talk")
    question = RegistrationQuestion.objects.create(
        event=event, label="Kommune", kind=Kind.CHOICE, choices="Bochum\nHerne", required=True,
        help_text="Wo Sie wohnen.",
    )

    response = client.post("/events/talk/register/", form_data())

    page = text(response)
    error = "Kommune: Dieses Feld ist zwingend erforderlich."
    assert f'<a href="#id_{field(question)}_0">{error}' in page
    assert "Wo Sie wohnen." in page
    assert f'id="id_{field(question)}_error"' in page
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("kind", "choices", "posted", "stored", "shown"),
    [
        (Kind.TEXT, "", "Rollstuhl\r\nund Begleitung", "Rollstuhl\nund Begleitung", None),
        (Kind.MULTIPLE, "Bus\nBahn\nAuto", ["Bus", "Bahn"], "Bus\nBahn", "Bus, Bahn"),
        (Kind.BOOLEAN, "", "yes", "yes", "ja"),
    ],
)
def test_each_kind_stores_its_answer(client, kind, choices, posted, stored, shown):
    event = EventFactory(slug="talk")
    question = RegistrationQuestion.objects.create(
        event=event, label="Frage", kind=kind, choices=choices
    )

    client.post("/events/talk/register/", form_data(**{field(question): posted}))

    answer = RegistrationAnswer.objects.get()
    assert answer.value == stored
    assert answer.shown == (shown or stored.replace("\n", ", "))


@pytest.mark.parametrize("posted", ["Köln", "\x00", "x" * 5000])
def test_an_answer_not_among_the_choices_is_refused(client, posted):
    event = EventFactory(slug="talk")
    question = RegistrationQuestion.objects.create(
        event=event, label="Kommune", kind=Kind.CHOICE, choices="Bochum\nHerne"
    )

    response = client.post("/events/talk/register/", form_data(**{field(question): posted}))

    assert response.status_code == 200
    assert not Registration.objects.exists()


def test_a_hidden_question_is_not_asked(client):
    event = EventFactory(slug="talk")
    RegistrationQuestion.objects.create(event=event, label="Alte Frage", is_hidden=True)

    assert "Alte Frage" not in text(client.get("/events/talk/register/"))
    assert client.post("/events/talk/register/", form_data()).status_code == 302


def answered_question(event, kind=Kind.TEXT, count=2):
    question = RegistrationQuestion.objects.create(
        event=event, label="Kommune", kind=kind, choices="Bochum\nHerne"
    )
    for _ in range(count):
        RegistrationAnswer.objects.create(
            registration=RegistrationFactory(event=event), question=question, value="Bochum"
        )
    return question


def post_editor(client, event, **data):
    """The editor's page posted back as it was shown, with ``data`` changed."""
    url = reverse("admin:events_event_change", args=[event.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    base = {}
    for name in form.fields:
        value = form[name].value()
        base[name] = "" if value is None else value
    for name in ("starts_at", "ends_at"):
        local = timezone.localtime(getattr(event, name))
        base[f"{name}_0"], base[f"{name}_1"] = f"{local:%d.%m.%Y}", f"{local:%H:%M:%S}"
    base.update({"slots-TOTAL_FORMS": "0", "slots-INITIAL_FORMS": "0"})
    base["is_published"] = "on"
    base.pop("is_cancelled", None)
    return client.post(url, {**base, **data})


def test_a_question_with_answers_cannot_be_deleted_and_says_how_many(client, editor):
    event = EventFactory()
    question = answered_question(event)
    client.force_login(editor)

    response = post_editor(
        client,
        event,
        **questions_management(1, initial=1),
        **question_data(0, label="Kommune", pk=question.pk, DELETE="on"),
    )

    page = text(response)
    assert response.status_code == 200
    assert "Diese Frage hat 2 Antworten." in page
    assert "setzen Sie stattdessen das Häkchen bei „ausgeblendet“" in page
    assert RegistrationQuestion.objects.filter(pk=question.pk).exists()


def test_a_question_with_answers_can_be_hidden(client, editor):
    event = EventFactory()
    question = answered_question(event)
    client.force_login(editor)

    response = post_editor(
        client,
        event,
        **questions_management(1, initial=1),
        **question_data(0, label="Kommune", pk=question.pk, is_hidden="on"),
    )

    assert response.status_code == 302, text(response)[:3000]
    question.refresh_from_db()
    assert question.is_hidden
    assert RegistrationAnswer.objects.count() == 2


def test_a_question_with_answers_keeps_its_kind(client, editor):
    event = EventFactory()
    question = answered_question(event, count=1)
    client.force_login(editor)

    response = post_editor(
        client,
        event,
        **questions_management(1, initial=1),
        **question_data(0, label="Kommune", pk=question.pk, kind="boolean"),
    )

    assert "Diese Frage hat 1 Antwort. Ihre Art kann sich nicht mehr ändern" in text(response)
    question.refresh_from_db()
    assert question.kind == Kind.TEXT


def test_a_question_without_answers_can_be_deleted(client, editor):
    event = EventFactory()
    question = answered_question(event, count=0)
    client.force_login(editor)

    response = post_editor(
        client,
        event,
        **questions_management(1, initial=1),
        **question_data(0, label="Kommune", pk=question.pk, DELETE="on"),
    )

    assert response.status_code == 302
    assert not RegistrationQuestion.objects.exists()


def test_a_choice_question_needs_two_choices(client, editor):
    event = EventFactory()
    client.force_login(editor)

    response = post_editor(
        client,
        event,
        **questions_management(1),
        **question_data(0, label="Kommune", kind="choice", choices="Bochum"),
    )

    assert "mindestens zwei Antworten" in text(response)
    assert not RegistrationQuestion.objects.exists()


def test_copy_event_copies_the_questions_not_the_answers():
    call_command("loaddemo", "--force", "--date", "2031-04-29", stdout=StringIO())
    seed = Event.objects.get()
    answered_question(seed)

    copy = event_services.copy_event(event=seed, starts_on=datetime.date(2031, 5, 6))

    (question,) = copy.registration_questions.all()
    assert (question.label, question.kind) == ("Kommune", Kind.TEXT)
    assert not question.answers.exists()
    assert RegistrationAnswer.objects.count() == 2
