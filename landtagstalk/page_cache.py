"""A cache of whole public pages for visitors without a session: what it keeps, what makes it stale.

The start page, event pages, calendar feeds and legal pages are the same for every
anonymous visitor until staff change something or someone registers. This middleware
keeps such responses for ``PAGE_CACHE_SECONDS`` under a content version; a change of any
model in ``STALE_MODELS`` increments it, so the change shows at once (on all servers when
the cache is shared: ``DJANGO_CACHE_URL``). Changes that send no signal (``update()``,
``bulk_update()``) call ``mark_stale_on_commit()``.

Only these responses are kept: GET of a view in ``CACHED_VIEWS``, no cookie in the
request but the CSRF and language cookies, status 200, no cookie set and no
``Vary: Cookie`` in the answer.
A page with a form uses the CSRF token, which adds ``Vary: Cookie``; it is never kept.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, has_vary_header
from django.utils.translation import get_language_from_request

# The pages that are kept, by view name ...
CACHED_VIEWS = {
    "events:list",
    "events:detail",
    "events:calendar",
    "events:calendar_feed",
    "events:privacy",
    "events:imprint",
    "events:accessibility",
    "events:easy_language",
    "events:sign_language",
    "events:sitemap",
    "events:robots",
    "events:feed",
    "events:series_feed",
    "events:embed",
    "events:embed_event",
    "api-v1:event_list",
    "api-v1:event_detail",
    "api_openapi",
    "api_docs",
}

# ... and the models whose rows they show: saving or deleting one makes them stale.
STALE_MODELS = (
    "events.Event",
    "events.Speaker",
    "events.AgendaSlot",
    "events.SlotSpeaker",
    "events.LegalPage",
    "events.EventDocument",
    "registrations.Registration",
)

VERSION_KEY = "page-cache:version"


def content_version():
    return cache.get_or_set(VERSION_KEY, 1, timeout=None)


def mark_stale(**kwargs):
    """Start a new content version: every page kept so far is stale."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, timeout=None)


def mark_stale_on_commit():
    """For changes that send no signal (``update()``, ``bulk_update()``): once they commit."""
    transaction.on_commit(mark_stale)


def connect_signals():
    """Wired from the landtagstalk app config, once all models are loaded."""
    for label in STALE_MODELS:
        post_save.connect(mark_stale, sender=label, dispatch_uid=f"page-cache-{label}")
        post_delete.connect(mark_stale, sender=label, dispatch_uid=f"page-cache-del-{label}")


def view_name(path):
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.cacheable_request(request):
            return self.get_response(request)
        request.get_host()  # refuse foreign Host headers before answering from the cache
        key = self.key(request)
        response = cache.get(key)
        if response is not None:
            if response.has_header("ETag"):
                # A client that holds this very answer gets a 304, as the view would say.
                return get_conditional_response(
                    request, etag=response["ETag"], response=response
                )
            return response
        response = self.get_response(request)
        # Template responses are rendered by now: the view's handler renders them
        # before the response goes back through the middleware.
        if self.cacheable_response(response):
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        return response

    @staticmethod
    def cacheable_request(request):
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method == "GET"
            # A session or a pending message makes the page personal.
            and set(request.COOKIES) <= {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
            and view_name(request.path_info) in CACHED_VIEWS
        )

    @staticmethod
    def cacheable_response(response):
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not has_vary_header(response, "Cookie")
        )

    @staticmethod
    def key(request):
        language = get_language_from_request(request)
        secure = "https" if request.is_secure() else "http"
        raw = f"{content_version()}|{language}|{secure}|{request.get_full_path()}"
        return "page-cache:" + hashlib.sha256(raw.encode()).hexdigest()
