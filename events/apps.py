from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    # Not "Events": the breadcrumb would read "Veranstaltungen › Veranstaltungen".
    verbose_name = _("Content")
