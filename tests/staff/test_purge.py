"""Automatic deletion of personal data some days after an event (DSGVO)."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from registrations import retention
from registrations.models import PurgeLog, Registration
from tests.factories import EventFactory, RegistrationFactory
from tests.staff.conftest import read_csv

pytestmark = pytest.mark.django_db

DAYS = datetime.timedelta(days=1)


@pytest.fixture
def old_event():
    start = timezone.now() - 40 * DAYS
    event = EventFactory(slug="alt", starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    RegistrationFactory(
        event=event,
        first_name="Erika",
        last_name="Muster",
        email="erika@example.org",
        organisation="Bochum",
        question="Was nun?",
        status="confirmed",
        attended=True,
    )
    RegistrationFactory(event=event, last_name="Warte", status="waitlisted")
    RegistrationFactory(
        event=event, last_name="Abgelaufen", status="cancelled", cancel_reason="expired"
    )
    return event


def purge(*args):
    out = StringIO()
    call_command("purge_personal_data", *args, stdout=out)
    return out.getvalue()


def test_purge_removes_personal_fields_keeps_counts_and_attendance(old_event):
    recent = EventFactory(starts_at=timezone.now() - 10 * DAYS)
    kept = RegistrationFactory(event=recent, last_name="Bleibt")

    output = purge()

    registrations = Registration.objects.filter(event=old_event).order_by("status")
    assert [
        (r.first_name, r.last_name, r.email, r.organisation, r.question, r.token, r.status)
        for r in registrations
    ] == [("", "", "", "", "", None, "confirmed"), ("", "", "", "", "", None, "waitlisted")]
    assert all(r.purged_at for r in registrations)
    assert registrations.get(status="confirmed").attended
    assert not Registration.objects.filter(last_name="Abgelaufen").exists()
    kept.refresh_from_db()
    assert kept.last_name == "Bleibt" and kept.purged_at is None
    log = PurgeLog.objects.get()
    assert (log.event, log.anonymised_count, log.deleted_count) == (old_event, 2, 1)
    assert "alt: 2 registrations were anonymised, 1 expired registrations were deleted" in output


def test_purge_dry_run_changes_nothing(old_event):
    output = purge("--dry-run")

    assert "Dry run: 2 registrations would be anonymised, 1 expired registrations would be" in (
        output
    )
    assert Registration.objects.filter(event=old_event, purged_at__isnull=True).count() == 3
    assert not PurgeLog.objects.exists()


def test_purge_days_option(old_event):
    purge("--days", "60")
    assert Registration.objects.filter(purged_at__isnull=False).count() == 0
    purge("--days", "35")
    assert Registration.objects.filter(purged_at__isnull=False).count() == 2


@pytest.mark.parametrize(("ended_ago", "purged"), [(-1, False), (1, True)])
def test_purge_takes_an_event_from_the_second_its_retention_ends(settings, ended_ago, purged):
    now = timezone.now()
    ends = now - settings.PERSONAL_DATA_RETENTION_DAYS * DAYS - datetime.timedelta(
        seconds=ended_ago
    )
    event = EventFactory(starts_at=ends - datetime.timedelta(hours=2), ends_at=ends)
    RegistrationFactory(event=event)

    assert list(retention.events_to_purge(now=now)) == ([event] if purged else [])
    assert list(retention.events_to_purge(now=now, days=29)) == [event]


def test_purge_again_does_nothing_and_logs_nothing(old_event):
    purge()
    output = purge()

    assert "0 registrations were anonymised" in output
    assert PurgeLog.objects.count() == 1


def test_purge_service_is_one_event_at_a_time(old_event):
    other = EventFactory(starts_at=old_event.starts_at, ends_at=old_event.ends_at)
    RegistrationFactory(event=other)

    assert retention.purge_personal_data(event=old_event) == (2, 1)
    assert Registration.objects.get(event=other).purged_at is None


def test_purged_event_shows_in_admin_list_dashboard_and_export(client, superuser, old_event):
    purge()
    client.force_login(superuser)

    changelist = client.get(
        reverse("admin:registrations_registration_changelist") + "?purged=yes"
    ).content.decode()
    dashboard = client.get(
        reverse("admin:events_event_change", args=[old_event.pk])
    ).content.decode()
    purge_log = client.get(reverse("admin:registrations_purgelog_changelist")).content.decode()
    export = b"".join(
        client.post(
            reverse("admin:registrations_registration_event_export", args=[old_event.pk])
        ).streaming_content
    )

    assert "(gelöscht, Nr." in changelist
    assert "Personenbezogene Daten gelöscht am" in dashboard
    assert "Anmeldungen ohne personenbezogene Daten: 2." in dashboard
    assert '<td class="field-anonymised_count">2</td>' in purge_log
    assert [row[4] for row in read_csv(export)[1:]] == ["Bestätigt", "Warteliste"]


def test_purged_registration_page_renders_without_names(client, superuser, old_event):
    purge()
    registration = Registration.objects.get(event=old_event, status="confirmed")
    client.force_login(superuser)

    html = client.get(
        reverse("admin:registrations_registration_change", args=[registration.pk])
    ).content.decode()

    assert "erika@example.org" not in html
    assert "Personenbezogene Daten gelöscht am:" in html  # the label, capitalised by the admin
    assert "Bestätigt" in html
