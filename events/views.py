"""Public pages of events, their calendar files and the legal pages."""

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from registrations import services

from . import ical
from .models import Event, LegalPage


class EventListView(ListView):
    template_name = "events/event_list.html"
    context_object_name = "upcoming_events"

    def get_queryset(self):
        self.now = timezone.now()
        return services.with_seats_held(Event.objects.published().upcoming(self.now))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["past_events"] = Event.objects.published().past(self.now)
        context["upcoming_events"] = upcoming = list(context["upcoming_events"])
        for event in upcoming:
            event.state = services.registration_state(event, now=self.now)
        return context


class EventDetailView(DetailView):
    """An event's public page; staff also see an unpublished one, marked as a preview."""

    template_name = "events/event_detail.html"

    def get_queryset(self):
        return services.with_seats_held(Event.objects.published().with_agenda())

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            # Only now ask who is looking: reading request.user marks every page as
            # varying by cookie, and the page cache keeps none of those.
            if not self.request.user.has_perm("events.view_event"):
                raise
            return super().get_object(services.with_seats_held(Event.objects.with_agenda()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        slots = self.object.slots.all()
        # Everyone on the agenda once, in the order they first appear, with their roles in it.
        speakers = {}
        for role in (role for slot in slots for role in slot.roles.all()):
            speaker = speakers.setdefault(role.speaker.pk, role.speaker)
            speaker.event_roles = getattr(speaker, "event_roles", [])
            if role.get_role_display() not in speaker.event_roles:
                speaker.event_roles.append(role.get_role_display())
        context["speakers"] = list(speakers.values())
        context["state"] = services.registration_state(self.object)
        context["preview"] = not self.object.is_published
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["preview"]:
            # A draft: never kept by a cache, never in a search engine.
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response


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


def calendar_response(content, filename):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def event_calendar(request, slug):
    event = get_object_or_404(Event.objects.published().with_agenda(), slug=slug)
    return calendar_response(ical.build_calendar([event]), f"{event.slug}.ics")


def calendar_feed(request):
    events = list(Event.objects.published().with_agenda().order_by("starts_at"))
    return calendar_response(
        ical.build_calendar(events, name=_("LandtagsTalk events")), "landtagstalk.ics"
    )


def healthz(request):
    """200 while the database answers; load balancers take the server out otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
