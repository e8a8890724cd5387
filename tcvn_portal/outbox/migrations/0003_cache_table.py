"""The DatabaseCache table `tcvn_cache` (tcvn_portal.cache.FALLBACK_TABLE): where allauth's and the API's
security counters are kept while Redis is down, and the whole cache where Redis is not configured.

Created by a migration rather than by `createcachetable`, which only creates the tables of the configured
caches (none where the cache is Redis), so that every database has it; created as the owner, the app role
gets its privileges by default (tcvn_portal.dbsetup). It holds no tenant's rows: no row-level security.
A database where `createcachetable` already made it keeps it.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "tcvn_cache"


def create_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("outbox", "0002_schedule")]

    operations = [migrations.RunPython(create_table, drop_table)]
