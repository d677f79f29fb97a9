"""Public pages of events."""

from django.db import connection
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.views.generic import DetailView, ListView

from .models import AgendaSlot, Event, SlotSpeaker


class EventListView(ListView):
    template_name = "events/event_list.html"
    context_object_name = "upcoming_events"

    def get_queryset(self):
        self.now = timezone.now()
        return Event.objects.published().upcoming(self.now)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["past_events"] = Event.objects.published().past(self.now)
        return context


class EventDetailView(DetailView):
    template_name = "events/event_detail.html"

    def get_queryset(self):
        roles = SlotSpeaker.objects.select_related("speaker")
        slots = AgendaSlot.objects.prefetch_related(Prefetch("roles", queryset=roles))
        return Event.objects.published().prefetch_related(Prefetch("slots", queryset=slots))


def healthz(request):
    """200 while the database answers; load balancers take the server out otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
