from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_username_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["agency", "sequence"], name="audit_event_agency_seq"),
        ),
    ]
