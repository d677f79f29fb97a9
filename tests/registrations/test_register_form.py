"""The registration form: every bad input refused in plain German, nothing revealed."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory(slug="talk", capacity=10)


def form_data(**changes):
    data = {
        "first_name": "Erika",
        "last_name": "Mustermann",
        "email": "erika@example.org",
        "organisation": "Stadt Bochum",
        "question": "Wie geht es weiter?\r\nUnd wann?",
        "consent": "on",
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def post(client, data, slug="talk"):
    return client.post(f"/events/{slug}/register/", data)


def test_register_creates_pending_registration_and_mails_link(
    client, event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, form_data(first_name="  Erika  "))

    assert response.status_code == 302
    assert response["Location"] == "/events/talk/register/thanks/"
    registration = Registration.objects.get()
    assert registration.first_name == "Erika"
    assert registration.status == Registration.Status.PENDING
    assert registration.language == "de"
    assert registration.question == "Wie geht es weiter?\nUnd wann?"
    assert registration.consent_at is not None
    (message,) = mail.outbox
    assert f"/r/{registration.token}/confirm/" in message.body


def test_register_in_english_stores_english(client, event):
    client.cookies["django_language"] = "en"
    post(client, form_data())
    assert Registration.objects.get().language == "en"


def test_neutral_page_is_the_same_for_new_and_known_addresses(client, event):
    first = post(client, form_data())
    again = post(client, form_data(email="ERIKA@example.org", first_name="Someone"))

    assert first["Location"] == again["Location"]
    assert Registration.objects.count() == 1
    page = client.get(first["Location"]).content.decode()
    assert "Bitte sehen Sie in Ihr Postfach" in page
    assert "erika@example.org" not in page.lower()


def test_known_address_gets_its_personal_link_by_mail(
    client, event, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(event=event, email="erika@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        post(client, form_data())
    (message,) = mail.outbox
    assert f"/r/{registration.token}/" in message.body
    assert "bereits angemeldet" in message.body


def test_honeypot_filled_creates_nothing_but_shows_same_page(
    client, event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, form_data(website="http://spam.example"))

    assert response["Location"] == "/events/talk/register/thanks/"
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_honeypot_is_hidden_by_the_stylesheet(client, event):
    page = client.get("/events/talk/register/").content.decode()
    assert 'class="hp"  aria-hidden="true"> <div id="div_id_website"' in page
    assert 'tabindex="-1"' in page
    assert "style=" not in page


def test_missing_consent_is_refused(client, event):
    response = post(client, form_data(consent=None))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Bitte erteilen Sie Ihre Einwilligung" in page
    assert '<a href="#id_consent">Einwilligung:' in page
    assert not Registration.objects.exists()


def test_errors_are_summarised_at_the_top_and_linked(client, event):
    response = post(client, form_data(first_name="", email="kaputt"))

    page = response.content.decode()
    assert "<title>Fehler:" in page
    assert 'role="alert"' in page
    assert '<a href="#id_first_name">Vorname: Dieses Feld ist zwingend erforderlich.</a>' in page
    assert '<a href="#id_email">E-Mail-Adresse: Bitte gültige E-Mail-Adresse eingeben.</a>' in page
    assert page.index("error-summary") < page.index('id="id_first_name"')
    assert 'aria-invalid="true"' in page
    assert 'value="Stadt Bochum"' in page  # what was typed stays


@pytest.mark.parametrize(
    "email",
    [
        "kein-at-zeichen",
        "erika@",
        "@example.org",
        "erika@example..org",
        "erika mustermann@example.org",
        "erika@example.org\r\nBcc: victim@example.org",
        "erika\n@example.org",
        "jörg@example.org",
        "a" * 65 + "@" + ".".join(["b" * 63] * 2 + ["c" * 61]),  # 255 characters
    ],
)
def test_bad_addresses_are_refused(client, event, email):
    response = post(client, form_data(email=email))
    assert "E-Mail-Adresse:" in response.content.decode()
    assert not Registration.objects.exists()


def test_internationalised_domain_is_accepted_and_mailed(
    client, event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, form_data(email="erika@bürgernah.de"))

    assert response.status_code == 302
    assert Registration.objects.get().email == "erika@bürgernah.de"
    (message,) = mail.outbox
    assert message.message()["To"] == "erika@xn--brgernah-65a.de"


def test_address_of_254_characters_is_accepted(client, event):
    email = "a" * 64 + "@" + ".".join(["b" * 63] * 2 + ["c" * 61])
    assert len(email) == 254
    assert post(client, form_data(email=email)).status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "E" * 101, "höchstens 100 Zeichen"),
        ("last_name", "M" * 101, "höchstens 100 Zeichen"),
        ("organisation", "O" * 201, "höchstens 200 Zeichen"),
        ("question", "?" * 1001, "höchstens 1000 Zeichen"),
        ("first_name", "Eri\x00ka", "Nullzeichen sind nicht erlaubt."),
        ("question", "Frage\x00", "Nullzeichen sind nicht erlaubt."),
        ("first_name", "Erika\r\nBcc: x@example.org", "ohne Zeilenumbrüche oder Steuerzeichen"),
        ("last_name", "Muster\nmann", "ohne Zeilenumbrüche oder Steuerzeichen"),
        ("last_name", "Muster\u2028mann", "ohne Zeilenumbrüche oder Steuerzeichen"),
        ("organisation", "Stadt\x1b[31m", "ohne Zeilenumbrüche oder Steuerzeichen"),
        ("question", "Frage\x07", "Bitte entfernen Sie die Steuerzeichen"),
    ],
)
def test_bad_fields_are_refused_in_german(client, event, field, value, message):
    response = post(client, form_data(**{field: value}))
    assert message in response.content.decode()
    assert not Registration.objects.exists()


def test_question_of_1000_characters_is_accepted(client, event):
    assert post(client, form_data(question="?" * 1000)).status_code == 302
    assert len(Registration.objects.get().question) == 1000


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"registration_closes_at": timezone.now() - datetime.timedelta(minutes=1)},
         "Die Anmeldung für diese Veranstaltung ist geschlossen."),
        ({"starts_at": timezone.now() - datetime.timedelta(days=2)},
         "Diese Veranstaltung hat bereits stattgefunden."),
        ({"is_cancelled": True}, "Diese Veranstaltung wurde abgesagt."),
        ({"registration_opens_at": timezone.now() + datetime.timedelta(days=1)},
         "Die Anmeldung ist noch nicht geöffnet."),
    ],
)
def test_closed_or_past_event_takes_no_registration(client, changes, message):
    event = EventFactory(slug="talk", **changes)

    for response in (client.get(f"/events/{event.slug}/register/"), post(client, form_data())):
        page = response.content.decode()
        assert message in page
        assert 'name="email"' not in page
    assert not Registration.objects.exists()


def test_full_event_offers_the_waiting_list(client):
    event = EventFactory(slug="talk", capacity=1)
    RegistrationFactory(event=event)

    page = client.get("/events/talk/register/").content.decode()
    post(client, form_data())

    assert "Auf die Warteliste" in page
    assert Registration.objects.get(email="erika@example.org").status == "waitlisted"


def test_rate_limit_answers_429_in_german_and_keeps_input(client, event, settings):
    settings.REGISTRATION_RATE_LIMIT = 10
    for number in range(10):
        assert post(client, form_data(email=f"p{number}@example.org")).status_code == 302

    response = post(client, form_data(email="eleven@example.org"))

    page = response.content.decode()
    assert response.status_code == 429
    assert "Zu viele Anmeldungen von Ihrem Anschluss" in page
    assert 'value="eleven@example.org"' in page
    assert Registration.objects.count() == 10


def test_rate_limit_counts_per_client_address(event, settings):
    settings.REGISTRATION_RATE_LIMIT = 10
    first, second = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2")
    for number in range(10):
        post(first, form_data(email=f"p{number}@example.org"))
    assert post(first, form_data(email="x@example.org")).status_code == 429
    assert post(second, form_data(email="y@example.org")).status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_rate_limit_behind_own_proxy_counts_the_forwarded_client(event, settings):
    settings.REGISTRATION_RATE_LIMIT = 10
    proxy = "10.0.0.5"
    first = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9, 192.0.2.1")
    second = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9, 192.0.2.2")
    for number in range(10):
        post(first, form_data(email=f"p{number}@example.org"))
    assert post(first, form_data(email="x@example.org")).status_code == 429
    # The same left-most entry (which a client can forge) but another address appended
    # by the proxy: a client of its own, with a budget of its own.
    assert post(second, form_data(email="y@example.org")).status_code == 302


@override_settings(RATELIMIT_ENABLE=False)
def test_rate_limit_can_be_turned_off(client, event):
    for number in range(12):
        assert post(client, form_data(email=f"p{number}@example.org")).status_code == 302


def test_missing_csrf_token_is_refused_in_german(event):
    client = Client(enforce_csrf_checks=True)

    response = post(client, form_data())

    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="de">' in page
    assert "Sicherheitsprüfung" in page
    assert "Das Formular ist abgelaufen" in page
    assert not Registration.objects.exists()


def test_csrf_protected_form_works_with_token(event):
    client = Client(enforce_csrf_checks=True)
    client.get("/events/talk/register/")
    token = client.cookies["csrftoken"].value
    response = post(client, form_data(csrfmiddlewaretoken=token))
    assert response.status_code == 302
    assert Registration.objects.count() == 1


@pytest.mark.parametrize("registered", [0, 25])
@pytest.mark.parametrize(("question", "queries"), [("", 8), ("Wie geht es weiter?", 9)])
def test_register_queries_are_fixed(
    client, event, django_assert_num_queries, registered, question, queries
):
    # The event is read once, under its lock, with its counter of seats held; then the
    # mailbox's and the client's unconfirmed registrations (at most a few rows each), the
    # new row and the counter. No
    # count of the seats held, and no lookup of the address first: the unique
    # constraint answers for a known one. Before all that, the event's own questions,
    # which the form checks the answers against. A question joins the event's list: one row more.
    event.capacity = 100
    event.save()
    RegistrationFactory.create_batch(registered, event=event)
    with django_assert_num_queries(queries):  # with the test's savepoint and its release
        response = post(client, form_data(question=question))
    assert response.status_code == 302
    assert Registration.objects.count() == registered + 1



@pytest.mark.parametrize("data", [form_data(), form_data(email="not-an-address")])
def test_post_to_an_unpublished_or_unknown_event_is_not_found(client, data):
    EventFactory(slug="draft", is_published=False)
    for slug in ("draft", "nowhere"):
        assert post(client, data, slug=slug).status_code == 404
    assert not Registration.objects.exists()


def test_honeypot_on_a_closed_event_shows_that_it_is_closed(client):
    EventFactory(slug="talk", is_cancelled=True)
    response = post(client, form_data(website="http://spam.example"))
    assert "Diese Veranstaltung wurde abgesagt." in response.content.decode()


def test_form_has_a_meta_description(client, event):
    page = client.get("/events/talk/register/").content.decode()

    match = re.search(r'<meta name="description" content="([^"]*)">', page)
    assert match
    assert match.group(1).startswith(f"Anmeldung zu „{event.title}“, ")
    assert match.group(1).endswith("Die Teilnahme ist kostenlos.")
