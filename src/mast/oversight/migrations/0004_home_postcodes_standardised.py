"""Users' home postcodes kept standardised and indexed: the rule for looks at a MAST user's home asks for the
users at a person's postcodes (ADR 0037). Those saved before are standardised here."""

from django.db import migrations, models

from mast.identity.matching.postcodes import normalise_postcode


def standardise(apps, schema_editor):
    UserProfile = apps.get_model("oversight", "UserProfile")
    for profile in UserProfile.objects.exclude(home_postcode=""):
        standard = normalise_postcode(profile.home_postcode)
        if standard != profile.home_postcode:
            UserProfile.objects.filter(pk=profile.pk).update(home_postcode=standard)


class Migration(migrations.Migration):
    dependencies = [("oversight", "0003_teamhours")]

    operations = [
        migrations.AlterField(
            model_name="userprofile",
            name="home_postcode",
            field=models.CharField(blank=True, db_index=True, max_length=10),
        ),
        migrations.RunPython(standardise, migrations.RunPython.noop),
    ]
