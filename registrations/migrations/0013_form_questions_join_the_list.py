"""The questions asked in registration forms so far join the event's list of questions.

"Selected for the panel" becomes "released", "answered" stays answered.
"""

from django.db import migrations


def copy_form_questions(apps, schema_editor):
    Registration = apps.get_model("registrations", "Registration")
    PanelQuestion = apps.get_model("registrations", "PanelQuestion")
    asked = Registration.objects.exclude(question="").filter(purged_at__isnull=True)
    PanelQuestion.objects.bulk_create(
        PanelQuestion(
            event_id=registration.event_id,
            registration=registration,
            text=registration.question,
            from_form=True,
            is_released=registration.question_selected,
            is_answered=registration.question_answered,
        )
        for registration in asked.iterator()
    )


def copy_flags_back(apps, schema_editor):
    Registration = apps.get_model("registrations", "Registration")
    PanelQuestion = apps.get_model("registrations", "PanelQuestion")
    for question in PanelQuestion.objects.filter(from_form=True):
        Registration.objects.filter(pk=question.registration_id).update(
            question_selected=question.is_released, question_answered=question.is_answered
        )
    PanelQuestion.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("registrations", "0012_panel_questions_and_votes")]

    operations = [migrations.RunPython(copy_form_questions, copy_flags_back)]
