"""A participant manager writes to the registrants of an event in a real browser."""

import importlib
import os

from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.utils import timezone

from registrations.models import RegistrantMessage
from tests.factories import EventFactory, RegistrationFactory


def shot(page, name):
    # Screenshots for a person to look at: SHOTS_DIR=/tmp/shots-life pytest tests/e2e
    if os.environ.get("SHOTS_DIR"):
        page.screenshot(path=os.path.join(os.environ["SHOTS_DIR"], name), full_page=True)


def restore_staff_group(name):
    """A live server test runs after transactional tests have flushed the migrated groups."""
    migration = importlib.import_module("registrations.migrations.0002_staff_groups")
    group, _ = Group.objects.get_or_create(name=name)
    for app_label, model, action in migration.GROUP_PERMISSIONS[name]:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
        )


def test_participant_manager_previews_and_sends_a_message(
    live_server, browser, settings, staff_user
):
    settings.SITE_URL = live_server.url
    restore_staff_group("Teilnehmermanagement")
    staff_user("Teilnehmermanagement", username="tm")
    event = EventFactory(title="LandtagsTalk: Digital")
    for name in ("Clara", "Conrad"):
        RegistrationFactory(
            event=event, first_name=name, status="confirmed", email_confirmed_at=timezone.now()
        )
    RegistrationFactory(event=event, first_name="Wanda", status="waitlisted")
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="de-DE")

    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/change/")
    page.get_by_label("Benutzername").fill("tm")
    page.get_by_label("Passwort").fill("pw-for-tests-only")
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("link", name="An die Angemeldeten schreiben").click()

    page.get_by_label("Bestätigt", exact=True).check()
    page.get_by_label("Betreff").fill("Neuer Zugangslink")
    page.get_by_label("Text").fill("Der Link hat sich geändert: {join_link}")
    page.get_by_role("button", name="Vorschau").click()

    page.get_by_text("Diese Nachricht geht an 2 Personen.").wait_for()
    assert page.get_by_text("Guten Tag Clara,").count() == 1
    shot(page, "message-preview.png")
    assert mail.outbox == []

    page.get_by_role("button", name="An 2 Personen senden").click()

    page.get_by_text("Die Nachricht wird an 2 Personen gesendet.").wait_for()
    shot(page, "message-sent.png")
    assert sorted(m.body.count(event.online_url) for m in mail.outbox) == [1, 1]
    assert RegistrantMessage.objects.get().recipient_count == 2
