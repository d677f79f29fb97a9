"""Pages the faction's own website shows in a frame: the upcoming events, or one event.

Only the origins in ``EMBED_ORIGINS`` (DJANGO_EMBED_ORIGINS) may frame them, told to the
browser by the CSP's ``frame-ancestors``; every other page keeps ``frame-ancestors
'none'`` and ``X-Frame-Options: DENY``. Registering opens the full page in a new tab:
browsers block third-party cookies in frames, so the form's CSRF cookie would fail there.
"""

from functools import wraps

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from landtagstalk.security import allow_framing
from registrations import selectors

from . import seo
from .models import Event


def embeddable(view):
    """Let the configured origins, and only them, frame the page ``view`` answers with."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return allow_framing(view(request, *args, **kwargs))

    return wrapped


@embeddable
def embed_list(request):
    now = timezone.now()
    events = list(Event.objects.published().upcoming(now)[:20])
    for event in events:
        event.state = selectors.registration_state(event, now=now)
    return TemplateResponse(request, "events/embed_list.html", {"events": events})


@embeddable
def embed_event(request, slug):
    event = get_object_or_404(Event.objects.published(), slug=slug)
    return TemplateResponse(
        request,
        "events/embed_event.html",
        {
            "event": event,
            "state": selectors.registration_state(event),
            "event_url": seo.absolute_url(event.get_absolute_url()),
        },
    )


def snippet(event=None):
    """The HTML an editor copies into the faction's website to show the event (or all)."""
    path = reverse("events:embed_event", args=[event.slug]) if event else reverse("events:embed")
    return render_to_string(
        "events/embed_snippet.txt",
        {
            "src": seo.absolute_url(path),
            # The file's plain name: a hashed one would change with every release.
            "script": seo.absolute_url(f"/{settings.STATIC_URL.strip('/')}/js/embed-host.js"),
            "title": event.title if event else "LandtagsTalk",
        },
    ).strip()
