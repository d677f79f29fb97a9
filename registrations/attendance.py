"""Reading the reports Zoom exports as CSV, and matching them to registrations.

Two kinds: the meeting participants report (one table, maybe under a summary block) and
the webinar Attendee Report (sections Host Details, Panelist Details, Attendee Details,
each with its own header). Both in German or English. The reader takes every table whose
header names an e-mail and a name column, wherever it starts; rows of hosts and panelists
are left out, rows marked as not attended too. Repeated joins of one person are merged
and their minutes summed.

No ``csv.Sniffer``: the delimiter is the one that splits a header into its known columns.
Lines longer than ``MAX_LINE`` are refused before the csv module sees them.
"""

import csv
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Registration, normalise_email

MAX_SIZE = 5 * 1024 * 1024
MAX_LINE = 10_000
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
    "usernameoriginalname",
    "benutzername",
    "benutzernameursprunglichername",
    "namedesbenutzers",
}
FIRST_NAME_HEADERS = {"firstname", "vorname"}
LAST_NAME_HEADERS = {"lastname", "nachname"}
ATTENDED_HEADERS = {"attended", "teilgenommen"}
MINUTES_HEADERS = {
    "durationminutes",
    "dauerminuten",
    "timeinsessionminutes",
    "zeitindersitzungminuten",
    "sitzungsdauerminuten",
}
# The columns of the summary above a meeting's table: its "Teilnehmer" (German) is the
# number of participants, not their names, and its e-mail is the host's.
SUMMARY_HEADERS = {"meetingid", "webinarid", "topic", "thema"}
NO = {"no", "nein", "false", "0"}
# Section titles of the webinar report whose people are staff, not registrants.
STAFF_SECTIONS = ("host", "panelist", "gastgeber", "diskussionsteilnehmer", "podium")
SECTION_WORDS = ("details", "angaben")


@dataclass(frozen=True)
class Participant:
    name: str
    email: str
    # Minutes in the session, summed over all joins; None when the report has no such column.
    minutes: int | None = field(default=None, compare=False)


@dataclass
class Result:
    matched: int = 0
    newly_marked: int = 0
    unmatched: list[Participant] = field(default_factory=list)
    without_email: list[str] = field(default_factory=list)
    present: list[Participant] = field(default_factory=list)
    too_short: list[Participant] = field(default_factory=list)
    cancelled: list[Participant] = field(default_factory=list)
    min_minutes: int = 0


