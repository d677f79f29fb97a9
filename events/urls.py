from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import embed, feeds, views
from .models import LegalPage
from .sitemaps import SITEMAPS

app_name = "events"
urlpatterns = [
    path("", views.EventListView.as_view(), name="list"),
    path("calendar.ics", views.calendar_feed, name="calendar_feed"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
    path("events/<slug:slug>/calendar.ics", views.event_calendar, name="calendar"),
    path("events/<slug:slug>/embed/", embed.embed_event, name="embed_event"),
    path("embed/", embed.embed_list, name="embed"),
    path("events/<slug:slug>/share.png", views.event_share_image, name="share_image"),
    path("share.png", views.site_share_image, name="site_share_image"),
    path(
        "datenschutz/",
        views.LegalPageView.as_view(kind=LegalPage.Kind.PRIVACY),
        name="privacy",
    ),
    path(
        "impressum/",
        views.LegalPageView.as_view(kind=LegalPage.Kind.IMPRINT),
        name="imprint",
    ),
    path(
        "barrierefreiheit/",
        views.LegalPageView.as_view(kind=LegalPage.Kind.ACCESSIBILITY),
        name="accessibility",
    ),
    path(
        "leichte-sprache/",
        views.LegalPageView.as_view(kind=LegalPage.Kind.EASY_LANGUAGE),
        name="easy_language",
    ),
    path(
        "gebaerdensprache/",
        views.LegalPageView.as_view(kind=LegalPage.Kind.SIGN_LANGUAGE),
        name="sign_language",
    ),
    path("feeds/events.atom", feeds.UpcomingEventsFeed(), name="feed"),
    path("feeds/series/<slug:series>.atom", feeds.UpcomingEventsFeed(), name="series_feed"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]
