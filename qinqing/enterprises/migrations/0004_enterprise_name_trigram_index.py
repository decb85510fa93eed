"""Name search at a million enterprises: a pg_trgm GIN index makes `name ILIKE '%x%'`
an index scan on PostgreSQL. SQLite has no such index and needs none at its scale."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS enterprise_name_trgm ON enterprises_enterprise "
    "USING gin (upper(name) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS enterprise_name_trgm"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in CREATE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_registry_pools_indicators_warnings_imports")]
    operations = [migrations.RunPython(forwards, backwards)]
