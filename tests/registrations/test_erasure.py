"""Erasing a person: delete-my-data and the retention purge leave no personal trace."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from registrations import erasure, retention, services
from registrations.models import Feedback, MessageDelivery, PurgeLog, RegistrantMessage
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

MARKERS = (
    "Xaveria", "Quastenflosser", "xaveria@example.org", "Kommune Zwirbelhausen",
    "Frage zum Glasfaserausbau", "Thema Moorschutz", "Kommentar mit Herzblut",
)
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def person(event, **extra):
    registration = RegistrationFactory(
        event=event,
        first_name="Xaveria",
        last_name="Quastenflosser",
        email="xaveria@example.org",
        organisation="Kommune Zwirbelhausen",
        question="Frage zum Glasfaserausbau",
        client_hash="c" * 64,
        **extra,
    )
    Feedback.objects.create(
        registration=registration,
        event=event,
        rating=4,
        next_topic="Thema Moorschutz",
        comment="Kommentar mit Herzblut",
    )
    message = RegistrantMessage.objects.create(event=event, subject="Danke", body="Danke!")
    MessageDelivery.objects.create(message=message, registration=registration)
    return registration


def personal_traces():
    """(model, value) of every stored text anywhere that still holds a marker."""
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        for row in model._base_manager.values_list(*names) if names else ():
            found += [(model.__name__, v) for v in row if any(m in str(v) for m in MARKERS)]
    return found


def test_delete_my_data_leaves_no_personal_trace(client):
    registration = person(EventFactory(), status="confirmed")
    assert personal_traces()

    client.post(f"/r/{registration.token}/delete/")

    assert personal_traces() == []
    registration.refresh_from_db()
    assert (registration.token, registration.client_hash, registration.status) == (
        None, "", "cancelled"
    )
    assert Feedback.objects.get(registration=registration).rating == 4


def test_erasing_is_one_transaction(monkeypatch):
    registration = person(EventFactory(), status="confirmed")
    # The registration's fields fail after the feedback text is blanked: nothing may stay.
    monkeypatch.setattr(erasure, "PERSONAL_FIELDS", {"no_such_field": ""})

    with pytest.raises(FieldDoesNotExist):
        services.erase_personal_data(registration=registration)

    assert Feedback.objects.get(registration=registration).comment == "Kommentar mit Herzblut"
    registration.refresh_from_db()
    assert (registration.status, registration.purged_at) == ("confirmed", None)


def test_purge_leaves_no_personal_trace_and_counts_registrations():
    ended = timezone.now() - datetime.timedelta(days=40)
    event = EventFactory(starts_at=ended - datetime.timedelta(hours=2), ends_at=ended)
    person(event, status="confirmed", attended=True)
    # Expired: deleted whole, with its feedback and delivery (rows delete() counts too).
    expired = RegistrationFactory(event=event, status="cancelled", cancel_reason="expired")
    Feedback.objects.create(registration=expired, event=event, rating=2)
    MessageDelivery.objects.create(message=RegistrantMessage.objects.get(), registration=expired)

    assert retention.purge_personal_data(event=event) == (1, 1)

    assert personal_traces() == []
    log = PurgeLog.objects.get()
    assert (log.anonymised_count, log.deleted_count) == (1, 1)
    assert list(Feedback.objects.values_list("rating", flat=True)) == [4]
