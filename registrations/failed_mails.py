"""Mails that failed for good: read from django-tasks-db's task results, and sent again.

Each attempt at a mail is a task result of its own; a failed attempt followed by a
retry (or by a resend) is not the end. A mail failed for good when its latest task
result failed: no retry came after it (a bounce, the last attempt, an error in the code).
"""

from django.db import transaction
from django.db.models import BigIntegerField, Exists, OuterRef, Subquery, TextField, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .mails import SUBJECTS, mask_email
from .models import MessageDelivery, Registration

# The mail tasks, and the arguments that say which mail it is (the attempt is not one).
MAIL_TASKS = {
    "registrations.tasks.send_registration_mail": ("registration_id", "kind"),
    "registrations.tasks.send_change_mail": ("registration_id", "change_id"),
    "registrations.tasks.send_registrant_message": ("delivery_id",),
}
IDENTITY_KEYS = ("registration_id", "kind", "change_id", "delivery_id")


def _identity():
    """One text per mail, the same for all its attempts."""
    parts = []
    for key in IDENTITY_KEYS:
        text = Coalesce(KT(f"args_kwargs__kwargs__{key}"), Value(""), output_field=TextField())
        parts += [text, Value("|")]
    return Concat(*parts, output_field=TextField())


def _kwarg_id(key):
    return Cast(KT(f"args_kwargs__kwargs__{key}"), BigIntegerField())


def failed_for_good(queryset=None):
    """The failed mail task results with no task of the same mail after them, annotated
    with the registration (``registration_pk``), its event and its address."""
    queryset = DBTaskResult.objects.all() if queryset is None else queryset
    later = DBTaskResult.objects.annotate(identity=_identity()).filter(
        task_path=OuterRef("task_path"),
        identity=OuterRef("identity"),
        enqueued_at__gt=OuterRef("enqueued_at"),
    )
    delivery = MessageDelivery.objects.filter(pk=OuterRef("delivery_pk"))
    registration = Registration.objects.filter(pk=OuterRef("registration_pk"))
    return (
        queryset.filter(status=TaskResultStatus.FAILED, task_path__in=MAIL_TASKS)
        .annotate(identity=_identity())
        .exclude(Exists(later))
        .annotate(delivery_pk=_kwarg_id("delivery_id"))
        .annotate(
            registration_pk=Coalesce(
                _kwarg_id("registration_id"),
                Subquery(delivery.values("registration_id")[:1]),
                output_field=BigIntegerField(),
            ),
            registration_email=Subquery(registration.values("email")[:1]),
            event_id=Subquery(registration.values("event_id")[:1]),
            event_title=Subquery(registration.values("event__title")[:1]),
        )
    )


def kind_label(result):
    """What kind of mail it was, in the active language."""
    kwargs = result.args_kwargs["kwargs"]
    if result.task_path.endswith("send_change_mail"):
        return _("Event change")
    if result.task_path.endswith("send_registrant_message"):
        return _("Message from staff")
    subject = SUBJECTS.get(kwargs.get("kind"))
    return subject() if subject else kwargs.get("kind", "–")


def masked_address(result):
    return mask_email(result.registration_email) if result.registration_email else "–"


def resend(results):
    """Queue each mail again (first attempt) unless it was queued again already: the ids
    still failed for good are read again under a lock, so two clicks queue it once."""
    ids = [result.pk for result in results]
    queued = []
    with transaction.atomic():
        list(DBTaskResult.objects.select_for_update().filter(pk__in=ids).values_list("pk"))
        for result in failed_for_good(DBTaskResult.objects.filter(pk__in=ids)):
            kwargs = result.args_kwargs["kwargs"]
            mail_task = import_string(result.task_path)
            mail_task.enqueue(**{key: kwargs[key] for key in MAIL_TASKS[result.task_path]})
            queued.append(result)
    return queued
