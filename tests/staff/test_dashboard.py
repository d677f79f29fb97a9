"""The dashboard on an event's admin page: figures and a chart, never a person."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.dashboard import per_day
from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory
from tests.staff.conftest import tile

pytestmark = pytest.mark.django_db


def day(n):
    return timezone.make_aware(datetime.datetime(2021, 4, n, 12, 0))


@pytest.fixture
def event():
    event = EventFactory(capacity=10, title="Kommune der Zukunft")
    for status, count in [("confirmed", 3), ("pending", 2), ("waitlisted", 1), ("cancelled", 1)]:
        RegistrationFactory.create_batch(
            count,
            event=event,
            status=status,
            question="Eine Frage?",
            last_name="Geheimname",
            email_confirmed_at=None if status == "pending" else timezone.now(),
        )
    ids = list(Registration.objects.filter(event=event).order_by("pk").values_list("pk", flat=True))
    # created_at is auto_now_add: spread the registrations over days afterwards.
    Registration.objects.filter(pk__in=ids[:4]).update(created_at=day(1))
    Registration.objects.filter(pk__in=ids[4:]).update(created_at=day(3))
    return event


def page(client, event):
    return client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()


def test_per_day_fills_days_without_registrations(event):
    assert per_day(event) == [
        (datetime.date(2021, 4, 1), 4),
        (datetime.date(2021, 4, 2), 0),
        (datetime.date(2021, 4, 3), 3),
    ]


def test_per_day_uses_local_date():
    event = EventFactory()
    registration = RegistrationFactory(event=event)
    # 23:30 UTC on 1 April is 01:30 on 2 April in Berlin.
    Registration.objects.filter(pk=registration.pk).update(
        created_at=datetime.datetime(2021, 4, 1, 23, 30, tzinfo=datetime.UTC)
    )
    assert per_day(event) == [(datetime.date(2021, 4, 2), 1)]


def test_dashboard_shows_counts_seats_and_questions(client, superuser, event):
    client.force_login(superuser)

    html = page(client, event)

    assert tile(html, "Bestätigt") == "3"
    assert tile(html, "Unbestätigt") == "2"
    assert tile(html, "Warteliste") == "1"
    assert tile(html, "Storniert") == "1"
    assert tile(html, "Freie Plätze von 10") == "5"
    # As the moderator's list counts: confirmed addresses, not cancelled.
    assert tile(html, r"Fragen \(0 freigegeben\)") == "4"
    assert tile(html, r"Teilnahme \(nach der Veranstaltung\)") == "–"


def test_dashboard_chart_is_accessible_inline_svg(client, superuser, event):
    client.force_login(superuser)

    html = page(client, event)

    start = html.index('<svg class="lt-chart__svg"')
    svg = html[start : html.index("</svg>", start)]
    assert 'role="img"' in svg and 'aria-labelledby="lt-chart-title"' in svg
    assert "Anmeldungen pro Tag seit 01.04.2021: insgesamt 7" in svg
    assert svg.count('<rect class="lt-chart__bar"') == 3
    assert "style=" not in svg and "<script" not in svg
    table = html[html.index('<table class="visually-hidden">') :]
    assert '<th scope="row">02.04.2021</th><td>0</td>' in table
    assert '<th scope="row">03.04.2021</th><td>3</td>' in table


def test_dashboard_attendance_rate_after_event(client, superuser):
    start = timezone.now() - datetime.timedelta(days=2)
    event = EventFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    RegistrationFactory.create_batch(3, event=event, status="confirmed", attended=True)
    RegistrationFactory(event=event, status="confirmed")
    client.force_login(superuser)

    html = page(client, event)

    assert tile(html, r"Teilnahme \(3 von 4 Bestätigten\)") == "75 %"


def test_dashboard_for_editor_has_figures_but_no_names_or_tools(client, editor, event):
    client.force_login(editor)

    html = page(client, event)

    assert tile(html, "Bestätigt") == "3"
    assert "Geheimname" not in html
    assert "Eine Frage?" not in html
    assert "Teilnehmerliste exportieren" not in html
    assert reverse("admin:registrations_registration_event_questions", args=[event.pk]) not in html
    assert reverse("admin:registrations_registration_event_attendance", args=[event.pk]) not in html
    assert "Als Vorlage kopieren" in html


def test_dashboard_for_participant_manager_has_tools(client, participant_manager, event):
    client.force_login(participant_manager)

    html = page(client, event)

    export = reverse("admin:registrations_registration_event_export", args=[event.pk])
    assert "Teilnehmerliste exportieren" in html
    assert f'method="post" action="{export}"' in html
    assert 'name="status" value="confirmed">Bestätigt (3)</button>' in html
    assert 'type="submit">Alle (7)</button>' in html
    assert "Fragen an das Podium (4)" in html
    assert "Als Vorlage kopieren" not in html


def test_dashboard_query_count_does_not_grow_with_registrations(client, superuser, event):
    client.force_login(superuser)
    page(client, event)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        page(client, event)
    RegistrationFactory.create_batch(40, event=event, status="confirmed")
    with CaptureQueriesContext(connection) as many:
        html = page(client, event)

    assert len(many.captured_queries) == len(few.captured_queries) <= 20
    dashboard_queries = [
        q for q in many.captured_queries if "registrations_registration" in q["sql"]
    ]
    # Counts per status, the questions as the moderator's list counts them, seats, per day.
    assert len(dashboard_queries) <= 4
    assert tile(html, "Bestätigt") == "43"


def test_dashboard_keeps_the_chart_and_the_export_a_click_away(client, superuser, event):
    client.force_login(superuser)

    html = page(client, event)

    chart = html.index("<summary>Anmeldungen pro Tag</summary>")
    assert html.rindex('<details class="lt-more">', 0, chart) < chart < html.index("<svg", chart)
    export = html.index("<summary>Teilnehmerliste exportieren</summary>")
    assert html.rindex("<details", 0, export) < export < html.index('name="status"', export)


def test_registration_list_shows_name_status_and_event_first(client, superuser, event):
    client.force_login(superuser)

    html = client.get(reverse("admin:registrations_registration_changelist")).content.decode()

    columns = [html.index(f'class="sortable column-{name}') for name in
               ("person", "status", "event", "email")]
    assert columns == sorted(columns)
