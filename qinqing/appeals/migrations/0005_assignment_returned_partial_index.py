from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('appeals', '0004_appeal_open_due_partial_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(condition=models.Q(('state', 'returned')), fields=['department'], name='assignment_returned'),
        ),
    ]
