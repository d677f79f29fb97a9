"""Staff admin for events, their agenda and speakers (group "Redaktion")."""

import nested_admin
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from registrations import services as registration_services
from registrations.models import Registration

from . import dashboard, services
from .editor import AgendaSlotInline, LabelledSplitDateTime
from .models import AgendaSlot, Event, LegalPage, Speaker


class CopyEventForm(forms.Form):
    starts_on = forms.DateField(
        label=_("New date"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=_("All times of the event and its agenda keep their local time of day."),
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"class": "lt-wide"})
    )
    slug = forms.SlugField(
        label=_("slug"),
        max_length=120,
        widget=forms.TextInput(attrs={"class": "lt-wide"}),
        help_text=_("The address of the new event: /events/<slug>/. It must be unique."),
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Event.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("An event with this slug already exists."))
        return slug


# A change to one of these is a change to the calendar entry of the event.
CALENDAR_FIELDS = {"title", "starts_at", "ends_at", "format", "location", "is_cancelled"}


@admin.register(Event)
class EventAdmin(nested_admin.NestedModelAdmin):
    list_display = [
        "title",
        "starts_at",
        "format",
        "is_published",
        "is_cancelled",
        "capacity",
        "pending_count",
        "confirmed_count",
        "waitlisted_count",
        "cancelled_count",
    ]
    list_filter = ["is_published", "is_cancelled", "format", "series", "starts_at"]
    search_fields = ["title", "subtitle", "series", "organiser", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "starts_at"
    save_on_top = True
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        models.DateTimeField: {"widget": LabelledSplitDateTime},
    }
    inlines = [AgendaSlotInline]
    actions = ["copy_as_template"]
    change_form_template = "admin/events/event/change_form.html"
    fieldsets = [
        (None, {"fields": ["series", "title", "subtitle", "slug", "organiser", "description"]}),
        (
            _("Date and place"),
            {
                "fields": ["starts_at", "ends_at", "format", "location"],
                "description": _("All times are Berlin time (Europe/Berlin)."),
            },
        ),
        (
            _("Registration"),
            {
                "fields": [
                    "capacity",
                    "registration_opens_at",
                    "registration_closes_at",
                    "online_url",
                ]
            },
        ),
        (_("Publication"), {"fields": ["is_published", "is_cancelled"]}),
    ]

    def save_model(self, request, obj, form, change):
        if change and CALENDAR_FIELDS.intersection(form.changed_data):
            # Calendar clients replace their copy only for a higher SEQUENCE.
            obj.sequence += 1
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            # More seats: they go to the waiting list at once, as a freed seat would.
            promoted = registration_services.promote_waitlisted(obj)
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d person moved up from the waiting list and was informed.",
                        "%(count)d people moved up from the waiting list and were informed.",
                        len(promoted),
                    )
                    % {"count": len(promoted)},
                    messages.SUCCESS,
                )

    def get_queryset(self, request):
        counts = {
            f"{status}_total": Count("registrations", filter=Q(registrations__status=status))
            for status in Registration.Status.values
        }
        return super().get_queryset(request).annotate(**counts)

    def get_urls(self):
        return [
            path(
                "<int:event_id>/copy/",
                self.admin_site.admin_view(self.copy_view),
                name="events_event_copy",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            user = request.user
            context.update(
                dashboard=dashboard.dashboard(obj),
                retention_days=settings.PERSONAL_DATA_RETENTION_DAYS,
                can_copy=self.has_add_permission(request),
                can_export=user.has_perm("registrations.export_registration"),
                can_see_questions=user.has_perm("registrations.view_registration"),
                can_record_attendance=user.has_perm("registrations.change_registration"),
            )
        # By keyword: django-nested-admin's render_change_form takes obj as its third argument.
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    @admin.action(description=_("Copy as template for a new event"), permissions=["add"])
    def copy_as_template(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, gettext("Please select exactly one event to copy."), messages.ERROR
            )
            return None
        return HttpResponseRedirect(reverse("admin:events_event_copy", args=[queryset.get().pk]))

    def copy_view(self, request, event_id):
        """Ask for the new date, title and slug; then copy the event with its agenda."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        event = get_object_or_404(Event, pk=event_id)
        starts_on = services.default_copy_date(event)
        initial = {
            "starts_on": starts_on,
            "title": event.title,
            "slug": services.unique_slug(f"{services.DATED_SLUG.sub('', event.slug)}-{starts_on}"),
        }
        form = CopyEventForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            copy = services.copy_event(event=event, **form.cleaned_data)
            self.message_user(
                request,
                gettext(
                    "The copy “%(title)s” on %(date)s was created, unpublished. Check the "
                    "agenda, then publish it."
                )
                % {"title": copy.title, "date": date_format(localtime(copy.starts_at))},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:events_event_change", args=[copy.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Copy as template"),
            "subtitle": event.title,
            "event": event,
            "form": form,
            "slot_count": event.slots.count(),
        }
        return TemplateResponse(request, "admin/events/event/copy.html", context)

    @admin.display(description=_("pending"), ordering="pending_total")
    def pending_count(self, event):
        return event.pending_total

    @admin.display(description=_("confirmed"), ordering="confirmed_total")
    def confirmed_count(self, event):
        return event.confirmed_total

    @admin.display(description=_("waiting list"), ordering="waitlisted_total")
    def waitlisted_count(self, event):
        return event.waitlisted_total

    @admin.display(description=_("cancelled"), ordering="cancelled_total")
    def cancelled_count(self, event):
        return event.cancelled_total


@admin.register(AgendaSlot)
class AgendaSlotAdmin(admin.ModelAdmin):
    """A list to find a slot; slots and their people are edited on their event's page."""

    list_display = ["title", "event_link", "starts_at", "kind"]
    list_filter = ["kind", "event"]
    search_fields = ["title", "event__title"]
    list_select_related = ["event"]
    fields = ["event_link", "starts_at", "ends_at", "title", "kind", "is_parallel", "people"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("events.view_agendaslot") or request.user.has_perm(
            "events.change_agendaslot"
        )

    @admin.display(description=_("event"), ordering="event__starts_at")
    def event_link(self, slot):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:events_event_change", args=[slot.event_id]),
            slot.event,
        )

    @admin.display(description=_("people"))
    def people(self, slot):
        return format_html_join(
            ", ", "{}: {}", ((r.get_role_display(), r.speaker) for r in slot.roles.all())
        ) or "–"


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "affix", "position", "organisation"]
    search_fields = ["name", "position", "organisation"]
    readonly_fields = ["appearances"]
    fields = ["name", "affix", "position", "organisation", "bio", "photo", "appearances"]

    @admin.display(description=_("events"))
    def appearances(self, speaker):
        events = Event.objects.filter(slots__roles__speaker=speaker).distinct()
        return format_html_join(
            ", ",
            "{} ({})",
            ((event, date_format(localtime(event.starts_at))) for event in events),
        ) or "–"


@admin.register(LegalPage)
class LegalPageAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "updated_at"]
    fields = ["kind", "title", "body"]
    readonly_fields = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
