"""Staff admin for events, their agenda and speakers (group "Redaktion")."""

from django.contrib import admin
from django.db import models
from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from registrations.models import Registration

from .models import AgendaSlot, Event, LegalPage, SlotSpeaker, Speaker


class AgendaSlotInline(admin.TabularInline):
    model = AgendaSlot
    extra = 0
    fields = ["starts_at", "ends_at", "title", "kind", "people"]
    readonly_fields = ["people"]
    show_change_link = True

    @admin.display(description=_("people"))
    def people(self, slot):
        if not slot.pk:
            return "–"
        return format_html_join(
            ", ", "{}: {}", ((r.get_role_display(), r.speaker) for r in slot.roles.all())
        ) or "–"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles__speaker")


# A change to one of these is a change to the calendar entry of the event.
CALENDAR_FIELDS = {"title", "starts_at", "ends_at", "format", "location", "is_cancelled"}


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
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
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [AgendaSlotInline]
    fieldsets = [
        (None, {"fields": ["series", "title", "subtitle", "slug", "organiser", "description"]}),
        (_("Date and place"), {"fields": ["starts_at", "ends_at", "format", "location"]}),
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

    def get_queryset(self, request):
        counts = {
            f"{status}_total": Count("registrations", filter=Q(registrations__status=status))
            for status in Registration.Status.values
        }
        return super().get_queryset(request).annotate(**counts)

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


class SlotSpeakerInline(admin.TabularInline):
    model = SlotSpeaker
    extra = 1
    autocomplete_fields = ["speaker"]


@admin.register(AgendaSlot)
class AgendaSlotAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "starts_at", "kind"]
    list_filter = ["kind", "event"]
    search_fields = ["title", "event__title"]
    list_select_related = ["event"]
    autocomplete_fields = ["event"]
    inlines = [SlotSpeakerInline]


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
