from django.db import migrations


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Y03 按时响应 reads 按时响应率 (contact clock), as the figure registry defines it.
    Indicator = apps.get_model("assessment", "Indicator")
    Indicator.objects.filter(code="Y03", figure="appeal_ack_on_time_rate").update(
        figure="appeal_response_on_time_rate"
    )


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    Indicator = apps.get_model("assessment", "Indicator")
    Indicator.objects.filter(code="Y03", figure="appeal_response_on_time_rate").update(
        figure="appeal_ack_on_time_rate"
    )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0002_seed_yongchuan_scheme")]
    operations = [migrations.RunPython(forward, backward)]
