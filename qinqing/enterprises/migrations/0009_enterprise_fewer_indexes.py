"""Enterprise keeps only the indexes its searches use, since every import writes each
of them: division alone is covered by enterprise_div_industry (division first), the
plain industry index by its pattern-operator twin (which serves equality and prefix),
and size class, compared by equality only, loses its pattern-operator index.

enterprise_div_industry exists on PostgreSQL since 0005 (raw SQL); here it becomes part
of the model, and is created on the other databases."""

import django.db.models.deletion
from django.db import migrations, models

DIV_INDUSTRY = models.Index(
    fields=["division", "industry_code"],
    name="enterprise_div_industry",
    opclasses=["int8_ops", "varchar_pattern_ops"],
)


def create_div_industry(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.add_index(apps.get_model("enterprises", "Enterprise"), DIV_INDUSTRY)


def drop_div_industry(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.remove_index(apps.get_model("enterprises", "Enterprise"), DIV_INDUSTRY)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_membership_role_cadre'),
        ('enterprises', '0008_fk_indexes_covered_by_unique'),
    ]

    operations = [
        # before division loses its own index, so that it is never unindexed
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="enterprise", index=DIV_INDUSTRY)],
            database_operations=[migrations.RunPython(create_div_industry, drop_div_industry)],
        ),
        migrations.AlterField(
            model_name='enterprise',
            name='division',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='enterprises', to='accounts.organisation', verbose_name='administrative division'),
        ),
        migrations.AlterField(
            model_name='enterprise',
            name='industry_code',
            field=models.CharField(blank=True, help_text='门类 letter followed by the 大类/中类/小类 digits, e.g. C3911', max_length=5, verbose_name='industry (GB/T 4754-2017)'),
        ),
        migrations.AlterField(
            model_name='enterprise',
            name='size_class',
            field=models.CharField(blank=True, choices=[('large', 'Large'), ('medium', 'Medium'), ('small', 'Small'), ('micro', 'Micro'), ('na', 'Not applicable'), ('', 'Unknown')], max_length=6, verbose_name='size class'),
        ),
        migrations.AddIndex(
            model_name='enterprise',
            index=models.Index(fields=['industry_code'], name='enterprise_industry', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='enterprise',
            index=models.Index(fields=['size_class'], name='enterprise_size_class'),
        ),
    ]
