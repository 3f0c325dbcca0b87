# Search reads the current records born on a date, and their names, from one index (ADR 0042).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('feeds', '0012_removed_records_indexed'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='partnerrecord',
            index=models.Index(fields=['date_of_birth', 'removed_at', 'given_name', 'family_name'], name='feeds_partnerrecord_dob_names'),
        ),
        migrations.RemoveIndex(
            model_name='partnerrecord',
            name='feeds_partnerrecord_dob',
        ),
    ]
