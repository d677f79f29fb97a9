"""The two staff groups, Redaktion and Teilnehmermanagement.

Their permissions were once granted here. They are now named in one place,
``landtagstalk.permissions.GROUP_PERMISSIONS``, and ``sync_staff_groups`` creates the groups
and grants exactly those after every ``migrate``; this migration stays for the history.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0001_initial"),
        ("registrations", "0001_initial"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
