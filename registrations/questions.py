"""Questions for the panel: asked in the form or on the personal page, voted for, moderated.

A vote is one short transaction on its own row, with no lock on the event row: hundreds
vote during an event, and the unique constraint keeps it at one vote per registration and
question, so the count (counted, never kept) is exact. What the pages read is in
``selectors``: ``questions_for_the_panel`` for staff, ``questions_for_registrant``.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import PanelQuestion, QuestionVote, Registration

Status = Registration.Status

MODERATION = {
    "release": {"is_released": True},
    "unrelease": {"is_released": False},
    "hide": {"is_hidden": True},
    "show": {"is_hidden": False},
    "answer": {"is_answered": True},
    "reopen": {"is_answered": False},
}


def why_closed(registration: Registration, *, now=None) -> str:
    """Why this registrant may not ask or vote now, or "" when they may."""
    now = now or timezone.now()
    event = registration.event
    if registration.status != Status.CONFIRMED:
        return _("Only confirmed registrants can ask questions and vote.")
    if event.is_cancelled:
        return _("The event has been called off.")
    if now >= event.ends_at:
        return _("The event is over: questions and votes are closed.")
    return ""


def _check_open(registration, now):
    reason = why_closed(registration, now=now)
    if reason:
        raise ValidationError(reason, code="closed")


def record_form_question(registration: Registration) -> None:
    """The question typed into the registration form joins the event's list.

    Called by ``services.register`` in its transaction. The list shows it once the
    address is confirmed, like every question (``PanelQuestionQuerySet.listed``).
    """
    if registration.question:
        PanelQuestion.objects.create(
            event_id=registration.event_id,
            registration=registration,
            text=registration.question,
            from_form=True,
        )


def ask_question(
    *, registration: Registration, text: str, place: str = "", now=None
) -> PanelQuestion:
    """Add a question of ``registration``: at most ``PER_REGISTRATION`` for each person."""
    now = now or timezone.now()
    _check_open(registration, now)
    text = text.strip()
    if not text:
        raise ValidationError(_("Please write your question."), code="empty")
    if len(text) > PanelQuestion.TEXT_MAX_LENGTH:
        raise ValidationError(
            _("A question may have at most %(max)d characters.")
            % {"max": PanelQuestion.TEXT_MAX_LENGTH},
            code="too_long",
        )
    with transaction.atomic():
        # The person's own row, not the event's: it only orders their own two tabs.
        Registration.objects.select_for_update().filter(pk=registration.pk).exists()
        asked = PanelQuestion.objects.filter(registration=registration).count()
        if asked >= PanelQuestion.PER_REGISTRATION:
            raise ValidationError(
                _("You have asked %(max)d questions already, as many as one person can.")
                % {"max": PanelQuestion.PER_REGISTRATION},
                code="too_many",
            )
        return PanelQuestion.objects.create(
            event_id=registration.event_id,
            registration=registration,
            text=text,
            place=place.strip(),
        )


def _votable(registration, question_id):
    question = (
        PanelQuestion.objects.shown_to_registrants(registration.event)
        .filter(pk=question_id, is_answered=False)
        .first()
    )
    if question is None:
        raise ValidationError(_("This question cannot be voted for."), code="not_votable")
    if question.registration_id == registration.pk:
        raise ValidationError(_("You cannot vote for your own question."), code="own")
    return question


def vote(*, registration: Registration, question_id: int, now=None) -> bool:
    """Vote for a question; False when this registration had voted for it already."""
    _check_open(registration, now or timezone.now())
    question = _votable(registration, question_id)
    try:
        with transaction.atomic():
            QuestionVote.objects.create(question=question, registration=registration)
    except IntegrityError:
        return False
    return True


def withdraw_vote(*, registration: Registration, question_id: int, now=None) -> bool:
    """Take a vote back; False when there was none."""
    _check_open(registration, now or timezone.now())
    deleted, _by_model = QuestionVote.objects.filter(
        question_id=question_id, registration=registration
    ).delete()
    return bool(deleted)


def moderate(*, question: PanelQuestion, action: str) -> PanelQuestion:
    """Release, hide, show, mark answered (or undo): one of ``MODERATION``."""
    changes = MODERATION[action]
    PanelQuestion.objects.filter(pk=question.pk).update(**changes)
    for field, value in changes.items():
        setattr(question, field, value)
    return question


def merge_question(*, duplicate: PanelQuestion, into: PanelQuestion) -> PanelQuestion:
    """Merge ``duplicate`` into ``into``: its votes, and its asker's wish, count for ``into``.

    A registration that voted for both keeps one vote; the asker of ``into`` gets no vote
    for their own question. The duplicate leaves the lists but stays on record.
    """
    if duplicate.event_id != into.event_id or duplicate.pk == into.pk:
        raise ValidationError(_("A question can only be merged into another of the same event."))
    with transaction.atomic():
        duplicate, into = (
            PanelQuestion.objects.select_for_update().get(pk=pk) for pk in (duplicate.pk, into.pk)
        )
        if into.merged_into_id is not None or duplicate.merged_into_id is not None:
            raise ValidationError(_("This question has been merged already."))
        voters = set(into.votes.values_list("registration_id", flat=True))
        voters.add(into.registration_id)
        supporters = set(duplicate.votes.values_list("registration_id", flat=True))
        supporters.add(duplicate.registration_id)
        QuestionVote.objects.bulk_create(
            QuestionVote(question=into, registration_id=pk) for pk in sorted(supporters - voters)
        )
        duplicate.votes.all().delete()
        PanelQuestion.objects.filter(merged_into=duplicate).update(merged_into=into)
        duplicate.merged_into = into
        duplicate.save(update_fields=["merged_into"])
    return into

