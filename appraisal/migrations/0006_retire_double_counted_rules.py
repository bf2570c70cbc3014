"""Retire the ledger rules that counted a fact a component already counts (one fact, one consequence).

Earlier versions deducted −1 for a task done late, −1 for a report submitted late and −2 for a missing one,
on top of the work and timeliness components that count the same facts. The rules stay (closed periods keep
their rows, frozen with them) but are inactive; the next derivation removes their rows from open periods.
"""

from django.db import migrations

RETIRED = ("task_overdue", "report_late", "report_missing")
NOTE = "已停用：该事实已计入工作实绩或报告及时性分项，不再重复扣分（一事一果）。"


def retire(apps, schema_editor):
    rule = apps.get_model("appraisal", "ScoreRule")
    for found in rule.objects.filter(code__in=RETIRED):
        found.is_active = False
        found.description = NOTE if not found.description else f"{found.description}\n{NOTE}"
        found.save(update_fields=["is_active", "description"])


def restore(apps, schema_editor):
    apps.get_model("appraisal", "ScoreRule").objects.filter(code__in=RETIRED).update(is_active=True)


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0005_annual_procedure")]
    operations = [migrations.RunPython(retire, restore)]
