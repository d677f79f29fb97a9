"""Every admin URL as every role: the answer each gets, and no person's data where it must not be.

The table names every URL of the admin site; a new admin page fails
``test_table_names_every_admin_url`` until its row says who may open it.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import URLResolver, reverse
from django.utils import timezone

from events.models import LegalPage
from landtagstalk import permissions
from registrations.models import ExportLog, PurgeLog, Registration, SeriesSubscription
from tests.factories import EventFactory, RegistrationFactory, SlotSpeakerFactory

pytestmark = pytest.mark.django_db

ROLES = ("editor", "manager", "no_group", "superuser")
# What identifies the registrant: none of it may reach a role that does not see people.
SECRETS = ("Geheimrath", "geheim@example.org", "Geheime Frage an das Podium")

OK, FORBIDDEN, MISSING, REDIRECT, NOT_ALLOWED = 200, 403, 404, 302, 405


def row(editor, manager, no_group, superuser, method="get"):
    return {"editor": editor, "manager": manager, "no_group": no_group,
            "superuser": superuser, "method": method}


def superuser_only(superuser=OK):
    return row(FORBIDDEN, FORBIDDEN, FORBIDDEN, superuser)


TABLE = {
    # The site.
    "index": row(OK, OK, OK, OK),
    "password_change": row(OK, OK, OK, OK),
    "password_change_done": row(OK, OK, OK, OK),
    "jsi18n": row(OK, OK, OK, OK),
    "app_list:auth": row(MISSING, MISSING, MISSING, OK),
    "app_list:events": row(OK, OK, MISSING, OK),
    "app_list:registrations": row(MISSING, OK, MISSING, OK),
    "app_list:axes": row(MISSING, MISSING, MISSING, OK),
    "app_list:django_tasks_database": row(MISSING, MISSING, MISSING, OK),
    "app_list:landtagstalk": row(MISSING, OK, MISSING, OK),
    # "View on site": an event's public page, never a registration's personal page.
    "view_on_site:event": row(REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "view_on_site:registration": row(MISSING, MISSING, MISSING, MISSING),
    "autocomplete:speaker": row(OK, FORBIDDEN, FORBIDDEN, OK),
    "autocomplete:event": row(OK, OK, FORBIDDEN, OK),
    # Events: Redaktion edits, Teilnehmermanagement reads.
    "events_event_changelist": row(OK, OK, FORBIDDEN, OK),
    "events_event_add": row(OK, FORBIDDEN, FORBIDDEN, OK),
    "events_event_change": row(OK, OK, FORBIDDEN, OK),
    "events_event_history": row(OK, OK, FORBIDDEN, OK),
    "events_event_delete": row(OK, FORBIDDEN, FORBIDDEN, OK),
    "events_event_copy": row(OK, FORBIDDEN, FORBIDDEN, OK),
    "events_event_documentation": row(OK, FORBIDDEN, FORBIDDEN, OK),
    "events_event_feedback_csv": row(FORBIDDEN, OK, FORBIDDEN, OK, method="post"),
    "events_event_feedback_csv:get": row(FORBIDDEN, NOT_ALLOWED, FORBIDDEN, NOT_ALLOWED),
    **{
        f"events_speaker_{page}": row(OK, FORBIDDEN, FORBIDDEN, OK)
        for page in ("changelist", "add", "change", "history", "delete")
    },
    # Slots are edited on their event's page; their own list only finds one.
    **{
        f"events_agendaslot_{page}": row(OK, FORBIDDEN, FORBIDDEN, OK)
        for page in ("changelist", "change", "history")
    },
    **{
        f"events_agendaslot_{page}": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)
        for page in ("add", "delete")
    },
    "events_legalpage_changelist": row(OK, FORBIDDEN, FORBIDDEN, OK),
    "events_legalpage_change": row(OK, FORBIDDEN, FORBIDDEN, OK),
    "events_legalpage_history": row(OK, FORBIDDEN, FORBIDDEN, OK),
    "events_legalpage_add": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "events_legalpage_delete": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    # Registrations: only Teilnehmermanagement (and superusers) see people.
    "registrations_registration_changelist": row(FORBIDDEN, OK, FORBIDDEN, OK),
    "registrations_registration_change": row(FORBIDDEN, OK, FORBIDDEN, OK),
    "registrations_registration_history": row(FORBIDDEN, OK, FORBIDDEN, OK),
    "registrations_registration_add": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    # Cancelled or erased through the seat services, never deleted.
    "registrations_registration_delete": row(FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "registrations_registration_event_export": row(
        FORBIDDEN, OK, FORBIDDEN, OK, method="post"
    ),
    "registrations_registration_event_export:get": row(
        FORBIDDEN, NOT_ALLOWED, FORBIDDEN, NOT_ALLOWED
    ),
    "registrations_registration_event_questions": row(FORBIDDEN, OK, FORBIDDEN, OK),
    "registrations_registration_event_questions_print": row(FORBIDDEN, OK, FORBIDDEN, OK),
    "registrations_registration_event_questions_wall": row(FORBIDDEN, OK, FORBIDDEN, OK),
    # Counts per series for all staff; the addresses only by the export, a POST.
    "registrations_registration_subscriptions": row(OK, OK, OK, OK),
    "registrations_registration_subscriptions:post": row(
        FORBIDDEN, OK, FORBIDDEN, OK, method="post"
    ),
    "registrations_registration_event_attendance": row(FORBIDDEN, OK, FORBIDDEN, OK),
    "registrations_registration_event_messages": row(FORBIDDEN, OK, FORBIDDEN, OK),
    # The front desk: whoever may record attendance.
    "registrations_registration_event_checkin": row(FORBIDDEN, OK, FORBIDDEN, OK),
    "registrations_registration_event_guests": row(FORBIDDEN, OK, FORBIDDEN, OK),
    "registrations_registration_checkin": row(FORBIDDEN, OK, FORBIDDEN, OK),
    # The mail queue as Teilnehmermanagement sees it: its status, the mails failed for good.
    "landtagstalk_workerheartbeat_changelist": row(FORBIDDEN, OK, FORBIDDEN, OK),
    "registrations_failedmail_changelist": row(FORBIDDEN, OK, FORBIDDEN, OK),
    # Records of what happened to personal data: superusers only, read-only.
    **{
        f"registrations_{model}_{page}": superuser_only()
        for model in ("exportlog", "purgelog")
        for page in ("changelist", "change", "history")
    },
    **{
        f"registrations_{model}_{page}": superuser_only(FORBIDDEN)
        for model in ("exportlog", "purgelog")
        for page in ("add", "delete")
    },
    # Accounts, the mail queue and the login lockout: superusers only.
    **{
        f"auth_{model}_{page}": superuser_only()
        for model in ("user", "group")
        for page in ("changelist", "add", "change", "history", "delete")
    },
    "auth_user_password_change": superuser_only(),
    **{
        f"django_tasks_database_dbtaskresult_{page}": superuser_only()
        for page in ("changelist", "change", "history")
    },
    **{
        f"django_tasks_database_dbtaskresult_{page}": superuser_only(FORBIDDEN)
        for page in ("add", "delete")
    },
    **{
        f"axes_{model}_{page}": superuser_only()
        for model in ("accessattempt", "accesslog", "accessfailurelog")
        for page in ("changelist", "change", "history", "delete")
    },
    **{
        f"axes_{model}_add": superuser_only(FORBIDDEN)
        for model in ("accessattempt", "accesslog", "accessfailurelog")
    },
}

# Not pages of their own: the login and logout, the redirect from an object's bare URL,
# and the catch-all that adds a slash.
NOT_PAGES = {"login", "logout", None}


def admin_url_names(patterns=None):
    for pattern in admin.site.get_urls() if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from admin_url_names(pattern.url_patterns)
        elif pattern.name not in NOT_PAGES:
            yield pattern.name


@pytest.fixture
def world(django_user_model, settings):
    """One of everything the admin shows, with a registrant whose data must stay hidden."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_tasks_db.models import DBTaskResult

    # The admin reads a task row through the queue it was written by.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    event = EventFactory(title="Kommune der Zukunft")
    role = SlotSpeakerFactory(slot__event=event, speaker__name="Öffentliche Rednerin")
    registration = RegistrationFactory(
        event=event,
        first_name="Gustav",
        last_name="Geheimrath",
        email="geheim@example.org",
        question="Geheime Frage an das Podium",
    )
    owner = django_user_model.objects.create_superuser("chef", "chef@example.org", "pw")
    objects = {
        "event": event,
        "agendaslot": role.slot,
        "speaker": role.speaker,
        "legalpage": LegalPage.objects.get(kind=LegalPage.Kind.PRIVACY),
        "registration": registration,
        "exportlog": ExportLog.objects.create(user=owner, event=event, row_count=1),
        "purgelog": PurgeLog.objects.create(event=event, anonymised_count=0, deleted_count=0),
        "user": owner,
        "group": Group.objects.get(name=permissions.EDITORIAL),
        # A mail to the registrant that failed for good: listed, masked, for who sees people.
        "dbtaskresult": DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {"registration_id": registration.pk,
                                                "kind": "confirmed"}},
            status="FAILED",
            finished_at=timezone.now(),
            task_path="registrations.tasks.send_registration_mail",
            backend_name="default",
            queue_name="default",
            run_after=timezone.now(),
        ),
    }
    common = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "x",
              "http_accept": "*/*", "path_info": "/admin/login/"}
    objects["accessattempt"] = AccessAttempt.objects.create(
        get_data="", post_data="", failures_since_start=1, **common
    )
    SeriesSubscription.objects.create(
        email="geheim@example.org", consent_at=timezone.now(), consent_version="2021-04",
        confirmed_at=timezone.now(),
    )
    objects["accesslog"] = AccessLog.objects.create(**common)
    objects["accessfailurelog"] = AccessFailureLog.objects.create(locked_out=False, **common)
    return objects


