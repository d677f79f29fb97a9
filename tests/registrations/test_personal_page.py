"""The opt-in and the personal page behind the token link."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from events.models import Event
from registrations import services
from registrations.models import Registration
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status
JOIN_URL = "https://zoom.example.org/j/123456789"


def register(event, email="erika@example.org", **extra):
    fields = {"first_name": "Erika", "last_name": "Mustermann", "email": email, **extra}
    registration, _ = services.register(event=event, **fields)
    return registration


@pytest.fixture
def event():
    return EventFactory(slug="talk", capacity=1, online_url=JOIN_URL)


def test_confirm_get_shows_button_and_changes_nothing(client, event):
    registration = register(event)

    page = client.get(f"/r/{registration.token}/confirm/").content.decode()

    assert "Anmeldung bestätigen" in page
    assert f'action="/r/{registration.token}/confirm/"' in page
    registration.refresh_from_db()
    assert registration.status == Status.PENDING


def test_confirm_post_confirms_and_shows_join_link(client, event):
    registration = register(event)

    response = client.post(f"/r/{registration.token}/confirm/", follow=True)

    page = response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert "Vielen Dank: Ihre Anmeldung ist bestätigt." in page
    assert JOIN_URL in page
    assert 'rel="noreferrer noopener"' in page


def test_confirm_clicked_twice_is_friendly(client, event):
    registration = register(event)
    client.post(f"/r/{registration.token}/confirm/")

    again = client.post(f"/r/{registration.token}/confirm/", follow=True).content.decode()
    page = client.get(f"/r/{registration.token}/confirm/").content.decode()

    assert "Status: Bestätigt." in again
    assert "Bereits bestätigt" in page
    assert Registration.objects.get().confirmed_at is not None


def test_confirm_after_expiry_explains_and_offers_registering_again(client, event):
    registration = register(event)
    Registration.objects.filter(pk=registration.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    page = client.post(f"/r/{registration.token}/confirm/").content.decode()

    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED
    assert "Dieser Link ist abgelaufen" in page
    assert 'href="/events/talk/register/"' in page
    # The expired registration shows the same message on a later visit.
    assert "Dieser Link ist abgelaufen" in client.get(
        f"/r/{registration.token}/confirm/"
    ).content.decode()


def test_confirm_of_cancelled_registration_is_refused(client, event):
    registration = register(event)
    services.cancel(registration=registration)

    page = client.post(f"/r/{registration.token}/confirm/").content.decode()

    assert "Diese Anmeldung wurde storniert" in page
    assert Registration.objects.get().status == Status.CANCELLED


def test_waitlisted_person_confirming_stays_on_list(client, event):
    register(event, "first@example.org")
    waiting = register(event, "second@example.org")

    page = client.post(f"/r/{waiting.token}/confirm/", follow=True).content.decode()

    assert "Sie stehen auf der Warteliste" in page
    assert "Status: Auf der Warteliste." in page
    assert JOIN_URL not in page


@pytest.mark.parametrize("status", [Status.PENDING, Status.WAITLISTED, Status.CANCELLED])
def test_join_link_only_while_confirmed(client, event, status):
    registration = register(event)
    Registration.objects.filter(pk=registration.pk).update(status=status)

    page = client.get(f"/r/{registration.token}/").content.decode()

    assert JOIN_URL not in page
    assert "Hallo Erika" in page


def test_join_link_hidden_when_event_cancelled(client, event):
    registration = register(event)
    services.confirm(registration=registration)
    event.is_cancelled = True
    event.save()

    page = client.get(f"/r/{registration.token}/").content.decode()

    assert JOIN_URL not in page
    assert "Diese Veranstaltung wurde abgesagt." in page


TO_COME = "Den Zugangslink finden Sie hier, sobald er feststeht – wir schicken ihn Ihnen auch"


def test_confirmed_person_reads_when_the_join_link_comes(client):
    event = EventFactory(online_url="")
    registration = register(event)
    services.confirm(registration=registration)

    page = client.get(f"/r/{registration.token}/").content.decode()

    assert "Ihr Zugangslink" in page
    assert TO_COME in page


@pytest.mark.parametrize(
    "situation", ["pending", "in_person", "cancelled", "over", "link_set"]
)
def test_no_promise_of_a_join_link_where_none_will_come(client, situation):
    starts = timezone.now() + datetime.timedelta(days=2)
    event = EventFactory(
        online_url=JOIN_URL if situation == "link_set" else "",
        format="in_person" if situation == "in_person" else "online",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )
    registration = register(event)
    if situation != "pending":
        services.confirm(registration=registration)
    if situation == "cancelled":
        event.is_cancelled = True
        event.save()
    if situation == "over":
        past = timezone.now() - datetime.timedelta(days=2)
        Event.objects.filter(pk=event.pk).update(
            starts_at=past, ends_at=past + datetime.timedelta(hours=2)
        )

    page = client.get(f"/r/{registration.token}/").content.decode()

    assert TO_COME not in page


def test_token_pages_are_private(client, event):
    registration = register(event)
    for suffix in ("", "confirm/", "cancel/", "data/", "delete/", "calendar.ics"):
        response = client.get(f"/r/{registration.token}/{suffix}")
        assert response.status_code == 200, suffix
        assert response["Referrer-Policy"] == "same-origin"
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_unknown_token_is_404_in_german(client):
    response = client.get("/r/not-a-real-token/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Seite nicht gefunden" in page
    assert '<html lang="de">' in page


def test_cancel_asks_first_then_cancels_and_promotes(client, event):
    holder = register(event, "holder@example.org")
    services.confirm(registration=holder)
    waiting = register(event, "waiting@example.org")
    services.confirm(registration=waiting)

    question = client.get(f"/r/{holder.token}/cancel/").content.decode()
    holder.refresh_from_db()
    assert "Möchten Sie Ihre Anmeldung wirklich stornieren?" in question
    assert holder.status == Status.CONFIRMED

    page = client.post(f"/r/{holder.token}/cancel/", follow=True).content.decode()

    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert holder.status == Status.CANCELLED
    assert waiting.status == Status.CONFIRMED
    assert "Ihre Anmeldung wurde storniert." in page
    assert "Status: Storniert." in page
    assert JOIN_URL not in page


def test_show_my_data_lists_every_stored_field(client, event):
    registration = register(
        event, organisation="Stadt <Bochum>", question="Warum?\nUnd wie?", language="de"
    )

    page = client.get(f"/r/{registration.token}/data/").content.decode()

    for label in ("Vorname", "Nachname", "E-Mail-Adresse", "Organisation oder Kommune",
                  "Frage an das Podium", "Status", "Sprache", "Einwilligung erteilt am",
                  "Version der Datenschutzhinweise", "Angemeldet am", "Token"):
        assert label.lower() in page.lower(), label
    assert "erika@example.org" in page
    assert "Stadt &lt;Bochum&gt;" in page
    assert "Warum?<br>Und wie?" in page
    assert registration.token in page


def test_delete_my_data_erases_and_frees_the_seat(client, event):
    holder = register(event, "holder@example.org", organisation="Bochum", question="Frage")
    services.confirm(registration=holder)
    waiting = register(event, "waiting@example.org")
    services.confirm(registration=waiting)
    token = holder.token

    assert "Möchten Sie Ihre Daten wirklich löschen?" in client.get(
        f"/r/{token}/delete/"
    ).content.decode()
    page = client.post(f"/r/{token}/delete/", follow=True).content.decode()

    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert "Ihre Daten wurden gelöscht" in page
    assert (holder.first_name, holder.last_name, holder.email) == ("", "", "")
    assert (holder.organisation, holder.question, holder.token) == ("", "", None)
    assert holder.status == Status.CANCELLED
    assert holder.purged_at is not None
    assert waiting.status == Status.CONFIRMED
    assert client.get(f"/r/{token}/").status_code == 404


def test_personal_calendar_links_personal_page_not_join_link(client, event):
    registration = register(event)
    services.confirm(registration=registration)

    response = client.get(f"/r/{registration.token}/calendar.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    content = response.content.decode()
    assert "zoom.example.org" not in content
    (entry,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(entry["URL"]) == f"http://127.0.0.1:8000/r/{registration.token}/"
    assert str(entry["STATUS"]) == "CONFIRMED"


def test_personal_calendar_of_cancelled_registration_cancels(client, event):
    registration = register(event)
    services.cancel(registration=registration)
    (entry,) = Calendar.from_ical(
        client.get(f"/r/{registration.token}/calendar.ics").content
    ).walk("VEVENT")
    assert str(entry["STATUS"]) == "CANCELLED"


def test_markup_in_names_is_escaped_on_personal_pages(client, event):
    registration = register(event, first_name="<script>alert(1)</script>", last_name="<b>X</b>")
    for suffix in ("", "confirm/", "data/", "cancel/", "delete/"):
        page = client.get(f"/r/{registration.token}/{suffix}").content.decode()
        assert "<script>alert(1)" not in page, suffix
        assert "<b>X</b>" not in page, suffix
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(
        f"/r/{registration.token}/"
    ).content.decode()


def test_personal_page_queries_are_fixed(client, event, django_assert_max_num_queries):
    registration = register(event)
    with django_assert_max_num_queries(3):
        client.get(f"/r/{registration.token}/")


def test_whole_opt_in_by_mail(client, event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/events/talk/register/", {
            "first_name": "Erika", "last_name": "Mustermann", "email": "erika@example.org",
            "consent": "on",
        })
    confirm_path = mail.outbox[0].body.split("http://127.0.0.1:8000")[1].split()[0]
    assert confirm_path.endswith("/confirm/")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_path)

    assert Registration.objects.get().status == Status.CONFIRMED
    assert JOIN_URL in mail.outbox[1].body


def end(event):
    """The event took place: it ended an hour ago."""
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        starts_at=now - datetime.timedelta(hours=3), ends_at=now - datetime.timedelta(hours=1)
    )


def test_personal_page_offers_no_cancelling_after_the_event(client, event):
    registration = register(event)
    services.confirm(registration=registration)
    before = client.get(f"/r/{registration.token}/").content.decode()
    end(event)

    after = client.get(f"/r/{registration.token}/").content.decode()

    assert "Anmeldung stornieren" in before
    assert "Anmeldung stornieren" not in after
    assert "Meine Daten anzeigen" in after


def test_cancelling_after_the_event_says_why_and_changes_nothing(
    client, event, django_capture_on_commit_callbacks
):
    registration = register(event)
    services.confirm(registration=registration)
    end(event)
    mail.outbox.clear()

    question = client.get(f"/r/{registration.token}/cancel/", follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/r/{registration.token}/cancel/", follow=True)

    message = "Die Veranstaltung ist vorbei: Die Anmeldung kann nicht mehr storniert werden."
    assert question.redirect_chain == [(f"/r/{registration.token}/", 302)]
    assert message in question.content.decode()
    assert answer.status_code == 200
    assert message in answer.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert mail.outbox == []
