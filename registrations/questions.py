"""The questions for the panel: staff select them and tick them off during the event.

What the moderator reads is in ``selectors.questions_for_the_panel``.
"""

from .models import Registration


def set_question_flags(
    *, registration: Registration, selected: bool | None = None, answered: bool | None = None
) -> Registration:
    """Mark a question as selected for the panel and/or as answered."""
    changes = {}
    if selected is not None:
        changes["question_selected"] = selected
    if answered is not None:
        changes["question_answered"] = answered
    if changes:
        Registration.objects.filter(pk=registration.pk).update(**changes)
        for field, value in changes.items():
            setattr(registration, field, value)
    return registration
