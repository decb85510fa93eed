"""Indexes for the registry search at a million enterprises (PostgreSQL): division with an
industry-code prefix in one index range, and tag-first lookups for the tag filter."""

from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS enterprise_div_industry ON enterprises_enterprise "
    "(division_id, industry_code varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS enterprise_tags_tag_ent ON enterprises_enterprise_tags "
    "(tag_id, enterprise_id)",
]
DROP = [
    "DROP INDEX IF EXISTS enterprise_div_industry",
    "DROP INDEX IF EXISTS enterprise_tags_tag_ent",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in CREATE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0004_enterprise_name_trigram_index")]
    operations = [migrations.RunPython(forwards, backwards)]
