"""The attendee list as a CSV file that German Excel and LibreOffice open by double-click."""

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import ExportLog, Registration, RegistrationAnswer

BOM = "\ufeff"
DELIMITER = ";"
CHUNK_SIZE = 2000
# A cell starting with one of these is run as a formula by spreadsheets (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

FIELDS = [
    "last_name",
    "first_name",
    "email",
    "organisation",
    "status",
    "created_at",
    "confirmed_at",
    "attended",
    "question",
    "mode",
]


def header():
    return [
        _("Last name"),
        _("First name"),
        _("E-mail address"),
        _("Organisation or municipality"),
        _("Status"),
        _("Registered at"),
        _("Confirmed at"),
        _("Attended"),
        _("Question for the panel"),
        _("Taking part"),
    ]


def neutralise(value: str) -> str:
    """Keep the text, but make a spreadsheet show it instead of running it."""
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def local_datetime(value, tz) -> str:
    """Local time as "27.04.2021 18:05", which German spreadsheets read as a date."""
    if value is None:
        return ""
    local = value.astimezone(tz)
    return f"{local.day:02}.{local.month:02}.{local.year} {local.hour:02}:{local.minute:02}"


def rows(queryset, questions=()):
    """The header, then one list of cells per registration; reads the rows in chunks.

    The labels are translated now, in the language of the request, not later
    while the response streams. ``questions`` (the event's own) add a column each,
    titled by the question.
    """
    labels = {
        "header": header(),
        "statuses": {value: str(label) for value, label in Registration.Status.choices},
        "modes": {value: str(label) for value, label in Registration.Mode.choices},
        True: _("Yes"),
        False: _("No"),
        "tz": timezone.get_current_timezone(),
        "questions": list(questions),
    }
    return _rows(queryset, labels)


def _answers(queryset):
    """{(registration pk, question pk): answer as read} of the registrations: one query."""
    answers = RegistrationAnswer.objects.filter(
        registration__in=queryset.order_by().values("pk")
    ).select_related("question")
    return {(answer.registration_id, answer.question_id): answer.shown for answer in answers}


def _rows(queryset, labels):
    questions = labels["questions"]
    yield labels["header"] + [question.label for question in questions]
    answers = _answers(queryset) if questions else {}
    statuses, modes, tz = labels["statuses"], labels["modes"], labels["tz"]
    values = queryset.order_by("last_name", "first_name", "pk").values_list("pk", *FIELDS)
    for (
        pk,
        last,
        first,
        email,
        organisation,
        status,
        created,
        confirmed,
        attended,
        question,
        mode,
    ) in values.iterator(chunk_size=CHUNK_SIZE):
        yield [
            neutralise(last),
            neutralise(first),
            neutralise(email),
            neutralise(organisation),
            statuses.get(status, status),
            local_datetime(created, tz),
            local_datetime(confirmed, tz),
            labels[attended],
            neutralise(question),
            modes.get(mode, mode),
            *(neutralise(answers.get((pk, question.pk), "")) for question in questions),
        ]


class _Line:
    """A file-like object whose write() hands back the line the csv writer made."""

    def write(self, value):
        return value


def lines(queryset, questions=()):
    """The CSV file as text chunks, starting with the byte order mark."""
    return _lines(rows(queryset, questions))


def _lines(table):
    # A few hundred rows per chunk: fewer, larger writes to the client than one per row.
    writer = csv.writer(_Line(), delimiter=DELIMITER, quoting=csv.QUOTE_MINIMAL)
    buffer = [BOM]
    for row in table:
        buffer.append(writer.writerow(row))
        if len(buffer) >= 500:
            yield "".join(buffer)
            buffer = []
    yield "".join(buffer)


def filename(event=None, statuses=()) -> str:
    parts = [_("attendees"), event.slug if event else _("selection"), *statuses]
    return slugify("-".join(parts)) + ".csv"


def log_export(*, user, event, queryset, description) -> ExportLog:
    return ExportLog.objects.create(
        user=user if user and user.is_authenticated else None,
        event=event,
        row_count=queryset.count(),
        description=description[:300],
    )


def export_response(*, queryset, user, event=None, statuses=(), description=""):
    """Record the export, then stream the file as a download."""
    log_export(user=user, event=event, queryset=queryset, description=description)
    questions = event.registration_questions.all() if event else ()
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in lines(queryset, questions)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(event, statuses)}"'
    response["Cache-Control"] = "no-store"
    return response


def describe(*, event=None, statuses=(), source: str) -> str:
    """A line for the export record: where from, which event, which statuses."""
    labels = {value: str(label) for value, label in Registration.Status.choices}
    chosen = ", ".join(labels.get(status, status) for status in statuses) or _("all statuses")
    what = f"{event.title} ({chosen})" if event else chosen
    return f"{source}: {what}"


SUBSCRIBER_COLUMNS = (
    "email", "series", "language", "created_at", "confirmed_at", "consent_version"
)


def subscribers_response(*, user):
    """The confirmed subscribers as CSV: recorded in the export log like an attendee list."""
    from .models import SeriesSubscription

    subscribers = SeriesSubscription.objects.filter(confirmed_at__isnull=False)
    ExportLog.objects.create(
        user=user, row_count=subscribers.count(), description=_("Subscribers to new events")
    )
    fields = [SeriesSubscription._meta.get_field(name) for name in SUBSCRIBER_COLUMNS]

    def table():
        yield [str(field.verbose_name) for field in fields]
        for row in subscribers.order_by("series", "pk").values_list(*SUBSCRIBER_COLUMNS):
            yield [neutralise(_cell(value)) for value in row]

    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in _lines(table())),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="abonnements.csv"'
    response["Cache-Control"] = "no-store"
    return response


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
    return str(value)
