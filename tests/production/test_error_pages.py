"""German error pages with the site's navigation and no technical detail."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

TECHNICAL = ("Traceback", "RuntimeError", "postgres://", "internal reason", "Exception")


@pytest.fixture
def faulty_client(settings):
    settings.ROOT_URLCONF = "tests.production.urls_faulty"
    return Client(raise_request_exception=False)


def assert_site_page_without_detail(response):
    assert '<html lang="de">' in response.text
    assert 'href="/"' in response.text  # the site's navigation
    assert "Alle Veranstaltungen ansehen" in response.text
    for detail in TECHNICAL:
        assert detail not in response.text


def test_unknown_url_shows_german_not_found_page(client):
    response = client.get("/gibt-es-nicht/")

    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.text
    assert_site_page_without_detail(response)


def test_server_error_shows_german_page_without_traceback(faulty_client):
    response = faulty_client.get("/test-crash/")

    assert response.status_code == 500
    assert "Es ist ein Fehler aufgetreten" in response.text
    assert_site_page_without_detail(response)


def test_permission_denied_shows_german_page(faulty_client):
    response = faulty_client.get("/test-forbidden/")

    assert response.status_code == 403
    assert "Zugriff verweigert" in response.text
    assert_site_page_without_detail(response)


def test_bad_request_shows_german_page(faulty_client):
    response = faulty_client.get("/test-suspicious/")

    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.text
    assert_site_page_without_detail(response)


def test_form_without_csrf_token_shows_german_explanation():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/admin/login/", {"username": "x", "password": "y"}, secure=True)

    assert response.status_code == 403
    assert "Das Formular ist abgelaufen" in response.text
    assert "CSRF" not in response.text
    assert_site_page_without_detail(response)


def test_error_page_in_english_when_asked(client):
    response = client.get("/gibt-es-nicht/", headers={"Accept-Language": "en"})

    assert "Page not found" in response.text
