from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = _("Appraisal")

    def ready(self) -> None:
        # Register the component providers and grade constraints this app ships; the training app registers
        # its own in its ready(); discipline's are read here (constraints_discipline, services.derive), and the
        # leave records of org (constraints_leave); who may be picked on its forms (pickers, org/pickers.py); its
        # lines and panels on the home page (org.home).
        from appraisal import (  # noqa: F401
            components_builtin,
            components_checkup,
            constraints_builtin,
            constraints_category,
            constraints_discipline,
            constraints_leave,
            constraints_quarterly,
            home_panels_quarterly,
            home_todo,
            pickers,
        )
