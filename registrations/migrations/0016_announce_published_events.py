"""Events published before subscriptions existed count as announced: nobody subscribed then."""

from django.db import migrations


def mark_announced(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    SeriesAnnouncement = apps.get_model("registrations", "SeriesAnnouncement")
    SeriesAnnouncement.objects.bulk_create(
        SeriesAnnouncement(event_id=pk)
        for pk in Event.objects.filter(is_published=True).values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [("registrations", "0015_series_subscriptions")]

    operations = [migrations.RunPython(mark_announced, migrations.RunPython.noop)]
