"""The event's own registration questions on the editor's page, with their answers protected.

A question people have answered is never deleted, nor its kind changed, behind their back:
the editor is told how many answers it has and may hide it instead (``is_hidden``).
"""

import nested_admin
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import RegistrationQuestion


def answer_count(question):
    """How many answers a stored question has; read once per question and page."""
    if question.pk is None:
        return 0
    if not hasattr(question, "_answer_count"):
        question._answer_count = question.answers.count()
    return question._answer_count


def _answers_note(count):
    return ngettext(
        "This question has %(count)s answer.",
        "This question has %(count)s answers.",
        count,
    ) % {"count": count}


class RegistrationQuestionForm(forms.ModelForm):
    class Meta:
        model = RegistrationQuestion
        fields = ["label", "kind", "required", "help_text", "choices", "is_hidden", "order"]
        widgets = {
            "choices": forms.Textarea(attrs={"rows": 3}),
            "label": forms.TextInput(attrs={"class": "lt-wide"}),
            "help_text": forms.TextInput(attrs={"class": "lt-wide"}),
        }

    @property
    def answer_count(self):
        return answer_count(self.instance)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind in (RegistrationQuestion.Kind.CHOICE, RegistrationQuestion.Kind.MULTIPLE):
            lines = [line for line in cleaned.get("choices", "").splitlines() if line.strip()]
            if len(lines) < 2:
                self.add_error("choices", _("Please enter at least two choices, one per line."))
        if self.answer_count and cleaned.get("DELETE"):
            self.add_error(
                None,
                _answers_note(self.answer_count)
                + " "
                + str(_("It cannot be deleted; tick “hidden” instead.")),
            )
            # Not deleted: the admin's own check of protected answers need not run.
            cleaned["DELETE"] = False
        if self.answer_count and "kind" in self.changed_data:
            self.add_error(
                "kind",
                _answers_note(self.answer_count)
                + " "
                + str(_("Its kind cannot change; hide it and add a new question instead.")),
            )
        return cleaned


class RegistrationQuestionInline(nested_admin.NestedStackedInline):
    model = RegistrationQuestion
    verbose_name = _("registration question")
    verbose_name_plural = _("questions of the registration form")
    form = RegistrationQuestionForm
    extra = 0
    sortable_field_name = "order"
    sortable_excludes = ["kind", "required", "is_hidden"]
    fields = [
        ("label", "kind", "required"),
        "help_text",
        "choices",
        ("is_hidden", "answers_given"),
        "order",
    ]
    readonly_fields = ["answers_given"]

    @admin.display(description=_("answers"))
    def answers_given(self, question):
        # Only how many: the answers themselves are the registrants' data.
        return answer_count(question)
