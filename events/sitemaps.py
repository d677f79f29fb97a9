"""sitemap.xml: the start page, the published events and the legal pages, in both languages."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils.translation import get_language

from .models import Event
from .seo import LANG_PARAMETER


class LanguageSitemap(Sitemap):
    """Each page once per language, with the others as alternates, at ``SITE_URL``.

    Django's sitemaps put the language into the path (``i18n_patterns``); here the
    German page has the plain address and the English one ``?lang=en``.
    """

    i18n = True
    alternates = True

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def location(self, item):
        # Django calls this with the language of the entry made active.
        path = self.path(item)
        language = get_language()
        if language == settings.LANGUAGE_CODE:
            return path
        return f"{path}?{LANG_PARAMETER}={language}"

    def get_urls(self, page=1, site=None, protocol=None):
        # x-default is the plain (German) address. Not Django's x_default: it makes it
        # by cutting "/de/" out of the address, which would cut an event slugged "de".
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            default = [
                alternate["location"]
                for alternate in url["alternates"]
                if alternate["lang_code"] == settings.LANGUAGE_CODE
            ]
            url["alternates"] += [{"location": loc, "lang_code": "x-default"} for loc in default]
        return urls


class EventSitemap(LanguageSitemap):
    changefreq = "daily"

    def items(self):
        return Event.objects.published().order_by("-starts_at")

    def path(self, event):
        return event.get_absolute_url()

    def lastmod(self, event):
        return event.updated_at


class PageSitemap(LanguageSitemap):
    def items(self):
        return [
            "events:list",
            "events:privacy",
            "events:imprint",
            "events:accessibility",
            "events:easy_language",
            "events:sign_language",
        ]

    def path(self, name):
        return reverse(name)


SITEMAPS = {"events": EventSitemap, "pages": PageSitemap}
