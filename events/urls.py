from django.urls import path

from . import views
from .models import LegalPage

app_name = "events"
urlpatterns = [
    path("", views.EventListView.as_view(), name="list"),
    path("calendar.ics", views.calendar_feed, name="calendar_feed"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
    path("events/<slug:slug>/calendar.ics", views.event_calendar, name="calendar"),
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
]
