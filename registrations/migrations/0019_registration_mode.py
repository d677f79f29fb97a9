"""Registration.mode: how a person takes part; those of events in a hall take part there."""

from django.db import migrations, models


def in_the_hall(apps, schema_editor):
    Registration = apps.get_model("registrations", "Registration")
    Registration.objects.filter(event__format="in_person").update(mode="venue")


class Migration(migrations.Migration):

    dependencies = [
        ('registrations', '0018_bounces_and_failed_mails'),
        ('events', '0016_event_hybrid_venue'),
    ]

    operations = [
        migrations.AddField(
            model_name='registration',
            name='mode',
            field=models.CharField(choices=[('online', 'Online'), ('venue', 'In the hall')], default='online', max_length=10, verbose_name='taking part'),
        ),
        migrations.RunPython(in_the_hall, migrations.RunPython.noop),
    ]
