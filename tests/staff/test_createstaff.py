"""`manage.py createstaff`: staff accounts without a password on the command line, a one-time
link (72 hours) where the person sets their own, on a German page under the CSP."""

import datetime
import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.management import CommandError, call_command, load_command_class

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Landtag-Abend-2026!"


def createstaff(*args):
    out = StringIO()
    call_command("createstaff", *args, stdout=out)
    return out.getvalue()


def link_in(output):
    (link,) = re.findall(r"https?://\S+", output)
    return link


def set_password(client, link, password=NEW_PASSWORD):
    """Open the link as the person does, then send the form."""
    response = client.get(urlsplit(link).path, follow=True)
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else link
    return response, client.post(
        form_path, {"new_password1": password, "new_password2": password}, follow=True
    )


def test_createstaff_creates_account_in_group_without_usable_password(settings):
    settings.SITE_URL = "https://veranstaltungen.example.org"

    output = createstaff("anna", "--email", "anna@example.org", "--group", "Redaktion")

    user = get_user_model().objects.get(username="anna")
    assert (user.email, user.is_staff, user.is_superuser) == ("anna@example.org", True, False)
    assert [group.name for group in user.groups.all()] == ["Redaktion"]
    assert not user.has_usable_password()
    assert "Created staff account anna (Redaktion)." in output
    assert "valid 72 hours" in output
    assert link_in(output).startswith("https://veranstaltungen.example.org/admin/set-password/")


def test_createstaff_updates_existing_account_and_keeps_its_password(staff_user):
    user = staff_user("Redaktion", username="bernd", email="old@example.org")

    output = createstaff(
        "bernd", "--email", "bernd@example.org", "--group", "Teilnehmermanagement", "--superuser"
    )

    user.refresh_from_db()
    assert (user.email, user.is_superuser) == ("bernd@example.org", True)
    assert [group.name for group in user.groups.all()] == ["Teilnehmermanagement"]
    assert user.check_password("pw-for-tests-only")
    assert "Updated staff account bernd (superuser, Teilnehmermanagement)." in output


def test_createstaff_superuser_needs_no_group():
    createstaff("chefin", "--email", "chefin@example.org", "--superuser")

    user = get_user_model().objects.get(username="chefin")
    assert user.is_superuser and user.is_staff and not user.groups.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--group", "Presse"], "Unknown group Presse. Choose from: Redaktion, "),
        ([], "Name a --group (Redaktion or Teilnehmermanagement) or give --superuser."),
        (["--group", "Redaktion", "--email", "kein-at"], "--email 'kein-at': "),
    ],
)
def test_createstaff_bad_arguments_are_clear_errors_and_create_nobody(args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        createstaff("carla", "--email", "carla@example.org", *args)

    assert not get_user_model().objects.filter(username="carla").exists()


def test_createstaff_takes_no_password_option():
    parser = load_command_class("landtagstalk", "createstaff").create_parser("manage.py", "x")
    options = [option for action in parser._actions for option in action.option_strings]

    assert not [option for option in options if "pass" in option]
    with pytest.raises(CommandError, match="unrecognized arguments: --password"):
        createstaff("dora", "--email", "d@example.org", "--group", "Redaktion", "--password", "x")


def test_link_sets_the_password_once(client):
    link = link_in(createstaff("emil", "--email", "emil@example.org", "--group", "Redaktion"))

    form_page, done = set_password(client, link)

    assert "Passwort festlegen" in form_page.content.decode()
    assert "emil" in form_page.content.decode()
    assert "Ihr Passwort ist gesetzt." in done.content.decode()
    user = get_user_model().objects.get(username="emil")
    assert user.check_password(NEW_PASSWORD)
    assert client.login(username="emil", password=NEW_PASSWORD)
    client.logout()

    again = client.get(urlsplit(link).path, follow=True)
    assert "Dieser Link ist ungültig" in again.content.decode()
    assert "<h1>Passwort festlegen</h1>" in again.content.decode()
    assert 'name="new_password1"' not in again.content.decode()


def test_link_refuses_a_weak_password_with_a_message(client):
    link = link_in(createstaff("fritz", "--email", "fritz@example.org", "--group", "Redaktion"))

    _, answer = set_password(client, link, password="123")

    assert "Dieses Passwort ist zu kurz." in answer.content.decode()
    assert not get_user_model().objects.get(username="fritz").has_usable_password()


def test_link_expires_after_72_hours(client, monkeypatch):
    link = link_in(createstaff("gerda", "--email", "gerda@example.org", "--group", "Redaktion"))
    now = datetime.datetime.now()

    monkeypatch.setattr(default_token_generator, "_now", lambda: now + datetime.timedelta(hours=71))
    assert 'name="new_password1"' in client.get(link, follow=True).content.decode()

    monkeypatch.setattr(default_token_generator, "_now", lambda: now + datetime.timedelta(hours=73))
    expired = client.get(urlsplit(link).path, follow=True).content.decode()
    assert "Dieser Link ist ungültig" in expired
    assert 'name="new_password1"' not in expired


def test_set_password_page_obeys_the_csp(client):
    link = link_in(createstaff("hanna", "--email", "hanna@example.org", "--group", "Redaktion"))

    response = client.get(urlsplit(link).path, follow=True)

    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and " style=" not in html
    assert 'lang="de"' in html
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response[
        "Cache-Control"
    ]
