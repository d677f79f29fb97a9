"""Deployment checks of registrations (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

from .tasks import send_registration_mail


@register(Tags.compatibility, deploy=True)
def check_mail_queue(app_configs, **kwargs):
    """Real mail without the database queue loses every mail the server does not take."""
    if settings.EMAIL_HOST and not send_registration_mail.get_backend().supports_defer:
        return [
            Warning(
                "Mails go to an SMTP server but are sent during the request, without retries.",
                hint="Set DJANGO_TASKS_BACKEND=database and run manage.py db_worker.",
                id="registrations.W001",
            )
        ]
    return []


PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """A cache per process counts the rate limit per worker, and keeps stale pages."""
    if settings.CACHES["default"]["BACKEND"] in PER_PROCESS_CACHES:
        return [
            Warning(
                "The cache is per process: the registration rate limit counts per worker "
                "and app server, and cached pages miss changes made in other processes.",
                hint="Unset DJANGO_CACHE_URL (the database cache) or set it to db:// or "
                "redis://host:6379/0.",
                id="registrations.W002",
            )
        ]
    return []
