"""The event change form of the admin, posted as staff fill it in."""

from django.urls import reverse
from django.utils.timezone import localtime


def change_event(client, event, **changes):
    data = {
        "series": event.series,
        "title": event.title,
        "subtitle": event.subtitle,
        "slug": event.slug,
        "organiser": event.organiser,
        "description": event.description,
        # The stored times, so that only the given changes change.
        "starts_at_0": localtime(event.starts_at).strftime("%d.%m.%Y"),
        "starts_at_1": localtime(event.starts_at).strftime("%H:%M:%S"),
        "ends_at_0": localtime(event.ends_at).strftime("%d.%m.%Y"),
        "ends_at_1": localtime(event.ends_at).strftime("%H:%M:%S"),
        "format": event.format,
        "location": event.location,
        "capacity": "" if event.capacity is None else event.capacity,
        "venue_capacity": "" if event.venue_capacity is None else event.venue_capacity,
        "street_address": event.street_address,
        "postal_code": event.postal_code,
        "locality": event.locality,
        "online_url": event.online_url,
        "is_published": "on",
        "slots-TOTAL_FORMS": "0",
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "1000",
        "registration_questions-TOTAL_FORMS": "0",
        "registration_questions-INITIAL_FORMS": "0",
        "registration_questions-MIN_NUM_FORMS": "0",
        "registration_questions-MAX_NUM_FORMS": "1000",
        **changes,
    }
    response = client.post(reverse("admin:events_event_change", args=[event.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event.refresh_from_db()
    return event
