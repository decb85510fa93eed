"""The task list's timeline is append-only in the database too (core/0004's trigger)."""

from django.db import migrations

from qinqing.core.append_only import postgres_guard

APPEND_ONLY_TABLES = ["tasklist_tasklistevent"]


class Migration(migrations.Migration):
    dependencies = [
        ("tasklist", "0001_tasklist_initial"),
        ("core", "0004_append_only_triggers"),
    ]
    operations = [postgres_guard(*APPEND_ONLY_TABLES)]
