"""Staff admin for registrations (group "Teilnehmermanagement")."""

from functools import partial

from django.contrib import admin, messages
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from events.models import Event

from . import admin_views, export, housekeeping
from .models import ExportLog, PurgeLog, Registration


class PurgedFilter(admin.SimpleListFilter):
    title = _("deletion of personal data")
    parameter_name = "purged"

    def lookups(self, request, model_admin):
        return [("no", _("not yet deleted")), ("yes", _("deleted"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(purged_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(purged_at__isnull=True)
        return queryset


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "person",
        "first_name",
        "email",
        "organisation",
        "event",
        "status",
        "created_at",
        "attended",
        "reminder_sent_at",
        "purged_at",
    ]
    list_display_links = ["person"]
    list_filter = ["status", "attended", PurgedFilter, "event"]
    actions = ["export_csv", "mark_attended", "send_reminder"]
    search_fields = ["first_name", "last_name", "email", "organisation"]
    date_hierarchy = "created_at"
    list_select_related = ["event"]
    readonly_fields = [
        "event",
        "status",
        "cancel_reason",
        "token",
        "language",
        "consent_at",
        "privacy_version",
        "created_at",
        "email_confirmed_at",
        "confirmed_at",
        "cancelled_at",
        "expires_at",
        "reminder_sent_at",
        "purged_at",
    ]
    fieldsets = [
        (None, {"fields": ["event", "status", "first_name", "last_name", "email", "organisation"]}),
        (
            _("Question for the panel"),
            {"fields": ["question", "question_selected", "question_answered"]},
        ),
        (
            _("History"),
            {
                "fields": [
                    "created_at",
                    "email_confirmed_at",
                    "confirmed_at",
                    "cancelled_at",
                    "cancel_reason",
                    "expires_at",
                    "reminder_sent_at",
                    "attended",
                    "purged_at",
                ]
            },
        ),
        (_("Consent"), {"fields": ["consent_at", "privacy_version", "language", "token"]}),
    ]

    def has_add_permission(self, request):
        # Registrations come from citizens through the form, with their consent.
        return False

    def has_export_permission(self, request):
        return request.user.has_perm("registrations.export_registration")

    @admin.display(description=_("last name"), ordering="last_name")
    def person(self, registration):
        if registration.purged_at:
            return gettext("(deleted, no. %(pk)s)") % {"pk": registration.pk}
        return registration.last_name or "–"

    def get_urls(self):
        def event_view(view, **kwargs):
            return self.admin_site.admin_view(partial(view, self, **kwargs))

        return [
            path(
                "event/<int:event_id>/export/",
                event_view(admin_views.event_export),
                name="registrations_registration_event_export",
            ),
            path(
                "event/<int:event_id>/questions/",
                event_view(admin_views.event_questions),
                name="registrations_registration_event_questions",
            ),
            path(
                "event/<int:event_id>/questions/print/",
                event_view(admin_views.event_questions, printable=True),
                name="registrations_registration_event_questions_print",
            ),
            path(
                "event/<int:event_id>/messages/",
                event_view(admin_views.event_messages),
                name="registrations_registration_event_messages",
            ),
            path(
                "event/<int:event_id>/attendance/",
                event_view(admin_views.event_attendance),
                name="registrations_registration_event_attendance",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        # Links to the questions of the event in the filter, or of the latest events.
        events = Event.objects.order_by("-starts_at")
        chosen = request.GET.get("event__id__exact")
        if chosen and chosen.isdigit():
            events = events.filter(pk=chosen)
        extra_context = {**(extra_context or {}), "question_events": events[:3]}
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Export selected registrations as CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        event_ids = set(queryset.values_list("event_id", flat=True).distinct().order_by())
        event = Event.objects.get(pk=event_ids.pop()) if len(event_ids) == 1 else None
        return export.export_response(
            queryset=queryset,
            user=request.user,
            event=event,
            description=export.describe(
                event=event,
                source=gettext("Selection in the registration list"),
            ),
        )

    @admin.action(description=_("Mark as attended"), permissions=["change"])
    def mark_attended(self, request, queryset):
        changed = housekeeping.mark_attended(registrations=queryset.filter(purged_at__isnull=True))
        self.message_user(
            request,
            gettext("%(count)s registrations marked as attended.") % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Send reminder now"), permissions=["change"])
    def send_reminder(self, request, queryset):
        selected = queryset.count()
        sent = housekeeping.send_reminders(Registration.objects.filter(pk__in=queryset))
        self.message_user(
            request,
            gettext("Reminders sent: %(sent)s.") % {"sent": len(sent)},
            messages.SUCCESS if sent else messages.WARNING,
        )
        if len(sent) < selected:
            self.message_user(
                request,
                gettext(
                    "Skipped: %(count)s (not confirmed, already reminded, or the event is "
                    "cancelled or over). Everyone gets a reminder only once."
                )
                % {"count": selected - len(sent)},
                messages.WARNING,
            )


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "event", "row_count", "description"]
    list_filter = ["event"]
    list_select_related = ["user", "event"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PurgeLog)
class PurgeLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "anonymised_count", "deleted_count"]
    list_select_related = ["event"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
