"""Atom feeds of the upcoming events: all of them, and those of one series."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Max, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks
from django.utils.http import http_date
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import Event
from .seo import absolute_url, language_url
from .templatetags.events_tags import time_span

MAX_ITEMS = 50


def tag_uri(name):
    """A permanent id (RFC 4151) on the site's domain, which no move of an address changes."""
    return f"tag:{urlsplit(settings.SITE_URL).hostname},2021:{name}"


def last_modified(now=None):
    """When any feed last changed, in one query: an event saved, or one ended and left it.

    Over all events, not only the published ones of the feed: unpublishing an event or
    moving it to another series saves it too, and takes it out of a feed.
    """
    now = now or timezone.now()
    dates = Event.objects.aggregate(
        saved=Max("updated_at"),
        ended=Max("ends_at", filter=Q(ends_at__lt=now, is_published=True)),
    )
    known = [value for value in dates.values() if value is not None]
    return max(known) if known else None


def series_names():
    """The names of the series with published events, by their slug."""
    names = Event.objects.published().exclude(series="").values_list("series", flat=True)
    return {slugify(name): name for name in names.distinct().order_by("series")}


class UpcomingEventsFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        # A feed reader asks every few minutes: a 304 costs one query instead of the feed.
        changed = last_modified()
        timestamp = int(changed.timestamp()) if changed else None
        response = get_conditional_response(request, last_modified=timestamp)
        if response is None:
            response = super().__call__(request, *args, **kwargs)
        if timestamp is None:
            del response["Last-Modified"]
        else:
            response["Last-Modified"] = http_date(timestamp)
        return response

    def get_object(self, request, series=None):
        if series is None:
            return None
        name = series_names().get(series)
        if name is None:
            raise Http404
        return name

    def title(self, series):
        if series:
            return _("%(series)s: upcoming events") % {"series": series}
        return _("LandtagsTalk: upcoming events")

    def subtitle(self, series):
        return _(
            "Public events of the SPD parliamentary group in the Landtag of North Rhine-Westphalia"
        )

    def link(self, series):
        return language_url(reverse("events:list"), translation.get_language())

    def feed_url(self, series):
        # The feed in the language it is served in (``?lang=en``), as a page's canonical.
        if series:
            path = reverse("events:series_feed", args=[slugify(series)])
        else:
            path = reverse("events:feed")
        return language_url(path, translation.get_language())

    def feed_guid(self, series):
        name = f"feed:series:{slugify(series)}" if series else "feed:events"
        language = translation.get_language()
        return tag_uri(name if language == settings.LANGUAGE_CODE else f"{name}:{language}")

    def author_name(self, series):
        return "LandtagsTalk"

    def items(self, series):
        events = Event.objects.published().upcoming(timezone.now())
        if series:
            events = events.filter(series=series)
        return events[:MAX_ITEMS]

    def item_title(self, event):
        if event.is_cancelled:
            return pgettext("event", "Cancelled: %(title)s") % {"title": event.title}
        return event.title

    def item_description(self, event):
        # Atom's summary is HTML: the staff's text is escaped before it is formatted.
        parts = [time_span(event)]
        if event.is_cancelled:
            parts.insert(0, pgettext("event", "Cancelled"))
        if event.subtitle:
            parts.append(event.subtitle)
        if event.description:
            parts.append(event.description)
        return linebreaks(escape("\n\n".join(parts)))

    def item_link(self, event):
        return absolute_url(event.get_absolute_url())

    def item_guid(self, event):
        return tag_uri(f"event:{event.pk}")

    item_guid_is_permalink = False

    def item_pubdate(self, event):
        return event.created_at

    def item_updateddate(self, event):
        return event.updated_at

    def item_author_name(self, event):
        return event.organiser

    def item_categories(self, event):
        return [event.series] if event.series else []
