import importlib

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction

from events.models import Event
from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_second_registration_same_address_any_case_refused():
    event = EventFactory()
    RegistrationFactory(event=event, email="Erika.Mustermann@Example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(event=event, email="erika.mustermann@EXAMPLE.ORG")
    assert Registration.objects.filter(event=event).count() == 1


def test_same_address_allowed_again_after_cancellation():
    event = EventFactory()
    RegistrationFactory(event=event, email="erika@example.org", status="cancelled")
    RegistrationFactory(event=event, email="ERIKA@example.org")
    assert Registration.objects.filter(event=event).count() == 2


def test_same_address_allowed_for_another_event():
    RegistrationFactory(email="erika@example.org")
    RegistrationFactory(email="erika@example.org")
    assert Registration.objects.count() == 2


def test_token_is_unguessable_and_unique():
    first, second = RegistrationFactory(), RegistrationFactory()
    assert len(first.token) >= 40
    assert first.token != second.token


def test_counter_migration_counts_the_seat_holding_statuses():
    migration = importlib.import_module("events.migrations.0004_event_seats_held")
    assert migration.SEAT_HOLDING == list(Registration.SEAT_HOLDING)


def test_counter_migration_fills_the_counter_from_the_rows():
    migration = importlib.import_module("events.migrations.0004_event_seats_held")
    full, empty = EventFactory(), EventFactory()
    for status in ["pending", "confirmed", "confirmed", "waitlisted", "cancelled"]:
        RegistrationFactory(event=full, status=status)
    Event.objects.update(seats_held=7)

    migration.count_seats(django_apps, None)

    assert dict(Event.objects.values_list("pk", "seats_held")) == {full.pk: 3, empty.pk: 0}
