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


def test_gunicorn_logs_nul_bytes_and_bad_hosts_in_one_line_each(processes):
    port = free_port()
    server = processes.gunicorn(port, workers=1)
    browser = Browser(port)

    nul = [browser.get(path) for path in ("/events/%00/", "/?q=%00", "/%00")]
    bad_hosts = [
        browser.request("GET", path, headers={"Host": "evil.example"})
        for path in ("/", "/events/")
    ]

    for status, headers, page in nul + bad_hosts:
        assert status == 400
        assert "Ungültige Anfrage" in page
        assert headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    output = wait_until(
        lambda: (text := processes.output(server)).count("DisallowedHost") >= 2 and text,
        timeout=10,
        message="the log lines",
    )
    assert output.count("INFO django.request: Bad Request (NUL byte in the URL)") == 3
    assert "Traceback" not in output
    assert "WARNING" not in output
