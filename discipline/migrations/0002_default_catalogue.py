from django.db import migrations

from discipline.defaults import seed_defaults


def seed(apps, schema_editor):
    seed_defaults(apps.get_model("discipline", "DisciplineRule"), apps.get_model("discipline", "DecisionKind"), v1=True)


class Migration(migrations.Migration):
    dependencies = [("discipline", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