@pytest.fixture
def users(staff_user, world):
    return {
        "editor": staff_user(permissions.EDITORIAL),
        "manager": staff_user(permissions.PARTICIPANTS),
        "no_group": staff_user(),
        "superuser": world["user"],
    }


def url_for(name, world):
    """(method, url, data) for a row of the table."""
    event = world["event"]
    base, _, variant = name.partition(":")
    if base == "app_list":
        return "get", reverse("admin:app_list", args=[variant]), {}
    if base == "view_on_site":
        content_type = ContentType.objects.get_for_model(world[variant])
        return "get", reverse("admin:view_on_site", args=[content_type.pk, world[variant].pk]), {}
    if base == "autocomplete":
        source = {"speaker": ("slotspeaker", "speaker"), "event": ("agendaslot", "event")}
        model_name, field_name = source[variant]
        query = {"app_label": "events", "model_name": model_name, "field_name": field_name}
        return "get", reverse("admin:autocomplete"), {**query, "term": ""}
    if base in ("index", "jsi18n", "password_change", "password_change_done"):
        return "get", reverse(f"admin:{base}"), {}
    if base.startswith("registrations_registration_event_"):
        return TABLE[name]["method"], reverse(f"admin:{base}", args=[event.pk]), {}
    if base in ("events_event_copy", "events_event_documentation"):
        return "get", reverse(f"admin:{base}", args=[event.pk]), {}
    if base == "events_event_feedback_csv":
        return TABLE[name]["method"], reverse(f"admin:{base}", args=[event.pk]), {}
    if base == "registrations_registration_checkin":
        return "get", reverse(f"admin:{base}", args=[world["registration"].checkin_token]), {}
    if base == "registrations_registration_subscriptions":
        return TABLE[name]["method"], reverse(f"admin:{base}"), {}
    if base == "auth_user_password_change":
        return "get", reverse(f"admin:{base}", args=[world["user"].pk]), {}
    page = base.rsplit("_", 1)[1]
    if page in ("change", "history", "delete"):
        model = base.rsplit("_", 2)[1]
        return "get", reverse(f"admin:{base}", args=[world[model].pk]), {}
    return "get", reverse(f"admin:{base}"), {}


