"""Staff admin of mails that failed for good: who it was for (masked), and "send again"."""

from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from landtagstalk import permissions
from landtagstalk.admin import ViewOnlyAdmin, list_page_only

from . import failed_mails
from .models import FailedMail


@admin.register(FailedMail)
class FailedMailAdmin(ViewOnlyAdmin):
    list_display = ["finished_at", "kind", "event", "address", "attempt", "error"]
    list_display_links = None
    actions = ["send_again"]
    ordering = ["-finished_at"]

    def get_urls(self):
        # A list with an action, nothing more: no page shows a task's arguments.
        return list_page_only(self)

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": gettext("Mails that failed for good"), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        return failed_mails.failed_for_good(super().get_queryset(request))

    def may_view(self, user):
        return permissions.can_see_mail_queue(user)

    def has_resend_permission(self, request):
        return permissions.can_resend_mails(request.user)

    @admin.display(description=_("kind of mail"))
    def kind(self, result):
        return failed_mails.kind_label(result)

    @admin.display(description=_("event"))
    def event(self, result):
        return result.event_title or "–"

    @admin.display(description=_("address"))
    def address(self, result):
        return failed_mails.masked_address(result)

    @admin.display(description=_("attempts"))
    def attempt(self, result):
        return result.args_kwargs["kwargs"].get("attempt", 1)

    @admin.display(description=_("error"))
    def error(self, result):
        # The class of the error only: its message may hold the address.
        return result.exception_class_path.rpartition(".")[2] or "–"

    @admin.action(description=_("Send again"), permissions=["resend"])
    def send_again(self, request, queryset):
        selected = list(queryset)
        queued = failed_mails.resend(selected)
        self.message_user(
            request,
            ngettext("%(count)d mail queued again.", "%(count)d mails queued again.", len(queued))
            % {"count": len(queued)},
            messages.SUCCESS,
        )
        if len(queued) < len(selected):
            self.message_user(
                request, gettext("The others had been queued again already."), messages.INFO
            )
