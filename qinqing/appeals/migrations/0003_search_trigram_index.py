"""On PostgreSQL, a pg_trgm GIN index makes the ledger's `search_text ILIKE '%...%'` fast
at a million rows; SQLite keeps the plain scan."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS appeal_search_trgm ON appeals_appeal "
        "USING gin (search_text gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS appeal_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("appeals", "0002_seed_categories_ladder_limits")]
    operations = [migrations.RunPython(forwards, backwards)]
