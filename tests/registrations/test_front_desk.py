"""The front desk: a hall seat's QR code, the check-in it opens for staff, search and guest list."""

import datetime
import re

import pytest
import segno
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from registrations import front_desk, mails
from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status


@pytest.fixture
def event():
    return EventFactory(
        slug="hybrid",
        format=Event.Format.HYBRID,
        capacity=10,
        venue_capacity=10,
        location="Landtag NRW, Raum E3 D01",
        street_address="Platz des Landtags 1",
        postal_code="40221",
        locality="Düsseldorf",
    )


def guest(event, *, mode="venue", status=Status.CONFIRMED, **extra):
    return RegistrationFactory(
        event=event, mode=mode, status=status, email_confirmed_at=timezone.now(), **extra
    )


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def checkin_path(registration):
    return reverse("admin:registrations_registration_checkin", args=[registration.checkin_token])


def test_the_qr_code_encodes_the_checkin_url_with_its_own_token(event):
    registration = guest(event)

    url = front_desk.checkin_url(registration)

    assert registration.checkin_token and registration.checkin_token != registration.token
    assert url.endswith(f"/admin/registrations/registration/checkin/{registration.checkin_token}/")
    assert registration.token not in url
    assert front_desk.qr_png(registration) == _png(url)


def _png(url):
    import io

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def test_personal_page_of_a_hall_seat_shows_the_qr_code_drawn_inline(client, event):
    registration = guest(event)

    page = text(client.get(registration.personal_path))

    assert '<svg width="' in page and 'class="checkin-qr"' in page
    assert "<title>QR-Code für den Einlass</title>" in page
    assert "Bitte zeigen Sie diesen Code am Einlass" in page


@pytest.mark.parametrize(
    ("mode", "status"),
    [("online", Status.CONFIRMED), ("venue", Status.WAITLISTED), ("venue", Status.PENDING)],
)
def test_no_qr_code_without_a_confirmed_seat_in_the_hall(client, event, mode, status):
    registration = guest(event, mode=mode, status=status)

    assert "checkin-qr" not in text(client.get(registration.personal_path))
    mails.deliver(registration_id=registration.pk, kind="confirmed")
    assert not [a for a in mail.outbox[-1].attachments if "png" in str(a)]


def test_confirmation_mail_of_a_hall_seat_carries_the_qr_code_as_an_inline_image(event):
    registration = guest(event)

    mails.deliver(registration_id=registration.pk, kind="confirmed")

    message = mail.outbox[-1]
    images = [part for part in message.attachments if getattr(part, "get_content_type", None)]
    (image,) = [part for part in images if part.get_content_type() == "image/png"]
    assert image["Content-ID"] == "<checkin-qr@landtagstalk>"
    assert image.get_payload(decode=True) == front_desk.qr_png(registration)
    assert 'src="cid:checkin-qr@landtagstalk"' in message.alternatives[0][0]
    assert registration.checkin_token not in message.body


def test_staff_check_in_with_one_post_and_a_second_scan_says_when(
    client, participant_manager, event
):
    registration = guest(event, first_name="Erika", last_name="Mustermann")
    client.force_login(participant_manager)

    page = text(client.get(checkin_path(registration)))
    assert "Erika Mustermann" in page and "Bestätigt" in page and "Einchecken" in page

    response = client.post(checkin_path(registration), follow=True)

    registration.refresh_from_db()
    assert registration.attended
    local = timezone.localtime(registration.checked_in_at)
    assert f"Eingecheckt um {local:%H:%M}." in text(response)
    again = text(client.get(checkin_path(registration)))
    assert f"Bereits eingecheckt um {local:%H:%M}." in again
    assert "Einchecken</button>" not in again


def test_a_second_check_in_changes_nothing(event):
    registration = guest(event)
    first = timezone.now() - datetime.timedelta(minutes=5)

    assert front_desk.check_in(registration=registration, now=first)
    assert not front_desk.check_in(registration=registration)
    registration.refresh_from_db()
    assert registration.checked_in_at == first


