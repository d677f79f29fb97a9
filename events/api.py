"""The public read API under /api/v1/: published events, their agenda, people and seats.

Only what the public pages show: never a registration, never the join link. Every
answer may be read from any origin (``Access-Control-Allow-Origin: *``, a browser's
preflight answered by ``PreflightMiddleware``) and carries an ETag, so a client asks
again cheaply with ``If-None-Match``.
"""

import json
import re
from datetime import datetime
from typing import Literal

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import HttpError

from landtagstalk import errors, page_cache
from registrations import selectors

from . import search
from .models import AgendaSlot, Event, SlotSpeaker
from .seo import absolute_url

PAGE_SIZE = 20
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
PREFIX = "/api/"
# What a script on another site may send and read: the API is read-only and public.
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept-Language, If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
    "Allow": "GET, HEAD, OPTIONS",
}
# The schema's enums come from the models' choices, so that they cannot drift apart.
Code = selectors.RegistrationState.Code
# The states of a published event: the API shows no other.
State = Literal[tuple(code for code in Code.values if code != Code.UNPUBLISHED)]
EventFormat = Literal[tuple(Event.Format.values)]
RoleName = Literal[tuple(SlotSpeaker.Role.values)]


class PublicAPI(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        return public_json(request, response)


def public_json(request, response):
    """Readable from any origin, cacheable as long as a page (a change shows everywhere
    within 2 seconds), answered with 304 when the client has it."""
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response["Cache-Control"] = f"public, max-age={page_cache.MAX_AGE_SECONDS}"
        set_response_etag(response)
        patch_vary_headers(response, ["Accept-Language"])
        response = get_conditional_response(request, etag=response["ETag"], response=response)
    for name, value in CORS_HEADERS.items():
        response[name] = value
    return response


def json_error(request, status, detail):
    """An error of the API as every other: ``{"detail": …}``, readable from any origin."""
    return public_json(request, JsonResponse({"detail": detail}, status=status))


def bad_request(request, exception):
    """The site's 400 (``handler400``): a script reads the API's errors as JSON, a NUL
    byte's as every other; every other address gets the page."""
    if request.path.startswith(PREFIX):
        with translation.override(errors.language_of(request)):
            return json_error(request, 400, _("This request is not valid."))
    return errors.bad_request(request, exception)


class PreflightMiddleware:
    """Answers a browser's CORS preflight (``OPTIONS``) for every address of the API.

    Before the views: django-ninja knows only the methods of its operations, and the
    OpenAPI document is a view of its own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "OPTIONS" and request.path.startswith(PREFIX):
            return public_json(request, HttpResponse(status=204, headers=PREFLIGHT_HEADERS))
        return self.get_response(request)


api = PublicAPI(
    title="LandtagsTalk API",
    version="1",
    description=(
        "Read-only access to the published events of LandtagsTalk: dates, agenda, people "
        "and whether registration is open. No personal data, no join links."
    ),
    urls_namespace="api-v1",
    openapi_url=None,  # served by openapi_json below, with the same headers as the data
    docs_url=None,  # the docs are our own page (api_docs), readable without script
)


class Quota(Schema):
    mode: Literal["online", "venue"] = Field(description="online, or venue: in the hall.")
    seats_left: int | None = Field(description="Free seats; null when there is no limit.")


class Registration(Schema):
    state: State = Field(
        description="open: seats free; full: the waiting list takes registrations; "
        "not_open: opens at opens_at; closed, past, cancelled: no registrations."
    )
    seats_left: int | None = Field(description="Free seats; null when there is no limit.")
    quotas: list[Quota] = Field(
        description="A hybrid event's seats in the hall and online, each with its own "
        "waiting list (seats_left is then their sum); empty for other events."
    )
    opens_at: datetime | None
    closes_at: datetime
    register_url: str = Field(description="The page where a person registers (in a browser).")


class EventSummary(Schema):
    slug: str
    title: str
    subtitle: str
    series: str
    organiser: str
    starts_at: datetime
    ends_at: datetime
    format: EventFormat
    location: str
    address: str = Field(description="The hall's address; empty for an online event.")
    is_cancelled: bool
    url: str = Field(description="The public event page.")
    api_url: str
    image_url: str = Field(description="A 1200 × 630 PNG for previews.")
    registration: Registration


class Person(Schema):
    name: str
    affix: str
    position: str
    organisation: str
    bio: str
    photo_url: str | None
    roles: list[RoleName]


class Role(Schema):
    name: str = Field(description="The person's name with affix, as in people[].")
    role: RoleName


class Slot(Schema):
    starts_at: datetime
    ends_at: datetime | None
    title: str
    kind: str = Field(description="welcome, talk, questions, panel, discussion, break, ...")
    description: str
    people: list[Role]


class EventDetail(EventSummary):
    description: str
    agenda: list[Slot]
    people: list[Person]


class EventPage(Schema):
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None
    results: list[EventSummary]


class Error(Schema):
    detail: str


class Problem(Schema):
    type: str = Field(description="What is wrong, e.g. int_parsing, literal_error.")
    loc: list[str | int] = Field(description="Where: [\"query\", parameter name].")
    msg: str
    ctx: dict | None = None


class ValidationErrors(Schema):
    detail: list[Problem] = Field(description="One entry per bad parameter.")


class EventFilters(Schema):
    when: Literal["upcoming", "past", "all"] = Field(
        "upcoming", description="upcoming: soonest first; past and all: newest first."
    )
    series: str = Field(
        "", max_length=100, pattern=r"^[^\x00-\x1f]*$", description="Only this series (its name)."
    )
    q: str = Field("", max_length=200, description="Words to find in texts and people's names.")
    page: int = Field(1, ge=1, le=100_000)


@api.get(
    "/events/",
    response={200: EventPage, 404: Error, 422: ValidationErrors},
    url_name="event_list",
    summary="Published events",
)
def event_list(request, filters: Query[EventFilters]):
    now = timezone.now()
    events = Event.objects.published()
    if filters.when == "upcoming":
        events = events.upcoming(now)
    elif filters.when == "past":
        events = events.past(now)
    else:
        events = events.order_by("-starts_at")
    if filters.series:
        events = events.filter(series=filters.series)
    events = search.search(events, search.clean_query(filters.q))
    paginator = Paginator(events, PAGE_SIZE, allow_empty_first_page=True)
    try:
        page = paginator.page(filters.page)
    except EmptyPage:
        raise HttpError(404, _("There is no page %(page)s.") % {"page": filters.page}) from None

    def link(number):
        query = request.GET.copy()
        query["page"] = number
        return absolute_url(f"{request.path}?{query.urlencode()}")

    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "results": [event_summary(event, now=now) for event in page.object_list],
    }


@api.get(
    "/events/{slug}/",
    response={200: EventDetail, 404: Error},
    url_name="event_detail",
    summary="One published event with its agenda and people",
)
def event_detail(request, slug: str):
    if not SLUG.fullmatch(slug):
        raise Http404
    event = get_object_or_404(Event.objects.published().with_agenda(), slug=slug)
    data = event_summary(event, now=timezone.now())
    data["description"] = event.description
    slots = event.slots.all()
    data["agenda"] = [slot_data(slot) for slot in slots]
    roles = {}
    for slot in slots:
        for role in slot.roles.all():
            roles.setdefault(role.speaker_id, {})[role.role] = None
    data["people"] = [person_data(person, list(roles[person.pk])) for person in event.people()]
    return data


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


def event_summary(event, *, now):
    state = selectors.registration_state(event, now=now)
    return {
        "slug": event.slug,
        "title": event.title,
        "subtitle": event.subtitle,
        "series": event.series,
        "organiser": event.organiser,
        "starts_at": timezone.localtime(event.starts_at),
        "ends_at": timezone.localtime(event.ends_at),
        "format": event.format,
        "location": event.location,
        "address": event.venue_address if event.has_venue else "",
        "is_cancelled": event.is_cancelled,
        "url": absolute_url(event.get_absolute_url()),
        "api_url": absolute_url(reverse("api-v1:event_detail", args=[event.slug])),
        "image_url": absolute_url(reverse("events:share_image", args=[event.slug])),
        "registration": {
            "state": state.code if state.code != "unpublished" else "closed",
            "seats_left": state.seats_left,
            "quotas": [{"mode": q.mode, "seats_left": q.seats_left} for q in state.modes],
            "opens_at": local_or_none(event.registration_opens_at),
            "closes_at": timezone.localtime(event.registration_closes),
            "register_url": absolute_url(reverse("registrations:register", args=[event.slug])),
        },
    }


def local_or_none(value):
    return value and timezone.localtime(value)


def slot_data(slot: AgendaSlot):
    return {
        "starts_at": timezone.localtime(slot.starts_at),
        "ends_at": local_or_none(slot.ends_at),
        "title": slot.title,
        "kind": slot.kind,
        "description": slot.description,
        "people": [role_data(role) for role in slot.roles.all()],
    }


def role_data(role: SlotSpeaker):
    return {"name": role.speaker.display_name, "role": role.role}


def person_data(person, roles):
    return {
        "name": person.name,
        "affix": person.affix,
        "position": person.position,
        "organisation": person.organisation,
        "bio": person.bio,
        "photo_url": absolute_url(person.photo_512.url) if person.photo_512 else None,
        "roles": roles,
    }


def openapi_document():
    document = api.get_openapi_schema(path_prefix=reverse("api-v1:api-root"))
    # The paths start with /api/v1/: the server is the site itself.
    document["servers"] = [{"url": settings.SITE_URL, "description": "LandtagsTalk"}]
    return document


def openapi_json(request):
    """The OpenAPI 3 document of the API."""
    response = JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})
    return public_json(request, response)


def api_docs(request):
    """The API's documentation, drawn from its OpenAPI document: no script, no CDN."""
    document = openapi_document()
    operations = [
        {
            "method": method.upper(),
            "path": path,
            "summary": operation.get("summary", ""),
            "description": operation.get("description", ""),
            "parameters": [
                {
                    "name": parameter["name"],
                    "where": parameter["in"],
                    "required": parameter.get("required", False),
                    "type": type_name(parameter.get("schema", {})),
                    "description": parameter.get("schema", {}).get("description", ""),
                }
                for parameter in operation.get("parameters", [])
            ],
            "responses": [
                (status, answer.get("description", ""), type_name(json_schema(answer)))
                for status, answer in operation.get("responses", {}).items()
            ],
        }
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]
    schemas = [
        {
            "name": name,
            "fields": [
                {
                    "name": field,
                    "type": type_name(spec),
                    "description": spec.get("description", ""),
                    "required": field in schema.get("required", []),
                }
                for field, spec in schema.get("properties", {}).items()
            ],
        }
        for name, schema in document.get("components", {}).get("schemas", {}).items()
    ]
    return render(
        request,
        "events/api_docs.html",
        {"document": document, "operations": operations, "schemas": schemas},
    )


def json_schema(answer):
    return answer.get("content", {}).get("application/json", {}).get("schema", {})


def type_name(schema):
    """A schema as a short phrase: “string (date-time) | null”, “list of Slot”."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(type_name(option) for option in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(json.dumps(value) for value in schema["enum"])
    kind = schema.get("type", "")
    if kind == "array":
        return f"list of {type_name(schema.get('items', {}))}"
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    return kind
