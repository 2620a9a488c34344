"""The table of the shared cache (CACHES: Django's database cache, kalan/core/server_settings.py).

Made whatever CACHES says today, so that an install moving from Redis to the database cache
needs no step of its own; by the same code as `createcachetable`, which skips a table that is
there already.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

from kalan.core.server_settings import CACHE_TABLE


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0009_npm_role_audit_view")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
