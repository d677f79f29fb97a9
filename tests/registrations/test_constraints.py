import pytest
from django.db import IntegrityError, transaction
from django.db.models import Q

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


def test_seat_count_index_covers_exactly_the_seat_holding_statuses():
    (index,) = (i for i in Registration._meta.indexes if i.name == "registration_seat_holding")
    assert index.condition == Q(status__in=list(Registration.SEAT_HOLDING))
