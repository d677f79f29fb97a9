"""Mail and task backends that fail as real servers can, for the retry tests."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend
from django_tasks.backends.base import BaseTaskBackend


class DownBackend(BaseEmailBackend):
    """The mail server does not answer."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


class TemporaryFailureBackend(BaseEmailBackend):
    """The mail server answers 451: try again later."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPDataError(451, b"4.3.0 Temporary failure, try again later")


class RejectingBackend(BaseEmailBackend):
    """The mail server refuses the recipient for good."""

    def send_messages(self, email_messages):
        refusal = (550, b"5.1.1 No such user")
        recipients = {address: refusal for message in email_messages for address in message.to}
        raise smtplib.SMTPRecipientsRefused(recipients)


class UnreachableQueueBackend(BaseTaskBackend):
    """A task queue that cannot take tasks, e.g. a queue server that is down."""

    def enqueue(self, task, args, kwargs):
        raise ConnectionError("task queue unavailable")
