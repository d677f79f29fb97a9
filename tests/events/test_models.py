import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from events.models import Event
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_event_end_before_start_refused_by_database():
    start = timezone.now()
    with pytest.raises(IntegrityError):
        EventFactory(starts_at=start, ends_at=start - datetime.timedelta(minutes=1))


def test_event_end_before_start_refused_by_validation():
    start = timezone.now()
    event = EventFactory.build(starts_at=start, ends_at=start)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "Die Veranstaltung muss nach ihrem Beginn enden." in error.value.messages


def test_event_capacity_zero_refused():
    with pytest.raises(IntegrityError):
        EventFactory(capacity=0)


def test_event_queryset_splits_upcoming_and_past():
    now = timezone.now()
    upcoming = EventFactory(starts_at=now + datetime.timedelta(days=1))
    running = EventFactory(starts_at=now - datetime.timedelta(hours=1))
    past = EventFactory(starts_at=now - datetime.timedelta(days=3))
    hidden = EventFactory(starts_at=now + datetime.timedelta(days=2), is_published=False)

    assert list(Event.objects.published().upcoming(now)) == [running, upcoming]
    assert list(Event.objects.published().past(now)) == [past]
    assert hidden not in Event.objects.published()


def test_event_registration_closes_at_start_by_default():
    event = EventFactory.build()
    assert event.registration_closes == event.starts_at
