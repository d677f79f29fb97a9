"""A cache of whole public pages for visitors without a session: what it keeps, what makes it stale.

The start page, event pages, calendar feeds and legal pages are the same for every
anonymous visitor until staff change something. This middleware keeps such responses
for ``PAGE_CACHE_SECONDS`` in this process's memory (the ``pages`` cache, bounded by
size), under content versions kept in the shared cache (``default``): one per event for
its own pages, one for the site's lists (start page, feeds, sitemap, API list), and one
for everything. Saving or deleting a model in ``STALE_MODELS`` starts new versions of
the event it belongs to and of the lists, at once in this process; every other process
reads the versions at most ``VERSION_SECONDS`` apart, so a cached page costs no query.
Changes that send no signal (``update()``, ``bulk_update()``) call
``mark_stale_on_commit(event)``.

A registration makes a page stale only when it turns the event's state from open to
full or back; the pages that show the number of seats left (``SEAT_VIEWS``) are kept at
most ``SEAT_SECONDS``, so that number is at most a few seconds old. The form answers
from the database, exactly.

A page rendered all the same (a miss, a session, ``PAGE_CACHE_SECONDS=0``) is put
together from kept parts: those of the event page and the start page under
``fragment_key`` (the same versions, and the language), with the registration state or
the time where a part shows them (``event_fragment`` in the views, ``{% cache %}`` in
their templates); the footer and asset links of ``base.html`` per language. What a part
shows comes from the rows and the language, never from the request: no session, no
CSRF token, no name.

Only these responses are kept: GET of a view in ``CACHED_VIEWS``, no cookie in the
request but the CSRF and language cookies, status 200, no cookie set and no
``Vary: Cookie`` in the answer. A page with a form uses the CSRF token, which adds
``Vary: Cookie``; it is never kept, never compressed (BREACH), never marked public.
Query parameters a view does not read are dropped before it sees the request.
"""

import hashlib
import secrets
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save
from django.http import QueryDict
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.urls import Resolver404, get_resolver, get_urlconf
from django.utils.cache import (
    get_conditional_response,
    has_vary_header,
    set_response_etag,
)
from django.utils.translation import get_language, get_language_from_request

from . import security

# The pages that are kept, by view name, with the query parameters each reads besides
# ``?lang=`` (events.seo.LanguageParameterMiddleware, on every page) ...
CACHED_VIEWS = {
    "events:list": {"q", "page"},
    "events:detail": set(),
    "events:calendar": set(),
    "events:calendar_feed": set(),
    "events:privacy": set(),
    "events:imprint": set(),
    "events:accessibility": set(),
    "events:easy_language": set(),
    "events:sign_language": set(),
    "events:sitemap": {"p"},
    "events:robots": set(),
    "events:feed": set(),
    "events:series_feed": set(),
    "events:embed": set(),
    "events:embed_event": set(),
    "api-v1:event_list": {"when", "series", "q", "page"},
    "api-v1:event_detail": set(),
    "api_openapi": set(),
    "api_docs": set(),
}
LANGUAGE_PARAMETER = "lang"
# ... the pages of one event, kept under that event's version (the others under the lists') ...
EVENT_VIEWS = {"events:detail", "events:calendar", "events:embed_event", "api-v1:event_detail"}
# ... the pages that show how many seats are left, kept at most SEAT_SECONDS ...
SEAT_VIEWS = {
    "events:list", "events:detail", "events:embed_event", "api-v1:event_list",
    "api-v1:event_detail",
}
SEAT_SECONDS = 5
# ... the pages other websites may frame: their framing headers follow the settings of
# now, never the cache (landtagstalk.security.allow_framing) ...
FRAMED_VIEWS = {"events:embed", "events:embed_event"}

# ... and the models whose rows they show: saving or deleting one makes them stale.
STALE_MODELS = (
    "events.Event",
    "events.Speaker",
    "events.AgendaSlot",
    "events.SlotSpeaker",
    "events.LegalPage",
    "events.EventDocument",
)

