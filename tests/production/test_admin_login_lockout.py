"""Brute-force protection of the admin login (django-axes)."""

import pytest
from axes.models import AccessAttempt

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-only"


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True


def login(client, username, password, address="198.51.100.7"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        secure=True,
    )


def test_five_wrong_passwords_lock_the_login_for_an_hour(client, staff_user):
    user = staff_user()
    for _ in range(4):
        assert login(client, user.username, "wrong").status_code == 200

    fifth = login(client, user.username, "wrong")
    with_right_password = login(client, user.username, PASSWORD)

    assert fifth.status_code == 429
    assert with_right_password.status_code == 429
    assert "Anmeldung gesperrt" in with_right_password.text
    assert "für eine Stunde gesperrt" in with_right_password.text
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == (user.username, "198.51.100.7")


def test_lockout_is_per_user_name_and_address(client, staff_user):
    user = staff_user()
    for _ in range(5):
        login(client, user.username, "wrong")

    from_elsewhere = login(client, user.username, PASSWORD, address="203.0.113.20")

    assert from_elsewhere.status_code == 302
    assert from_elsewhere["Location"] == "/admin/"


def test_successful_login_resets_the_failures(client, staff_user):
    user = staff_user()
    for _ in range(4):
        login(client, user.username, "wrong")

    assert login(client, user.username, PASSWORD).status_code == 302
    client.logout()
    assert login(client, user.username, "wrong").status_code == 200

    assert AccessAttempt.objects.get().failures_since_start == 1


def login_through_proxy(client, username, password, forwarded):
    """A login as the app sees it behind one proxy, which appended ``forwarded``'s last entry."""
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded,
        secure=True,
    )


@pytest.mark.parametrize(
    "forged",
    [
        "203.0.113.1, 198.51.100.7",
        "203.0.113.1,198.51.100.7",
        "not-an-ip, 198.51.100.7",
        "198.51.100.7:5678",
    ],
)
def test_forged_forwarded_for_after_five_failures_stays_locked(
    client, staff_user, settings, forged
):
    settings.TRUSTED_PROXY_COUNT = 1
    user = staff_user()
    for _ in range(5):
        login_through_proxy(client, user.username, "wrong", "198.51.100.7")

    response = login_through_proxy(client, user.username, PASSWORD, forged)

    assert response.status_code == 429
    assert "Anmeldung gesperrt" in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("forwarded", ["not-an-ip", "1.2.3.4:5678", "[::1]:80", "x" * 5000, ""])
def test_login_with_odd_forwarded_for_is_answered(client, staff_user, settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    user = staff_user()

    wrong = login_through_proxy(client, user.username, "wrong", forwarded)
    right = login_through_proxy(client, user.username, PASSWORD, forwarded)

    assert wrong.status_code == 200
    assert "errornote" in wrong.text
    assert right.status_code == 302
