"""gunicorn's access log and Django's log: one format, an ISO 8601 time with its offset on
every line; DJANGO_LOG_FORMAT=json makes each line one JSON object; tokens stay out."""

import datetime
import json
import re
import sys

from tests.factories import RegistrationFactory

from .conftest import Browser, free_port, wait_until

TEXT_LINE = re.compile(
    r"(?P<timestamp>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d) "
    r"(?P<level>[A-Z]+) (?P<logger>[\w.]+): (?P<message>.*)"
)


def parse_time(text):
    moment = datetime.datetime.fromisoformat(text)
    assert moment.utcoffset() is not None, text
    assert abs(datetime.datetime.now(datetime.UTC) - moment) < datetime.timedelta(minutes=5)
    return moment


def serve_and_log(processes, **env):
    """A token's 404, a page and a CSRF refusal through gunicorn; its whole output."""
    registration = RegistrationFactory()
    port = free_port()
    server = processes.gunicorn(port, workers=1, **env)
    browser = Browser(port)
    assert browser.get(f"/r/{registration.token}/typo/")[0] == 404
    assert browser.get("/healthz")[0] == 200
    assert browser.request("POST", f"/r/{registration.token}/confirm/")[0] == 403
    # gunicorn writes an access line after the answer is sent: wait for the last one too.
    output = wait_until(
        lambda: (text := processes.output(server)).count("/r/…/") >= 4
        and "POST /r/…/confirm/ HTTP/1.1" in text
        and text,
        timeout=10,
        message="the log lines",
    )
    assert registration.token not in output
    return output.splitlines()


def test_every_text_line_starts_with_an_iso_timestamp_with_offset(processes):
    lines = serve_and_log(processes)

    parsed = []
    for line in lines:
        match = TEXT_LINE.fullmatch(line)
        assert match, f"not in the log format: {line!r}"
        parse_time(match["timestamp"])
        parsed.append(match)
    loggers = {match["logger"] for match in parsed}
    assert {"gunicorn.error", "gunicorn.access", "django.request"} <= loggers
    access = [m["message"] for m in parsed if m["logger"] == "gunicorn.access"]
    assert any('"GET /healthz HTTP/1.1" 200' in message for message in access)
    assert any('"GET /r/…/typo/ HTTP/1.1" 404' in message for message in access)
    assert any(m["message"] == "Not Found: /r/…/typo/" for m in parsed)


def test_json_format_is_one_object_per_line_for_both_logs(processes):
    lines = serve_and_log(processes, DJANGO_LOG_FORMAT="json")

    entries = [json.loads(line) for line in lines]
    for entry in entries:
        parse_time(entry["timestamp"])
        assert {"level", "logger", "message"} <= entry.keys()
    access = {entry["request"]: entry for entry in entries if entry["logger"] == "gunicorn.access"}
    assert access["GET /healthz HTTP/1.1"]["status"] == 200
    assert access["GET /r/…/typo/ HTTP/1.1"]["status"] == 404
    assert access["POST /r/…/confirm/ HTTP/1.1"]["status"] == 403
    assert isinstance(access["GET /healthz HTTP/1.1"]["duration_ms"], int)
    django = [entry for entry in entries if entry["logger"].startswith("django")]
    assert {"message": "Not Found: /r/…/typo/", "level": "WARNING"}.items() <= next(
        entry.items() for entry in django if entry["logger"] == "django.request"
    )
    assert any(entry["logger"] == "gunicorn.error" for entry in entries)


def test_unknown_log_format_stops_gunicorn_with_a_message(processes):
    port = free_port()
    server = processes.start(
        "gunicorn",
        [sys.executable, "-m", "gunicorn", "landtagstalk.wsgi", "-c", "gunicorn.conf.py"],
        GUNICORN_BIND=f"127.0.0.1:{port}",
        DJANGO_LOG_FORMAT="xml",
    )

    server.wait(timeout=30)
    assert server.returncode != 0
    assert "DJANGO_LOG_FORMAT must be one of text, json, not 'xml'" in processes.output(server)
