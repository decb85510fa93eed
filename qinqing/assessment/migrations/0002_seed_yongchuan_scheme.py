"""Seeds the Yongchuan scheme (see qinqing/assessment/yongchuan.py) as the default."""

from django.db import migrations

from qinqing.assessment.yongchuan import NAME, seed_yongchuan


def seed(apps, schema_editor):
    seed_yongchuan(apps.get_model("assessment", "Scheme"), apps.get_model("assessment", "Indicator"))


def unseed(apps, schema_editor):
    Scheme = apps.get_model("assessment", "Scheme")
    Indicator = apps.get_model("assessment", "Indicator")
    ManualEntry = apps.get_model("assessment", "ManualEntry")
    scheme = Scheme.objects.filter(name=NAME).first()
    if scheme is not None and not ManualEntry.objects.filter(indicator__scheme=scheme).exists():
        Indicator.objects.filter(scheme=scheme).delete()
        scheme.delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_schemes_indicators_manual_entries")]
    operations = [migrations.RunPython(seed, unseed)]
