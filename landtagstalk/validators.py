"""Validators for text that people type and others read: staff, moderators, mail readers."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def has_invisible_characters(value):
    """Bidi overrides, zero-width and other invisible format characters (category Cf).

    They make a name read differently from what is stored ("‮nnA" shows as "Ann"),
    in the admin and in mails; nobody needs them in a name or a question.
    """
    return any(unicodedata.category(char) == "Cf" for char in value)


def validate_visible(value):
    if has_invisible_characters(value):
        raise ValidationError(
            _(
                "Please remove the invisible characters (text direction marks or "
                "zero-width characters) from this text."
            ),
            code="invisible_characters",
        )
