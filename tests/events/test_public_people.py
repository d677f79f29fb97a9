"""The public event page shows roles and short biographies; staff preview drafts."""

import pytest
from django.urls import reverse

from tests.factories import AgendaSlotFactory, EventFactory, SlotSpeakerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event = EventFactory(title="LandtagsTalk Digital")
    panel = AgendaSlotFactory(event=event, title="Podiumsdiskussion", kind="panel")
    moderator = SlotSpeakerFactory(
        slot=panel, role="moderator", speaker__name="Christina Kampmann",
        speaker__bio="Sprecherin für Digitalisierung.\n\nSeit 2017 im Landtag.",
    )
    SlotSpeakerFactory(slot=panel, role="panelist", speaker__name="Sabine Möwes", order=1)
    questions = AgendaSlotFactory(
        event=event, title="Fragen", kind="questions", starts_at=panel.starts_at.replace(hour=23)
    )
    SlotSpeakerFactory(slot=questions, role="host", speaker=moderator.speaker)
    return event


def test_agenda_names_each_persons_role(client, event):
    html = client.get(event.get_absolute_url()).content.decode()

    assert '<span class="role">Moderation:</span> Christina Kampmann' in html
    assert '<span class="role">Podium:</span> Sabine Möwes' in html


def test_speaker_card_shows_roles_and_expandable_biography(client, event):
    html = client.get(event.get_absolute_url()).content.decode()

    card = html[html.index("<h3>Christina Kampmann</h3>"):]
    card = card[: card.index("</li>")]
    assert '<p class="roles">Moderation, Gastgeber*in</p>' in card
    assert "<details" in card and "<summary>Über Christina Kampmann</summary>" in card
    assert "<p>Sprecherin für Digitalisierung.</p>" in card
    assert "<details" not in html[html.index("<h3>Sabine Möwes</h3>"):]


def test_role_names_differ_from_slot_kinds(client, event):
    from events.models import AgendaSlot, SlotSpeaker

    kinds = {str(label) for label in AgendaSlot.Kind.labels}
    roles = {str(label) for label in SlotSpeaker.Role.labels}
    assert kinds & roles == set()


def test_unpublished_event_is_hidden_from_visitors(client, event):
    event.is_published = False
    event.save()

    assert client.get(event.get_absolute_url()).status_code == 404


def test_staff_see_an_unpublished_event_as_a_preview(client, editor, event):
    event.is_published = False
    event.save()
    client.force_login(editor)

    response = client.get(event.get_absolute_url())

    html = response.content.decode()
    assert "<strong>Vorschau:</strong> Diese Veranstaltung ist nicht veröffentlicht." in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_participant_managers_preview_an_unpublished_event(client, participant_manager, event):
    event.is_published = False
    event.save()
    client.force_login(participant_manager)

    response = client.get(event.get_absolute_url())

    assert response.status_code == 200
    assert "<strong>Vorschau:</strong> Diese Veranstaltung ist nicht veröffentlicht." in (
        response.content.decode()
    )


def test_published_event_is_no_preview_for_staff(client, editor, event):
    client.force_login(editor)

    response = client.get(event.get_absolute_url())

    assert "Vorschau" not in response.content.decode()
    assert "X-Robots-Tag" not in response


def test_staff_without_event_rights_get_no_preview(client, staff_user, event):
    event.is_published = False
    event.save()
    client.force_login(staff_user())

    assert client.get(event.get_absolute_url()).status_code == 404


def test_preview_is_not_served_from_the_page_cache(client, editor, event, settings):
    settings.PAGE_CACHE_SECONDS = 60
    event.is_published = False
    event.save()
    client.force_login(editor)
    client.get(event.get_absolute_url())
    client.logout()

    assert client.get(event.get_absolute_url()).status_code == 404
    assert client.get(reverse("events:list")).status_code == 200


def test_admin_offers_a_preview_of_an_unpublished_event_and_the_page_of_a_published_one(
    client, editor
):
    draft = EventFactory(is_published=False)
    published = EventFactory()
    client.force_login(editor)

    draft_page = client.get(reverse("admin:events_event_change", args=[draft.pk])).text
    published_page = client.get(reverse("admin:events_event_change", args=[published.pk])).text

    assert f'href="{draft.get_absolute_url()}" class="viewsitelink">Vorschau</a>' in draft_page
    assert "Auf der Website anzeigen" not in draft_page
    assert "Auf der Website anzeigen" in published_page
    assert ">Vorschau</a>" not in published_page
