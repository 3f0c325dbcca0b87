"""Addresses get an opaque public id for URLs: added empty, filled one by one, then made unique and required."""

import uuid

from django.db import migrations, models


def fill(apps, schema_editor):
    Address = apps.get_model("identity", "Address")
    for pk in Address.objects.filter(public_id__isnull=True).values_list("pk", flat=True).iterator():
        Address.objects.filter(pk=pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("identity", "0004_searchkey")]

    operations = [
        migrations.AddField(
            model_name="address", name="public_id", field=models.UUIDField(null=True, editable=False)
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="address",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False),
        ),
    ]
