"""The staff status page: is a worker sending the mails, and how long do they wait?"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from . import permissions, status
from .models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    def get_urls(self):
        # One page: the status; the heartbeats themselves are written by the worker only.
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view(self.changelist_view)
        return [path("", view, name="{}_{}_changelist".format(*info))]

    def has_module_permission(self, request):
        return permissions.can_see_mail_queue(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_see_mail_queue(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
