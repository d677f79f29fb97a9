"""No personal token in anything gunicorn writes: its access log and Django's own log."""

from tests.factories import RegistrationFactory

from .conftest import Browser, free_port, wait_until


def test_gunicorn_output_holds_no_token(processes):
    registration = RegistrationFactory()
    token = registration.token
    port = free_port()
    server = processes.gunicorn(port, workers=1)
    browser = Browser(port)

    assert browser.get(f"/r/{token}/typo/")[0] == 404
    assert browser.request("POST", f"/r/{token}/confirm/")[0] == 403
    assert browser.get(f"/r/{token}/")[0] == 200

    output = wait_until(
        lambda: (text := processes.output(server)).count("/r/…/") >= 5 and text,
        timeout=10,
        message="the log lines",
    )
    assert "Not Found: /r/…/typo/" in output
    assert "django.security.csrf: Forbidden (" in output
    assert "): /r/…/confirm/" in output
    assert token not in output
