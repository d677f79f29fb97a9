"""Migrations are append-only: a database of each release (deploy/releases/) upgrades to
the current code with every row and value intact, and no landed migration was renamed,
removed or rewritten."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from .releases import BASE_DIR, migration_files, releases

RELEASES = releases()
BERLIN = datetime.timezone(datetime.timedelta(hours=2))


def test_the_first_release_is_recorded():
    assert [version for version, _ in RELEASES][0] == "0.1.0"
    assert RELEASES[0][1]["commit"] == "88b965b"


def landed_changes(record, current):
    """What happened since the release to its migrations: missing (or renamed), rewritten."""
    problems = []
    for app, landed in record["migrations"].items():
        for name, digest in sorted(landed.items()):
            if name not in current[app]:
                problems.append(f"{app}.{name} missing or renamed")
            elif current[app][name] != digest:
                problems.append(f"{app}.{name} rewritten")
    return problems


@pytest.mark.parametrize(("version", "record"), RELEASES, ids=[v for v, _ in RELEASES])
def test_no_landed_migration_was_renamed_removed_or_rewritten(version, record):
    assert landed_changes(record, migration_files()) == []


def test_check_catches_a_renamed_and_a_rewritten_migration(tmp_path):
    for app in ("events", "registrations"):
        (tmp_path / app / "migrations").mkdir(parents=True)
        for path in (BASE_DIR / app / "migrations").glob("0*.py"):
            (tmp_path / app / "migrations" / path.name).write_bytes(path.read_bytes())
    renamed = tmp_path / "events/migrations/0004_event_seats_held.py"
    renamed.rename(renamed.with_name("0004_seats_held.py"))
    rewritten = tmp_path / "registrations/migrations/0003_seat_holding_index.py"
    rewritten.write_text(rewritten.read_text() + "\n# tidied\n")

    problems = landed_changes(RELEASES[0][1], migration_files(tmp_path))

    assert problems == [
        "events.0004_event_seats_held missing or renamed",
        "registrations.0003_seat_holding_index rewritten",
    ]


def empty_database():
    """Drop every table, as a new server's empty database has none."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f'DROP TABLE "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")


def release_leaves(executor, record):
    """The release's last migrations: those of it that no other migration of it follows."""
    landed = {(app, name) for app, names in record["migrations"].items() for name in names}
    graph = executor.loader.graph
    return sorted(
        node for node in landed
        if not any(child in landed for child in graph.node_map[node].children)
    )


