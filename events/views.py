"""Public pages of events, their calendar files and the legal pages."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from landtagstalk import page_cache, permissions
from registrations import selectors

from . import access_needs, ical, search, seo, share_image
from .models import Event, LegalPage, agenda_prefetch


class EventListView(ListView):
    """Upcoming events, then the archive of past ones a page at a time; ``?q=`` searches both."""

    template_name = "events/event_list.html"
    context_object_name = "upcoming_events"
    past_per_page = 10

    def get_queryset(self):
        self.now = timezone.now()
        self.query = search.clean_query(self.request.GET.get("q"))
        events = Event.objects.published().upcoming(self.now)
        return search.search(events, self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        past = search.search(Event.objects.published().past(self.now), self.query)
        context["past_page"] = page = Paginator(past, self.past_per_page).get_page(
            self.request.GET.get("page")
        )
        context["past_events"] = past_events = list(page.object_list)
        context["upcoming_events"] = upcoming = list(context["upcoming_events"])
        context["query"] = self.query
        # The cards are kept under this key, each with its state (events/event_list.html).
        context["fragment_key"] = page_cache.fragment_key(self.request)
        context["fragment_seconds"] = page_cache.FRAGMENT_SECONDS
        for event in upcoming:
            event.state = selectors.registration_state(event, now=self.now)
        if self.query:
            people = search.matching_people(upcoming + past_events, self.query)
            for event in upcoming + past_events:
                event.matching_people = people.get(event.pk, [])
        context["share_image_url"] = site_image_url()
        return context


class EventDetailView(DetailView):
    """An event's public page; staff also see an unpublished one, marked as a preview."""

    model = Event
    template_name = "events/event_detail.html"

    def get_object(self, queryset=None):
        # The agenda only when its fragment is not kept (agenda_and_speakers).
        event = Event.objects.published_by_slug(self.kwargs["slug"])
        if event is not None:
            return event
        # Only now ask who is looking: reading request.user marks every page as varying by
        # cookie, and the page cache keeps none of those.
        if not permissions.can_preview_events(self.request.user):
            raise Http404()
        return super().get_object(Event.objects.all())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        # The template keeps its parts under this key too, with the state or the time
        # where they show them (events/event_detail.html).
        context["fragment_key"] = key = page_cache.fragment_key(self.request, event)
        context["fragment_seconds"] = page_cache.FRAGMENT_SECONDS
        parts = page_cache.event_fragment(key, "detail", lambda: agenda_and_speakers(event))
        context["agenda_and_speakers"] = parts["html"]
        context["state"] = state = selectors.registration_state(event)
        context["preview"] = not event.is_published
        context["access_services"] = access_needs.booked_labels(event)
        context["share_image_url"] = image_url = parts["image_url"]
        language = seo.page_language(self.request)
        context["json_ld"] = page_cache.event_fragment(
            key,
            f"json-ld|{language}|{state.key}",
            lambda: seo.json_ld_script(
                seo.event_json_ld(
                    event,
                    state=state,
                    image_url=image_url,
                    language=language,
                    performers=parts["performers"],
                )
            ),
        )
        context["is_over"] = event.is_over()
        if context["is_over"]:
            # Read only when the main column is not kept.
            context["documents"] = event.documents.all()
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


def agenda_and_speakers(event):
    """What the event page shows of the agenda and its people, rendered once per version."""
    prefetch_related_objects([event], agenda_prefetch())
    people = event.people()
    return {
        "html": render_to_string(
            "events/_agenda_and_speakers.html", {"event": event, "speakers": people}
        ),
        "image_url": event_image_url(event),
        "performers": [seo.person_data(person) for person in people],
    }


def event_image_url(event):
    """The absolute address of the event's share image, new whenever the picture changes."""
    card = share_image.card_for_event(event)
    path = reverse("events:share_image", args=[event.slug])
    return seo.absolute_url(f"{path}?v={card.fingerprint}")


def site_image_url():
    card = share_image.card_for_site()
    return seo.absolute_url(f"{reverse('events:site_share_image')}?v={card.fingerprint}")


def png_response(request, card):
    etag = f'"{card.fingerprint}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(share_image.png_for(card), content_type="image/png")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=3600"
    return response


def event_share_image(request, slug):
    event = get_object_or_404(Event.objects.published().with_agenda(), slug=slug)
    return png_response(request, share_image.card_for_event(event))


def site_share_image(request):
    return png_response(request, share_image.card_for_site())


def robots_txt(request):
    """Crawlers may read the public pages, not the personal, staff or form pages."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /r/",
        "Disallow: /language/",
        "Disallow: /events/*/register/",
        "Allow: /",
        f"Sitemap: {seo.absolute_url(reverse('events:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def event_calendar(request, slug):
    event = get_object_or_404(Event.objects.published().with_agenda(), slug=slug)
    return ical.calendar_response(ical.build_calendar([event]), f"{event.slug}.ics")


def calendar_feed(request):
    events = list(Event.objects.published().with_agenda().order_by("starts_at"))
    return ical.calendar_response(
        ical.build_calendar(events, name=_("LandtagsTalk events")), "landtagstalk.ics"
    )
