"""The 5xx of the attack probe, each answered now with a page that says what is wrong."""

import time

import pytest
from django.test import Client
from django.utils import timezone

from landtagstalk import errors
from registrations import attendance
from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

TOKEN_PATHS = ["", "confirm/", "cancel/", "data/", "delete/", "calendar.ics"]


@pytest.fixture
def quiet_client():
    return Client(raise_request_exception=False)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("chef", "chef@example.org", "pw-tests")


@pytest.mark.parametrize("sub_path", TOKEN_PATHS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_nul_in_token_url_is_a_bad_request(quiet_client, method, sub_path):
    response = getattr(quiet_client, method)(f"/r/%00/{sub_path}")

    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.text


@pytest.mark.parametrize("token", ["%C3%A4", "a%20b", "..", "x%2Fy"])
def test_token_of_other_characters_is_not_found(quiet_client, token):
    response = quiet_client.get(f"/r/{token}/data/")

    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.text


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "iso-8859-15", "x-no-such-charset"])
def test_post_in_foreign_charset_gets_german_400_with_our_headers(charset):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    event = EventFactory(is_published=True)
    client.get(f"/events/{event.slug}/register/")  # sets the CSRF cookie
    paths = [f"/events/{event.slug}/register/", "/admin/login/", "/r/x/cancel/", "/healthz"]

    for path in paths:
        response = client.generic(
            "POST", path, b"first_name=%E4",
            content_type=f"application/x-www-form-urlencoded; charset={charset}",
        )

        assert response.status_code in (400, 403), (path, response.status_code)
        assert '<html lang="de">' in response.text
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"


def test_error_inside_the_error_page_still_gets_a_german_page_with_headers(
    settings, monkeypatch, quiet_client
):
    settings.ROOT_URLCONF = "tests.production.urls_faulty"

    def broken(*args, **kwargs):
        raise RuntimeError("the template fails too")

    monkeypatch.setattr(errors.loader, "render_to_string", broken)

    response = quiet_client.get("/test-crash/")

    assert response.status_code == 500
    assert "Es ist ein Fehler aufgetreten" in response.text
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "the template fails" not in response.text


@pytest.mark.parametrize(
    "query",
    [
        "registrations/registration/?status__exact=%00",
        "registrations/registration/?event__id__exact=%00",
        "registrations/registration/?q=%00",
        "events/event/?series=%00",
        "events/event/?format__exact=%00",
        "events/agendaslot/?kind__exact=%00",
        "autocomplete/?app_label=events&model_name=agendaslot&field_name=event&term=%00",
    ],
)
def test_nul_in_admin_query_is_a_bad_request(quiet_client, superuser, query):
    quiet_client.force_login(superuser)

    response = quiet_client.get(f"/admin/{query}")

    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.text


@pytest.mark.parametrize("value", ["abc", "", "1.5", "99999999999999999999999", "\u0663x"])
def test_question_moderation_for_no_question_is_not_found(quiet_client, superuser, value):
    event = EventFactory()
    quiet_client.force_login(superuser)

    response = quiet_client.post(
        f"/admin/registrations/registration/event/{event.pk}/questions/",
        {"question": value, "action": "release"},
    )

    assert response.status_code == 404


def test_admin_changing_email_to_another_active_address_shows_form_error(
    quiet_client, superuser
):
    event = EventFactory()
    RegistrationFactory(event=event, email="anna@example.org")
    other = RegistrationFactory(event=event, email="bert@example.org")
    quiet_client.force_login(superuser)

    response = quiet_client.post(
        f"/admin/registrations/registration/{other.pk}/change/",
        {"first_name": "Bert", "last_name": "B", "email": "ANNA@example.org",
         "organisation": "", "question": ""},
    )

    assert response.status_code == 200
    assert "Diese Adresse ist für die Veranstaltung bereits angemeldet" in response.text
    other.refresh_from_db()
    assert other.email == "bert@example.org"


def test_admin_may_take_the_address_of_a_cancelled_registration(quiet_client, superuser):
    event = EventFactory()
    RegistrationFactory(
        event=event, email="anna@example.org", status=Registration.Status.CANCELLED,
        cancelled_at=timezone.now(),
    )
    other = RegistrationFactory(event=event, email="bert@example.org")
    quiet_client.force_login(superuser)

    response = quiet_client.post(
        f"/admin/registrations/registration/{other.pk}/change/",
        {"first_name": "Bert", "last_name": "B", "email": "anna@example.org",
         "organisation": "", "question": ""},
    )

    assert response.status_code == 302
    other.refresh_from_db()
    assert other.email == "anna@example.org"


def test_zoom_report_with_huge_cell_is_refused_with_a_message():
    report = b"Name,E-Mail\nErika," + b"x" * (200 * 1024) + b"\n"

    with pytest.raises(attendance.ValidationError) as error:
        attendance.read_participant_report(report)

    assert error.value.code in {"not_csv", "no_email_column", "long_line"}


def test_zoom_report_with_long_quoted_line_is_read_in_linear_time():
    report = b"Name,E-Mail\n" + b',"x' * 50_000 + b"\n"
    started = time.monotonic()

    try:
        attendance.read_participant_report(report)
    except attendance.ValidationError:
        pass

    assert time.monotonic() - started < 2
