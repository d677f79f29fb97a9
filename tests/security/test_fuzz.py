"""Property-based fuzzing (Hypothesis) of the registration form and the Zoom import:
whatever comes in, the answer is a page or a message, never an exception."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from registrations import attendance, services
from registrations.forms import RegistrationForm
from registrations.models import Registration
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Any text, with the characters that broke things before mixed in on purpose.
nasty_text = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["\x00", "\u202e", "\u200b", "\r", "\n", "@", ";", ",", '"', "\ufeff"]),
    ),
    max_size=300,
)
emails = st.one_of(
    st.emails(), nasty_text, st.builds(lambda a, b: f"{a}@{b}", nasty_text, nasty_text)
)
FIELDS = ("first_name", "last_name", "organisation", "question")


@pytest.fixture
def event():
    return EventFactory(is_published=True, slug="talk", capacity=3)


@FUZZ
@given(
    values=st.fixed_dictionaries({name: nasty_text for name in FIELDS}),
    email=emails,
    consent=st.sampled_from(["on", "", "\x00", "yes"]),
)
@example(
    values=dict.fromkeys(FIELDS, "\x00"), email="anna@bücher.de", consent="on"
)
def test_registration_form_and_service_take_any_input(event, values, email, consent):
    form = RegistrationForm({**values, "email": email, "consent": consent}, event=event)

    if form.is_valid():
        with transaction.atomic():
            registration, _ = services.register(
                event=event, **{name: form.cleaned_data[name] for name in (*FIELDS, "email")}
            )
            assert Registration.objects.filter(pk=registration.pk).exists()
            transaction.set_rollback(True)
    else:
        assert form.errors


@FUZZ
@given(
    values=st.fixed_dictionaries({name: nasty_text for name in FIELDS}),
    email=emails,
    extra=st.dictionaries(nasty_text, st.lists(nasty_text, max_size=3), max_size=3),
)
def test_registration_page_answers_any_post_without_server_error(event, values, email, extra):
    client = Client(raise_request_exception=False)

    with transaction.atomic():
        response = client.post(
            "/events/talk/register/", {**extra, **values, "email": email, "consent": "on"}
        )
        transaction.set_rollback(True)

    assert response.status_code in (200, 302, 400, 429)


def csv_rows(delimiter):
    cell = st.one_of(nasty_text, st.emails(), st.just(""))
    return st.lists(st.lists(cell, max_size=6), max_size=12).map(
        lambda rows: "\n".join(delimiter.join(row) for row in rows)
    )


@FUZZ
@given(
    body=st.one_of(
        st.binary(max_size=2000),
        st.sampled_from([",", ";", "\t"]).flatmap(csv_rows).map(lambda t: t.encode("utf-8")),
        st.sampled_from([",", ";"]).flatmap(csv_rows).map(
            lambda t: ("Name;E-Mail\n" + t).encode("cp1252", errors="replace")
        ),
    )
)
def test_zoom_import_reads_any_file_or_says_why_not(event, body):
    try:
        participants = attendance.read_participant_report(body)
    except ValidationError as error:
        assert error.messages
        return
    with transaction.atomic():
        result = attendance.record_attendance(event=event, participants=participants)
        transaction.set_rollback(True)
    assert result.matched + len(result.unmatched) + len(result.without_email) == len(
        participants
    )
