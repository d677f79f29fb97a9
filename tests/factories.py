"""Factories for the test suite."""

import datetime

import factory
from django.utils import timezone

from events.models import AgendaSlot, Event, SlotSpeaker, Speaker
from registrations import questions, services
from registrations.models import PanelQuestion, Registration


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"LandtagsTalk {n}")
    slug = factory.Sequence(lambda n: f"landtagstalk-{n}")
    organiser = "SPD-Fraktion im Landtag NRW"
    # At 18:00 Berlin time two weeks ahead, whenever the suite runs: an event starting late
    # in the evening would run past midnight, where the agenda's times of day roll over.
    starts_at = factory.LazyFunction(
        lambda: (timezone.localtime() + datetime.timedelta(days=14)).replace(
            hour=18, minute=0, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + datetime.timedelta(hours=2))
    location = "Zoom-Konferenz"
    online_url = "https://zoom.example.org/j/123456789"
    is_published = True


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Person {n}")


class AgendaSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaSlot

    event = factory.SubFactory(EventFactory)
    starts_at = factory.LazyAttribute(lambda slot: slot.event.starts_at)
    title = factory.Sequence(lambda n: f"Slot {n}")


class SlotSpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SlotSpeaker

    slot = factory.SubFactory(AgendaSlotFactory)
    speaker = factory.SubFactory(SpeakerFactory)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Mustermann{n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    consent_at = factory.LazyFunction(timezone.now)
    privacy_version = "2021-04"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        registration = super()._create(model_class, *args, **kwargs)
        # Test data made without the seat services: the event's counter follows the rows
        # (and the event object the test holds, which is the same one).
        services.recount_seats(event=registration.event)
        # As services.register does: the form's question joins the event's list.
        questions.record_form_question(registration)
        return registration


class PanelQuestionFactory(factory.django.DjangoModelFactory):
    """A question asked on the personal page of a confirmed registrant."""

    class Meta:
        model = PanelQuestion

    registration = factory.SubFactory(
        RegistrationFactory,
        status=Registration.Status.CONFIRMED,
        email_confirmed_at=factory.LazyFunction(timezone.now),
    )
    event = factory.LazyAttribute(lambda question: question.registration.event)
    text = factory.Sequence(lambda n: f"Frage Nummer {n}?")
