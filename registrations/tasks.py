"""Background tasks of registrations: the mails to registrants."""

from django_tasks import task

from . import mails


@task()
def send_registration_mail(*, registration_id: int, kind: str) -> bool:
    """Send mail ``kind`` to a registrant; False when there is no one to send it to."""
    return mails.send_registration_mail(registration_id=registration_id, kind=kind)
