"""Names with bidi overrides or zero-width characters are refused with a clear message."""

import pytest

from registrations.models import Registration
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

MESSAGE = "Bitte entfernen Sie die unsichtbaren Zeichen"


def form_data(**fields):
    return {
        "first_name": "Erika", "last_name": "Mustermann", "email": "erika@example.org",
        "consent": "on", **fields,
    }


@pytest.mark.parametrize(
    "value",
    [
        "\u202enamrednU",  # right-to-left override
        "Erika\u2066x\u2069",  # isolates
        "Eri\u200bka",  # zero-width space
        "Eri\u200dka",  # zero-width joiner
        "\ufeffErika",  # byte order mark
        "Erika\u200f",  # right-to-left mark
    ],
)
@pytest.mark.parametrize("field", ["first_name", "last_name", "organisation", "question"])
def test_invisible_characters_are_refused(client, field, value):
    event = EventFactory(is_published=True)

    response = client.post(f"/events/{event.slug}/register/", form_data(**{field: value}))

    assert response.status_code == 200
    assert MESSAGE in response.text
    assert Registration.objects.count() == 0


def test_names_in_other_scripts_are_welcome(client):
    event = EventFactory(is_published=True)

    response = client.post(
        f"/events/{event.slug}/register/",
        form_data(first_name="Αλέξης", last_name="محمد عبد الله", organisation="Çağrı & Søn"),
    )

    assert response.status_code == 302
    assert Registration.objects.get().last_name == "محمد عبد الله"


def test_speaker_name_with_bidi_override_is_refused(client, django_user_model):
    from events.models import Speaker

    client.force_login(django_user_model.objects.create_superuser("chef", "c@example.org", None))

    response = client.post("/admin/events/speaker/add/", {"name": "Ada \u202eleipsieB"})

    assert response.status_code == 200
    assert MESSAGE in response.text
    assert not Speaker.objects.exists()
