"""Registration.checkin_token (the front desk's key in a hall seat's QR code) and checked_in_at.

Added empty, filled with a token of its own for every registration that still has its
data, then given its default: one default for all rows would break the uniqueness.
"""

from django.db import migrations, models

import registrations.models


def give_tokens(apps, schema_editor):
    Registration = apps.get_model("registrations", "Registration")
    for registration in Registration.objects.filter(token__isnull=False).only("pk"):
        registration.checkin_token = registrations.models.new_token()
        registration.save(update_fields=["checkin_token"])


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0021_access_request_mailed"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="checkin_token",
            field=models.CharField(
                editable=False, max_length=64, null=True, unique=True,
                verbose_name="check-in token",
            ),
        ),
        migrations.RunPython(give_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="registration",
            name="checkin_token",
            field=models.CharField(
                default=registrations.models.new_token, editable=False, max_length=64,
                null=True, unique=True, verbose_name="check-in token",
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="checked_in_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="checked in at"),
        ),
    ]
