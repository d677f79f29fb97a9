"""The one format of every log line (Django's and gunicorn's): text or JSON, ISO 8601 time.

`DJANGO_LOG_FORMAT=text` (the default) writes
`2026-12-04T19:03:11.123+01:00 INFO django.request: Not Found: /r/…/typo/`;
`DJANGO_LOG_FORMAT=json` writes one JSON object per line with a top-level `timestamp`,
for a log collector. Tokens are cut out before a formatter sees them (redaction.py).
"""

import datetime
import json
import logging
import os
from zoneinfo import ZoneInfo

FORMATS = ("text", "json")

# What an access line of gunicorn (landtagstalk.access_log) names, as JSON fields.
ACCESS_FIELDS = {
    "client": "{x-forwarded-for}i",
    "remote_addr": "h",
    "request": "r",
    "status": "s",
    "bytes": "B",
    "duration_ms": "M",
}


def log_format(environ=os.environ):
    """The format named by DJANGO_LOG_FORMAT; anything else is refused at start-up."""
    name = (environ.get("DJANGO_LOG_FORMAT") or "text").strip().lower()
    if name not in FORMATS:
        raise ValueError(f"DJANGO_LOG_FORMAT must be one of {', '.join(FORMATS)}, not {name!r}")
    return name


def timestamp(created):
    """ISO 8601 with milliseconds and the offset, in the project's time zone once it is known."""
    from django.conf import settings

    zone = ZoneInfo(settings.TIME_ZONE) if settings.configured and settings.TIME_ZONE else None
    moment = datetime.datetime.fromtimestamp(created, tz=zone)
    return (moment if zone else moment.astimezone()).isoformat(timespec="milliseconds")


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatTime(self, record, datefmt=None):
        return timestamp(record.created)


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "timestamp": timestamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "gunicorn.access":
            entry.update(access_fields(record.args))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def access_fields(atoms):
    fields = {}
    for field, atom in ACCESS_FIELDS.items():
        try:
            value = atoms[atom]
        except (KeyError, TypeError):
            continue
        if value not in (None, "-"):
            numeric = field in {"status", "bytes"} and str(value).isdigit()
            fields[field] = int(value) if numeric else value
    return fields


def formatter(environ=os.environ):
    """A formatter of the configured format (settings.LOGGING and gunicorn use it)."""
    return JsonFormatter() if log_format(environ) == "json" else TextFormatter()