def test_an_unconfirmed_registration_is_not_checked_in(client, participant_manager, event):
    registration = guest(event, status=Status.WAITLISTED)
    client.force_login(participant_manager)

    page = text(client.get(checkin_path(registration)))
    client.post(checkin_path(registration))

    assert "nicht bestätigt" in page
    registration.refresh_from_db()
    assert not registration.attended and registration.checked_in_at is None


def test_anyone_else_gets_the_login_or_403_and_learns_nothing(client, editor, event):
    registration = guest(event, last_name="Geheimrath")

    anonymous = client.get(checkin_path(registration))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("admin:login"))
    client.force_login(editor)
    for path in (checkin_path(registration), "/admin/registrations/registration/checkin/nope/"):
        response = client.get(path)
        assert response.status_code == 403
        assert "Geheimrath" not in response.content.decode()
        assert client.post(path).status_code == 403
    registration.refresh_from_db()
    assert not registration.attended


def test_unknown_code_is_not_found_for_the_front_desk(client, participant_manager):
    client.force_login(participant_manager)

    assert client.get("/admin/registrations/registration/checkin/nope/").status_code == 404


def test_search_by_name_finds_hall_guests_and_checks_in(client, participant_manager, event):
    erika = guest(event, first_name="Erika", last_name="Mustermann")
    guest(event, first_name="Max", last_name="Mustermann", mode="online")
    guest(event, first_name="Jürgen", last_name="Müller")
    client.force_login(participant_manager)
    url = reverse("admin:registrations_registration_event_checkin", args=[event.pk])

    page = text(client.get(url, {"q": "muster"}))

    assert "Mustermann, Erika" in page
    assert "Max" not in page and "Müller" not in page
    response = client.post(f"{url}?q=muster", {"registration": erika.pk}, follow=True)
    assert "Erika Mustermann ist eingecheckt." in text(response)
    erika.refresh_from_db()
    assert erika.attended


@pytest.mark.parametrize("value", ["abc", "\x00", "9" * 40, "-1", "١٢"])
def test_search_check_in_refuses_nonsense(client, participant_manager, event, value):
    client.force_login(participant_manager)
    url = reverse("admin:registrations_registration_event_checkin", args=[event.pk])

    response = client.post(url, {"registration": value})

    assert response.status_code == 302
    assert not Registration.objects.filter(attended=True).exists()


def test_search_never_checks_in_someone_of_another_event(client, participant_manager, event):
    stranger = guest(EventFactory(format=Event.Format.IN_PERSON))
    client.force_login(participant_manager)
    url = reverse("admin:registrations_registration_event_checkin", args=[event.pk])

    client.post(url, {"registration": stranger.pk})

    stranger.refresh_from_db()
    assert not stranger.attended


def test_dashboard_of_an_event_in_the_hall_links_the_front_desk(
    client, participant_manager, event
):
    client.force_login(participant_manager)

    page = text(client.get(reverse("admin:events_event_change", args=[event.pk])))

    assert reverse("admin:registrations_registration_event_checkin", args=[event.pk]) in page
    assert reverse("admin:registrations_registration_event_guests", args=[event.pk]) in page


def test_guest_list_is_sorted_by_last_name_with_a_box_and_the_mode(
    client, participant_manager, event, django_assert_max_num_queries
):
    guest(event, first_name="Zora", last_name="Zander")
    guest(event, first_name="Anna", last_name="Albers", mode="online")
    guest(event, first_name="Wanda", last_name="Warte", status=Status.WAITLISTED)
    client.force_login(participant_manager)
    url = reverse("admin:registrations_registration_event_guests", args=[event.pk])

    page = text(client.get(url))

    cells = r'<tr><td class="tick">☐</td><td>(\w+)</td><td>\w+</td><td></td><td>([^<]+)</td>'
    rows = re.findall(cells, page)
    assert rows == [("Albers", "Online"), ("Zander", "Im Saal")]
    assert "Warte" not in page
    with django_assert_max_num_queries(8):
        client.get(url)
