"""Erasing a person (Art. 17 DSGVO): the one home of what is personal in a registration.

The registrant's "delete my data" (``services.erase_personal_data``) and the retention
purge (``retention.purge_personal_data``) both erase through ``erase``. What stays is what
counts: the event, the status, the timestamps, attendance and the feedback's rating.
"""

from django.db import transaction
from django.db.models import QuerySet

from .models import PERSONAL_FIELDS, Feedback, PanelQuestion, QuestionVote, RegistrationAnswer


def erase(registrations: QuerySet, *, now) -> int:
    """Erase everything personal of ``registrations`` in one transaction; return how many.

    The personal fields and the personal link (``PERSONAL_FIELDS``, the question for the
    panel among them), the written feedback, and the questions asked and votes given (a
    question's votes by others go with it), and the answers to the event's own questions.
    The caller holds the event lock, so that no registration of the event changes
    meanwhile.
    """
    with transaction.atomic():
        # Before the registrations: erased, they no longer match ``registrations``.
        Feedback.objects.filter(registration__in=registrations).update(next_topic="", comment="")
        QuestionVote.objects.filter(registration__in=registrations).delete()
        PanelQuestion.objects.filter(registration__in=registrations).delete()
        RegistrationAnswer.objects.filter(registration__in=registrations).delete()
        return registrations.update(purged_at=now, **PERSONAL_FIELDS)
