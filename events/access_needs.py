"""Access needs: a ready-made group of questions an editor switches on per event.

Switched on, the form asks which services a person needs (sign-language interpreting,
captioning, step-free access, an induction loop) and for other needs in their own words,
until seven days before the event. A request is mailed once to the organiser
(``DJANGO_REPLY_TO_EMAIL``) and counted on the dashboard; the services staff then book
(``Event.access_services_booked``) are named on the public page and in its JSON-LD.
"""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import RegistrationQuestion

DAYS_BEFORE = 7


class Service(models.TextChoices):
    SIGN_LANGUAGE = "sign_language", _("Sign-language interpreting")
    CAPTIONING = "captioning", _("Live captioning")
    STEP_FREE = "step_free", _("Step-free access")
    INDUCTION_LOOP = "induction_loop", _("Induction loop")


# schema.org accessibilityFeature values (its accessibility vocabulary, camel case).
SCHEMA_FEATURES = {
    Service.SIGN_LANGUAGE: "signLanguage",
    Service.CAPTIONING: "captions",
    Service.STEP_FREE: "stepFreeAccess",
    Service.INDUCTION_LOOP: "inductionLoop",
}


def questions(event):
    return event.registration_questions.filter(is_access_needs=True)


def is_switched_on(event) -> bool:
    return event.pk is not None and questions(event).filter(is_hidden=False).exists()


def switch(*, event, on: bool) -> None:
    """Ask (or stop asking) the access questions on ``event``'s form; answers always stay.

    The questions are written in the language active now, the editor's.
    """
    existing = list(questions(event))
    if existing:
        questions(event).update(is_hidden=not on)
        return
    if not on:
        return
    last = max((q.order for q in event.registration_questions.all()), default=-1)
    common = {"event": event, "is_access_needs": True, "asked_until_days_before": DAYS_BEFORE}
    RegistrationQuestion.objects.bulk_create(
        [
            RegistrationQuestion(
                label=gettext("Do you need any of these services to take part?"),
                help_text=gettext("Please tell us up to %(days)s days before the event.")
                % {"days": DAYS_BEFORE},
                kind=RegistrationQuestion.Kind.MULTIPLE,
                choices="\n".join(str(label) for label in Service.labels),
                order=last + 1,
                **common,
            ),
            RegistrationQuestion(
                label=gettext("Other access needs"),
                help_text=gettext("In your own words, for example a seat for an assistance dog."),
                kind=RegistrationQuestion.Kind.TEXT,
                order=last + 2,
                **common,
            ),
        ]
    )


def booked_labels(event):
    labels = dict(Service.choices)
    return [labels[key] for key in Service.values if key in event.access_services_booked]


def schema_features(event):
    return [SCHEMA_FEATURES[key] for key in Service.values if key in event.access_services_booked]
