"""Reading the participant report that Zoom exports as CSV, and matching it to registrations."""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import housekeeping
from .models import Registration, normalise_email

MAX_SIZE = 5 * 1024 * 1024
# Zoom puts a summary of the meeting above the participant table; the header is
# somewhere in the first lines.
HEADER_SEARCH_LINES = 30
DELIMITERS = (",", ";", "\t")
NAME_HEADERS = {
    "name",
    "nameoriginalname",
    "nameursprunglichername",
    "teilnehmer",
    "teilnehmername",
    "participant",
    "participantname",
    "username",
    "namedesbenutzers",
}


@dataclass(frozen=True)
class Participant:
    name: str
    email: str


@dataclass
class Result:
    matched: int = 0
    newly_marked: int = 0
    unmatched: list[Participant] = field(default_factory=list)
    without_email: list[str] = field(default_factory=list)


def _normalise(header: str) -> str:
    header = header.strip().strip("\ufeff").lower()
    header = header.translate(str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"}))
    return re.sub(r"[^a-z]", "", header)


def _is_email_header(header):
    return "email" in _normalise(header)


def _is_name_header(header):
    return _normalise(header) in NAME_HEADERS


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ValidationError(
            _("This is not a CSV file. Please upload the participant report as CSV."),
            code="binary",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # German Excel saves CSV in Windows-1252.
        return data.decode("cp1252", errors="replace")


def _find_header(lines):
    """Index, delimiter and cells of the header row: the one with e-mail and name columns."""
    fallback = None
    for index, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        # Each delimiter in turn, not csv.Sniffer: it takes quadratic time on a long line.
        for delimiter in DELIMITERS:
            cells = next(csv.reader([line], delimiter=delimiter), [])
            if not any(_is_email_header(cell) for cell in cells):
                continue
            if any(_is_name_header(cell) for cell in cells):
                return index, delimiter, cells
            if fallback is None or len(cells) > len(fallback[2]):
                fallback = (index, delimiter, cells)
    return fallback


def _cell(row, column):
    return row[column].strip() if column is not None and len(row) > column else ""


def read_participant_report(data: bytes) -> list[Participant]:
    """The participants of a Zoom report, once per person, in the order of the report.

    Raises a ValidationError with a message for staff when the file is no such report.
    """
    if len(data) > MAX_SIZE:
        raise ValidationError(
            _("The file is larger than 5 MB. Is it really the participant report?"),
            code="too_large",
        )
    try:
        return _read(_decode(data))
    except csv.Error:  # e.g. a cell above the csv module's limit of 128 KiB
        raise ValidationError(
            _("This file cannot be read as CSV. Please upload the participant report as CSV."),
            code="not_csv",
        ) from None


def _read(text):
    lines = text.splitlines()
    found = _find_header(lines)
    if found is None:
        raise ValidationError(
            _(
                "No column with e-mail addresses found. Please upload the participant report "
                "from Zoom (Reports → Usage → Participants) as CSV."
            ),
            code="no_email_column",
        )
    index, delimiter, cells = found
    email_column = next(i for i, cell in enumerate(cells) if _is_email_header(cell))
    name_column = next((i for i, cell in enumerate(cells) if _is_name_header(cell)), None)
    participants = {}
    reader = csv.reader(io.StringIO("\n".join(lines[index + 1 :])), delimiter=delimiter)
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        email = _cell(row, email_column)
        email = email if "@" in email else ""
        name = _cell(row, name_column)
        key = email.lower() or f"name:{name}"
        participants.setdefault(key, Participant(name=name, email=email))
    return list(participants.values())


def record_attendance(*, event, participants: list[Participant]) -> Result:
    """Mark the registrations of ``event`` whose address appears in the report as attended."""
    result = Result()
    registrations = {}
    for pk, email, status in Registration.objects.filter(
        event=event, purged_at__isnull=True
    ).values_list("pk", "email", "status"):
        # An address may have a cancelled and a later active registration: take the active one.
        email = normalise_email(email)
        known = registrations.get(email)
        if known is None or known[1] == Registration.Status.CANCELLED:
            registrations[email] = (pk, status)
    matched_ids = []
    for participant in participants:
        if not participant.email:
            result.without_email.append(participant.name)
            continue
        found = registrations.get(normalise_email(participant.email))
        if found is None:
            result.unmatched.append(participant)
            continue
        matched_ids.append(found[0])
    result.matched = len(matched_ids)
    result.newly_marked = housekeeping.mark_attended(registrations=matched_ids)
    return result
