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


SECURITY_HEADERS = (
    "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
    "Permissions-Policy", "Cross-Origin-Opener-Policy",
)


@pytest.mark.parametrize("https_redirect", [False, True])
@pytest.mark.parametrize("host", ["evil.example", "bad_host!", "a\x00.example"])
def test_bad_host_page_carries_the_security_headers(client, settings, https_redirect, host):
    settings.SECURE_SSL_REDIRECT = https_redirect

    response = client.get("/", headers={"Host": host}, secure=True)

    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.text
    assert [name for name in SECURITY_HEADERS if name not in response] == []
    assert response["X-Frame-Options"] == "DENY"


def test_nul_byte_in_the_url_is_one_line_at_info(client, caplog):
    caplog.set_level("DEBUG")

    paths = ["/events/%00/", "/?q=a%00b", "/r/tok%00en/"]
    answers = [client.get(path) for path in paths]

    assert {response.status_code for response in answers} == {400}
    assert all("Ungültige Anfrage" in response.text for response in answers)
    assert all(response["X-Frame-Options"] == "DENY" for response in answers)
    lines = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records]
    assert lines == [
        ("INFO", "Bad Request (NUL byte in the URL): /events/\\x00/", None),
        ("INFO", "Bad Request (NUL byte in the URL): /", None),
        ("INFO", "Bad Request (NUL byte in the URL): /r/…/", None),  # the token redacted
    ]


def test_bad_host_is_one_line_without_traceback(client, caplog):
    caplog.set_level("DEBUG")

    client.get("/", headers={"Host": "evil.example"})

    assert [(r.name, r.exc_info) for r in caplog.records] == [
        ("django.security.DisallowedHost", None)
    ]
