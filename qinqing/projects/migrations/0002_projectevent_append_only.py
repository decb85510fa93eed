"""The project timeline is append-only in the database too (see core 0004): on
PostgreSQL the shared trigger function refuses UPDATE and DELETE of its rows."""

from django.db import migrations

from qinqing.core.append_only import postgres_guard

APPEND_ONLY_TABLES = ["projects_projectevent"]


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_append_only_triggers"),
        ("projects", "0001_projects_chain_schedule"),
    ]

    operations = [postgres_guard(*APPEND_ONLY_TABLES)]
