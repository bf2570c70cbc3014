from django.db import migrations


def _fill(apps, schema_editor):
    # The live service, not the historical models: the sums must be computed exactly as the app keeps them. It
    # writes ``YearHours`` (with the unit each row is counted in) and ``UnitYearHours`` as they stand here; a later
    # migration changing either must fill them with historical models instead. A migration of its own: on
    # PostgreSQL the foreign keys of 0007 are created at its end, which cannot follow writes to the same tables.
    from training.services.year_hours import training_years, year_hours_rebuild

    for year in training_years():
        year_hours_rebuild(year=year)


class Migration(migrations.Migration):

    dependencies = [
        ('training', '0007_unit_year_hours'),
    ]

    operations = [migrations.RunPython(_fill, migrations.RunPython.noop, elidable=True)]
