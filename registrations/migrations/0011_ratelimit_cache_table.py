"""The table of the rate-limit counters (the "ratelimit" cache with the database cache).

A table of their own: page entries, pictures or content versions never evict a
client's count.
"""

import io

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

CACHE_TABLE = "landtagstalk_ratelimit"


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable(stdout=io.StringIO())
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    if CACHE_TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0010_cache_table"),
    ]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