# Browsers and proxies may show a public page this long before asking again with its
# ETag (a 304 costs no rendering): short enough for the promise of 2 seconds.
MAX_AGE_SECONDS = 1
# How long a process trusts the content versions it has read from the shared cache.
VERSION_SECONDS = 1

EVERYTHING = "all"
LISTS = "lists"
VERSION_KEY = "page-cache:version:{scope}"


def event_scope(slug):
    return f"event:{slug}"


def pages():
    return caches["pages"]


def shared():
    return caches["default"]


class ContentVersions:
    """The content versions this process knows, read again at most every VERSION_SECONDS.

    A version is a random token, never a counter, and a scope nobody changed yet reads
    as "0". A cleared shared cache starts a new version of everything, so no page kept
    before comes back.
    """

    # More events than a process serves pages of: beyond, it starts over.
    MAX_KNOWN = 5000

    def __init__(self):
        self.known = {}
        self.read_at = 0.0

    def get(self, scopes):
        now = time.monotonic()
        if now - self.read_at >= VERSION_SECONDS or len(self.known) > self.MAX_KNOWN:
            if len(self.known) > self.MAX_KNOWN:
                self.known = {}
            self.known = self.read({*self.known, *scopes})
            self.read_at = now
        missing = [scope for scope in scopes if scope not in self.known]
        if missing:
            self.known.update(self.read(missing))
        return [self.known[scope] for scope in scopes]

    @staticmethod
    def read(scopes):
        """The versions of ``scopes`` from the shared cache, in one round trip."""
        keys = {VERSION_KEY.format(scope=scope): scope for scope in scopes}
        found = shared().get_many(list(keys))
        everything = VERSION_KEY.format(scope=EVERYTHING)
        if everything in keys and everything not in found:
            token = secrets.token_hex(8)
            if not shared().add(everything, token, timeout=None):
                token = shared().get(everything, token)
            found[everything] = token
        return {scope: found.get(key, "0") for key, scope in keys.items()}

    def start_new(self, scopes):
        """New versions of ``scopes``: at once here, in the shared cache for the others."""
        versions = {scope: secrets.token_hex(8) for scope in scopes}
        shared().set_many(
            {VERSION_KEY.format(scope=scope): version for scope, version in versions.items()},
            timeout=None,
        )
        self.known.update(versions)

    def forget(self):
        self.known = {}
        self.read_at = 0.0


VERSIONS = ContentVersions()


def mark_stale(*, events=None):
    """Make the pages of ``events`` (slugs or Event objects) and the lists stale; with no
    events, every page kept so far."""
    if events is None:
        VERSIONS.start_new([EVERYTHING])
        return
    slugs = {getattr(event, "slug", event) for event in events}
    VERSIONS.start_new([LISTS, *(event_scope(slug) for slug in slugs if slug)])


def mark_stale_on_commit(event=None):
    """For changes that send no signal (``update()``, ``bulk_update()``): once they commit."""
    transaction.on_commit(lambda: mark_stale(events=None if event is None else [event]))


# How long a fragment of an event's page is kept under the event's version.
FRAGMENT_SECONDS = 300


def fragment_key(request, event=None):
    """What the fragments of ``event``'s pages (without one: of the lists) are kept under:
    the content version and the language. A change of the event, or of anything
    ``STALE_MODELS`` holds, gives a new key.

    For pages the page cache cannot serve too (a cookie, a miss). A request with a
    session (staff) reads the version from the shared cache: it sees a change at once.
    """
    scopes = [EVERYTHING, LISTS if event is None else event_scope(event.slug)]
    if not without_session(request):
        versions = ContentVersions.read(scopes)
        versions = [versions[scope] for scope in scopes]
    else:
        versions = VERSIONS.get(scopes)
    return f"{'.'.join(versions)}|{get_language()}|{LISTS if event is None else event.pk}"


def event_fragment(key, name, build):
    """``build()``, the part ``name`` of an event's pages, kept under ``fragment_key``.

    ``name`` tells apart what else a part depends on (the registration state, say): what
    ``build`` reads must be the event's rows, the language or ``name``, never the request.
    """
    digest = hashlib.sha256(f"{key}|{name}".encode()).hexdigest()
    return pages().get_or_set(f"fragment:{digest}", build, FRAGMENT_SECONDS)


