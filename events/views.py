"""Public pages of events, their calendar files and the legal pages."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from registrations import selectors

from . import ical
from .models import Event, LegalPage


class EventListView(ListView):
    template_name = "events/event_list.html"
    context_object_name = "upcoming_events"

    def get_queryset(self):
        self.now = timezone.now()
        return Event.objects.published().upcoming(self.now)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["past_events"] = Event.objects.published().past(self.now)
        context["upcoming_events"] = upcoming = list(context["upcoming_events"])
        for event in upcoming:
            event.state = selectors.registration_state(event, now=self.now)
        return context


class EventDetailView(DetailView):
    template_name = "events/event_detail.html"

    def get_queryset(self):
        return Event.objects.published().with_agenda()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        slots = self.object.slots.all()
        # Everyone on the agenda once, in the order they first appear.
        context["speakers"] = list(
            dict.fromkeys(role.speaker for slot in slots for role in slot.roles.all())
        )
        context["state"] = selectors.registration_state(self.object)
        return context


class LegalPageView(DetailView):
    template_name = "events/legalpage_detail.html"
    kind = None

    def get_object(self, queryset=None):
        return get_object_or_404(LegalPage, kind=self.kind)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["body"] = self.object.body.replace(
            "{retention_days}", str(settings.PERSONAL_DATA_RETENTION_DAYS)
        ).replace("{hold_hours}", str(settings.REGISTRATION_HOLD_HOURS))
        return context


def event_calendar(request, slug):
    event = get_object_or_404(Event.objects.published().with_agenda(), slug=slug)
    return ical.calendar_response(ical.build_calendar([event]), f"{event.slug}.ics")


def calendar_feed(request):
    events = list(Event.objects.published().with_agenda().order_by("starts_at"))
    return ical.calendar_response(
        ical.build_calendar(events, name=_("LandtagsTalk events")), "landtagstalk.ics"
    )