def _normalise(header: str) -> str:
    header = header.strip().strip("\ufeff").lower()
    header = header.translate(str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"}))
    return re.sub(r"[^a-z]", "", header)


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


@dataclass(frozen=True)
class _Header:
    delimiter: str
    email: int
    name: int | None
    first_name: int | None
    last_name: int | None
    attended: int | None
    minutes: int | None


def _split(line, delimiter):
    return next(csv.reader([line], delimiter=delimiter), [])


def _header(line):
    """The table header in ``line``, or None: an e-mail column and a way to name people."""
    for delimiter in DELIMITERS:
        if delimiter not in line:
            continue
        cells = [_normalise(cell) for cell in _split(line, delimiter)]
        if SUMMARY_HEADERS & set(cells):
            return None

        def column(names, cells=cells):
            return next((i for i, cell in enumerate(cells) if cell in names), None)

        email = next((i for i, cell in enumerate(cells) if "email" in cell), None)
        header = _Header(
            delimiter=delimiter,
            email=email,
            name=column(NAME_HEADERS),
            first_name=column(FIRST_NAME_HEADERS),
            last_name=column(LAST_NAME_HEADERS),
            attended=column(ATTENDED_HEADERS),
            minutes=column(MINUTES_HEADERS),
        )
        if email is not None and (
            header.name is not None or header.first_name is not None or header.attended is not None
        ):
            return header
    return None


def _section(line):
    """The normalised title of a section line such as “Panelist Details”, else None."""
    cells = [cell for cell in re.split(r"[,;\t]", line) if cell.strip()]
    if len(cells) != 1:
        return None
    title = _normalise(cells[0])
    return title if title.startswith(SECTION_WORDS) or title.endswith(SECTION_WORDS) else None


def _cell(row, column):
    return row[column].strip() if column is not None and len(row) > column else ""


def _minutes(text):
    try:
        return max(int(float(text.replace(",", "."))), 0)
    except ValueError:
        return 0


def _name(row, header):
    name = _cell(row, header.name)
    if not name:
        name = " ".join(
            part for part in (_cell(row, header.first_name), _cell(row, header.last_name)) if part
        )
    return name


def read_participant_report(data: bytes) -> list[Participant]:
    """The participants of a Zoom report, once per person, in the order of the report.

    Raises a ValidationError with a message for staff when the file is no such report.
    """
    if len(data) > MAX_SIZE:
        raise ValidationError(
            _("The file is larger than 5 MB. Is it really the participant report?"),
            code="too_large",
        )
    lines = _decode(data).splitlines()
    if any(len(line) > MAX_LINE for line in lines):
        raise ValidationError(
            _("A line of the file is longer than %(limit)s characters: this is no Zoom report.")
            % {"limit": MAX_LINE},
            code="long_line",
        )
    people, header, staff_section, found_header = {}, None, False, False
    for line in lines:
        if not line.strip():
            continue
        title = _section(line)
        if title is not None:
            staff_section = any(word in title for word in STAFF_SECTIONS)
            header = None
            continue
        new_header = _header(line)
        if new_header is not None:
            header, found_header = new_header, True
            continue
        if header is None or staff_section:
            continue
        row = _split(line, header.delimiter)
        if _cell(row, header.attended).lower() in NO:
            continue
        email = _cell(row, header.email)
        email = email if "@" in email else ""
        name = _name(row, header)
        if not email and not name:
            continue
        minutes = _minutes(_cell(row, header.minutes)) if header.minutes is not None else None
        key = normalise_email(email) or f"name:{name}"
        known = people.get(key)
        if known is None:
            people[key] = Participant(name=name, email=email, minutes=minutes)
        elif minutes is not None:
            people[key] = Participant(
                name=known.name, email=known.email, minutes=(known.minutes or 0) + minutes
            )
    if not found_header:
        raise ValidationError(
            _(
                "No column with e-mail addresses found. Please upload the participant report "
                "from Zoom (Reports → Usage → Participants) as CSV."
            ),
            code="no_email_column",
        )
    return list(people.values())


def record_attendance(*, event, participants: list[Participant], min_minutes=None) -> Result:
    """Mark the registrations of ``event`` whose address appears in the report as attended.

    Only from ``min_minutes`` in the session (``ATTENDANCE_MIN_MINUTES``); a cancelled
    registration is listed apart and never marked.
    """
    if min_minutes is None:
        min_minutes = settings.ATTENDANCE_MIN_MINUTES
    result = Result(min_minutes=min_minutes)
    registrations = {}
    for pk, email, status in (
        Registration.objects.live().filter(event=event).values_list("pk", "email", "status")
    ):
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
        elif found[1] == Registration.Status.CANCELLED:
            result.cancelled.append(participant)
        elif participant.minutes is not None and participant.minutes < min_minutes:
            result.too_short.append(participant)
        else:
            result.present.append(participant)
            matched_ids.append(found[0])
    result.matched = len(matched_ids)
    result.newly_marked = mark_attended(registrations=matched_ids)
    return result


def mark_attended(*, registrations) -> int:
    """Mark the given registrations (a queryset or ids) as attended; return how many changed."""
    queryset = (
        registrations
        if hasattr(registrations, "filter")
        else Registration.objects.filter(pk__in=list(registrations))
    )
    return queryset.filter(attended=False).update(attended=True)