def _events_of(instance):
    """The slugs of the events whose pages show ``instance``."""
    # From the registry, as STALE_MODELS names them: the project package imports no app.
    Event, LegalPage, Speaker = (
        apps.get_model("events", name) for name in ("Event", "LegalPage", "Speaker")
    )

    if isinstance(instance, Event):
        return [instance.slug, getattr(instance, "_slug_before", None)]
    if isinstance(instance, LegalPage):
        return []
    if isinstance(instance, Speaker):
        return list(
            Event.objects.filter(slots__roles__speaker=instance).values_list("slug", flat=True)
        )
    if hasattr(instance, "slot_id"):  # a person's role in a slot
        events = Event.objects.filter(slots=instance.slot_id)
    else:
        events = Event.objects.filter(pk=instance.event_id)
    return list(events.values_list("slug", flat=True))


def _saved_or_deleted(sender, instance, **kwargs):
    """New versions at once, for this process, and again once the change commits: in a
    shared store outside the database (Redis) other servers see the first before the
    commit, and a page they render meanwhile, from the rows of before, would be kept
    under it."""
    events = _events_of(instance)
    mark_stale(events=events)
    transaction.on_commit(lambda: mark_stale(events=events))


def _remember_slug(sender, instance, **kwargs):
    """An event's pages under its old address go stale too when the slug changes."""
    if "slug" in instance.__dict__:
        instance._slug_before = instance.slug


def connect_signals():
    """Wired from the landtagstalk app config, once all models are loaded."""
    for label in STALE_MODELS:
        post_save.connect(_saved_or_deleted, sender=label, dispatch_uid=f"page-cache-{label}")
        post_delete.connect(
            _saved_or_deleted, sender=label, dispatch_uid=f"page-cache-del-{label}"
        )
    post_init.connect(_remember_slug, sender="events.Event", dispatch_uid="page-cache-slug")


class PageEntries(LocMemCache):
    """This process's memory, bounded by the size of what it holds (``OPTIONS["MAX_BYTES"]``):
    the entries used least recently go first."""

    held_bytes = {}

    def __init__(self, name, params):
        super().__init__(name, params)
        self._name = name
        self._max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", 64 * 2**20))
        self.held_bytes.setdefault(name, 0)

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        self._delete(key)
        if len(value) > self._max_bytes:
            return
        while self._cache and (
            self.held_bytes[self._name] + len(value) > self._max_bytes
            or len(self._cache) >= self._max_entries
        ):
            self._cull()
        self._cache[key] = value
        self._cache.move_to_end(key, last=False)
        self._expire_info[key] = self.get_backend_timeout(timeout)
        self.held_bytes[self._name] += len(value)

    def _cull(self):
        key, value = self._cache.popitem()
        del self._expire_info[key]
        self.held_bytes[self._name] -= len(value)

    def _delete(self, key):
        value = self._cache.get(key)
        if not super()._delete(key):
            return False
        self.held_bytes[self._name] -= len(value)
        return True

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self.held_bytes[self._name] = 0


_gzip = GZipMiddleware(lambda request: None)


def without_session(request):
    """Whether ``request`` is a GET with no cookie but the CSRF and language ones: its
    answer holds nothing personal (no session, no pending message)."""
    return request.method == "GET" and set(request.COOKIES) <= {
        settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME
    }


def public_view(request):
    """The name and arguments of the public view ``request`` asks for, or None when its
    answer may be personal (a session, a pending message) or is not a kept page."""
    if not without_session(request):
        return None
    match = resolve_kept(request.path_info)
    return match if match is not None and match.view_name in CACHED_VIEWS else None


# Paths this process has resolved lately, with what they resolved to (None: no view).
# Matching the URL patterns costs more than all the rest of answering from the cache.
# Bounded in number and length: a flood of long junk paths holds at most about 1 MB.
_matches = {}
MAX_MATCHES = 2000
MAX_KEPT_PATH = 500


