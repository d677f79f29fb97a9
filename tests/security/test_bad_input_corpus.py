"""A corpus of bad input sent to every URL of the site, public and staff: never a 5xx.

The URLs are read from the URL configuration when the suite starts, so a URL added
later is attacked too. Each is requested anonymously and as a superuser, with NUL
bytes, invalid UTF-8, foreign charsets, huge values, wrong types, repeated keys and
odd methods. Run it on SQLite and on PostgreSQL (which refuses NUL in text).
"""

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from events.models import Event
from registrations.models import ExportLog, PurgeLog
from tests.factories import (
    AgendaSlotFactory,
    EventFactory,
    RegistrationFactory,
    SlotSpeakerFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db

NUL = "\x00"
HUGE = "x" * 8000
FIELDS = [
    "q", "first_name", "last_name", "email", "organisation", "question", "consent",
    "registration", "flag", "value", "query", "status", "title", "slug", "capacity",
    "starts_at", "ends_at", "username", "password", "next", "action", "_selected_action",
    "select_across", "index", "term", "app_label", "model_name", "field_name", "page",
    "mode", "venue_capacity",
]


def _form(value):
    return {name: value for name in FIELDS}


def _query(value):
    return "&".join(f"{name}={value}" for name in FIELDS)


# (label, method, query string, body, content type); None for "no body".
CORPUS = [
    ("plain GET", "GET", "", None, None),
    ("NUL in query", "GET", _query("%00"), None, None),
    ("invalid UTF-8 in query", "GET", _query("%FF%FE%C3%28"), None, None),
    ("huge query", "GET", f"q={HUGE}&page={'9' * 400}", None, None),
    (
        "wrong types in query",
        "GET",
        "o=abc&o=-x.1&p=-1&page=abc&all=x&e=%00&event__id__exact=abc&id__exact=1.5"
        "&status__exact=nope&created_at__gte=notadate&created_at__day=99&starts_at__year=abc"
        "&_changelist_filters=%FF&_to_field=password&_popup=x&pk=abc",
        None,
        None,
    ),
    ("repeated keys", "GET", "q=a&q=b&page=1&page=2&next=//evil.example&next=/", None, None),
    ("NUL in form", "POST", "", _form(NUL), None),
    ("huge form", "POST", "", _form(HUGE), None),
    (
        "wrong types in form",
        "POST",
        "",
        {
            **_form("abc"),
            "capacity": "-1e99",
            "registration": "99999999999999999999999",
            "_selected_action": ["abc", "1.5", "\x00", "-1"],
            "action": "export_csv",
            "index": "x",
            "starts_at_0": "31.02.2021",
            "starts_at_1": "25:61",
        },
        None,
    ),
    (
        "repeated keys in form",
        "POST",
        "",
        {name: ["a", "", "\x00"] for name in FIELDS},
        None,
    ),
    ("invalid UTF-8 body", "POST", "", b"first_name=%FF%FE&email=\xff\xfe@x", "urlencoded"),
    ("latin-1 body", "POST", "", b"first_name=J%F6rg", "urlencoded; charset=latin-1"),
    ("utf-16 body", "POST", "", "first_name=Jörg".encode("utf-16"), "urlencoded; charset=utf-16"),
    ("unknown charset", "POST", "", b"first_name=x", "urlencoded; charset=x-klingon"),
    ("JSON body", "POST", "", b'{"first_name": [1, {"\\u0000": null}]}', "application/json"),
    ("broken multipart", "POST", "", b"--x\r\nContent-Disposition: form-data", "multipart"),
    ("PUT", "PUT", "", b"first_name=x", "urlencoded"),
    ("PATCH", "PATCH", "", b"first_name=x", "urlencoded"),
    ("DELETE", "DELETE", "", None, None),
    ("OPTIONS", "OPTIONS", "", None, None),
    ("HEAD", "HEAD", "", None, None),
    ("TRACE", "TRACE", "", None, None),
    ("PROPFIND", "PROPFIND", "", None, None),
]

CONTENT_TYPES = {
    "urlencoded": "application/x-www-form-urlencoded",
    "multipart": "multipart/form-data; boundary=x",
}


def url_patterns(patterns=None, namespace="", params=()):
    """(name, parameter names) of every named URL, also inside included configurations."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        names = tuple(getattr(pattern.pattern, "converters", {})) or tuple(
            pattern.pattern.regex.groupindex
        )
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, inner, params + names)
        elif pattern.name:
            yield f"{namespace}{pattern.name}", params + names


URLS = dict(url_patterns())


@pytest.fixture
def site(django_user_model):
    """One of everything, so that each URL with an id finds something."""
    # Hybrid: its form and personal page have the most to take apart.
    event = EventFactory(is_published=True, capacity=10, format="hybrid", venue_capacity=5)
    slot = AgendaSlotFactory(event=event)
    SlotSpeakerFactory(slot=slot, speaker=SpeakerFactory())
    registration = RegistrationFactory(event=event, question="Warum?")
    # No password: hashing one costs a second per test, and force_login needs none.
    superuser = django_user_model.objects.create_superuser("chef", "chef@example.org", None)
    ExportLog.objects.create(user=superuser, event=event, row_count=1)
    PurgeLog.objects.create(event=event, anonymised_count=0, deleted_count=0)
    upload = default_storage.save("speakers/ada.png", ContentFile(b"\x89PNG\r\n"))
    return {"event": event, "registration": registration, "superuser": superuser,
            "upload": upload}


def concrete_url(name, params, site):
    """The path of URL ``name`` with parameters that point at real objects."""
    event, registration = site["event"], site["registration"]
    kwargs = {}
    for param in params:
        if param == "object_id" and name == "admin:view_on_site":
            kwargs[param] = str(event.pk)
        elif param == "object_id":
            model = next(
                m for m in apps.get_models()
                if name.startswith(f"admin:{m._meta.app_label}_{m._meta.model_name}_")
            )
            first = model._default_manager.order_by("pk").first()
            kwargs[param] = str(first.pk if first else 1)
        else:
            kwargs[param] = {
                "slug": event.slug,
                "token": registration.token,
                "checkin_token": registration.checkin_token,
                "event_id": event.pk,
                "id": site["superuser"].pk,
                "content_type_id": ContentType.objects.get_for_model(Event).pk,
                "app_label": "events",
                "language": "de",
                "name": site["upload"],  # /media/<name>
            }.get(param, "1")
    return reverse(name, kwargs=kwargs)


def send(client, path, method, query, body, content_type):
    url = f"{path}?{query}" if query else path
    if isinstance(body, dict):
        return client.generic(method, url, client._encode_data(body, MULTIPART),
                              content_type=MULTIPART)
    return client.generic(
        method, url, body or b"",
        content_type=CONTENT_TYPES.get(content_type, content_type) if content_type else None,
    )


MULTIPART = "multipart/form-data; boundary=BoUnDaRyStRiNg"


@pytest.mark.parametrize("as_superuser", [False, True], ids=["anonymous", "superuser"])
@pytest.mark.parametrize("name", sorted(URLS))
def test_no_bad_input_gets_a_server_error(site, name, as_superuser, settings):
    settings.RATELIMIT_ENABLE = False
    path = concrete_url(name, URLS[name], site)
    failures = []
    client = Client(raise_request_exception=False)
    for label, method, query, body, content_type in CORPUS:
        if as_superuser and not client.cookies.get("sessionid", None):
            # Again after a logout, or after the corpus deleted the user itself.
            superuser, _ = User.objects.get_or_create(
                username="chef", defaults={"is_staff": True, "is_superuser": True}
            )
            client.force_login(superuser)
        response = send(client, path, method, query, body, content_type)
        if response.cookies.get("sessionid") and not response.cookies["sessionid"].value:
            client.cookies.pop("sessionid", None)
        if response.status_code >= 500:
            failures.append((label, response.status_code))

    assert failures == [], f"{path}: {failures}"


def test_corpus_reaches_every_kind_of_url():
    assert {"admin:index", "admin:registrations_registration_changelist",
            "registrations:register", "registrations:manage", "events:detail"} <= set(URLS)
    assert len(CORPUS) >= 20
