from django.db import migrations

from appraisal.scoring.defaults import seed_defaults


def seed(apps, schema_editor):
    seed_defaults(apps.get_model("appraisal", "Scheme"), apps.get_model("appraisal", "SchemeComponent"),
                  apps.get_model("appraisal", "ScoreRule"))


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