def resolve_kept(path):
    """``resolve(path)``, or None for a 404, remembered for the next request."""
    resolver = get_resolver(get_urlconf())  # a new one when the URLconf changes
    try:
        return _matches[resolver, path]
    except KeyError:
        pass
    try:
        match = resolver.resolve(path)
    except Resolver404:
        match = None
    if len(path) <= MAX_KEPT_PATH:
        if len(_matches) >= MAX_MATCHES:
            _matches.clear()
        _matches[resolver, path] = match
    return match


def drop_unread_parameters(request, view_name):
    """Keep only the query parameters the view reads: ``?junk=`` makes no new entry."""
    read = CACHED_VIEWS[view_name] | {LANGUAGE_PARAMETER}
    if not request.GET or set(request.GET) <= read:
        return
    kept = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if name in read:
            kept.setlist(name, values)
    request.GET = kept
    request.META["QUERY_STRING"] = kept.urlencode()


# What makes get_conditional_response answer other than with the page itself.
CONDITIONAL_HEADERS = frozenset(
    {"HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE"}
)


def allow_framing(match, response):
    """The framing headers of the settings of now (``DJANGO_EMBED_ORIGINS``)."""
    if match.view_name in FRAMED_VIEWS:
        security.allow_framing(response)


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = public_view(request)
        if match is None:
            return self.get_response(request)
        request.get_host()  # refuse foreign Host headers before answering from the cache
        drop_unread_parameters(request, match.view_name)
        keep = settings.PAGE_CACHE_SECONDS > 0
        key = self.key(request, match) if keep else None
        response = pages().get(key) if keep else None
        if response is None:
            response = self.get_response(request)
            # Template responses are rendered by now: the view's handler renders them
            # before the response goes back through the middleware.
            if not self.cacheable_response(response):
                return response
            self.make_public(request, response)
            if keep:
                self.store(key, match, response)
        if CONDITIONAL_HEADERS.intersection(request.META):
            response = get_conditional_response(
                request, etag=response["ETag"], response=response
            )
        # A 304 too: its headers replace those of the copy the browser holds.
        allow_framing(match, response)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = self.cache_control(request)
        return response

    @staticmethod
    def cache_control(request):
        """Public, but not the page in a language a cookie chose: that is not in Vary."""
        scope = "private" if settings.LANGUAGE_COOKIE_NAME in request.COOKIES else "public"
        return f"{scope}, max-age={MAX_AGE_SECONDS}"

    @staticmethod
    def cacheable_request(request):
        return settings.PAGE_CACHE_SECONDS > 0 and public_view(request) is not None

    @staticmethod
    def cacheable_response(response):
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not has_vary_header(response, "Cookie")
        )

    @staticmethod
    def make_public(request, response):
        """ETag and compression of an answer that holds nothing personal."""
        if not response.has_header("ETag"):
            set_response_etag(response)
        # Adds Vary: Accept-Encoding; compresses only when the client asks.
        _gzip.process_response(request, response)

    @staticmethod
    def store(key, match, response):
        seconds = settings.PAGE_CACHE_SECONDS
        if match.view_name in SEAT_VIEWS:
            seconds = min(seconds, SEAT_SECONDS)
        # What frames the page is decided on the way out, by the settings of now.
        framing = {
            name: response.__dict__.pop(name)
            for name in ("_csp_replace", "xframe_options_exempt")
            if name in response.__dict__
        }
        pages().set(key, response, seconds)
        response.__dict__.update(framing)

    @staticmethod
    def key(request, match):
        if match.view_name in EVENT_VIEWS:
            scope = event_scope(match.kwargs.get("slug", ""))
        else:
            scope = LISTS
        versions = ".".join(VERSIONS.get([EVERYTHING, scope]))
        language = get_language_from_request(request)
        secure = "https" if request.is_secure() else "http"
        accepts = request.META.get("HTTP_ACCEPT_ENCODING", "")
        gzip = "gzip" if re_accepts_gzip.search(accepts) else ""
        raw = f"{versions}|{language}|{secure}|{gzip}|{request.get_full_path()}"
        return "page:" + hashlib.sha256(raw.encode()).hexdigest()
