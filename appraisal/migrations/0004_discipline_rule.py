from django.db import migrations

from appraisal.scoring.defaults import seed_defaults


def seed(apps, schema_editor):
    # Adds what is missing of the catalogue (here the discipline rule "discipline_decision"); keeps edited rules.
    seed_defaults(apps.get_model("appraisal", "Scheme"), apps.get_model("appraisal", "SchemeComponent"),
                  apps.get_model("appraisal", "ScoreRule"))


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0003_lecture_rule")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
