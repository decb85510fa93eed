"""Seeds the Luohe template (5 dimensions × 23 indicators, see qinqing/assessment/luohe.py)
beside the Yongchuan one (whose indicators get their dimensions), and makes the frozen score sheets append-only in the database:
on PostgreSQL the trigger of core's 0004 migration refuses UPDATE and DELETE on them."""

from django.db import migrations

from qinqing.assessment.luohe import NAME, seed_luohe
from qinqing.core.append_only import postgres_guard
from qinqing.assessment.yongchuan import seed_yongchuan_dimensions

APPEND_ONLY_TABLES = ["assessment_scoresheet", "assessment_sheetunit", "assessment_sheetline"]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    models = [apps.get_model("assessment", m) for m in ("Scheme", "Dimension", "Indicator")]
    seed_luohe(*models)
    seed_yongchuan_dimensions(*models)


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Scheme = apps.get_model("assessment", "Scheme")
    scheme = Scheme.objects.filter(name=NAME).first()
    if scheme is None:
        return
    used = apps.get_model("assessment", "ManualEntry").objects.filter(indicator__scheme=scheme)
    sheets = apps.get_model("assessment", "ScoreSheet").objects.filter(scheme=scheme)
    if used.exists() or sheets.exists():
        return
    apps.get_model("assessment", "Indicator").objects.filter(scheme=scheme).delete()
    apps.get_model("assessment", "Dimension").objects.filter(scheme=scheme).delete()
    scheme.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0004_dimensions_units_frozen_sheets"),
        ("core", "0004_append_only_triggers"),
    ]
    operations = [
        migrations.RunPython(seed, unseed),
        postgres_guard(*APPEND_ONLY_TABLES),
    ]
