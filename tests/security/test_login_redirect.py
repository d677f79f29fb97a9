"""Where staff land after logging in to the admin."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", ""])
def test_login_with_refused_next_lands_on_admin_index(client, editor, next_url):
    response = client.post(
        f"/admin/login/?next={next_url}",
        {"username": editor.username, "password": "pw-for-tests-only", "next": next_url},
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200


def test_login_with_local_next_goes_there(client, editor):
    response = client.post(
        "/admin/login/",
        {"username": editor.username, "password": "pw-for-tests-only", "next": "/admin/events/"},
    )

    assert response["Location"] == "/admin/events/"
