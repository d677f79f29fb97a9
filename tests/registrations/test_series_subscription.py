"""A subscription to the series: its own double opt-in, one mail per new event, one-click end."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events import services as event_services
from registrations import subscriptions
from registrations.models import ExportLog, SeriesNotice, SeriesSubscription
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

CONSENT = {"consent": "on"}


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def subscribe(client, run_on_commit, email="erika@example.org", **extra):
    return run_on_commit(
        client.post, reverse("registrations:subscribe"), {"email": email, **CONSENT, **extra}
    )


def confirm_from_mail(client, run_on_commit):
    [message] = [m for m in mail.outbox if "bestätigen" in m.subject.lower()]
    url = re.search(r"https?://\S+/subscribe/\S+/confirm/", message.body).group(0)
    path = url.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path).content.decode()
    assert "Abonnement bestätigen" in page  # a button: mail scanners follow links
    run_on_commit(client.post, "/" + path)
    mail.outbox.clear()


def draft(**kwargs):
    return EventFactory(
        is_published=False, series="LandtagsTalk", title="LandtagsTalk: Schule digital", **kwargs
    )


def test_subscribe_confirm_one_mail_per_publication_and_one_click_end(client, run_on_commit):
    response = subscribe(client, run_on_commit)
    assert response.status_code == 302
    assert "Bitte sehen Sie in Ihr Postfach" in client.get(response["Location"]).content.decode()
    confirm_from_mail(client, run_on_commit)
    event = draft()

    run_on_commit(event_services.update_event, event=event, changes={"is_published": True})

    [notice] = mail.outbox
    assert notice.to == ["erika@example.org"]
    assert "LandtagsTalk: Schule digital" in notice.subject
    assert event.get_absolute_url() in notice.body
    unsubscribe = notice.extra_headers["List-Unsubscribe"]
    assert re.fullmatch(r"<https?://[^>]+/subscribe/[\w-]+/unsubscribe/>", unsubscribe)
    assert notice.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "<img" not in notice.alternatives[0][0]  # no tracking pixel
    # A second publication of the same event mails nobody.
    mail.outbox.clear()
    run_on_commit(event_services.update_event, event=event, changes={"is_published": False})
    run_on_commit(event_services.update_event, event=event, changes={"is_published": True})
    assert mail.outbox == []
    # The mail client's one-click POST: no cookie, no CSRF token.
    path = "/" + unsubscribe.strip("<>").split("://", 1)[1].split("/", 1)[1]
    one_click = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert one_click.status_code == 200
    assert "Ihr Abonnement ist beendet" in one_click.content.decode()
    assert not SeriesSubscription.objects.exists()
    assert not SeriesNotice.objects.exists()
    # Twice is no error.
    assert Client(enforce_csrf_checks=True).post(path).status_code == 200


def test_an_unconfirmed_subscription_gets_no_notice_and_is_deleted_after_the_hold(
    client, run_on_commit, settings
):
    settings.REGISTRATION_HOLD_HOURS = 24
    subscribe(client, run_on_commit)
    mail.outbox.clear()

    run_on_commit(event_services.update_event, event=draft(), changes={"is_published": True})

    assert mail.outbox == []
    assert subscriptions.delete_unconfirmed() == 0
    later = timezone.now() + datetime.timedelta(hours=25)
    assert subscriptions.delete_unconfirmed(now=later) == 1
    assert not SeriesSubscription.objects.exists()


def test_a_series_subscriber_hears_only_of_that_series(client, run_on_commit):
    EventFactory(series="LandtagsTalk")
    EventFactory(series="Fraktion vor Ort")
    subscribe(client, run_on_commit, email="reihe@example.org", series="Fraktion vor Ort")
    confirm_from_mail(client, run_on_commit)
    subscribe(client, run_on_commit, email="alle@example.org")
    confirm_from_mail(client, run_on_commit)

    run_on_commit(event_services.update_event, event=draft(), changes={"is_published": True})

    assert [m.to for m in mail.outbox] == [["alle@example.org"]]


def test_an_event_published_in_the_admin_at_once_is_announced(
    client, run_on_commit, admin_user
):
    subscription = SeriesSubscription.objects.create(
        email="erika@example.org", consent_at=timezone.now(), consent_version="2021-04",
        confirmed_at=timezone.now(),
    )

    run_on_commit(
        EventFactory, is_published=True, starts_at=timezone.now() + datetime.timedelta(days=3)
    )
    past = timezone.now() - datetime.timedelta(days=3)
    run_on_commit(EventFactory, is_published=True, starts_at=past)

    assert [m.to for m in mail.outbox] == [[subscription.email]]


def test_the_same_address_gets_one_confirmation_mail_an_hour_and_the_same_answer(
    client, run_on_commit
):
    first = subscribe(client, run_on_commit, email="Erika@Example.org")
    second = subscribe(client, run_on_commit, email="erika@example.org")

    assert first["Location"] == second["Location"]
    assert len(mail.outbox) == 1
    assert SeriesSubscription.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"email": "erika@example.org"},  # no consent
        {"email": "erika\x00@example.org", **CONSENT},
        {"email": "x" * 300 + "@example.org", **CONSENT},
        {"email": "erika@example.org", "series": "Nicht vorhanden", **CONSENT},
    ],
)
def test_bad_input_gets_a_message_and_stores_nothing(client, data):
    response = client.post(reverse("registrations:subscribe"), data)

    assert response.status_code == 200
    assert "Bitte korrigieren Sie die markierten Felder." in response.content.decode()
    assert not SeriesSubscription.objects.exists()


def test_the_honeypot_stores_nothing_and_answers_the_same(client):
    response = client.post(
        reverse("registrations:subscribe"),
        {"email": "bot@example.org", "website": "http://spam.example", **CONSENT},
    )

    assert response.status_code == 302
    assert not SeriesSubscription.objects.exists()


def test_start_and_event_pages_carry_the_form_unticked_and_stay_cacheable(client):
    event = EventFactory(series="LandtagsTalk")
    EventFactory(series="Fraktion vor Ort")

    start = client.get("/")
    detail = client.get(event.get_absolute_url())
    form_page = client.get(f"/events/{event.slug}/register/").content.decode()

    for response in (start, detail):
        html = response.content.decode()
        assert "Über neue Termine informieren" in html
        assert 'name="consent" id="subscribe-consent" required>' in html
        assert "csrfmiddlewaretoken" not in html
        assert "Cookie" not in response.get("Vary", "")
    assert '<option value="Fraktion vor Ort">' in start.content.decode()
    assert 'id="subscribe-series"' not in detail.content.decode()
    assert "subscribe" not in form_page.split("<main")[1].split("</main>")[0]


def test_staff_see_counts_not_addresses_and_the_export_is_a_logged_post(
    client, editor, participant_manager
):
    now = timezone.now()
    for email, series, confirmed in [
        ("geheim@example.org", "LandtagsTalk", now),
        ("zwei@example.org", "LandtagsTalk", None),
        ("drei@example.org", "", now),
    ]:
        SeriesSubscription.objects.create(
            email=email, series=series, consent_at=now, consent_version="2021-04",
            confirmed_at=confirmed,
        )
    url = reverse("admin:registrations_registration_subscriptions")

    client.force_login(editor)
    counts = client.get(url).content.decode()
    refused = client.post(url)
    client.force_login(participant_manager)
    export = client.post(url)
    csv = b"".join(export.streaming_content).decode("utf-8-sig")

    assert "<th scope=\"row\">LandtagsTalk</th><td>1</td><td>1</td>" in counts
    assert "<th scope=\"row\">Alle Veranstaltungen</th><td>1</td><td>0</td>" in counts
    assert "@example.org" not in counts
    assert "exportieren" not in counts.lower().split("content-main")[1]
    assert refused.status_code == 403
    assert "geheim@example.org" in csv and "drei@example.org" in csv
    assert "zwei@example.org" not in csv
    log = ExportLog.objects.get()
    assert (log.user, log.row_count) == (participant_manager, 2)
