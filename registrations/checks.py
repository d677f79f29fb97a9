"""Deployment checks of registrations (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.compatibility, deploy=True)
def check_mail_queue(app_configs, **kwargs):
    """Real mail without the database queue loses every mail the server does not take."""
    from .tasks import send_registration_mail

    if settings.EMAIL_HOST and not send_registration_mail.get_backend().supports_defer:
        return [
            Warning(
                "Mails go to an SMTP server but are sent during the request, without retries.",
                hint="Set DJANGO_TASKS_BACKEND=database and run manage.py db_worker.",
                id="registrations.W001",
            )
        ]
    return []
