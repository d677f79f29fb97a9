"""Messages to registrants: chosen by status, previewed with a real registrant, kept, queued."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from registrations import mails, outreach, tasks
from registrations.models import MessageDelivery, RegistrantMessage, Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status
JOIN_URL = "https://zoom.example.org/j/123456789"


@pytest.fixture
def event():
    event = EventFactory(title="LandtagsTalk: Digital", online_url=JOIN_URL)
    now = timezone.now()
    RegistrationFactory(event=event, first_name="Clara", email="clara@example.org",
                        status=Status.CONFIRMED, email_confirmed_at=now, attended=True)
    RegistrationFactory(event=event, first_name="Conrad", email="conrad@example.org",
                        status=Status.CONFIRMED, email_confirmed_at=now, language="en")
    RegistrationFactory(event=event, first_name="Wanda", email="wanda@example.org",
                        status=Status.WAITLISTED)
    RegistrationFactory(event=event, first_name="Paul", email="paul@example.org")
    RegistrationFactory(event=event, first_name="Xaver", email="xaver@example.org",
                        status=Status.CANCELLED, attended=True)
    return event


def url(event):
    return reverse("admin:registrations_registration_event_messages", args=[event.pk])


def post(client, event, audiences, body="Wir starten {first_name} 15 Minuten später.",
         subject="Neue Startzeit", action="preview"):
    return client.post(
        url(event), {"audiences": audiences, "subject": subject, "body": body, action: "1"}
    )


def test_preview_shows_a_real_registrant_and_the_number_without_sending(
    client, participant_manager, event
):
    client.force_login(participant_manager)

    html = post(client, event, ["confirmed", "waitlisted"]).content.decode()

    assert "Diese Nachricht geht an 3 Personen." in html
    assert "Wir starten Clara 15 Minuten später." in html
    assert "Guten Tag Clara," in html
    assert "An 3 Personen senden" in html
    assert mail.outbox == []
    assert RegistrantMessage.objects.count() == 0


def test_send_mails_the_chosen_groups_with_placeholders_and_keeps_the_message(
    client, participant_manager, event, django_capture_on_commit_callbacks
):
    client.force_login(participant_manager)
    body = "Neuer Link: {join_link}\nIhre Seite: {personal_link}"

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, event, ["confirmed"], body=body, action="send")

    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["clara@example.org", "conrad@example.org"]
    clara = next(m for m in mail.outbox if m.to == ["clara@example.org"])
    token = Registration.objects.get(email="clara@example.org").token
    assert clara.subject == "Neue Startzeit"
    assert f"Neuer Link: {JOIN_URL}" in clara.body
    assert f"Ihre Seite: http://127.0.0.1:8000/r/{token}/" in clara.body
    assert f'href="{JOIN_URL}"' in clara.alternatives[0][0]
    assert "Hello Conrad," in next(m for m in mail.outbox if m.to == ["conrad@example.org"]).body
    message = RegistrantMessage.objects.get()
    assert (message.sender, message.recipient_count, message.body) == (
        participant_manager, 2, body,
    )
    page = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert "Neue Startzeit" in page
    assert "Bestätigt: 2 von 2" in page


def test_attended_and_not_attended_groups(client, participant_manager, event,
                                          django_capture_on_commit_callbacks):
    client.force_login(participant_manager)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, event, ["attended"], action="send")
    assert [m.to[0] for m in mail.outbox] == ["clara@example.org"]  # Xaver cancelled

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post(client, event, ["not_attended"], body="Schade!", action="send")
    assert [m.to[0] for m in mail.outbox] == ["conrad@example.org"]


def test_join_link_for_unconfirmed_groups_is_refused(client, participant_manager, event):
    client.force_login(participant_manager)
    html = post(client, event, ["confirmed", "waitlisted"], body="{join_link}",
                action="send").content.decode()
    assert "Der Zugangslink ist nur für bestätigte Personen" in html
    assert mail.outbox == []


MISSING = "Die Veranstaltung hat noch keinen Zugangslink, {join_link} bliebe also leer."


def test_preview_warns_when_the_event_has_no_join_link_yet(client, participant_manager, event):
    event.online_url = ""
    event.save()
    client.force_login(participant_manager)

    html = post(client, event, ["confirmed"], body="Ihr Zugangslink: {join_link}").content.decode()

    assert MISSING in html
    assert "Ihr Zugangslink: \n" in html or "Ihr Zugangslink:\n" in html
    assert "An 2 Personen senden" not in html
    assert RegistrantMessage.objects.count() == 0


def test_sending_waits_until_the_join_link_is_set(
    client, participant_manager, event, django_capture_on_commit_callbacks
):
    event.online_url = ""
    event.save()
    client.force_login(participant_manager)

    refused = post(client, event, ["confirmed"], body="Link: {join_link}", action="send")
    event.online_url = JOIN_URL
    event.save()
    with django_capture_on_commit_callbacks(execute=True):
        sent = post(client, event, ["confirmed"], body="Link: {join_link}", action="send")

    assert refused.status_code == 200
    assert MISSING in refused.content.decode()
    assert sent.status_code == 302
    assert RegistrantMessage.objects.count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["clara@example.org", "conrad@example.org"]
    assert all(f"Link: {JOIN_URL}" in m.body for m in mail.outbox)


def test_service_refuses_a_join_link_it_cannot_fill(participant_manager, event):
    event.is_cancelled = True
    event.save()

    with pytest.raises(ValidationError, match="noch keinen Zugangslink"):
        outreach.send_message(
            event=event, sender=participant_manager, subject="Hallo", body="{join_link}",
            audiences=["confirmed"],
        )
    assert RegistrantMessage.objects.count() == 0


@pytest.mark.parametrize("body", ["{registration.token}", "{0}", "{first_name.__class__}", "{}"])
def test_unknown_placeholders_are_refused(client, participant_manager, event, body):
    client.force_login(participant_manager)
    html = post(client, event, ["confirmed"], body=body, action="send").content.decode()
    assert "Unbekannter Platzhalter" in html
    assert RegistrantMessage.objects.count() == 0


def test_nul_byte_is_a_clear_error(client, participant_manager, event):
    client.force_login(participant_manager)
    response = post(client, event, ["confirmed"], body="Hallo\x00", action="send")
    assert response.status_code == 200
    assert RegistrantMessage.objects.count() == 0


def test_the_same_message_twice_is_sent_once(client, participant_manager, event,
                                            django_capture_on_commit_callbacks):
    client.force_login(participant_manager)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, event, ["confirmed"], action="send")
        response = post(client, event, ["confirmed"], action="send")
    assert RegistrantMessage.objects.count() == 1
    assert len(mail.outbox) == 2
    assert "bereits gesendet" in client.get(response.url).content.decode()


def test_rerun_of_a_message_sends_nobody_twice(client, participant_manager, event,
                                              django_capture_on_commit_callbacks):
    client.force_login(participant_manager)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, event, ["confirmed", "pending"], action="send")
    message = RegistrantMessage.objects.get()

    assert tasks.send_registrant_messages.call(message_id=message.pk) == 0
    for delivery in MessageDelivery.objects.all():
        assert not mails.send_registrant_message(delivery_id=delivery.pk)
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("group", ["Redaktion", None])
def test_only_the_participant_managers_may_write(client, staff_user, event, group):
    client.force_login(staff_user(group))
    assert client.get(url(event)).status_code == 403
    assert post(client, event, ["confirmed"], action="send").status_code == 403
    assert mail.outbox == []


def test_messages_page_queries_do_not_grow_with_messages(
    client, participant_manager, event, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(participant_manager)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, event, ["confirmed"], body="Eins", action="send")
    with CaptureQueriesContext(connection) as one:
        client.get(url(event))
    for number in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            post(client, event, ["confirmed"], body=f"Nachricht {number}", action="send")
    with CaptureQueriesContext(connection) as four:
        html = client.get(url(event)).content.decode()

    assert len(four.captured_queries) == len(one.captured_queries)
    assert html.count("Bestätigt: 2 von 2") == 4
