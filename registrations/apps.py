from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = _("Registrations")

    def ready(self):
        from django.db.models.signals import post_save

        from . import changes, checks, subscriptions  # noqa: F401  (checks, signal receivers)

        post_save.connect(
            subscriptions.announce_if_published,
            sender="events.Event",
            dispatch_uid="registrations.announce_if_published",
        )