def test_table_names_every_admin_url():
    named = {name.partition(":")[0] for name in TABLE}
    assert set(admin_url_names()) - NOT_PAGES == named


@pytest.mark.parametrize("name", sorted(TABLE))
@pytest.mark.parametrize("role", ROLES)
def test_role_gets_the_answer_of_the_table_and_no_data_beyond_it(
    client, world, users, role, name
):
    client.force_login(users[role])
    method, url, data = url_for(name, world)

    response = getattr(client, method)(url, data)

    assert response.status_code == TABLE[name][role], (role, url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if not permissions.can_see_people(users[role]):
        for secret in SECRETS:
            assert secret.encode() not in body, (role, url, secret)
    assert world["registration"].token.encode() not in body, (role, url)


def test_people_are_shown_to_who_may_see_them(client, world, users):
    url = reverse("admin:registrations_registration_changelist")
    for role in ("manager", "superuser"):
        client.force_login(users[role])
        assert "Geheimrath" in client.get(url).content.decode(), role


def test_anonymous_visitor_is_sent_to_login_from_every_page(client, world):
    for name in TABLE:
        if name.startswith(("jsi18n", "view_on_site")):
            continue
        method, url, data = url_for(name, world)
        response = getattr(client, method)(url, data)
        assert response.status_code == REDIRECT, url
        assert response["Location"].startswith(reverse("admin:login")), url


def test_groups_hold_exactly_what_the_permissions_module_names():
    for name, names in permissions.GROUP_PERMISSIONS.items():
        held = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=name).permissions.select_related("content_type")
        }
        assert held == names, name


def test_migrate_takes_back_a_permission_granted_by_hand(django_db_blocker):
    from django.core.management import call_command

    group = Group.objects.get(name=permissions.EDITORIAL)
    group.permissions.add(Permission.objects.get(codename="view_registration"))

    call_command("migrate", verbosity=0)

    assert not group.permissions.filter(codename="view_registration").exists()


def test_registration_is_named_without_the_person():
    # Django's admin keeps str() in its history, where it would outlive the purge.
    registration = RegistrationFactory(first_name="Gustav", last_name="Geheimrath")

    assert "Geheimrath" not in str(registration)
    assert str(registration.pk) in str(registration)
    assert Registration.objects.get(pk=registration.pk)


def test_admin_history_keeps_no_name_after_a_change(client, world, users):
    from django.contrib.admin.models import LogEntry

    registration = world["registration"]
    client.force_login(users["manager"])
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    form = {"first_name": "Gustav", "last_name": "Geheimrath", "email": "geheim@example.org",
            "organisation": "", "question": "Neue Frage", "attended": ""}

    response = client.post(url, form)

    assert response.status_code == REDIRECT
    entry = LogEntry.objects.get(object_id=str(registration.pk))
    assert "Geheimrath" not in entry.object_repr
