"""Append-only in the database, not only in Model.save(): on PostgreSQL a trigger refuses
UPDATE and DELETE on every audit and event table, so QuerySet.update()/delete() or a
stray SQL statement cannot rewrite history. (TRUNCATE, used by test flushes and a full
restore, is not row-level and stays possible for the database owner.)

One exception, listed per table: a foreign key may be set to NULL when the row it names
is deleted (ON DELETE SET NULL: an audit row outlives the user account it recorded).

SQLite gets its triggers from qinqing/core/append_only.py (installed after every migrate);
Django's flush empties tables with DELETE there, so the flush command lifts them.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION qinqing_append_only() RETURNS trigger AS $$
DECLARE
    nullable text;
BEGIN
    IF TG_OP = 'UPDATE' AND TG_NARGS > 0
       AND (to_jsonb(NEW) - TG_ARGV) = (to_jsonb(OLD) - TG_ARGV) THEN
        FOREACH nullable IN ARRAY TG_ARGV LOOP
            IF to_jsonb(NEW) ->> nullable IS NOT NULL
               AND to_jsonb(NEW) -> nullable IS DISTINCT FROM to_jsonb(OLD) -> nullable THEN
                RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP;
            END IF;
        END LOOP;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

# table -> foreign-key columns that ON DELETE SET NULL may clear
TABLES = {
    "core_auditevent": ["user_id"],
    "appeals_appealevent": [],
    "appeals_consultation": [],
    "enterprises_enterpriseevent": [],
    "policies_policyevent": [],
    "ratings_ratingevent": [],
    "assessment_assessmentevent": [],
    "analytics_monthlytopicevent": [],
    "catalog_matterevent": [],
    "liaison_liaisonevent": [],
}


def _create(table: str, nullable: list[str]) -> str:
    args = ", ".join(f"'{column}'" for column in nullable)
    return (
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION qinqing_append_only({args});"
    )


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table, nullable in TABLES.items():
        schema_editor.execute(_create(table, nullable), params=None)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS qinqing_append_only();")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_not_found_kind"),
        ("appeals", "0006_assignment_open_partial_index"),
        ("enterprises", "0007_importjob_lease_and_protected_events"),
        ("policies", "0001_policy_library_rules_matching_grants"),
        ("ratings", "0001_service_events_ratings_rectifications"),
        ("assessment", "0002_seed_yongchuan_scheme"),
        ("analytics", "0004_cockpit_division_rollup"),
        ("catalog", "0001_catalog_initial"),
        ("liaison", "0001_liaison_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
