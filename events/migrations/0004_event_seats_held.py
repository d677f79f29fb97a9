"""Event.seats_held: the counter of seats held, filled from the registrations as they are."""

from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

# Registration.SEAT_HOLDING when this migration was written.
SEAT_HOLDING = ["pending", "confirmed"]


def count_seats(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    Registration = apps.get_model("registrations", "Registration")
    held = (
        Registration.objects.filter(event=OuterRef("pk"), status__in=SEAT_HOLDING)
        .order_by()
        .values("event")
        .annotate(count=Count("pk"))
        .values("count")
    )
    Event.objects.update(seats_held=Coalesce(Subquery(held), Value(0)))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_default_legal_pages"),
        ("registrations", "0003_seat_holding_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="seats_held",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="seats held"
            ),
        ),
        migrations.RunPython(count_seats, migrations.RunPython.noop),
    ]
