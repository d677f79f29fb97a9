from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registrations", "0013_form_questions_join_the_list")]

    operations = [
        migrations.RemoveField(model_name="registration", name="question_answered"),
        migrations.RemoveField(model_name="registration", name="question_selected"),
    ]
