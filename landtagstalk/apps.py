"""The project's own app config, and German for the admin of django-tasks-db.

django-tasks-db brings no translations of its own: ``makemessages`` finds the package's
strings in this module and puts them into our catalogue; Django looks in ``LOCALE_PATHS``
first, so the admin shows them in German.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy
from django_tasks_db.apps import TasksAppConfig


class LandtagstalkConfig(AppConfig):
    """Site-wide wiring that belongs to no one app: the page cache, the staff groups."""

    name = "landtagstalk"
    verbose_name = "LandtagsTalk"

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from . import checks, page_cache, permissions  # noqa: F401 (checks register)

        page_cache.connect_signals()
        # After the last app with staff permissions is migrated, the groups get exactly
        # what permissions.py names.
        post_migrate.connect(
            permissions.sync_staff_groups,
            sender=apps.get_app_config("registrations"),
            dispatch_uid="sync-staff-groups",
        )


class BackgroundTasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")


PACKAGE_STRINGS = (
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("status"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("args kwargs"),
    gettext_noop("priority"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("traceback"),
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
)
