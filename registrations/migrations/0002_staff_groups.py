"""Create the two staff groups: Redaktion (no personal data) and Teilnehmermanagement."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORIAL = "Redaktion"
PARTICIPANTS = "Teilnehmermanagement"

GROUP_PERMISSIONS = {
    EDITORIAL: [
        ("events", model, action)
        for model in ("event", "agendaslot", "slotspeaker", "speaker")
        for action in ("add", "change", "delete", "view")
    ],
    PARTICIPANTS: [
        ("events", "event", "view"),
        ("registrations", "registration", "view"),
        ("registrations", "registration", "change"),
        ("registrations", "registration", "export"),
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; this one needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model, action in perms:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{action}_{model}"
                )
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0001_initial"),
        ("registrations", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
