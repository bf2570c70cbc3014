"""Annual hour targets from the national cadre-training rules: leadership members 110 hours a year
(550 over five years), everyone else 90 hours a year (12 days). Editable by the organization department."""

from decimal import Decimal

from django.db import migrations

TARGETS = {"leadership": Decimal(110), "middle": Decimal(90), "ordinary": Decimal(90)}


def seed(apps, schema_editor):
    HourTarget = apps.get_model("training", "HourTarget")
    for rank_level, hours in TARGETS.items():
        HourTarget.objects.get_or_create(rank_level=rank_level, defaults={"hours_per_year": hours})


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
