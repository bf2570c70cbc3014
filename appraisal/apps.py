from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = _("Appraisal")

    def ready(self) -> None:
        # Register the component providers and grade constraints this app ships; other apps (training,
        # discipline) register theirs in their own ready().
        from appraisal import components_builtin, components_checkup, constraints_builtin  # noqa: F401
