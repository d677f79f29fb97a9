"""The table of the database cache, the default cache (DJANGO_CACHE_URL unset or db://).

Created here so that a fresh installation's rate limit and page cache are shared by all
processes after `migrate`, without a separate `createcachetable`.
"""

import io

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

CACHE_TABLE = "landtagstalk_cache"


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable(stdout=io.StringIO())
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    if CACHE_TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0009_feedback"),
    ]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
