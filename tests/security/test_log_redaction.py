"""Personal tokens never reach a log line: Django's own log, as well as gunicorn's."""

import io
import json
import logging

import pytest
from django.test import Client

from landtagstalk.log_format import JsonFormatter
from landtagstalk.redaction import RedactTokensFilter, redact
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_output():
    """What the root console handler of settings.LOGGING writes."""
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_not_found_below_personal_link_logs_no_token(client, log_output):
    registration = RegistrationFactory()

    client.get(f"/r/{registration.token}/typo/")

    assert "Not Found: /r/…/typo/" in log_output.getvalue()
    assert registration.token not in log_output.getvalue()


def test_csrf_failure_on_personal_link_logs_no_token(log_output):
    registration = RegistrationFactory()

    response = Client(enforce_csrf_checks=True).post(f"/r/{registration.token}/confirm/")

    assert response.status_code == 403
    assert "Forbidden (CSRF cookie not set.): /r/…/confirm/" in log_output.getvalue()
    assert registration.token not in log_output.getvalue()


def test_filter_redacts_arguments_and_tracebacks():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "GET %s", ("/r/s3cret/",), None)
    try:
        raise ValueError("/r/s3cret/data/")
    except ValueError as error:
        record.exc_info = (type(error), error, error.__traceback__)

    RedactTokensFilter().filter(record)

    assert record.getMessage() == "GET /r/…/"
    assert "s3cret" not in record.exc_text


def test_redact_leaves_other_paths_and_queries():
    assert redact("/events/x/ /r/abc-_1?x=1") == "/events/x/ /r/…?x=1"


def test_redact_cuts_the_token_of_a_staff_members_set_password_link():
    line = '"GET /admin/set-password/MQ/dj2wa7-e5a5a3ce5b369ca3b5/ HTTP/1.1" 302'

    assert redact(line) == '"GET /admin/set-password/MQ/…/ HTTP/1.1" 302'


def test_json_lines_carry_the_redacted_message_and_traceback():
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "GET %s",
                               ("/r/s3cret/",), None)
    try:
        raise ValueError("/r/s3cret/data/")
    except ValueError as error:
        record.exc_info = (type(error), error, error.__traceback__)
    RedactTokensFilter().filter(record)

    line = JsonFormatter().format(record)

    entry = json.loads(line)
    assert entry["message"] == "GET /r/…/"
    assert entry["timestamp"].endswith(("+01:00", "+02:00"))
    assert "ValueError: /r/…/data/" in entry["exception"]
    assert "s3cret" not in line and "\n" not in line
