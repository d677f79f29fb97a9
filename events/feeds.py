"""Atom feeds of the upcoming events: all of them, and those of one series."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Event
from .seo import absolute_url
from .templatetags.events_tags import time_span

MAX_ITEMS = 50


def series_names():
    """The names of the series with published events, by their slug."""
    names = Event.objects.published().exclude(series="").values_list("series", flat=True)
    return {slugify(name): name for name in names.distinct().order_by("series")}


class UpcomingEventsFeed(Feed):
    feed_type = Atom1Feed

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
        return absolute_url(reverse("events:list"))

    def feed_url(self, series):
        if series:
            return absolute_url(reverse("events:series_feed", args=[slugify(series)]))
        return absolute_url(reverse("events:feed"))

    def author_name(self, series):
        return "LandtagsTalk"

    def items(self, series):
        events = Event.objects.published().upcoming(timezone.now())
        if series:
            events = events.filter(series=series)
        return events[:MAX_ITEMS]

    def item_title(self, event):
        return event.title

    def item_description(self, event):
        # Atom's summary is HTML: the staff's text is escaped before it is formatted.
        parts = [time_span(event)]
        if event.is_cancelled:
            parts.insert(0, _("Cancelled"))
        if event.subtitle:
            parts.append(event.subtitle)
        if event.description:
            parts.append(event.description)
        return linebreaks(escape("\n\n".join(parts)))

    def item_link(self, event):
        return absolute_url(event.get_absolute_url())

    def item_guid(self, event):
        return f"tag:{urlsplit(settings.SITE_URL).hostname},2021:event:{event.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, event):
        return event.created_at

    def item_updateddate(self, event):
        return event.updated_at

    def item_author_name(self, event):
        return event.organiser

    def item_categories(self, event):
        return [event.series] if event.series else []
