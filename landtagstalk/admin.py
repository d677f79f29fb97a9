"""Admin pieces of the project: view-only lists, and the staff status page of the mail queue."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from . import permissions, status
from .models import WorkerHeartbeat


class ViewOnlyAdmin(admin.ModelAdmin):
    """An admin list that nobody adds to, changes or deletes from; ``may_view`` says who sees it."""

    def may_view(self, user) -> bool:
        raise NotImplementedError

    def has_module_permission(self, request):
        return self.may_view(request.user)

    def has_view_permission(self, request, obj=None):
        return self.may_view(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def list_page_only(model_admin):
    """The URLs of ``model_admin`` reduced to its list: no page shows one object."""
    info = model_admin.opts.app_label, model_admin.opts.model_name
    view = model_admin.admin_site.admin_view(model_admin.changelist_view)
    return [path("", view, name="{}_{}_changelist".format(*info))]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ViewOnlyAdmin):
    def get_urls(self):
        # One page: the status; the heartbeats themselves are written by the worker only.
        return list_page_only(self)

    def may_view(self, user):
        return permissions.can_see_mail_queue(user)

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        queue = status.queue_status()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Mail queue and worker"),
            "queue": queue,
            "heartbeats": WorkerHeartbeat.objects.all()[:10] if queue.uses_queue else [],
            "worker_recent_minutes": int(status.WORKER_RECENT.total_seconds() // 60),
            "failed_mails_url": reverse("admin:registrations_failedmail_changelist"),
        }
        return TemplateResponse(request, "admin/landtagstalk/status.html", context)