def store_release_data(apps):
    """An event with agenda, speakers and registrations as staff and citizens left them."""
    user_model = apps.get_model("auth", "User")
    group = apps.get_model("auth", "Group").objects.get_or_create(name="Redaktion")[0]
    Event = apps.get_model("events", "Event")
    Speaker = apps.get_model("events", "Speaker")
    AgendaSlot = apps.get_model("events", "AgendaSlot")
    SlotSpeaker = apps.get_model("events", "SlotSpeaker")
    Registration = apps.get_model("registrations", "Registration")
    Feedback = apps.get_model("registrations", "Feedback")

    editor = user_model.objects.create(username="redakteurin", email="r@example.org",
                                       is_staff=True, password="md5$x$y")
    editor.groups.add(group)
    starts = datetime.datetime(2031, 4, 29, 18, 0, tzinfo=BERLIN)
    event = Event.objects.create(
        title="LandtagsTalk: Digital.Bürgernah.Effizient.", slug="landtagstalk-2031",
        organiser="SPD-Fraktion im Landtag NRW", series="LandtagsTalk",
        description="Wie gestalten wir die Kommune der Zukunft?", starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2), format="online",
        online_url="https://zoom.example/j/123", capacity=10, is_published=True,
        sequence=2, seats_held=2,
    )
    speaker = Speaker.objects.create(name="Erika Musterfrau", affix="Dr.", position="MdL",
                                     organisation="Landtag NRW", bio="Digitalpolitikerin.")
    slot = AgendaSlot.objects.create(event=event, starts_at=starts, title="Begrüßung",
                                     kind="welcome", order=0)
    panel = AgendaSlot.objects.create(
        event=event, starts_at=starts + datetime.timedelta(minutes=10),
        ends_at=starts + datetime.timedelta(minutes=60), title="Podium", kind="panel", order=1,
    )
    SlotSpeaker.objects.create(slot=slot, speaker=speaker, role="host", order=0)
    SlotSpeaker.objects.create(slot=panel, speaker=speaker, role="panelist", order=0)
    consent = starts - datetime.timedelta(days=7)
    people = [
        ("Anna", "Confirmed", "confirmed", "Wie sicher ist das Bürgerportal?", True),
        ("Bernd", "Pending", "pending", "", False),
        ("Carla", "Waiting", "waitlisted", "Was kostet die Digitalisierung?", False),
        ("Dieter", "Cancelled", "cancelled", "Eine Frage mit „Anführungszeichen“", False),
    ]
    registrations = [
        Registration.objects.create(
            event=event, first_name=first, last_name=last, email=f"{first.lower()}@bücher.de",
            organisation="Stadt Musterhausen", question=question, question_selected=selected,
            status=status, token=f"token-{first.lower()}-0123456789abcdefghijklmnopqrstu",
            language="de", consent_at=consent, privacy_version="2021-04",
            email_confirmed_at=consent if status == "confirmed" else None,
            confirmed_at=consent if status == "confirmed" else None,
            expires_at=consent + datetime.timedelta(hours=24) if status == "pending" else None,
            cancelled_at=consent if status == "cancelled" else None,
        )
        for first, last, status, question, selected in people
    ]
    Feedback.objects.create(registration=registrations[0], event=event, rating=5,
                            next_topic="Open Data", comment="Sehr gut.")
    return [editor, event, speaker, slot, panel, *SlotSpeaker.objects.all(),
            *registrations, *Feedback.objects.all()]


def _form_question_flag(flag):
    def read(apps, pk):
        question = apps.get_model("registrations", "PanelQuestion").objects.filter(
            registration_id=pk, from_form=True
        ).first()
        return bool(question and getattr(question, flag))

    return read


# Fields that a later release moved to another model, and where their value is now: the
# upgrade must carry it there (registrations 0013: the form's question joins the list).
MOVED = {
    ("registrations", "registration", "question_selected"): _form_question_flag("is_released"),
    ("registrations", "registration", "question_answered"): _form_question_flag("is_answered"),
}


def values(obj):
    obj.refresh_from_db()
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


@pytest.mark.parametrize(("version", "record"), RELEASES, ids=[v for v, _ in RELEASES])
def test_database_of_a_release_upgrades_with_every_row_intact(transactional_db, version, record):
    empty_database()
    executor = MigrationExecutor(connection)
    old_state = executor.migrate(release_leaves(executor, record))
    stored = {
        (obj._meta.app_label, obj._meta.model_name, obj.pk): values(obj)
        for obj in store_release_data(old_state.apps)
    }
    editor_groups = [group.name for group in stored_user_groups(old_state.apps)]

    call_command("migrate", verbosity=0)  # what the operator runs after an upgrade

    new_apps = MigrationExecutor(connection).loader.project_state().apps
    for (app_label, model_name, pk), old in stored.items():
        row = new_apps.get_model(app_label, model_name).objects.get(pk=pk)
        now = {
            name: MOVED[app_label, model_name, name](new_apps, pk)
            if (app_label, model_name, name) in MOVED
            else getattr(row, name)
            for name in old
            if hasattr(row, name) or (app_label, model_name, name) in MOVED
        }
        assert now == old, f"{app_label}.{model_name} {pk} changed in the upgrade"
    assert [group.name for group in stored_user_groups(new_apps)] == editor_groups
    registration = new_apps.get_model("registrations", "Registration")
    assert sorted(registration.objects.values_list("status", flat=True)) == [
        "cancelled", "confirmed", "pending", "waitlisted"
    ]


def stored_user_groups(apps):
    return apps.get_model("auth", "User").objects.get(username="redakteurin").groups.all()
