"""A keyed hash of the client address on unconfirmed registrations; no seat count index.

The seat count under the event lock is gone (Event.seats_held), and with it the need
for its partial index; the new one finds a client's unconfirmed seats in an event.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_event_seats_held"),
        ("registrations", "0003_seat_holding_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="registration",
            name="registration_seat_holding",
        ),
        migrations.AddField(
            model_name="registration",
            name="client_hash",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                max_length=64,
                verbose_name="client address (keyed hash)",
            ),
        ),
        migrations.AddIndex(
            model_name="registration",
            index=models.Index(
                condition=models.Q(("status", "pending")),
                fields=["event", "client_hash"],
                name="registration_client_pending",
            ),
        ),
    ]
