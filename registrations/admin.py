"""Staff admin for registrations (group "Teilnehmermanagement")."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ExportLog, PurgeLog, Registration


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "email",
        "organisation",
        "event",
        "status",
        "created_at",
        "attended",
    ]
    list_filter = ["status", "attended", "event"]
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
