"""One mailbox, one registration: addresses are stored in one normal form."""

import pytest
from django.db import IntegrityError, transaction

from registrations import services
from registrations.models import Registration, normalise_email
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("anna@bücher.de", "anna@bücher.de"),
        ("Anna@BÜCHER.de", "anna@bücher.de"),
        ("anna@xn--bcher-kva.DE", "anna@bücher.de"),
        ("a@xn--zca.de", "a@xn--zca.de"),
        (" Erika@Example.ORG ", "erika@example.org"),
        ("x@" + "a" * 70 + ".de", "x@" + "a" * 70 + ".de"),
        ("", ""),
    ],
)
def test_normal_form(typed, stored):
    assert normalise_email(typed) == stored


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("anna@bücher.de", "anna@xn--bcher-kva.de"),
        ("y@bücher.de", "y@BÜCHER.de"),
        ("y@BÜCHER.de", "Y@xn--bcher-kva.DE"),
    ],
)
def test_two_spellings_of_one_mailbox_make_one_registration(first, second):
    event = EventFactory()

    registration, created = services.register(
        event=event, first_name="Anna", last_name="B", email=first
    )
    again, created_again = services.register(
        event=event, first_name="Anna", last_name="B", email=second
    )

    assert (created, created_again) == (True, False)
    assert again.pk == registration.pk
    assert list(Registration.objects.values_list("email", flat=True)) == [
        normalise_email(first)
    ]


def test_unique_rule_holds_for_any_writer():
    event = EventFactory()
    RegistrationFactory(event=event, email="y@bücher.de")

    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(event=event, email="y@BÜCHER.de")


def test_lookups_use_the_normal_form():
    registration = RegistrationFactory(email="Anna@Bücher.de")

    assert Registration.objects.get(email="anna@BÜCHER.de") == registration
    assert registration.email == "anna@bücher.de"
