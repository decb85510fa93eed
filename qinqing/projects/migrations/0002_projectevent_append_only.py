"""The project timeline is append-only in the database too (see core 0004): on
PostgreSQL the shared trigger function refuses UPDATE and DELETE of its rows."""

from django.db import migrations

TABLE = "projects_projectevent"


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION qinqing_append_only();",
        params=None,
    )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_append_only_triggers"),
        ("projects", "0001_projects_chain_schedule"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
